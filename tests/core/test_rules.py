"""Each screening rule on small frames (built through the same normalisation as real files)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucjamsostek.core import reasons as rc
from ucjamsostek.core import rules
from ucjamsostek.core.intake import normalise_frame
from ucjamsostek.core.nik import make_nik, parse_nik
from ucjamsostek.core.normalize import nik_clean_expr, nik_parts, nik_parts_expr
from ucjamsostek.core.regiondata import region_table

AS_OF = date(2026, 1, 1)
BASE = {
    "nik": "7413011204960001",
    "name": "La Salim",
    "sex": "L",
    "birth_date": "12-04-1996",
    "village": "Marobea",
    "district": "Sawerigadi",
}


def frame(*rows: dict[str, str | None]) -> pl.DataFrame:
    data = [{**BASE, **r} for r in rows]
    raw = pl.DataFrame(
        {"row": list(range(1, len(data) + 1))} | {k: [d.get(k) for d in data] for k in BASE},
        schema={"row": pl.Int64} | {k: pl.Utf8 for k in BASE},
    )
    return rules.with_nik_parts(normalise_frame(raw, AS_OF), AS_OF)


def fired(findings: pl.DataFrame) -> list[int]:
    return sorted(findings["row"].to_list())


def test_required_missing() -> None:
    df = frame(
        {}, {"nik": None}, {"name": " "}, {"birth_date": None}, {"birth_date": "kemarin"}, {"village": ""},
        {"name": "-"}, {"village": "-"}, {"birth_date": "-"},
    )  # fmt: skip
    out = rules.required_missing(df)
    assert fired(out) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert out.filter(pl.col("row") == 9)["message"][0] == "Tanggal lahir kosong"
    assert set(out["code"]) == {rc.REQUIRED_MISSING}
    messages = dict(zip(out["row"], out["message"], strict=True))
    assert messages[2] == "NIK kosong"
    assert "tidak terbaca" in messages[5]


def test_nik_invalid_and_no_derived_codes() -> None:
    df = frame(
        {},
        {"nik": "741301120496001"},  # 15 digits
        {"nik": "7413011204960000"},  # serial 0000
        {"nik": "7.41301E+15"},  # scientific
        {"nik": "741301120496O001"},  # letter O
        {"nik": "7413013204960001"},  # day 32
        {"nik": None},  # missing: REQUIRED_MISSING, not NIK_INVALID
    )
    out = rules.nik_invalid(df, AS_OF)
    assert fired(out) == [2, 3, 4, 5, 6]
    assert "16 digit" in out.filter(pl.col("row") == 2)["message"][0]
    # an invalid NIK gives no birth-date or sex mismatch
    assert fired(rules.nik_birthdate_mismatch(df, AS_OF)) == []
    assert fired(rules.nik_sex_mismatch(df, AS_OF)) == []


def test_nik_birthdate_mismatch() -> None:
    df = frame(
        {},
        {"birth_date": "12-04-1986"},
        {"birth_date": "13-04-1996"},
        {"birth_date": None},
        {"nik": "7413015204960001", "sex": "P"},  # woman: day + 40, same date
    )
    out = rules.nik_birthdate_mismatch(df, AS_OF)
    assert fired(out) == [2, 3]
    assert out.filter(pl.col("row") == 2)["message"][0] == "Tanggal lahir di NIK 12-04-1996 berbeda dengan 12-04-1986"


def test_nik_sex_mismatch() -> None:
    df = frame(
        {},
        {"sex": "Perempuan"},
        {"nik": "7413015204960001", "sex": "p"},
        {"nik": "7413015204960001", "sex": "LAKI-LAKI"},
        {"sex": None},
    )
    out = rules.nik_sex_mismatch(df, AS_OF)
    assert fired(out) == [2, 4]
    # a woman's NIK day (+40) is not a birth-date mismatch
    assert fired(rules.nik_birthdate_mismatch(df, AS_OF)) == []


def test_age_out_of_range_inclusive_limits() -> None:
    df = frame(
        {"birth_date": "01-01-2011"},  # 15 on the as-of date: inside
        {"birth_date": "02-01-2011"},  # 14: outside
        {"birth_date": "02-01-1960"},  # 65: inside
        {"birth_date": "01-01-1960"},  # 66: outside
        {"birth_date": None},
    )
    out = rules.age_out_of_range(df, AS_OF, 15, 65)
    assert fired(out) == [2, 4]
    assert "14 tahun" in out.filter(pl.col("row") == 2)["message"][0]
    assert fired(rules.age_out_of_range(df, AS_OF, 10, 70)) == []
    future = rules.age_out_of_range(frame({"birth_date": "02-01-2026"}), AS_OF, 15, 65)
    assert future["message"].to_list() == ["Tanggal lahir 02-01-2026 sesudah tanggal acuan 01-01-2026"]


def test_on_reference() -> None:
    df = frame({}, {"nik": "7413011204960002"}, {"nik": None})
    ref = pl.DataFrame({"nik": ["7413011204960002"], "name": [None], "birth_date": [None]})
    assert fired(rules.on_reference(df, ref, rc.DECEASED)) == [2]
    assert fired(rules.on_reference(df, None, rc.ASN)) == []


@pytest.fixture(scope="module")
def resolver() -> rules.RegionResolver:
    return rules.RegionResolver(region_table(), "74.13")


@pytest.mark.parametrize(
    ("village", "district", "status", "code"),
    [
        ("Sawerigadi", "Barangka", "ok", "74.13.02.2005"),  # desa Sawerigadi lies in Barangka
        ("Ds. Sawerigadi", "Kec. BARANGKA", "ok", "74.13.02.2005"),
        ("Katobu", "Wadaga", "ok", "74.13.04.2005"),  # not kecamatan Katobu of Muna
        ("Katobu", None, "ok", "74.13.04.2005"),  # no kecamatan: the deployment area first
        ("Laworo", "Tiworo Kepulauan", "ok", "74.13.09.2007"),
        ("Marobea", "Sawerigadi", "ok", None),
        ("Marobeaa", "Kec. Sawerigadi", "ok", None),  # typo in the village
        ("Marobea", "Sawerigadii", "ok", None),  # typo in the kecamatan
        ("Poaroha", "Marobo", "outside", None),  # a Muna (74.03) address
        ("Lapadindi", "Tongkuno", "outside", None),
        ("Tidakada", "Bone", "outside", None),  # kecamatan only outside the area
        ("Tidakada", "Sawerigadi", "unknown", None),
        ("Tidakada", "Kecamatan Entah", "unknown", None),
        ("Tidakada", None, "unknown", None),
    ],
)
def test_region_resolution(
    resolver: rules.RegionResolver, village: str, district: str | None, status: str, code: str | None
) -> None:
    df = frame({"village": village, "district": district})
    out = resolver.resolve_frame(df)
    assert out["region_status"][0] == status
    if code is not None:
        assert out["region_code"][0] == code
    if status == "ok":
        assert out["region_code"][0].startswith("74.13.")


def test_region_findings_codes(resolver: rules.RegionResolver) -> None:
    df = frame(
        {"village": "Marobea"},
        {"village": "Poaroha", "district": "Marobo"},
        {"village": "Tidakada", "district": "Entah"},
        {"village": None},
    )
    resolved = resolver.resolve_frame(df)
    out = rules.region_findings(df, resolved, resolver.names)
    assert dict(zip(out["row"], out["code"], strict=True)) == {2: rc.OUTSIDE_REGENCY, 3: rc.REGION_UNKNOWN}
    assert "Muna" in out.filter(pl.col("row") == 2)["message"][0]


def test_region_resolution_is_per_distinct_pair(resolver: rules.RegionResolver) -> None:
    same: dict[str, str | None] = {"village": "Marobea"}
    df = frame(*[same] * 2000)
    out = resolver.resolve_frame(df)
    assert out.height == 2000 and out["region_code"].n_unique() == 1


nik_text = st.one_of(
    st.text(alphabet="0123456789", min_size=14, max_size=17),
    st.builds(
        make_nik,
        st.sampled_from(["74.13.01", "74.03.12", "73.71.02"]),
        st.dates(min_value=date(1940, 1, 1), max_value=date(2025, 12, 31)),
        st.sampled_from(["L", "P"]),
        st.integers(min_value=1, max_value=9999),
    ),
    st.text(alphabet="0123456789 .'E+", max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(nik=nik_text, stated=st.one_of(st.none(), st.dates(min_value=date(1940, 1, 1), max_value=date(2025, 12, 31))))
def test_nik_columns_agree_with_parse_nik(nik: str, stated: date | None) -> None:
    df = pl.DataFrame({"nik": [nik], "birth_date": [stated]}, schema={"nik": pl.Utf8, "birth_date": pl.Date})
    cleaned = df.select(nik_clean_expr(pl.col("nik")).alias("nik"), "birth_date")
    parts = nik_parts(cleaned, AS_OF).rename(
        {"nik_problem": "problem", "nik_sex": "sex", "nik_birth_date": "birth_date_nik"}
    )
    expected = parse_nik(nik, today=AS_OF, stated_birth_date=stated)
    assert parts["problem"][0] == (expected.problem.value if expected.problem else None)
    if expected.info is not None:
        assert parts["sex"][0] == expected.info.sex
        assert parts["birth_date_nik"][0] == expected.info.birth_date
    as_expr = cleaned.select(nik_parts_expr(pl.col("nik"), pl.col("birth_date"), AS_OF).alias("p")).unnest("p")
    assert as_expr["problem"][0] == parts["problem"][0] and as_expr["sex"][0] == parts["sex"][0]
