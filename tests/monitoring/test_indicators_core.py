"""The indicator formulas on hand-built data with known answers (no Django)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from ucjamsostek.core import indicators as ind


def test_parse_periods() -> None:
    m = ind.parse_period("2026-01")
    assert (m.kind, m.start, m.end, m.last_day, m.label) == (
        ind.PeriodKind.MONTH,
        date(2026, 1, 1),
        date(2026, 2, 1),
        date(2026, 1, 31),
        "Januari 2026",
    )
    s = ind.parse_period("2025-S1")
    assert (s.start, s.end, s.last_day, s.label, s.code) == (
        date(2025, 1, 1),
        date(2025, 7, 1),
        date(2025, 6, 30),
        "Semester I 2025",
        "2025-S1",
    )
    s2 = ind.parse_period("2025-s2")
    assert (s2.start, s2.end) == (date(2025, 7, 1), date(2026, 1, 1))
    y = ind.parse_period("2026")
    assert (y.start, y.end, y.label) == (date(2026, 1, 1), date(2027, 1, 1), "Tahun 2026")
    assert [p.code for p in s.months()] == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert len(y.months()) == 12
    assert ind.parse_period("2026-01").previous().code == "2025-12"
    assert ind.parse_period("2025-S1").previous().code == "2024-S2"
    assert ind.parse_period("2025-S2").previous().code == "2025-S1"


@pytest.mark.parametrize("text", ["", "2025-13", "2025-S3", "25-01", "Januari", "1999"])
def test_bad_periods(text: str) -> None:
    with pytest.raises(ind.PeriodError):
        ind.parse_period(text)


def test_ratio_never_divides_by_zero() -> None:
    assert ind.coverage(50, 200) == Fraction(1, 4)
    assert ind.coverage(5, 0) is None
    assert ind.coverage(5, None) is None
    assert ind.coverage(0, 10) == 0
    assert ind.format_percent(ind.coverage(5, 0)) == "tidak ada data"
    assert ind.format_percent(Fraction(1, 3)) == "33,3%"
    assert ind.progress(2_500, 10_000) == Fraction(1, 4)
    assert ind.progress(2_500, None) is None
    assert ind.claims_ratio(4_960_000_000, 0) is None
    assert ind.claims_ratio(100, 400) == Fraction(1, 4)


def test_rollup_and_ranking_with_an_area_without_workers() -> None:
    # Hand-built regency: kecamatan 01 with two desa, kecamatan 02 with one desa and no workers figure.
    active = {"74.13.01.2001": 30, "74.13.01.2002": 10, "74.13.02.2001": 7}
    rolled = ind.rollup(active)
    assert rolled["74.13"] == 47
    assert rolled["74.13.01"] == 40
    assert rolled["74.13.02"] == 7
    assert ind.rollup(active, within="74.13.01.2002") == {"74.13.01.2002": 10}
    workers: dict[str, int | None] = {"74.13.01": 80, "74.13.02": 0, "74.13.03": 50}
    names = {"74.13.01": "Satu", "74.13.02": "Dua", "74.13.03": "Tiga"}
    ranking = ind.coverage_ranking(names, rolled, workers, targets={"74.13.01": 50})
    assert [r.code for r in ranking] == ["74.13.03", "74.13.01", "74.13.02"]
    assert ranking[0].value == 0  # workers known, nobody active: 0 %, not "no data"
    assert ranking[1].value == Fraction(1, 2)
    assert ranking[1].progress == Fraction(4, 5)
    assert ranking[2].value is None
    assert ind.format_value(ranking[2].value, ind.Unit.PERCENT) == "tidak ada data"


def test_active_by_month_from_starts_and_ends() -> None:
    jan, feb, mar = (ind.parse_period(f"2026-0{i}") for i in (1, 2, 3))
    starts = {("BPU", jan.start): 10, ("BPU", mar.start): 5, ("PU", feb.start): 3}
    ends = {("BPU", feb.start): 4}
    got = ind.active_by_month(starts, ends, [jan, feb, mar], before={"BPU": 100})
    assert got[("BPU", "2026-01")] == 110
    assert got[("BPU", "2026-02")] == 106
    assert got[("BPU", "2026-03")] == 111
    assert got[("PU", "2026-01")] == 0
    assert got[("PU", "2026-03")] == 3


def test_formatting() -> None:
    assert ind.format_rupiah_words(4_960_000_000) == "Rp4,96 miliar"
    assert ind.claims_sentence(120, 4_960_000_000) == "Rp4,96 miliar dikembalikan kepada warga melalui 120 klaim"
    assert ind.format_value(10_000, "count") == "10.000"
    assert ind.format_value(2_016_000, "rupiah") == "Rp2.016.000"
    assert ind.format_value(None, "rupiah") == "tidak ada data"


def test_definitions_are_consistent() -> None:
    codes = [d.code for d in ind.INDICATORS]
    assert len(codes) == len(set(codes))
    for d in ind.INDICATORS:
        if d.formula.startswith("ratio:"):
            num, den = d.formula.split(":")[1].split("/")
            assert num in ind.INDICATOR_BY_CODE and den in ind.INDICATOR_BY_CODE
