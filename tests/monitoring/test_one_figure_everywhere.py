"""Every indicator of the dictionary gives the same value for the same period and area on the
dashboard page, in the Rakor Monev xlsx, through the API and from ``ucjamsostek monev show`` —
each read from its own interface (HTML, the xlsx file, JSON over HTTP, the command's output)."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from tests.people_fixtures import DESA_A, KEC_A
from ucjamsostek.core import indicators as ind
from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.reports import FIGURE_COLUMNS

NO_DATA = "tidak ada data"
CASES = [("2025-S1", "74.13"), ("2025-S1", KEC_A), ("2025-05", DESA_A), ("2025", "74.13")]


def _dashboard(user, period: str, area: str) -> dict[str, str]:
    c = Client()
    c.force_login(user)
    page = c.get(f"/monev/?period={period}&area={area}").content.decode()
    got = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'data-testid="fig-(\w+)"[^>]*>([^<]*)<', page)}
    assert got, "the dashboard lists no figure"
    return got


def _api(user, period: str, area: str) -> dict[str, dict]:
    _, key = services.create_api_token(user, "uji")
    r = Client().get(
        f"/monev/api/indicators/figures?period={period}&area={area}", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert r.status_code == 200, r.content
    return {f["code"]: f for f in r.json()["figures"]}


def _cli(period: str, area: str) -> dict[str, dict]:
    out = io.StringIO()
    call_command("monev", "show", "--period", period, "--area", area, "--json", stdout=out)
    return {f["code"]: f for f in json.loads(out.getvalue())["figures"]}


def _xlsx(period: str, area: str, tmp_path: Path) -> dict[str, dict]:
    path = tmp_path / f"laporan-{period}-{area}.xlsx"
    call_command("report", "monev", "--period", period, "--area", area, "--out", str(path), stdout=io.StringIO())
    ws = openpyxl.load_workbook(path, read_only=True)["Indikator"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == FIGURE_COLUMNS
    return {r[0]: dict(zip(FIGURE_COLUMNS, r, strict=True)) for r in rows[1:]}


def _cell(v):
    """A number as the xlsx holds it (``tidak ada data`` for none)."""
    return None if v == NO_DATA else v


@pytest.mark.django_db
@pytest.mark.parametrize(("period", "area"), CASES, ids=[f"{p}-{a}" for p, a in CASES])
def test_every_indicator_is_the_same_on_every_interface(dataset, users, tmp_path, period, area):
    services.refresh(period)
    page = _dashboard(users["dinas"], period, area)
    api = _api(users["dinas"], period, area)
    cli = _cli(period, area)
    sheet = _xlsx(period, area, tmp_path)
    codes = [d.code for d in ind.INDICATORS]
    for name, got in (("dashboard", page), ("API", api), ("monev show", cli), ("xlsx", sheet)):
        assert sorted(got) == sorted(codes), f"{name} does not list every indicator of the dictionary"
    for code in codes:
        a, c, x = api[code], cli[code], sheet[code]
        assert page[code] == a["text"] == c["text"] == x["Nilai"], code
        assert a["numerator"] == c["numerator"] == _cell(x["Pembilang"]), code
        assert a["denominator"] == c["denominator"] == _cell(x["Penyebut"]), code
        assert a["window"] == c["window"] == x["Rentang waktu"], code
    known = {code: api[code]["numerator"] for code in codes if api[code]["numerator"] is not None}
    assert len(known) >= 10, f"too few figures have a value for the test to mean anything: {known}"


@pytest.mark.django_db
def test_the_known_answers_of_the_dataset(dataset, users):
    """Not vacuous: the figures are the hand-built dataset's (tests/monitoring/conftest.py)."""
    services.refresh("2025-S1")
    api = _api(users["dinas"], "2025-S1", "74.13")
    assert api["ACTIVE"]["value"] == 5 and api["ACTIVE"]["text"] == "5"
    assert api["GAP_EXPOSED"]["value"] == 1
    assert api["CLAIMS_COUNT_TOTAL"]["value"] == 3 and api["CLAIMS_AMOUNT_TOTAL"]["text"] == "Rp48.500.000"
    assert api["BILLED"]["value"] == 100_800 and api["ARREARS"]["value"] == 50_400
    assert api["CLAIMS_RATIO"]["numerator"] == 47_000_000 and api["CLAIMS_RATIO"]["denominator"] == 50_400


@pytest.mark.django_db
def test_regency_level_figures_have_no_value_below_the_regency(dataset, users):
    services.refresh("2025-S1")
    api = _api(users["dinas"], "2025-S1", KEC_A)
    assert api["BILLED"]["value"] is None and api["BILLED"]["text"] == NO_DATA
    assert "kabupaten" in api["BILLED"]["unavailable"]
    assert api["ACTIVE"]["value"] == 4


@pytest.mark.django_db
def test_dashboard_cards_show_the_dictionary_figures(dataset, users):
    services.refresh("2025-S1")
    page = _dashboard(users["dinas"], "2025-S1", "74.13")
    c = Client()
    c.force_login(users["dinas"])
    body = c.get("/monev/?period=2025-S1").content.decode()
    cards = r'data-testid="(active|coverage|gap|budget-billed|budget-paid)">([^<]*)<'
    card = {m.group(1): html.unescape(m.group(2)).split(" · ")[0].strip() for m in re.finditer(cards, body)}
    assert card == {
        "active": page["ACTIVE"],
        "coverage": page["COVERAGE"],
        "gap": page["GAP_EXPOSED"],
        "budget-billed": page["BILLED"],
        "budget-paid": page["PAID"],
    }


@pytest.mark.django_db
def test_monev_show_prints_each_figure_with_its_window(dataset):
    services.refresh("2025-S1")
    out = io.StringIO()
    call_command("monev", "show", "--period", "2025-S1", stdout=out)
    text = out.getvalue()
    assert re.search(r"^ACTIVE\s+Peserta aktif: 5 \(pada 30-06-2025\)$", text, re.M), text
    assert re.search(r"^CLAIMS_COUNT_TOTAL\s+.*: 3 \(s\.d\. 30-06-2025\)$", text, re.M), text


@pytest.mark.django_db
def test_monev_show_refuses_an_area_outside_the_deployment(dataset):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="tidak dikenal") as exc:
        call_command("monev", "show", "--period", "2025-S1", "--area", "74.03", stdout=io.StringIO())
    assert exc.value.returncode == 2


@pytest.mark.django_db
def test_a_page_never_computes_it_queues_one_job_that_does(dataset, users, settings):
    """With the real queue, the dashboard of a period not computed yet says so and queues the
    refresh job — once, however many times it is opened; the API answers 503 naming that job. The
    worker then computes it and the same page shows the figures."""
    from ucjamsostek.jobs.models import Job
    from ucjamsostek.jobs.services import run_job
    from ucjamsostek.monitoring.models import Snapshot

    settings.JOBS_RUN_INLINE = False
    c = Client()
    c.force_login(users["dinas"])
    for _ in range(2):
        r = c.get("/monev/?period=2025-S1")
        assert r.status_code == 200 and 'data-testid="computing"' in r.content.decode()
    _, key = services.create_api_token(users["dinas"], "uji")
    api = Client().get("/monev/api/indicators/figures?period=2025-S1", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert not Snapshot.objects.exists()
    job = Job.objects.get(kind=services.refresh_kind("2025-S1"))
    assert job.status == Job.Status.QUEUED
    assert api.status_code == 503 and f"#{job.pk}" in api.json()["detail"]

    run_job.call(job.pk, "ucjamsostek.monitoring.services.refresh_job", ["2025-S1"], {})  # as the worker does
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert 'data-testid="active">5<' in c.get("/monev/?period=2025-S1").content.decode()


@pytest.mark.django_db
def test_the_pdf_annex_gives_every_figure_its_value_and_definition(dataset, users, tmp_path):
    import subprocess

    services.refresh("2025-S1")
    api = _api(users["dinas"], "2025-S1", "74.13")
    pdf = tmp_path / "laporan.pdf"
    call_command("report", "monev", "--period", "2025-S1", "--out", str(pdf), stdout=io.StringIO())
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split())
    annex = text.split("Lampiran. Indikator dan definisinya", 1)[1]
    for d in ind.INDICATORS:
        f = api[d.code]
        assert f"{d.name.id} ({d.code}): {f['text']} — {f['window']}" in annex, d.code
        assert " ".join(d.definition.id.split()) in annex, d.code
