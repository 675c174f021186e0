"""The leadership role downloads the Rakor Monev report in a real browser (Chromium through
Playwright): from the dashboard's button, then again from the list of issued reports with its
number and date; the share link opens for leadership and is refused to another role."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.monitoring.conftest import dataset  # noqa: F401
from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.models import IssuedReport

PASSWORD = "Laporan-Uji-2026!"  # noqa: S105
PERIOD = "2025-S1"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def _pdf_text(path: Path) -> str:
    exe = shutil.which("pdftotext")
    assert exe, "pdftotext is missing (poppler-utils)"
    return " ".join(
        subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout.split()
    )


def test_leadership_downloads_the_report_again_and_opens_its_share_link(
    transactional_db,
    dataset,  # noqa: F811
    users,
    live_server,
    inline_jobs,
    browser_page,
    chromium_browser,
    artifacts_dir,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = users["dinas"]
    meeting = services.create_meeting(dinas, date(2025, 7, 10), PERIOD)
    services.add_follow_up(dinas, meeting, "Validasi data pekerja rentan", "Disnaker", date(2025, 9, 30))
    services.save_report_setup(dinas, head_name="Wa Ode Contoh", head_nip="197801012005012001")
    leader = users["leadership"]
    for u in (leader, dinas):
        u.set_password(PASSWORD)
        u.save()
    base, page = live_server.url, browser_page

    _login(page, base, leader.username)
    page.goto(f"{base}/monev/?period={PERIOD}")
    page.wait_for_selector("[data-testid=report-pdf]")
    page.click("[data-testid=report-pdf]")
    button = page.locator("a.button[download]")
    button.wait_for(timeout=120_000)
    with page.expect_download(timeout=120_000) as info:
        button.click()
    pdf = artifacts_dir / "monev-laporan-resmi.pdf"
    info.value.save_as(str(pdf))
    issued = IssuedReport.objects.get()
    text = _pdf_text(pdf)
    assert f"Nomor : {issued.number}" in text
    for line in ("Mengetahui,", "Bupati Muna Barat,", "Wa Ode Contoh", "NIP 197801012005012001"):
        assert line in text
    assert "Ringkasan Eksekutif" in text and "Halaman 1 dari" in text

    # the issued reports: number and date, downloadable again
    page.goto(f"{base}/monev/?period={PERIOD}")
    page.click("[data-testid=issued-reports-link]")
    table = page.locator("[data-testid=issued-reports]")
    row = table.locator("tbody tr").first
    assert issued.number in row.inner_text() and f"{issued.issued_on:%d-%m-%Y}" in row.inner_text()
    with page.expect_download(timeout=60_000) as again:
        row.locator("[data-testid=issued-download]").click()
    again_path = tmp_path / "again.pdf"
    again.value.save_as(str(again_path))
    assert again_path.read_bytes() == pdf.read_bytes()
    page.screenshot(path=str(artifacts_dir / "monev-laporan-terbit.png"), full_page=True)

    # the share link: it opens for the leadership user, read-only (the PDF itself)
    link = row.locator("[data-testid=share-link]").input_value()
    assert re.search(rf"/monev/laporan/bagikan/{re.escape(issued.share_token)}/$", link)
    shared = page.request.get(link)
    assert shared.status == 200 and shared.headers["content-type"] == "application/pdf"
    assert shared.body() == pdf.read_bytes()

    # … and is refused to another role
    other = chromium_browser.new_context(locale="id-ID")
    try:
        p2 = other.new_page()
        _login(p2, base, dinas.username)
        assert p2.request.get(link).status == 403
    finally:
        other.close()
