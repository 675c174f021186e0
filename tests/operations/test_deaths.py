"""Issue 9 §2: a death known anywhere counts everywhere.

The earliest death date from the registry or any loaded Dukcapil deaths list (``reference load
deaths``) applies to reconciliation (BILLED_AFTER_DEATH), active counts, the gap report, arrears
and the BSU checks. Every case starts from real files (csv and xlsx), through the commands."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.core.management import call_command

from tests.operations.bill_files import write_bill
from tests.operations.test_operations import pks  # noqa: F401
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements import selectors as agr_sel
from ucjamsostek.assistance import services as asv
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing.models import Invoice
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.rates import monthly_contribution
from ucjamsostek.core.references import DIED_UNDATED
from ucjamsostek.monitoring import queries
from ucjamsostek.registry.models import Enrollment, Person
from ucjamsostek.screening.selectors import death_dates, died_by_q

DEC = date(2025, 12, 1)
BPU = monthly_contribution("BPU", "public", DEC)
PU = monthly_contribution("PU", "public", DEC, wage=2_552_000)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _deaths_list(path: Path, rows: list[tuple[str, str]]) -> Path:
    """A Dukcapil list: NIK, Nama, Tgl Meninggal (empty = no date)."""
    header = ["NIK", "Nama", "Tgl Meninggal"]
    data = [[nik, f"Almarhum {i}", died] for i, (nik, died) in enumerate(rows)]
    if path.suffix == ".csv":
        path.write_text("\n".join(",".join(r) for r in [header, *data]) + "\n", encoding="utf-8")
        return path
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Meninggal")
    ws.write_string(0, 0, "DAFTAR PENDUDUK MENINGGAL DUNIA — DUKCAPIL MUNA BARAT")
    ws.write_row(2, 0, header)
    for i, row in enumerate(data, start=3):
        for j, v in enumerate(row):
            ws.write_string(i, j, v)
    wb.close()
    return path


def _rp(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@pytest.fixture(params=[".csv", ".xlsx"])
def dukcapil(request, pks, people, tmp_path):  # noqa: F811
    """p_b died on 20 November 2025 and p_a2 without a date: both only on a Dukcapil list (the
    registry knows nothing), loaded with ``reference load deaths``; one listed NIK is unknown."""
    assert not Person.objects.filter(is_deceased=True).exists()
    path = _deaths_list(
        tmp_path / f"meninggal{request.param}",
        [(people["p_b"].nik, "20-11-2025"), (people["p_a2"].nik, ""), ("7413016101800001", "02-01-2025")],
    )
    _run("reference", "load", "deaths", str(path))
    return request.param


def test_the_one_death_rule(dukcapil, people):
    died = {nik: d for _, nik, d in death_dates().iter_rows()}
    assert died == {people["p_b"].nik: date(2025, 11, 20), people["p_a2"].nik: DIED_UNDATED}
    # the registry's own record is one more source: the earliest date wins
    Person.objects.filter(pk=people["p_b"].pk).update(is_deceased=True, death_date=date(2025, 12, 3))
    Person.objects.filter(pk=people["p_a"].pk).update(is_deceased=True, death_date=None)
    # a date from any source beats "deceased, date unknown" from another
    Person.objects.filter(pk=people["p_a2"].pk).update(is_deceased=True, death_date=date(2024, 6, 1))
    died = {nik: d for _, nik, d in death_dates().iter_rows()}
    assert died[people["p_b"].nik] == date(2025, 11, 20)
    assert died[people["p_a"].nik] == DIED_UNDATED
    assert died[people["p_a2"].nik] == date(2024, 6, 1)
    # the SQL filter says the same as the frame, day by day
    for day in (date(2020, 1, 1), date(2024, 6, 1), date(2025, 11, 19), date(2025, 11, 20), date(2026, 6, 1), None):
        by_q = set(Person.objects.filter(died_by_q(day)).values_list("nik", flat=True))
        by_frame = {n for n, d in died.items() if day is None or d <= day}
        assert by_q == by_frame, day


def test_bill_after_a_dukcapil_only_death(dukcapil, people, tmp_path):
    a, b, o = (people[k].nik for k in ("p_a", "p_b", "p_opd"))
    bill = write_bill(
        tmp_path / f"tagihan-2025-12{'.xlsx' if dukcapil == '.csv' else '.csv'}",
        [(a, "2025-12", _rp(BPU)), (b, "2025-12", _rp(BPU)), (o, "2025-12", _rp(PU))],
    )
    _run("billing", "import", str(bill))
    out = tmp_path / "rek"
    _run("billing", "reconcile", "--period", "2025-12", "--out", str(out))
    with (out / "reconciliation.csv").open(encoding="utf-8") as fh:
        rows = [(r["nik"], r["class"], r["expected"]) for r in csv.DictReader(fh)]
    assert rows == [(a, "MATCHED", str(BPU)), (b, "BILLED_AFTER_DEATH", "0"), (o, "MATCHED", str(PU))]
    inv = Invoice.objects.get(period=DEC)
    assert inv.payable == BPU + PU
    # arrears ask for what is payable only
    owed = {r["period"]: r["outstanding"] for r in bsel.arrears_rows(SYSTEM, today=date(2026, 1, 10))}
    assert owed == {DEC: BPU + PU}


def test_not_counted_active_after_a_dukcapil_only_death(dukcapil, people):
    before, after = date(2025, 11, 19), date(2025, 11, 20)

    def active(day: date) -> set[str]:
        return set(Enrollment.objects.filter(queries.active_on_q(day)).values_list("person__nik", flat=True))

    assert people["p_b"].nik in active(before)
    assert people["p_b"].nik not in active(after)  # dead on the day of death
    assert sum(queries.active_on(after).values()) == sum(queries.active_on(before).values()) - 1
    # p_a2 (listed without a date) was never counted, not even under the 2022 PKS
    assert people["p_a2"].nik not in active(date(2023, 6, 1))
    assert people["p_a"].nik in active(date(2023, 6, 1))
    # the month-end figures of the indicators (enrollment flows) say the same as the day counts
    starts, ends = queries.enrollment_month_flows()
    months = ind.month_range(ind.period_of(date(2022, 11, 1)), ind.period_of(date(2026, 12, 1)))
    flows = ind.active_by_month(starts, ends, months)
    for m in months:
        end_of_month = m.last_day
        by_flows = sum(n for (_, code), n in flows.items() if code == m.code)
        assert by_flows == sum(queries.active_on(end_of_month).values()), m.code
    nov = next(m for m in months if m.start == date(2025, 11, 1))
    oct_ = next(m for m in months if m.start == date(2025, 10, 1))
    assert sum(n for (_, c), n in flows.items() if c == oct_.code) - 1 == sum(
        n for (_, c), n in flows.items() if c == nov.code
    )


def test_gap_report_stops_at_a_dukcapil_only_death(dukcapil, people, users):
    report = agr_sel.coverage_gaps(users["dinas"], as_of=date(2026, 1, 1))
    rows = {r.person_id: (r.gap_start, r.last_day, r.days, r.open) for r in report.rows}
    # p_a2 lost cover when the 2022 PKS ended and was never renewed: listed dead without a date,
    # nobody is unprotected after death, so no gap at all
    assert people["p_a2"].pk not in rows
    # p_b died after the 2025 gap: that gap stands, in full (1 January – 13 July 2025)
    assert rows[people["p_b"].pk] == (date(2025, 1, 1), date(2025, 7, 13), 194, False)
    # exposed on 1 March 2025: p_a and p_b; p_a2 is dead (for every month) by the list
    exposed, _ = queries.gap_by_village(date(2025, 3, 1), date(2025, 3, 2))
    assert exposed == {people["p_a"].village_id: 1, people["p_b"].village_id: 1}
    assert set(queries.gap_exposure(date(2022, 1, 1), date(2026, 1, 1))["person_id"]) == {
        people["p_a"].pk,
        people["p_b"].pk,
    }


def test_bsu_flags_a_recipient_only_dukcapil_knows_is_dead(pks, people, users, tmp_path):  # noqa: F811
    Enrollment.objects.filter(person=people["p_opd"]).update(coverage_start=date(2025, 1, 1))
    from ucjamsostek.agreements.models import Agreement

    Agreement.objects.filter(pk=pks["new"].pk).update(wage_base=2_552_000)
    _run(
        "reference",
        "load",
        "deaths",
        str(_deaths_list(tmp_path / "meninggal.xlsx", [(people["p_opd"].nik, "15-06-2025")])),
    )
    f = tmp_path / "bsu.csv"
    f.write_text(
        "NIK;Nama;Program;Nominal;Tgl Salur;Status\n"
        f"{people['p_opd'].nik};S;BSU 2025;Rp600.000;01-07-2025;Tersalur\n",
        encoding="utf-8",
    )
    res = asv.import_recipients(users["bpjs"], f, lists={"asn": set(), "pkh": set()})
    assert (res.lines, res.eligible) == (1, 0)
    assert res.reasons == {"DECEASED": 1}
    # a later list with a later date does not move the death: the earliest known counts
    _run(
        "reference",
        "load",
        "deaths",
        str(_deaths_list(tmp_path / "meninggal2.csv", [(people["p_opd"].nik, "15-07-2025")])),
    )
    assert death_dates()["death_date"].to_list() == [date(2025, 6, 15)]  # every loaded list counts
