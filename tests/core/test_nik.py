from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucjamsostek.core.nik import (
    PROVINCE_CODES,
    NikProblem,
    clean_nik,
    make_nik,
    mask_nik,
    parse_nik,
)

TODAY = date(2026, 1, 1)


def test_valid_male_nik_parts():
    r = parse_nik("7413011204960001", today=TODAY)
    assert r.valid and r.info is not None
    assert r.info.province == "74"
    assert r.info.regency == "74.13"
    assert r.info.district == "74.13.01"
    assert r.info.sex == "L"
    assert r.info.birth_date == date(1996, 4, 12)
    assert r.info.serial == "0001"


def test_women_have_day_plus_40():
    r = parse_nik("7413016507842078", today=TODAY)
    assert r.info is not None
    assert r.info.sex == "P"
    assert r.info.birth_date == date(1984, 7, 25)


def test_old_muna_prefix_is_valid():
    # 74.03 (Muna) prefixes stay on the cards of Muna Barat residents registered before 2014.
    r = parse_nik("7403124502901971", today=TODAY)
    assert r.valid
    assert r.info is not None and r.info.district == "74.03.12"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", NikProblem.EMPTY),
        (None, NikProblem.EMPTY),
        ("74130112049600", NikProblem.LENGTH),
        ("741301120496000123", NikProblem.LENGTH),
        ("74130112O4960001", NikProblem.NOT_DIGITS),
        ("7.41301E+15", NikProblem.SCIENTIFIC),
        ("0013011204960001", NikProblem.PROVINCE),
        ("9913011204960001", NikProblem.PROVINCE),
        ("7400011204960001", NikProblem.REGENCY),
        ("7413001204960001", NikProblem.DISTRICT),
        ("7413013204960001", NikProblem.DAY),
        ("7413010004960001", NikProblem.DAY),
        ("7413017204960001", NikProblem.DAY),  # 72 - 40 = 32
        ("7413011213960001", NikProblem.MONTH),
        ("7413011200960001", NikProblem.MONTH),
        ("7413013102960001", NikProblem.DATE),  # 31 February
        ("7413012902970001", NikProblem.DATE),  # 29 February 1997
        ("7413011204960000", NikProblem.SERIAL),
    ],
)
def test_each_invalid_class(raw, problem):
    r = parse_nik(raw, today=TODAY)
    assert not r.valid
    assert r.problem == problem


def test_float_rounding_is_caught_by_scientific_or_date():
    # A NIK typed into Excel as a number keeps 15 significant digits; its float repr is scientific.
    assert parse_nik(float("7.41301e15"), today=TODAY).problem is not None


def test_spreadsheet_noise_is_removed():
    assert clean_nik("'7413022505981719") == "7413022505981719"
    assert clean_nik(" 741310 431174 5596 ") == "7413104311745596"
    assert clean_nik("7413.0225.0598.1719") == "7413022505981719"
    assert clean_nik(7413022505981719) == "7413022505981719"


def test_century_rule_and_stated_date():
    assert parse_nik("7413011204250001", today=TODAY).info.birth_date == date(2025, 4, 12)  # type: ignore[union-attr]
    assert parse_nik("7413011204270001", today=TODAY).info.birth_date == date(1927, 4, 12)  # type: ignore[union-attr]
    r = parse_nik("7413011204050001", today=TODAY, stated_birth_date=date(1905, 4, 12))
    assert r.info is not None and r.info.birth_date == date(1905, 4, 12)


def test_mask_keeps_only_prefix_and_tail():
    assert mask_nik("7413011204960001") == "741301********01"


districts = st.sampled_from(["74.13.01", "74.13.11", "74.03.12", "73.71.01", "11.01.01"])
birth_dates = st.dates(min_value=date(1927, 1, 2), max_value=date(2025, 12, 31))


@given(districts, birth_dates, st.sampled_from(["L", "P"]), st.integers(1, 9999))
def test_make_then_parse_round_trips(district, born, sex, serial):
    nik = make_nik(district, born, sex, serial)
    assert len(nik) == 16 and nik.isdigit()
    r = parse_nik(nik, today=TODAY, stated_birth_date=born)
    assert r.info is not None
    assert (r.info.district, r.info.birth_date, r.info.sex, int(r.info.serial)) == (
        district,
        born,
        sex,
        serial,
    )


@given(st.text(max_size=20))
def test_parse_never_raises_and_invalid_has_a_reason(text):
    r = parse_nik(text, today=TODAY)
    assert (r.info is None) == (r.problem is not None)


@given(st.text(alphabet="0123456789", min_size=16, max_size=16))
def test_valid_means_every_segment_is_possible(digits):
    r = parse_nik(digits, today=TODAY)
    if r.valid:
        assert digits[:2] in PROVINCE_CODES
        assert digits[2:4] != "00" and digits[4:6] != "00" and digits[12:] != "0000"
        day = int(digits[6:8])
        assert 1 <= day <= 31 or 41 <= day <= 71


def test_one_mask_for_every_page_and_export():
    """Six + two digits everywhere (the stricter of the two masks the code had)."""
    import polars as pl

    from ucjamsostek.core.nik import mask_nik_expr

    niks = ["7413011204960001", "1234567", None, ""]
    assert [mask_nik(n) for n in niks] == ["741301********01", "*******", "", ""]
    got = pl.DataFrame({"nik": niks}).select(mask_nik_expr(pl.col("nik")).alias("m"))["m"].to_list()
    assert got == ["741301********01", "*******", None, ""]


def test_one_name_mask():
    from ucjamsostek.core.names import mask_name

    assert mask_name("Wa Ode Siti Aminah") == "W* O** S*** A*****"
    assert mask_name(None) == mask_name("") == ""
