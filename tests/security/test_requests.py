"""No GET changes state; the NIK look-up takes the NIK in a POST body; the API docs come from the
package behind the login; pages and downloads are not cached; files the app writes are private
(issue 15)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.people_fixtures import PASSWORD
from ucjamsostek.accounts.models import AccessLog
from ucjamsostek.agreements import services as agr
from ucjamsostek.monitoring import services as monitoring
from ucjamsostek.registry.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(users, people):
    admin = users["admin"]
    new = agr.create_agreement(
        admin,
        {"number": "PKS/2027/9", "start": date(2027, 1, 1), "end": date(2028, 1, 1), "funder": "apbd_kab"},
    )
    agr.enroll_people(admin, new, [(people[k].pk, "pekerja_rentan") for k in ("p_a", "p_a2", "p_b")])
    return new


def statuses(agreement) -> list[str]:
    return sorted(Enrollment.objects.filter(coverage__agreement=agreement).values_list("status", flat=True))


def test_downloading_the_registration_file_changes_no_status(client, users, proposed):
    client.force_login(users["dinas"])
    for _ in range(2):
        got = client.get(reverse("agreements:registration_export", args=[proposed.pk]))
        assert got.status_code == 200 and got.content[:2] == b"PK" and "pendaftaran-" in got["Content-Disposition"]
    assert statuses(proposed) == ["proposed"] * 3
    assert client.post(reverse("agreements:registration_export", args=[proposed.pk])).status_code == 405


def test_submitting_is_a_post_with_a_confirmation(client, users, proposed):
    client.force_login(users["dinas"])
    url = reverse("agreements:registration_submit", args=[proposed.pk])
    assert client.get(url).status_code == 405
    refused = client.post(url)
    assert refused.status_code == 422 and "Centang konfirmasi" in refused.content.decode()
    assert statuses(proposed) == ["proposed"] * 3
    done = client.post(url, {"confirm": "1"}, follow=True)
    assert "3 kepesertaan ditandai sudah didaftarkan ke BPJS" in done.content.decode()
    assert statuses(proposed) == ["submitted"] * 3
    page = client.get(reverse("agreements:detail", args=[proposed.pk])).content.decode()
    assert 'id="registration-submit"' in page and "data-confirm=" in page
    client.force_login(users["leadership"])  # may read the agreement, not submit
    assert client.post(url, {"confirm": "1"}).status_code in (403, 404)


def test_nik_lookup_takes_the_nik_in_the_body_and_the_old_path_is_gone(users, people):
    _, key = monitoring.create_api_token(users["dinas"], "uji")
    c, auth = Client(), {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    nik = people["p_a"].nik
    found = c.post("/monev/api/registry/people/lookup", {"nik": nik}, content_type="application/json", **auth)
    assert found.status_code == 200 and found.json()["nik"] == nik
    gone = c.get(f"/monev/api/registry/people/{nik}", **auth)
    assert gone.status_code == 410
    assert "POST" in gone.json()["detail"] and "/monev/api/registry/people/lookup" in gone.json()["detail"]
    assert nik not in gone.content.decode()
    assert AccessLog.objects.filter(kind="lookup").count() == 1  # the old path looks nothing up
    schema = c.get("/monev/api/openapi.json").json()["paths"]
    assert "post" in schema["/monev/api/registry/people/lookup"]
    assert schema["/monev/api/registry/people/{nik}"]["get"]["deprecated"] is True


def test_the_access_log_line_of_a_request_carries_no_nik(capsys):
    import datetime
    from types import SimpleNamespace

    from gunicorn.config import Config

    from ucjamsostek.web.server import JsonLogger

    cfg = Config()
    cfg.set("accesslog", "-")
    log = JsonLogger(cfg)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/monev/api/registry/people/7413011204960001"}
    log.access(SimpleNamespace(status="410 Gone", sent=10), None, environ, datetime.timedelta(milliseconds=3))
    out = capsys.readouterr()
    line = (out.out + out.err).strip()
    assert '"status": 410' in line and "[NIK]" in line and not re.search(r"\d{16}", line), line


def test_api_docs_come_from_the_package_behind_the_login(client, users):
    url = "/monev/api/docs"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/akun/masuk/" in anonymous["Location"]
    client.force_login(users["leadership"])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "swagger-ui" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources  # nothing from a CDN
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert client.get("/monev/api/openapi.json").status_code == 200  # the schema stays public: no data in it


def test_pages_and_downloads_are_not_cached(client, users, proposed):
    client.force_login(users["dinas"])
    for url in ("/", reverse("registry:search"), reverse("agreements:registration_export", args=[proposed.pk])):
        assert "no-store" in client.get(url)["Cache-Control"], url
    login = Client().get("/akun/masuk/")
    assert "no-store" in login["Cache-Control"]


def test_the_database_and_files_the_app_writes_are_private(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)}
    env["UCJAMSOSTEK_DATA_DIR"] = str(data)
    code = (
        "import sys; from ucjamsostek.cli import main; "
        "sys.exit(main(['ucjamsostek', 'migrate', '-v', '0']) or main(['ucjamsostek', 'shell', '-c', "
        '\'from ucjamsostek.screening.services import store_upload; print(store_upload([b"x"], ".csv"))\']))'
    )
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    upload = Path(proc.stdout.strip().splitlines()[-1])
    for path in (data / "ucjamsostek.sqlite3", upload):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for folder in (data, upload.parent):
        assert stat.S_IMODE(folder.stat().st_mode) & 0o077 == 0, folder
    assert PASSWORD  # the shared fixtures stay importable here
