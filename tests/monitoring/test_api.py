"""REST API: token auth, role scoping, OpenAPI schema."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.test import Client

from tests.people_fixtures import DESA_A
from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.models import ApiToken

BASE = "/monev/api"


def _client(user) -> tuple[Client, dict[str, str]]:
    _, key = services.create_api_token(user, "uji")
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.django_db
def test_openapi_schema_is_served_and_tokens_are_hashed(dataset, users):
    c = Client()
    r = c.get(f"{BASE}/openapi.json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.")
    assert "/monev/api/dashboard" in schema["paths"]
    _, key = services.create_api_token(users["dinas"], "x")
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(key)).exists()


@pytest.mark.django_db
def test_requests_without_a_valid_token_are_refused(dataset, users):
    c = Client()
    assert c.get(f"{BASE}/indicators").status_code == 401
    assert c.get(f"{BASE}/indicators", HTTP_AUTHORIZATION="Bearer salah").status_code == 401
    token, key = services.create_api_token(users["dinas"], "x")
    services.revoke_api_token(token)
    assert c.get(f"{BASE}/indicators", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


@pytest.mark.django_db
def test_dashboard_scoped_like_the_pages(dataset, users, inline_jobs):
    c, h = _client(users["leadership"])
    d = c.get(f"{BASE}/dashboard?period=2025-S1", **h).json()
    assert d["active"] == 5 and d["area_code"] == "74.13"
    c, h = _client(users["area"])
    d = c.get(f"{BASE}/dashboard?period=2025-S1&area=74.13", **h).json()
    assert d["active"] == 3 and d["area_code"] == DESA_A
    assert c.get(f"{BASE}/indicators/values?period=2025-S1&area=74.13", **h).status_code == 403
    vals = c.get(f"{BASE}/indicators/values?period=2025-S1&indicator=ACTIVE", **h).json()
    assert {v["area_code"] for v in vals} == {DESA_A}
    assert c.get(f"{BASE}/dashboard?period=2025-S9", **h).status_code == 422


@pytest.mark.django_db
def test_nik_lookup_for_allowed_roles_only(dataset, users):
    from ucjamsostek.registry.models import Person

    p = Person.objects.filter(village_id=DESA_A).first()
    other = Person.objects.exclude(village__code__startswith="74.13.01").first()
    def lookup(c: Client, h: dict[str, str], nik: str):  # type: ignore[no-untyped-def]
        return c.post(f"{BASE}/registry/people/lookup", {"nik": nik}, content_type="application/json", **h)

    c, h = _client(users["dinas"])
    r = lookup(c, h, p.nik)
    assert r.status_code == 200 and r.json()["covered_today"] is True
    c, h = _client(users["leadership"])
    assert lookup(c, h, p.nik).status_code == 403
    c, h = _client(users["area"])
    assert lookup(c, h, p.nik).status_code == 200
    assert lookup(c, h, other.nik).status_code == 404
    assert json.loads(lookup(c, h, "123").content)["detail"]


@pytest.mark.django_db
def test_screening_submission_and_status(dataset, users, inline_jobs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ucjamsostek.core.nik import make_nik

    nik = make_nik("74.13.01", __import__("datetime").date(1990, 5, 17), "L", 77)
    csv = f"NIK,Nama,JK,Tgl Lahir,Desa,Kecamatan\n'{nik},La Uji,L,17-05-1990,Wakoila,Sawerigadi\n".encode()
    c, h = _client(users["dinas"])
    r = c.post(
        f"{BASE}/screening/batches",
        {"file": SimpleUploadedFile("usulan.csv", csv, content_type="text/csv"), "source_name": "Desa Wakoila"},
        **h,
    )
    assert r.status_code == 202, r.content
    job = r.json()
    status = c.get(f"{BASE}/jobs/{job['id']}", **h).json()
    assert status["status"] == "done", status
    batch = c.get(f"{BASE}/screening/batches/{status['result']['batch_id']}", **h).json()
    assert batch["row_count"] == 1
    assert batch["eligible"] + batch["review"] + batch["rejected"] == 1
    r = c.post(
        f"{BASE}/screening/batches",
        {"file": SimpleUploadedFile("usulan.pdf", b"%PDF", content_type="application/pdf"), "source_name": "x"},
        **h,
    )
    assert r.status_code == 422 and "usulan.pdf" in r.json()["detail"]  # refused like on the upload page
    c, h = _client(users["leadership"])
    r = c.post(
        f"{BASE}/screening/batches",
        {"file": SimpleUploadedFile("usulan.csv", csv, content_type="text/csv"), "source_name": "x"},
        **h,
    )
    assert r.status_code == 403


@pytest.mark.django_db
def test_coverage_end_is_said_inclusively_on_the_person_page_and_in_the_api(dataset, users):
    """Cover recorded as [01-01-2025, 01-03-2025) ends on 28-02-2025: the page says so, the API
    gives both the stored exclusive end and the inclusive last day."""
    from ucjamsostek.registry.models import Enrollment

    e = Enrollment.objects.get(coverage_start=date(2025, 1, 1), coverage_end=date(2025, 3, 1))
    c = Client()
    c.force_login(users["dinas"])
    page = c.get(f"/penduduk/{e.person_id}/").content.decode()
    assert "01-01-2025 – 28-02-2025" in page and "01-03-2025" not in page
    c, h = _client(users["dinas"])
    r = c.post(f"{BASE}/registry/people/lookup", {"nik": e.person.nik}, content_type="application/json", **h)
    got = r.json()["enrollments"][0]
    assert got["coverage_end"] == "2025-03-01" and got["coverage_last_day"] == "2025-02-28"
