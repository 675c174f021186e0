"""The access-log page (issue 12 §4): admins and auditors read it, filter it by user, kind, days and
"who looked at NIK X", and export it as xlsx or csv; in a real browser too."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.export_checks import xlsx_cells
from tests.people_fixtures import PASSWORD
from ucjamsostek.accounts import services
from ucjamsostek.accounts.models import AccessLog

URL = "/akun/log-akses/"


@pytest.fixture
def logged(users, people):
    """Three entries: the dinas user saw p_a, the area user saw p_a2, the BPJS user looked up p_b."""
    services.record_view(users["dinas"], "registry:detail", people["p_a"].nik, target="pk=1")
    services.record_view(users["area"], "registry:detail", people["p_a2"].nik, target="pk=2")
    services.record_access(users["bpjs"], AccessLog.Kind.LOOKUP, "api:person_by_nik", niks=[people["p_b"].nik])
    return AccessLog.objects.order_by("id")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "dinas", "area", "opd", "budget", "bpjs", "leadership", "auditor"])
def test_only_admins_and_auditors_read_it(client, users, logged, role):
    client.force_login(users[role])
    allowed = role in ("admin", "auditor")
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert client.post(URL, {"unduh": "csv"}).status_code == (200 if allowed else 403)
    menu = client.get("/").content.decode()
    assert (URL in menu) == allowed
    assert reverse("access_log") == URL


@pytest.mark.django_db
def test_filters_by_user_kind_days_and_nik(client, users, people, logged):
    client.force_login(users["auditor"])
    page = client.get(URL)
    assert [r.username for r in page.context["rows"]] == ["u_bpjs", "u_area", "u_dinas"]

    def shown(**data):
        response = client.post(URL, data)
        assert response.status_code == 200
        return [r.username for r in response.context["rows"]]

    assert shown(username="u_area") == ["u_area"]
    assert shown(kind="lookup") == ["u_bpjs"]
    today = timezone.localdate()
    assert shown(start=today.isoformat(), end=today.isoformat()) == ["u_bpjs", "u_area", "u_dinas"]
    assert shown(end=(today - timedelta(days=1)).isoformat()) == []
    nik = people["p_a2"].nik
    assert shown(nik=nik) == ["u_area"]  # who looked at this NIK
    assert shown(nik=f"{nik[:6]} {nik[6:12]} {nik[12:]}") == ["u_area"]  # typed with spaces
    assert shown(nik=people["p_opd"].nik) == []  # nobody looked at this one
    bad = client.post(URL, {"nik": "12345"})
    assert "NIK harus 16 digit angka." in bad.content.decode() and list(bad.context["rows"]) == []
    wrong_way = client.post(URL, {"start": today.isoformat(), "end": (today - timedelta(days=3)).isoformat()})
    assert "Tanggal akhir sebelum tanggal awal." in wrong_way.content.decode()


@pytest.mark.django_db
def test_exports_the_selection_as_xlsx_and_csv(client, users, people, logged):
    client.force_login(users["admin"])
    response = client.post(URL, {"unduh": "csv", "kind": "view"})
    assert response["Content-Disposition"].startswith('attachment; filename="log-akses-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Waktu", "Pengguna", "Jenis akses", "Halaman/ekspor", "Objek", "Jumlah baris", "Jumlah orang"]
    assert [(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("u_area", "Melihat data penduduk", "registry:detail", "pk=2", "1", "1"),
        ("u_dinas", "Melihat data penduduk", "registry:detail", "pk=1", "1", "1"),
    ]
    response = client.post(URL, {"unduh": "xlsx", "nik": people["p_b"].nik})
    values = [c.value for c in xlsx_cells(response.content)]
    assert "u_bpjs" in values and "Mencari NIK (API)" in values and "u_dinas" not in values
    # exporting the log is itself an access, recorded like any download (it names nobody)
    exports = AccessLog.objects.filter(what="access_log").order_by("id")
    assert [(e.username, e.kind, e.people) for e in exports] == [("u_admin", "download", 0)] * 2


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_finds_who_looked_at_a_nik_and_downloads_the_log(live_server, users, people, browser_page):
    page = browser_page
    p = people["p_a"]
    # the dinas operator opens the person page in the browser …
    _login(page, live_server.url, "u_dinas")
    page.goto(f"{live_server.url}/penduduk/{p.pk}/")
    page.get_by_text(p.name).first.wait_for()
    page.context.clear_cookies()
    # … and the auditor, from the menu, asks who looked at that NIK
    _login(page, live_server.url, "u_auditor")
    page.get_by_role("link", name="Log akses data pribadi").first.click()
    page.fill("#id_nik", p.nik)
    page.click("#access-filter button:not([name])")
    rows = page.locator("#access-rows tbody tr")
    assert rows.count() == 1
    text = rows.first.inner_text()
    assert "u_dinas" in text and "Melihat data penduduk" in text and "registry:detail" in text
    assert p.nik not in page.locator("#access-rows").inner_text()
    with page.expect_download() as info:
        page.click("#access-filter button[value=xlsx]")
    values = [c.value for c in xlsx_cells(info.value.path().read_bytes())]
    assert "u_dinas" in values and "registry:detail" in values


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/")
