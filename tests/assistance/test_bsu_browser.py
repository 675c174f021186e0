"""The BSU programme page in a real browser: tahap 2 uploaded beside tahap 1, the amounts at stake
shown with the distinct recipients."""

from __future__ import annotations

from datetime import date

import pytest

from tests.assistance.files import paid, write_list
from tests.people_fixtures import PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.mark.django_db(transaction=True)
def test_tahap_2_upload_adds_and_flags(live_server, users, schemes, browser_page, tmp_path, artifacts_dir):
    a, a2, b = schemes["p_a"].nik, schemes["p_a2"].nik, schemes["p_b"].nik
    one = write_list(tmp_path, "bsu-tahap-1", [paid(a, date(2025, 7, 1)), paid(a2, date(2025, 7, 2))], "xlsx")
    two = write_list(tmp_path, "bsu-tahap-2", [paid(a, date(2025, 7, 20)), paid(b, date(2025, 7, 21))], "csv")
    page = browser_page
    page.goto(f"{live_server.url}/akun/masuk/")
    page.fill("#id_username", "u_bpjs")
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    for path in (one, two):
        page.goto(f"{live_server.url}/bantuan/")
        page.select_option("select[name=programme]", "BSU2025")
        page.set_input_files("input[name=file]", str(path))
        page.click("form[action$='/bantuan/unggah/'] button[type=submit]")
        page.wait_for_selector("#bsu-totals")
    body = page.inner_text("body")
    assert "tahap 2: 2 baris, memenuhi syarat 0, tidak memenuhi syarat 2" in body
    assert "Dibayar/tercantum lebih dari sekali: 1 baris, 1 orang; tersalur Rp600.000." in body
    totals = page.inner_text("#bsu-totals")
    assert totals.startswith("3 penerima (orang), 4 pembayaran, tersalur Rp2.400.000.")
    assert "2 pembayaran kepada yang tidak memenuhi syarat, senilai Rp1.200.000." in totals
    assert page.locator("#bsu-lists tbody tr").count() == 2
    assert page.locator("#bsu-rows tbody tr").count() == 4
    page.screenshot(path=str(artifacts_dir / "bsu-tahap-2.png"), full_page=True)
