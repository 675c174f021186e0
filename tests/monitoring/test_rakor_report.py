"""The Rakor Monev report a Bupati signs (issue 11 §3) and its shareable outputs (§4).

The PDF is rendered with poppler (pdftoppm: every page draws; pdftotext page by page: the text, the
page numbers and the page breaks). Its letterhead, number, place and date and signature block come
from the settings page; the executive summary's sentences carry the indicator dictionary's figures
(``monev show --json``); the xlsx carries the same figures, compared number by number; a report
is listed with its number and date, downloadable again, and its share link opens for a leadership
user of its area only.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from tests.monitoring.conftest import dataset  # noqa: F401
from tests.people_fixtures import KEC_A, KEC_B
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.money import format_number
from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.models import IssuedReport

PERIOD = "2025-S1"
SETUP = {
    "government": "Pemerintah Kabupaten Muna Barat",
    "office": "Dinas Tenaga Kerja dan Transmigrasi",
    "address": "Jl. Poros Laworo No. 1, Laworo",
    "place": "Laworo",
    "number_format": "560/{urut}/Disnakertrans/{tahun}",
    "leader_title": "Bupati Muna Barat",
    "leader_name": "La Ode Uji",
    "head_title": "Kepala Dinas Tenaga Kerja dan Transmigrasi",
    "head_name": "Wa Ode Contoh, S.E.",
    "head_nip": "197801012005012001",
}


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is missing (poppler-utils)")
    return exe


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _png(size: tuple[int, int] = (120, 120), fmt: str = "PNG") -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, "white")
    ImageDraw.Draw(im).ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(11, 110, 79))
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


def _set_up(c: Client) -> None:
    logo = io.BytesIO(_png())
    logo.name = "logo.png"
    r = c.post("/monev/laporan/pengaturan/", {**SETUP, "logo": logo})
    assert r.status_code == 302, r.content.decode()[:2000]


def _pages(pdf: Path) -> list[str]:
    info = subprocess.run([_tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    n = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(
            [_tool("pdftotext"), "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for i in range(1, n + 1)
    ]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _issue(user: Any, kind: str, tmp_path: Path) -> tuple[IssuedReport, Path]:
    """Make the report as the dashboard's button does (a background job) and download it."""
    c = _client(user)
    r = c.post("/monev/laporan/", {"period": PERIOD, "format": kind, "area": ""})
    assert r.status_code == 302
    issued = IssuedReport.objects.order_by("-pk").first()
    assert issued is not None and issued.kind == kind and issued.file
    download = c.get(f"/monev/laporan/terbit/{issued.pk}/unduh/")
    assert download.status_code == 200
    out = tmp_path / f"laporan.{kind}"
    out.write_bytes(b"".join(download.streaming_content))  # type: ignore[attr-defined]
    return issued, out


def _show() -> dict[str, dict[str, Any]]:
    out = StringIO()
    call_command("monev", "show", "--period", PERIOD, "--json", stdout=out)
    return {f["code"]: f for f in json.loads(out.getvalue())["figures"]}


@pytest.fixture
def report_env(dataset, users, settings, tmp_path, inline_jobs):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    dinas = users["dinas"]
    meeting = services.create_meeting(dinas, date(2025, 7, 10), PERIOD)
    services.add_follow_up(dinas, meeting, "Validasi data pekerja rentan", "Disnaker", date(2025, 9, 30))
    _set_up(_client(dinas))
    return users


# --------------------------------------------------------------------------------------------------
# §3: the signed report
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pdf_has_the_letterhead_number_summary_and_signatures_on_page_one(report_env, tmp_path):
    issued, pdf = _issue(report_env["dinas"], "pdf", tmp_path)
    assert re.fullmatch(r"560/001/Disnakertrans/\d{4}", issued.number)
    pages = _pages(pdf)
    first = _flat(pages[0])
    # kop surat, number, place and date, signature block — what the settings page holds
    for text in (
        "PEMERINTAH KABUPATEN MUNA BARAT",
        "DINAS TENAGA KERJA DAN TRANSMIGRASI",
        "Jl. Poros Laworo No. 1, Laworo",
        f"Nomor : {issued.number}",
        "Periode : Semester I 2025 (01-01-2025 s.d. 30-06-2025)",
        "Ringkasan Eksekutif",
        "Mengetahui,",
        "Bupati Muna Barat,",
        "La Ode Uji",
        "Kepala Dinas Tenaga Kerja dan Transmigrasi,",
        "Wa Ode Contoh, S.E.",
        "NIP 197801012005012001",
    ):
        assert text in first, f"page 1 lacks {text!r}"
    months = ind.MONTHS_ID
    day = issued.issued_on
    assert f"Laworo, {day.day} {months[day.month - 1]} {day.year}" in first
    # the uploaded logo is drawn on page 1
    images = subprocess.run(
        [_tool("pdfimages"), "-list", "-f", "1", "-l", "1", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert len(images.strip().splitlines()) >= 3, images  # header, rule, one image at least

    # the summary's sentences carry the dictionary's figures (monev show --json)
    fig = _show()
    assert (
        f"Peserta aktif bertambah {fig['ACTIVE']['numerator']} orang, dari 0 (pada 31-12-2024) menjadi "
        f"{fig['ACTIVE']['text']} ({fig['ACTIVE']['window']})." in first
    )
    assert (
        f"{fig['GAP_EXPOSED']['text']} orang yang pernah terlindungi tidak lagi terlindungi "
        f"({fig['GAP_EXPOSED']['window']}); jumlah hari tanpa perlindungan mereka dalam periode ini "
        f"{fig['GAP_PERSON_DAYS']['text']} hari." in first
    )
    assert fig["GAP_EXPOSED"]["numerator"] == 1 and fig["GAP_PERSON_DAYS"]["numerator"] == 122
    assert (
        f"Iuran ditagihkan {fig['BILLED_YTD']['text']}, dibayar {fig['PAID_YTD']['text']}, tunggakan "
        f"{fig['ARREARS_YTD']['text']} ({fig['ARREARS_YTD']['window']})." in first
    )
    # never "ditagihkan Rp0" beside a paid amount: the year to date, not July's bill in S2
    assert fig["BILLED_YTD"]["text"] == "Rp100.800" and fig["PAID_YTD"]["text"] == "Rp50.400"
    # January's bill is unpaid past the BPU 3-month limit on 30-06-2025
    assert "1 tagihan belum lunas melewati batas tunggakan 3 bulan, sebesar Rp50.400" in first
    assert (
        f"{fig['CLAIMS_COUNT']['text']} klaim dibayar dalam periode senilai {fig['CLAIMS_AMOUNT']['text']}; "
        f"rasio klaim {fig['CLAIMS_RATIO']['text']} (klaim dibayar ÷ iuran dibayar dalam periode)." in first
    )
    assert f"Capaian target 2025 (Pekerja Rentan): {fig['TARGET_PROGRESS']['text']}, yaitu 4 dari 8 peserta." in first
    assert "Rekomendasi" in first and "Daftarkan kembali 1 orang" in first
    # then the tables: page 2 starts with the figures' table
    assert "1. Ringkasan angka" in pages[1]


@pytest.mark.django_db
def test_pdf_renders_every_page_numbers_them_and_keeps_headings_with_their_tables(report_env, tmp_path):
    _issued, pdf = _issue(report_env["dinas"], "pdf", tmp_path)
    pages = _pages(pdf)
    n = len(pages)
    assert n >= 4
    subprocess.run([_tool("pdftoppm"), "-r", "30", "-png", str(pdf), str(tmp_path / "p")], check=True, timeout=120)
    from PIL import Image

    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == n
    for image in images:
        with Image.open(image) as im:
            low, high = im.convert("L").getextrema()
            assert high - low > 100, f"{image.name} is blank"
    for i, text in enumerate(pages, start=1):
        assert f"Halaman {i} dari {n}" in text, f"page {i} is not numbered 'Halaman {i} dari {n}'"

    headings = {
        # heading → the first line of what follows it (table header or chart title)
        "1. Ringkasan angka": "Rp48,50 juta dikembalikan",  # the claims sentence, then the table
        "Definisi rasio": "Cakupan kepesertaan:",
        "2. Kepesertaan": "Peserta aktif per akhir bulan",
        "Peserta aktif per segmen dan sumber dana": "Segmen",
        "Cakupan per kecamatan (terendah lebih dahulu)": "",  # its bar chart: the names it draws
        "Cakupan per desa/kelurahan (terendah lebih dahulu)": "Desa/Kelurahan",
        "3. Anggaran dan pembayaran iuran": "Uraian",
        "4. Klaim": "Dalam periode",
        "Dalam periode": "Jenis klaim",
        "Sejak program berjalan": "Jenis klaim",
        "5. Bantuan Subsidi Upah (BSU)": "Uraian",
        "6. Usulan dan validasi": "Hasil validasi",
        "8. Rencana tindak lanjut": "Rapat",
        "Lampiran. Indikator dan definisinya": "Setiap angka",
    }
    for heading, follower in headings.items():
        found = False
        for text in pages:
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            body = [ln for ln in lines if not ln.startswith("Laporan Rakor Monev UC Jamsostek")]
            idx = [k for k, ln in enumerate(body) if ln == heading]
            for k in idx:
                found = True
                assert k + 1 < len(body), f"'{heading}' is the last line of its page"
                assert body[k + 1].startswith(follower), f"'{heading}' is followed by {body[k + 1]!r}"
        assert found, f"heading {heading!r} not found"
    # every page: no heading of the report is its last line
    for i, text in enumerate(pages, start=1):
        body = [ln.strip() for ln in text.splitlines() if ln.strip() and "Halaman" not in ln]
        assert body[-1] not in headings, f"page {i} ends with the heading {body[-1]!r}"


@pytest.mark.django_db
def test_xlsx_carries_the_same_figures_as_the_pdf_number_by_number(report_env, tmp_path):
    users = report_env
    _, pdf = _issue(users["dinas"], "pdf", tmp_path)
    _, xlsx = _issue(users["dinas"], "xlsx", tmp_path)
    text = _flat(" ".join(_pages(pdf)))
    wb = openpyxl.load_workbook(BytesIO(xlsx.read_bytes()))
    fig = _show()

    # every figure of the dictionary: the PDF annex's text, the xlsx's number and text, and the
    # dictionary's value
    rows = list(wb["Indikator"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in rows} == {d.code for d in ind.INDICATORS}
    compared = 0
    for code, name, window, value_text, *numbers, _unit, _why in rows:
        numerator, denominator, number = (None if v == ind.NO_DATA else v for v in numbers)  # a blank cell reads so
        f = fig[code]
        assert f"{name} ({code}): {value_text} — {window}" in text, f"the PDF annex differs for {code}"
        assert value_text == f["text"] and numerator == f["numerator"] and denominator == f["denominator"]
        if f["value"] is None:
            assert number is None
            continue
        compared += 1
        if f["unit"] == "percent":
            assert number == pytest.approx(f["value"] * 100, abs=1e-4)
            shown = value_text.rstrip("%").replace(".", "").replace(",", ".")
            assert float(shown) == pytest.approx(number, abs=0.05)
        else:
            assert number == f["value"]
            digits = re.sub(r"\D", "", value_text)
            assert int(digits) == number, f"{code}: PDF {value_text} vs xlsx {number}"
    assert compared >= 15

    # the summary table: label, value and window, the same in both
    summary = [r for r in wb["Ringkasan"].iter_rows(min_row=6, values_only=True) if r[0]]
    assert len(summary) >= 15
    for label, value, window, *_ in summary:
        assert f"{label} {value} {window}" in text, f"summary row {label!r} differs"
    # the executive summary: the same sentences
    sentences = [r[2] for r in wb["Ringkasan eksekutif"].iter_rows(min_row=2, values_only=True)]
    assert len(sentences) >= 6
    for sentence in sentences:
        assert _flat(sentence) in text
    # the tables' numbers: kecamatan ranking
    for _code, area, active, workers, _pct in wb["Kecamatan"].iter_rows(min_row=2, values_only=True):
        if isinstance(workers, int):
            assert f"{area} {format_number(active)} {format_number(workers)}" in text


@pytest.mark.django_db
def test_report_of_a_period_lists_no_follow_up_of_a_later_meeting(report_env, tmp_path):
    dinas = report_env["dinas"]
    later = services.create_meeting(dinas, date(2026, 1, 15), "2025-S2")
    services.add_follow_up(dinas, later, "Tindak lanjut rapat Januari 2026", "Bappeda", date(2026, 3, 1))
    text = _flat(" ".join(_pages(_issue(dinas, "pdf", tmp_path)[1])))
    assert "Validasi data pekerja rentan" in text and "10-07-2025" in text
    assert "Tindak lanjut rapat Januari 2026" not in text
    assert "15-01-2026" not in text


@pytest.mark.django_db
def test_the_draft_from_the_console_has_a_blank_number_and_default_names(dataset, tmp_path):  # noqa: F811
    out = tmp_path / "draft.pdf"
    call_command("report", "monev", "--period", PERIOD, "--out", str(out), stdout=StringIO())
    first = _flat(_pages(out)[0])
    assert "PEMERINTAH KABUPATEN MUNA BARAT" in first and "Nomor : ....." in first
    assert "Mengetahui," in first and "Bupati Muna Barat," in first and "Kepala Dinas Tenaga Kerja," in first
    assert not IssuedReport.objects.exists()


# --------------------------------------------------------------------------------------------------
# The settings page
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_validates_the_logo_and_is_for_admin_and_dinas(dataset, users, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    c = _client(users["dinas"])
    page = c.get("/monev/laporan/pengaturan/").content.decode()
    assert "Pemerintah Kabupaten Muna Barat" in page and "Bupati Muna Barat" in page  # defaults shown
    for bad, name in ((b"not an image at all", "logo.png"), (_png(fmt="GIF"), "logo.gif")):
        f = io.BytesIO(bad)
        f.name = name
        r = c.post("/monev/laporan/pengaturan/", {**SETUP, "logo": f})
        assert r.status_code == 200
        assert "PNG atau JPEG" in r.content.decode()
    assert not list((tmp_path / "media").rglob("logo-*"))
    r = c.post("/monev/laporan/pengaturan/", {**SETUP, "number_format": "tanpa-urut/2026"})
    assert "{urut}" in r.content.decode()
    jpeg = io.BytesIO(_png(fmt="JPEG"))
    jpeg.name = "logo.jpg"
    assert c.post("/monev/laporan/pengaturan/", {**SETUP, "logo": jpeg}).status_code == 302
    stored = list((tmp_path / "media" / "monev" / "kop").glob("logo-*.jpg"))
    assert len(stored) == 1
    assert c.get("/monev/laporan/pengaturan/logo/")["Content-Type"] == "image/jpeg"
    for role in ("leadership", "budget", "area"):
        assert _client(users[role]).get("/monev/laporan/pengaturan/").status_code == 403
        assert _client(users[role]).post("/monev/laporan/pengaturan/", SETUP).status_code == 403


# --------------------------------------------------------------------------------------------------
# §4: issued reports, share links, chart data
# --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_issued_reports_are_listed_with_number_and_date_and_download_again(report_env, tmp_path):
    users = report_env
    first, _ = _issue(users["dinas"], "pdf", tmp_path)
    second, _ = _issue(users["dinas"], "xlsx", tmp_path)
    assert second.seq == first.seq + 1 and first.number != second.number
    for role in ("leadership", "dinas"):
        page = _client(users[role]).get("/monev/laporan/terbit/").content.decode()
        table = re.search(r'data-testid="issued-reports">(.*?)</table>', page, re.S).group(1)  # type: ignore[union-attr]
        for issued in (first, second):
            assert issued.number in table and f"{issued.issued_on:%d-%m-%Y}" in table
            assert f"/monev/laporan/terbit/{issued.pk}/unduh/" in table
            assert f"/monev/laporan/bagikan/{issued.share_token}/" in table
    again = _client(users["leadership"]).get(f"/monev/laporan/terbit/{first.pk}/unduh/")
    assert again.status_code == 200 and b"".join(again.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    # a kecamatan operator sees no regency report in the list and cannot download one
    area_user = users["area"]
    page = _client(area_user).get("/monev/laporan/terbit/").content.decode()
    assert first.number not in page
    assert _client(area_user).get(f"/monev/laporan/terbit/{first.pk}/unduh/").status_code == 403


@pytest.mark.django_db
def test_share_link_opens_for_leadership_of_the_area_only(report_env, tmp_path):
    users = report_env
    issued, _ = _issue(users["dinas"], "pdf", tmp_path)
    link = f"/monev/laporan/bagikan/{issued.share_token}/"
    r = _client(users["leadership"]).get(link)
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"].startswith("inline")
    assert b"".join(r.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    for role in ("dinas", "admin", "budget", "area", "auditor"):
        assert _client(users[role]).get(link).status_code == 403, role
    assert Client().get(link).status_code == 302  # not logged in: to the login page
    assert _client(users["leadership"]).get("/monev/laporan/bagikan/salah-token/").status_code == 403
    # a leadership user of one kecamatan: refused the regency's report, let in to their own
    camat = users["leadership"]
    camat.area_id = KEC_B
    camat.save()
    assert _client(camat).get(link).status_code == 403
    kec, _ = _issue_area(users["dinas"], KEC_B)
    assert _client(camat).get(f"/monev/laporan/bagikan/{kec.share_token}/").status_code == 200
    other, _ = _issue_area(users["dinas"], KEC_A)
    assert _client(camat).get(f"/monev/laporan/bagikan/{other.share_token}/").status_code == 403


def _issue_area(user: Any, area: str) -> tuple[IssuedReport, Any]:
    r = _client(user).post("/monev/laporan/", {"period": PERIOD, "format": "pdf", "area": area})
    assert r.status_code == 302
    issued = IssuedReport.objects.order_by("-pk").first()
    assert issued is not None and issued.area_code == area
    return issued, r


@pytest.mark.django_db
def test_a_charts_data_downloads_as_xlsx_with_the_dashboards_numbers(report_env):
    from ucjamsostek.monitoring import selectors

    c = _client(report_env["leadership"])
    page = c.get(f"/monev/?period={PERIOD}").content.decode()
    assert 'data-testid="chart-data-tren"' in page and 'data-testid="chart-data-wilayah"' in page
    d = selectors.dashboard(report_env["leadership"], PERIOD)
    assert d is not None
    r = c.get(f"/monev/grafik/tren.xlsx?period={PERIOD}")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    wb = openpyxl.load_workbook(BytesIO(r.content))
    sheet = wb.worksheets[0]
    rows = [list(x) for x in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[:2] for r in rows] == [[c_, n] for c_, _, n in d.trend]
    # one column per segment line of the chart, its months' values
    header = [c.value for c in sheet[1]]
    for s in (s for s in d.trend_series if s.breakdown):
        col = header.index(s.name)
        months = dict(s.months)
        assert [r[col] for r in rows] == [months.get(r[0], 0) for r in rows]
    assert "Pekerja Rentan" in header
    info = {a: b for a, b in wb["Keterangan"].iter_rows(values_only=True)}
    assert info["Target Pekerja Rentan 2025"] == 8
    r = c.get(f"/monev/grafik/wilayah.xlsx?period={PERIOD}")
    rows = list(openpyxl.load_workbook(BytesIO(r.content)).worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(code, active) for code, _n, active, *_ in rows] == [(b.code, b.active) for b in d.ranking]
    info = {a: b for a, b in openpyxl.load_workbook(BytesIO(r.content))["Keterangan"].iter_rows(values_only=True)}
    assert info["Periode"] == "Semester I 2025 (2025-S1)"
    assert c.get(f"/monev/grafik/tidak-ada.xlsx?period={PERIOD}").status_code == 404
