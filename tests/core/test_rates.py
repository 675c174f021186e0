from datetime import date

import pytest

from ucjamsostek.core.money import (
    MoneyError,
    apply_ppm,
    format_decimal,
    format_rupiah,
    format_rupiah_short,
    parse_rupiah,
    percent_to_ppm,
)
from ucjamsostek.core.rates import (
    CSV_COLUMNS,
    RateError,
    RateRow,
    RateTable,
    add_months,
    coverage_cost,
    coverage_end,
    coverage_months,
    default_rate_rows,
    load_rate_table,
    monthly_contribution,
    parse_rate_csv,
    payer_kind,
)

# ----------------------------------------------------------------------------------- money


def test_format_rupiah_indonesian_style():
    assert format_rupiah(2_016_000_000) == "Rp2.016.000.000"
    assert format_rupiah(16_800) == "Rp16.800"
    assert format_rupiah(0) == "Rp0"
    assert format_rupiah(999) == "Rp999"
    assert format_rupiah(-1_000) == "-Rp1.000"


def test_format_rupiah_refuses_non_integers():
    with pytest.raises(MoneyError):
        format_rupiah(True)  # type: ignore[arg-type]
    with pytest.raises(MoneyError):
        format_rupiah("16800")  # type: ignore[arg-type]


def test_format_short_and_decimal():
    assert format_rupiah_short(2_016_000_000) == "Rp2,0 miliar"
    assert format_rupiah_short(4_960_000_000) == "Rp5,0 miliar"
    assert format_rupiah_short(195_000_000) == "Rp195,0 juta"
    assert format_decimal(39, 0) == "39"
    assert format_decimal(1234567, 1) == "1.234.567,0"


@pytest.mark.parametrize(
    "text,value",
    [("16.800", 16800), ("16800", 16800), ("Rp16.800", 16800), ("Rp 16.800,00", 16800), ("rp. 1.000", 1000)],
)
def test_parse_rupiah(text, value):
    assert parse_rupiah(text) == value


@pytest.mark.parametrize("text", ["16,5", "abc", "1.2.3", ""])
def test_parse_rupiah_rejects(text):
    with pytest.raises(MoneyError):
        parse_rupiah(text)


def test_percent_to_ppm_is_exact():
    assert percent_to_ppm("0.24") == 2_400
    assert percent_to_ppm("0,30") == 3_000
    assert percent_to_ppm("1") == 10_000
    assert percent_to_ppm("50") == 500_000
    with pytest.raises(MoneyError):
        percent_to_ppm("0.123456")


def test_apply_ppm_rounds_down():
    assert apply_ppm(1_000_000, 10_000) == 10_000
    assert apply_ppm(2_552_000, 2_400) == 6_124  # 6.124,8 → 6.124
    assert apply_ppm(6_800, 500_000) == 3_400


# ----------------------------------------------------------------------------------- rates


def test_apbd_paid_bpu_pays_16800_in_2026():
    for month in range(1, 13):
        assert monthly_contribution("BPU", "public", date(2026, month, 1)) == 16_800


def test_self_paying_bpu_gets_pp50_discount_within_window():
    assert monthly_contribution("BPU", "other", date(2026, 1, 1)) == 8_400
    assert monthly_contribution("BPU", "other", date(2026, 7, 15)) == 8_400
    assert monthly_contribution("BPU", "other", date(2027, 3, 31)) == 8_400


def test_outside_window_is_the_reverse():
    assert monthly_contribution("BPU", "other", date(2025, 12, 31)) == 16_800
    assert monthly_contribution("BPU", "other", date(2027, 4, 1)) == 16_800
    # APBD never gets the discount, before, during or after
    assert monthly_contribution("BPU", "public", date(2025, 12, 1)) == 16_800
    assert monthly_contribution("BPU", "public", date(2027, 4, 1)) == 16_800


def test_components_and_legal_basis():
    table = load_rate_table()
    jkk = table.lookup("JKK", "BPU", "public", date(2026, 1, 1))
    jkm = table.lookup("JKM", "BPU", "public", date(2026, 1, 1))
    assert jkk.monthly_amount() == 10_000 and jkm.monthly_amount() == 6_800
    disc = table.lookup("JKK", "BPU", "other", date(2026, 1, 1))
    assert "PP 50/2025" in disc.legal_basis
    assert "PP 44/2015" in jkk.legal_basis


def test_coverage_cost_is_month_by_month():
    assert coverage_cost("BPU", "public", date(2026, 1, 1), 12) == 201_600
    assert coverage_cost("BPU", "other", date(2026, 1, 1), 12) == 100_800
    # Oct 2026 .. Sep 2027 straddles the end of the discount (March 2027): 6 discounted + 6 full
    assert coverage_cost("BPU", "other", date(2026, 10, 1), 12) == 6 * 8_400 + 6 * 16_800
    # Dec 2025 .. Feb 2026: 1 full + 2 discounted
    assert coverage_cost("BPU", "other", date(2025, 12, 1), 3) == 16_800 + 2 * 8_400
    assert coverage_cost("BPU", "public", date(2026, 7, 1), 6) == 6 * 16_800
    assert coverage_cost("BPU", "public", date(2026, 7, 1), 0) == 0


def test_jht_is_optional_2_percent():
    assert monthly_contribution("BPU", "public", date(2026, 1, 1), programmes=("JKK", "JKM", "JHT")) == 36_800


def test_pu_rates_use_the_wage():
    # Muna Barat 2022: non-ASN at Rp13.780 a month = 0,24% + 0,30% of Rp2.552.000, rounded down
    assert monthly_contribution("PU", "public", date(2022, 7, 1), wage=2_552_000) == 13_780
    assert coverage_cost("PU", "public", date(2026, 1, 1), 12, wage=3_000_000) == 12 * (7_200 + 9_000)
    with pytest.raises(RateError, match="upah"):
        monthly_contribution("PU", "public", date(2026, 1, 1))


def test_no_rate_before_the_table_begins():
    with pytest.raises(RateError, match="Tidak ada tarif"):
        monthly_contribution("BPU", "public", date(2010, 1, 1))


def test_unknown_payer_is_refused():
    with pytest.raises(RateError):
        monthly_contribution("BPU", "apbd", date(2026, 1, 1))


def test_payer_kind():
    assert payer_kind("APBD") == "public"
    assert payer_kind("apbd-prov") == "public"
    assert payer_kind("APBN") == "public"
    assert payer_kind("APBDES") == "other"
    assert payer_kind("CSR") == "other"
    assert payer_kind("MANDIRI") == "other"


def test_add_months_clamps():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2026, 7, 1), 6) == date(2027, 1, 1)
    assert coverage_months(date(2026, 11, 1), 3) == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


def test_specific_payer_row_beats_wildcard_on_same_day():
    base = dict(programme="JKM", category="BPU", valid_from=date(2020, 1, 1), valid_to=None, legal_basis="x")
    table = RateTable([RateRow(payer="*", amount=100, **base), RateRow(payer="public", amount=50, **base)])
    assert table.monthly_contribution("BPU", "public", date(2021, 1, 1), ("JKM",)) == 50
    assert table.monthly_contribution("BPU", "other", date(2021, 1, 1), ("JKM",)) == 100


def test_duplicate_rows_are_refused():
    row = RateRow("JKM", "BPU", "*", date(2020, 1, 1), None, "x", amount=1)
    with pytest.raises(RateError, match="ganda"):
        RateTable([row, row])


def test_row_validation():
    with pytest.raises(RateError):
        RateRow("JKM", "BPU", "*", date(2020, 1, 1), None, "x")  # neither amount nor rate
    with pytest.raises(RateError):
        RateRow("JKM", "BPU", "*", date(2020, 1, 1), date(2019, 1, 1), "x", amount=1)
    with pytest.raises(RateError):
        RateRow("JP", "BPU", "*", date(2020, 1, 1), None, "x", amount=1)


def test_csv_parse_errors_name_the_line():
    header = ",".join(CSV_COLUMNS) + "\n"
    with pytest.raises(RateError, match="Baris 2"):
        parse_rate_csv(header + "JKM,BPU,*,2020-13-01,,,,6800,0,x,\n")
    with pytest.raises(RateError, match="kolom tidak ada"):
        parse_rate_csv("programme,category\nJKM,BPU\n")


def test_default_table_has_legal_basis_on_every_row():
    rows = default_rate_rows()
    assert len(rows) >= 7
    assert all(r.legal_basis for r in rows)


def test_rates_are_data_not_code():
    import inspect

    import ucjamsostek.core.budget as budget
    import ucjamsostek.core.rates as rates

    for module in (rates, budget):
        source = inspect.getsource(module)
        for literal in ("16800", "16_800", "6800", "6_800", "10_000 ", "8400", "8_400"):
            assert literal not in source, (module.__name__, literal)


def test_a_mid_month_start_costs_the_calendar_months_bpjs_bills() -> None:
    """Issue 9 §6: coverage from 14 July for 6 months is billed July to December, each in full
    (the months reconciliation expects: a month is billed when the coverage overlaps it)."""
    months = coverage_months(date(2026, 7, 14), 6)
    assert months == [date(2026, m, 1) for m in range(7, 13)]
    assert coverage_end(date(2026, 7, 14), 6) == date(2027, 1, 1)
    rate = monthly_contribution("BPU", "public", date(2026, 7, 1))
    assert coverage_cost("BPU", "public", date(2026, 7, 14), 6) == 6 * rate == 100_800
