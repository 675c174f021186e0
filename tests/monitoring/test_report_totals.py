"""The Rakor Monev PDF opens — pdftoppm renders every page pdfinfo counts — and its totals are the
ones the dashboard page shows (read from the page's HTML, not from the selectors both share)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from ucjamsostek.monitoring import services

PERIOD = "2025-S1"
#: dashboard figure (data-testid) → the report's summary row
ROWS = {
    "active": "Peserta aktif",
    "coverage": "Cakupan kepesertaan",
    "budget-allocated": "Anggaran dialokasikan",
    "budget-billed": "Iuran ditagihkan",
    "budget-paid": "Iuran dibayar",
    "gap": "Terpapar kesenjangan perlindungan",
}


def _tool(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        pytest.fail(f"{name} is missing (poppler-utils)")
    return exe


def _dashboard_figures(user) -> dict[str, str]:
    c = Client()
    c.force_login(user)
    r = c.get(f"/monev/?period={PERIOD}")
    assert r.status_code == 200
    page = r.content.decode()
    figures = {}
    for key in (*ROWS, "claims-sentence"):
        m = re.search(rf'data-testid="{key}">([^<]*)<', page)
        assert m, f"{key} is not on the dashboard"
        figures[key] = html.unescape(m.group(1)).split(" · ")[0].strip()
    return figures


@pytest.mark.django_db
def test_pdf_renders_every_page_and_its_totals_equal_the_dashboard_page(dataset, users, tmp_path: Path, inline_jobs):
    dinas = users["dinas"]
    meeting = services.create_meeting(dinas, date(2025, 7, 10), PERIOD)
    services.add_follow_up(dinas, meeting, "Validasi data pekerja rentan", "Disnaker", date(2025, 9, 30))
    shown = _dashboard_figures(users["leadership"])
    # the hand-built dataset's known answers (tests/monitoring/conftest.py): nothing vacuous
    assert shown["active"] == "5"
    assert shown["budget-billed"] == "Rp100.800"  # January's bill; July's is in the next semester
    assert shown["budget-paid"] == "Rp50.400"
    assert shown["gap"] == "1"  # covered January–February, then a gap (the one who died is not counted)

    out = tmp_path / "laporan.pdf"
    call_command("report", "monev", "--period", PERIOD, "--out", str(out), stdout=StringIO())
    assert out.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run([_tool("pdfinfo"), str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    assert pages >= 3
    subprocess.run([_tool("pdftoppm"), "-r", "40", "-png", str(out), str(tmp_path / "p")], check=True, timeout=120)
    images = sorted(tmp_path.glob("p-*.png"))
    assert len(images) == pages, f"pdftoppm rendered {len(images)} of {pages} pages"
    from PIL import Image

    for image in images:
        with Image.open(image) as im:
            assert im.size[0] > 100 and im.size[1] > 100
            low, high = im.convert("L").getextrema()
            assert high - low > 100, f"{image.name} is blank"

    text = " ".join(
        subprocess.run([_tool("pdftotext"), str(out), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    for key, label in ROWS.items():
        assert f"{label} {shown[key]}" in text, f"the report's '{label}' differs from the dashboard's {shown[key]}"
    assert shown["claims-sentence"] and shown["claims-sentence"] in text
    assert "Validasi data pekerja rentan" in text

    # the xlsx report's summary sheet carries the same figures
    import openpyxl

    xlsx = tmp_path / "laporan.xlsx"
    call_command("report", "monev", "--period", PERIOD, "--out", str(xlsx), stdout=StringIO())
    wb = openpyxl.load_workbook(BytesIO(xlsx.read_bytes()))
    summary = {str(a): str(b) for a, b, *_ in wb["Ringkasan"].iter_rows(values_only=True) if a and b is not None}
    for key, label in ROWS.items():
        assert summary.get(label) == shown[key], (label, summary.get(label), shown[key])
