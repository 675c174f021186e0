import pytest
from hypothesis import given
from hypothesis import strategies as st

from ucjamsostek.core.occupations import (
    OccupationDataError,
    classify_occupation,
    classify_occupations,
    high_risk_codes,
    normalise_occupation,
    occupation_risk,
    occupation_table,
    parse_occupation_csv,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Petani", "petani"),
        ("Buruh Tani", "buruh_tani"),
        ("BURUH  TANI", "buruh_tani"),
        ("Tani Buruh", "buruh_tani"),
        ("Nelayan", "nelayan"),
        ("Nelayn", "nelayan"),
        ("Buruh Harian Lepas", "buruh_harian_lepas"),
        ("BHL", "buruh_harian_lepas"),
        ("Pedagang Kecil", "pedagang"),
        ("Sopir", "pengemudi"),
        ("Tukang Ojek", "ojek"),
        ("Guru Mengaji", "guru_mengaji"),
        ("Marbot Masjid", "marbot"),
        ("Peternak", "peternak"),
        ("Buruh Bangunan", "buruh_bangunan"),
        ("Buruh bangnan", "buruh_bangunan"),
        ("Ibu Rumah Tangga", "mengurus_rumah_tangga"),
        ("IRT", "mengurus_rumah_tangga"),
        ("Honorer", "honorer"),
        ("Petani Jambu Mete Musiman", "pekebun"),
        ("Tukang Kayu", "tukang"),
    ],
)
def test_classifies_common_free_text(text: str, code: str) -> None:
    assert classify_occupation(text) == code


def test_unknown_and_empty_are_none() -> None:
    assert classify_occupations(["", None, "Astronot", "   "]) == [None, None, None, None]


def test_risk_classes() -> None:
    assert {"nelayan", "buruh_bangunan", "buruh_tani"} <= high_risk_codes()
    assert occupation_risk("pedagang") == "low"
    assert occupation_risk("nope") is None


def test_codes_unique_and_stable() -> None:
    codes = [o.code for o in occupation_table()]
    assert len(codes) == len(set(codes))
    # codes the priority policy (core.priority) scores keep their spelling
    assert {"nelayan", "buruh_bangunan", "buruh_tani", "petani", "peternak", "pedagang"} <= set(codes)


def test_parse_rejects_bad_rows() -> None:
    with pytest.raises(OccupationDataError):
        parse_occupation_csv("code,name,aliases,risk\nBad Code,x,,low\n")
    with pytest.raises(OccupationDataError):
        parse_occupation_csv("code,name,aliases,risk\na,x,,extreme\n")
    with pytest.raises(OccupationDataError):
        parse_occupation_csv("code,name\n")


@given(st.text(max_size=40))
def test_never_raises_and_returns_known_code(text: str) -> None:
    code = classify_occupation(text)
    assert code is None or code in {o.code for o in occupation_table()}
    assert normalise_occupation(text) == normalise_occupation(normalise_occupation(text))
