"""The claims page in a real browser: an uploaded file's flagged claims are named with their rows
and shown apart from the totals."""

from __future__ import annotations

from datetime import date

import pytest

from tests.claims.files import claim, write_claims
from tests.people_fixtures import PASSWORD

pytestmark = [pytest.mark.browser]
STRANGER = "7403010101800007"


@pytest.mark.django_db(transaction=True)
def test_upload_shows_flagged_claims_apart(live_server, users, people, browser_page, tmp_path, artifacts_dir):
    a, b = people["p_a"].nik, people["p_b"].nik
    path = write_claims(
        tmp_path,
        "klaim-juli",
        [
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 9), 12_500_000),
            claim(b, "JKM", date(2025, 6, 1), date(2025, 7, 1), 40_000_000),
            claim(STRANGER, "JKK", date(2025, 3, 1), date(2025, 4, 1), 2_000_000),
        ],
        "xlsx",
    )
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_bpjs")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/klaim/")
    page.set_input_files("input[name=file]", str(path))
    page.click("form[action$='/klaim/unggah/'] button[type=submit]")
    page.wait_for_selector("#flagged-claims")
    body = page.inner_text("body")
    duplicate = "Klaim ganda (NIK, jenis dan tanggal kejadian sama dengan klaim sebelumnya)"
    assert f"{duplicate}: 1 klaim senilai Rp12.500.000" in body
    assert "Nominal berbeda dari tabel manfaat: 1 klaim senilai Rp40.000.000" in body
    assert "baris: 5" in body  # the claimant not in the registry, by its row
    assert "1 klaim dibayar senilai Rp12.500.000" in body  # only the clean claim counts
    assert page.locator("#flagged-total").inner_text().startswith("3 klaim dibayar ditandai, senilai Rp54.500.000")
    rows = page.locator("#flagged-claims tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == ["3", "4", "5"]
    page.screenshot(path=str(artifacts_dir / "claims-flagged.png"), full_page=True)
