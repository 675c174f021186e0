"""Issue 9 "Done when": one scenario across every money step, built from real files through the
commands a Dinas runs, gives exact rupiah figures — and the CLI, the dashboard, the Rakor Monev
xlsx and the API agree on them to the rupiah.

The scenario (months relative to today, as ``test_payments.py``: the SP2D date rule, the lapse and
the arrears read today's date), under that module's PKS (p_a, p_a2, p_b BPU; p_opd PU non-ASN):

* a Dukcapil deaths list (csv) names p_b, dead on the 20th of month M — the registry knows nothing;
* bill M (csv): p_a, p_a2, p_b, p_opd for M;
* bill M+1 (xlsx): the four for M+1 — p_b now after the death — and a re-bill of p_a's and p_opd's M;
* bill M is paid Rp10.000 over its payable amount (kelebihan bayar); bill M+1 stays unpaid;
* bill M+1 unpaid past the limit: p_a's and p_a2's BPU memberships lapse on the first of this month;
* BSU 2025 tahap 1 (csv) pays p_opd; tahap 2 (xlsx) pays p_opd again and the BPU p_a.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.assistance.files import paid, write_list
from tests.monitoring.test_one_figure_everywhere import _api, _cell, _cli, _dashboard, _xlsx
from tests.operations.bill_files import write_bill
from tests.operations.test_deaths import _deaths_list
from tests.operations.test_payments import _month, pks  # noqa: F401
from ucjamsostek.billing.models import Invoice
from ucjamsostek.core.rates import add_months, monthly_contribution
from ucjamsostek.registry.models import Enrollment

M, M1, THIS_MONTH = _month(-5), _month(-4), _month(0)
BPU = {m: monthly_contribution("BPU", "public", m) for m in (M, M1)}
PU = {m: monthly_contribution("PU", "public", m, wage=2_552_000) for m in (M, M1)}
DIED = M.replace(day=20)
OVER = 10_000
BSU_PERIOD = "2025-07"

# hand-computed: M pays all four; M+1 pays p_a, p_a2, p_opd for M+1 — not the dead p_b, not the re-bill
PAYABLE_M = 3 * BPU[M] + PU[M]
PAYABLE_M1 = 2 * BPU[M1] + PU[M1]
BILLED_M1 = PAYABLE_M1 + BPU[M1] + BPU[M] + PU[M]
ARREARS = PAYABLE_M1  # M is paid (and over-paid); M+1 is owed in full
BSU_PEOPLE, BSU_PAYMENTS, BSU_AMOUNT = 2, 3, 1_800_000


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _rp(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Scenario:
    people: dict
    users: dict
    out: dict[str, str]
    classes: list[dict[str, str]]
    tmp: Path


@pytest.fixture
def scenario(pks, people, users, tmp_path) -> Scenario:  # noqa: F811
    a, a2, b, o = (people[k].nik for k in ("p_a", "p_a2", "p_b", "p_opd"))
    out: dict[str, str] = {}
    _run("reference", "load", "deaths", str(_deaths_list(tmp_path / "meninggal.csv", [(b, f"{DIED:%d-%m-%Y}")])))

    bill_m = write_bill(
        tmp_path / "tagihan-m.csv",
        [(a, f"{M:%Y-%m}", _rp(BPU[M])), (a2, f"{M:%m/%Y}", _rp(BPU[M])), (b, f"{M:%Y-%m}", _rp(BPU[M])),
         (o, f"{M:%Y-%m}", _rp(PU[M]))],
    )  # fmt: skip
    _run("billing", "import", str(bill_m), "--number", "TAG/M")
    bill_m1 = write_bill(
        tmp_path / "tagihan-m1.xlsx",
        [
            (a, f"{M1:%Y-%m}", _rp(BPU[M1])),  # line 2
            (a2, f"{M1:%Y-%m}", _rp(BPU[M1])),  # line 3
            (o, f"{M1:%Y-%m}", _rp(PU[M1])),  # line 4
            (b, f"{M1:%Y-%m}", _rp(BPU[M1])),  # line 5: p_b died on the 20th of M
            (a, f"{M:%m/%Y}", _rp(BPU[M])),  # line 6: M again (line 2 of TAG/M)
            (o, f"{M:%Y-%m}", _rp(PU[M])),  # line 7: M again (line 5 of TAG/M)
        ],
    )
    _run("billing", "import", str(bill_m1), "--number", "TAG/M1")
    _run("billing", "reconcile", "--period", f"{M:%Y-%m}", "--out", str(tmp_path / "rek-m"))
    _run("billing", "reconcile", "--period", f"{M1:%Y-%m}", "--out", str(tmp_path / "rek-m1"))
    with (tmp_path / "rek-m1" / "reconciliation.csv").open(encoding="utf-8") as fh:
        classes = list(csv.DictReader(fh))

    paid_on = M + timedelta(days=9)
    out["pay"] = _run(
        "billing", "pay", "--period", f"{M:%Y-%m}", "--sp2d", "SP2D/M", "--date", f"{paid_on}",
        "--amount", _rp(PAYABLE_M + OVER),
    )  # fmt: skip
    out["lapse"] = _run("billing", "lapse")

    one = write_list(tmp_path, "bsu-tahap-1", [paid(o, date(2025, 7, 1))], "csv")
    two = write_list(tmp_path, "bsu-tahap-2", [paid(o, date(2025, 7, 16)), paid(a, date(2025, 7, 17))], "xlsx")
    out["bsu1"] = _run("assistance", "import", str(one), "--programme", "BSU2025")
    out["bsu2"] = _run("assistance", "import", str(two), "--programme", "BSU2025")
    out["arrears"] = _run("billing", "arrears", "--json")
    return Scenario(people, users, out, classes, tmp_path)


def test_the_rates_the_figures_are_computed_from():
    """The hand computation below rests on these (DOMAIN.md §1: BPU Rp16.800, PU Rp13.780)."""
    assert set(BPU.values()) == {16_800}
    assert set(PU.values()) == {13_780}  # DOMAIN.md: Rp13.780, JKK 0,24% + JKM 0,30% of Rp2.552.000


@pytest.mark.django_db
def test_the_month_after_a_re_bill_and_a_dukcapil_only_death_is_reconciled_to_the_rupiah(scenario):
    p = scenario.people
    cols = ("line", "nik", "class", "billed", "expected", "repeats_period", "repeats_number", "repeats_line")
    got = [tuple(r[c] for c in cols) for r in scenario.classes if r["line"]]
    assert got == [
        ("2", p["p_a"].nik, "MATCHED", str(BPU[M1]), str(BPU[M1]), "", "", ""),
        ("3", p["p_a2"].nik, "MATCHED", str(BPU[M1]), str(BPU[M1]), "", "", ""),
        ("4", p["p_opd"].nik, "MATCHED", str(PU[M1]), str(PU[M1]), "", "", ""),
        ("5", p["p_b"].nik, "BILLED_AFTER_DEATH", str(BPU[M1]), "0", "", "", ""),
        ("6", p["p_a"].nik, "BILLED_TWICE", str(BPU[M]), "0", f"{M:%Y-%m}", "TAG/M", "2"),
        ("7", p["p_opd"].nik, "BILLED_TWICE", str(PU[M]), "0", f"{M:%Y-%m}", "TAG/M", "5"),
    ]
    bill_m, bill_m1 = Invoice.objects.get(period=M), Invoice.objects.get(period=M1)
    assert (bill_m.billed_total, bill_m.payable) == (PAYABLE_M, PAYABLE_M) == (64_180, 64_180)
    assert (bill_m1.billed_total, bill_m1.payable) == (BILLED_M1, PAYABLE_M1) == (94_760, 47_380)


@pytest.mark.django_db
def test_the_over_payment_is_a_credit_and_the_arrears_are_the_unpaid_payable_lines(scenario):
    assert f"Kelebihan bayar Rp{_rp(OVER)} dicatat sebagai kredit" in scenario.out["pay"]
    report = json.loads(scenario.out["arrears"])
    assert (report["total"], report["credit"]) == (ARREARS, OVER) == (47_380, 10_000)
    assert [(b["period"], b["paid"], b["outstanding"], b["status"]) for b in report["bills"]] == [
        (f"{M:%Y-%m}", PAYABLE_M + OVER, 0, "overpaid"),
        (f"{M1:%Y-%m}", 0, PAYABLE_M1, "lapsed"),  # owed past the limit: the lapse below
    ]


@pytest.mark.django_db
def test_the_unpaid_bill_ends_the_bpu_memberships_billed_on_it(scenario, pks):  # noqa: F811
    assert add_months(M1, 4) == THIS_MONTH
    assert f"{M1:%m/%Y}\tberakhir {THIS_MONTH:%d-%m-%Y}" in scenario.out["lapse"]
    ends = {k: Enrollment.objects.get(person=scenario.people[k]).coverage_end for k in ("p_a", "p_a2", "p_opd")}
    assert ends == {"p_a": THIS_MONTH, "p_a2": THIS_MONTH, "p_opd": pks.end}  # p_opd is PU: no lapse


@pytest.mark.django_db
def test_a_line_reconciliation_rejected_lapses_no_one(scenario, pks):  # noqa: F811
    assert "Kepesertaan BPU berakhir karena tunggakan: 2 baru" in scenario.out["lapse"]
    assert Enrollment.objects.get(person=scenario.people["p_b"]).coverage_end == pks.end


@pytest.mark.django_db
def test_bsu_tahap_2_adds_to_tahap_1_and_counts_distinct_people(scenario):
    assert "Rp600.000" in scenario.out["bsu2"]  # p_opd's second payment is flagged with its amount
    _run("monev", "refresh", "--period", BSU_PERIOD)
    figures = _api(scenario.users["dinas"], BSU_PERIOD, "74.13")
    assert (figures["BSU_COUNT"]["numerator"], figures["BSU_AMOUNT"]["numerator"]) == (BSU_PEOPLE, BSU_AMOUNT)


@pytest.mark.django_db
@pytest.mark.parametrize("period", [f"{M:%Y-%m}", f"{M1:%Y-%m}", BSU_PERIOD])
def test_cli_dashboard_report_and_api_agree_to_the_rupiah(scenario, period):
    arrears_cli = json.loads(scenario.out["arrears"])["total"]
    _run("monev", "refresh", "--period", period)
    api = _api(scenario.users["dinas"], period, "74.13")
    cli = _cli(period, "74.13")
    sheet = _xlsx(period, "74.13", scenario.tmp)
    page = _dashboard(scenario.users["dinas"], period, "74.13")
    for code in api:
        assert api[code]["numerator"] == cli[code]["numerator"] == _cell(sheet[code]["Pembilang"]), code
        assert api[code]["text"] == cli[code]["text"] == sheet[code]["Nilai"] == page[code], code
    if period == BSU_PERIOD:
        assert (api["BSU_COUNT"]["numerator"], api["BSU_AMOUNT"]["numerator"]) == (BSU_PEOPLE, BSU_AMOUNT)
        assert api["BSU_AMOUNT"]["text"] == "Rp1.800.000"
    elif period == f"{M:%Y-%m}":
        figures = (api["BILLED"]["numerator"], api["PAID"]["numerator"], api["ARREARS"]["numerator"])
        assert figures == (PAYABLE_M, PAYABLE_M + OVER, 0)  # the over-payment is a credit, not negative arrears
    else:
        assert api["ARREARS"]["numerator"] == arrears_cli == ARREARS
        assert api["BILLED"]["numerator"] == BILLED_M1  # what BPJS billed, rejected lines included
        assert api["ARREARS"]["text"] == f"Rp{_rp(ARREARS)}" == "Rp47.380"
