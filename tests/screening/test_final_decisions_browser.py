"""Issue 10 §1 as the Dinas operator does it in a real browser: upload a nomination file, accept
one row and merge one duplicate pair in review, see the batch counts follow, download
hasil-validasi.xlsx and find the final decision with who, when and why."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ucjamsostek.core.report import ROWS_SHEET
from ucjamsostek.screening.models import NominationBatch, ReviewDecision


def _row_link(page, table: str, first_cell: str):
    row = page.locator(f"{table} tbody tr", has=page.locator("td", has_text=re.compile(rf"^{first_cell}$")))
    return row.locator("a")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_review_and_download_show_the_final_decision(
    live_server, jobs_worker, browser_page, artifacts_dir, users, villages, small_file
):
    client = Client()
    client.force_login(users["dinas"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    # upload
    page.goto(live_server.url + reverse("screening:upload"))
    page.fill("input[name=source_name]", "Desa Wakoila")
    page.fill("input[name=as_of]", "2026-01-01")
    page.set_input_files("input[name=file]", str(small_file))
    page.click("#upload-form button[type=submit]")
    page.wait_for_url("**/validasi/berkas/*/", timeout=120_000)
    batch = NominationBatch.objects.get()
    counts = {s: page.inner_text(f"#counts .status-{s} strong") for s in ("eligible", "review", "rejected")}
    assert counts == {"eligible": "3", "review": "3", "rejected": "0"}
    # review: accept row 6, merge the pair 7 ↔ 8
    page.click("text=Tinjau 3 baris")
    page.wait_for_selector("#review-rows")
    _row_link(page, "#review-rows", "6").click()
    page.check("input[name=decision][value=accept]")
    page.fill("textarea[name=reason]", "KTP asli diperiksa di kantor desa")
    page.click("form.decision button[type=submit]")
    page.wait_for_url(f"**{reverse('screening:batch_review', args=[batch.pk])}")
    page.locator("#review-pairs tbody tr a").first.click()
    page.check("input[name=decision][value=merge]")
    page.fill("textarea[name=reason]", "Orang yang sama, nama salah ketik")
    page.click("form.decision button[type=submit]")
    page.wait_for_url(f"**{reverse('screening:batch_review', args=[batch.pk])}")
    assert page.locator("#review-pairs tbody tr a").count() == 0
    # the batch page counts the final decisions; the button names the one row still waiting
    page.goto(live_server.url + reverse("screening:batch", args=[batch.pk]))
    counts = {s: page.inner_text(f"#counts .status-{s} strong") for s in ("eligible", "review", "rejected")}
    assert counts == {"eligible": "4", "review": "1", "rejected": "1"}
    assert page.locator("text=Tinjau 1 baris").count() == 1
    assert "3 layak" in page.inner_text("#screened-counts")
    page.screenshot(path=str(artifacts_dir / "screening-final-counts.png"), full_page=True)
    # the download
    with page.expect_download() as info:
        page.click("a[href$='/unduh/hasil-validasi.xlsx']")
    download = info.value
    assert download.suggested_filename == f"{batch.pk}-hasil-validasi.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()))[ROWS_SHEET]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header, rows = values[0], {v[0]: v for v in values[1:]}
    at = header.index("Keputusan akhir")
    assert header[at : at + 5] == [
        "Keputusan akhir", "Tindakan tinjauan", "Ditinjau oleh", "Waktu tinjauan", "Alasan tinjauan",
    ]  # fmt: skip
    accepted = ReviewDecision.objects.get(decision="accept")
    assert rows[6][1] == "Perlu ditinjau"
    assert rows[6][at : at + 5] == [
        "Layak",
        "terima",
        users["dinas"].get_username(),
        timezone.localtime(accepted.decided_at).strftime("%d-%m-%Y %H:%M"),
        "KTP asli diperiksa di kantor desa",
    ]
    assert rows[8][at : at + 3] == ["Ditolak", "gabung (orang yang sama)", users["dinas"].get_username()]
    assert rows[8][at + 4] == "Orang yang sama, nama salah ketik"
    assert rows[9][at : at + 2] == ["Perlu ditinjau", None]
