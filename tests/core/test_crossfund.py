"""Cross-funder overlap (core/crossfund.py): roster files in, person-pairs and a summary out."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from ucjamsostek.core import crossfund as cf
from ucjamsostek.core.errors import IntakeError
from ucjamsostek.core.linkage import MATCH_THRESHOLD
from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.rates import RateTable, default_rate_rows

HEADER = ",".join(cf.ROSTER_COLUMNS)
KAB, PROV, DES = "apbd_kab@74.13", "apbd_prov@74", "apbdes@74.13.01.2001"
DESA, DESA2 = "74.13.01.2001", "74.13.02.2003"
BORN = date(1985, 3, 12)
NIK_A = make_nik("74.13.01", BORN, "L", 1)
NIK_B = make_nik("74.13.01", date(1990, 8, 12), "P", 2)


def line(funder, nik, name, start, end="", rp="16800", *, born="1985-03-12", village=DESA, segment="pekerja_rentan"):
    return f"{funder},{nik},{name},{born},{village},{segment},{start},{end},{rp}"


def roster(tmp_path: Path, name: str, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def overlaps(tmp_path: Path, *files: Path, as_of: date = date(2025, 12, 31)) -> cf.CrossfundResult:
    return cf.find_overlaps(cf.read_rosters(files), as_of=as_of)


# ------------------------------------------------------------------------------------ matching


def test_same_nik_at_two_funders_counts_the_shared_months_at_the_smaller_contribution(tmp_path):
    a = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01", "2026-01-01"))
    # the province pays from 15 July (July counts: any covered day) to February, at a lower rate
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_A, "La Ode Hamzah", "2025-07-15", "2026-03-01", "10000"))
    result = overlaps(tmp_path, a, b)
    pair = result.pairs.row(0, named=True)
    assert result.pairs.height == 1
    assert (pair["funder_a"], pair["funder_b"], pair["region"], pair["match"]) == (KAB, PROV, "74.13", "exact")
    assert (pair["months"], pair["first_month"], pair["last_month"]) == (6, "2025-07", "2025-12")
    assert pair["rupiah_twice"] == 6 * 10_000
    assert (pair["file_a"], pair["line_a"], pair["file_b"], pair["line_b"]) == ("kab.csv", 2, "prov.csv", 2)
    assert result.summary.to_dicts() == [
        {"funder_a": KAB, "funder_b": PROV, "region": "74.13", "people": 1, "people_exact": 1,
         "people_probable": 0, "months": 6, "rupiah_twice": 60_000}
    ]  # fmt: skip
    assert result.totals() == {"people": 1, "pairs": 1, "months": 6, "rupiah_twice": 60_000}


def test_a_mistyped_nik_and_name_variant_is_a_probable_match_but_another_person_is_not(tmp_path):
    other_nik = make_nik("74.13.01", date(1990, 8, 12), "P", 20)
    a = roster(
        tmp_path,
        "kab.csv",
        line(KAB, NIK_B, "Wa Ode Sitti Aisyah", "2025-01-01", born="1990-08-12", village=DESA),
        # same birth date and village, another name: twins or neighbours, not the same person
        line(KAB, make_nik("74.13.01", date(1990, 8, 12), "P", 3), "Rina Marlina", "2025-01-01", born="1990-08-12"),
    )
    b = roster(tmp_path, "prov.csv", line(PROV, other_nik, "Wa Ode Siti Aisyah", "2025-10-01", born="1990-08-12"))
    pairs = overlaps(tmp_path, a, b).pairs
    assert pairs.height == 1
    pair = pairs.row(0, named=True)
    assert (pair["nik_a"], pair["nik_b"], pair["match"]) == (NIK_B, other_nik, "probable")
    assert MATCH_THRESHOLD <= pair["probability"] < 1.0
    assert (pair["months"], pair["rupiah_twice"]) == (3, 3 * 16_800)  # open periods: through December (as of)


def test_no_shared_month_and_the_same_funder_twice_are_no_overlap(tmp_path):
    a = roster(
        tmp_path,
        "kab.csv",
        line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01", "2025-07-01"),
        line(KAB, NIK_A, "La Ode Hamzah", "2025-03-01", "2025-09-01"),  # listed twice by one funder
    )
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_A, "La Ode Hamzah", "2025-09-01", "2025-12-01"))
    assert overlaps(tmp_path, a, b).pairs.height == 0


def test_three_funders_make_three_pairs_and_a_funder_listing_twice_counts_a_month_once(tmp_path):
    a = roster(
        tmp_path,
        "kab.csv",
        line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01", "2025-04-01"),
        line(KAB, NIK_A, "La Ode Hamzah", "2025-02-01", "2025-05-01", "20000"),
        line(DES, NIK_A, "La Ode Hamzah", "2025-03-01", "2025-04-01", "5000"),
    )
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_A, "La Ode Hamzah", "2025-01-01", "2025-12-01"))
    pairs = overlaps(tmp_path, a, b).pairs.sort("funder_a", "funder_b")
    got = {(p["funder_a"], p["funder_b"]): (p["months"], p["rupiah_twice"]) for p in pairs.to_dicts()}
    assert got == {
        # kab covers Jan–Apr; in Feb and Mar twice (16.800 and 20.000): the larger counts once
        (KAB, PROV): (4, 16_800 + 16_800 + 16_800 + 16_800),
        (KAB, DES): (1, 5_000),
        (PROV, DES): (1, 5_000),  # funders in text order: "apbd_prov" < "apbdes"
    }
    # one person, three funder pairs
    assert overlaps(tmp_path, a, b).totals()["people"] == 1


def test_the_region_is_the_regency_of_funder_as_record(tmp_path):
    a = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01", village=""))
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_A, "La Ode Hamzah", "2025-01-01", village="74.03.06.2001"))
    assert overlaps(tmp_path, a, b).pairs["region"].to_list() == ["74.03"]  # A's village unknown: B's


# -------------------------------------------------------------------------- plain-Python oracle


def _months(start: date, end: date | None, as_of: date) -> set[int]:
    first = start.year * 12 + start.month - 1
    if end is None:
        last = as_of.year * 12 + as_of.month - 1
    else:
        day = date.fromordinal(end.toordinal() - 1)
        last = day.year * 12 + day.month - 1
    return set(range(first, last + 1))


PEOPLE = [
    (make_nik("74.13.01", date(1970 + k, 1 + k, 3 + k), "L", 11 + k), name, date(1970 + k, 1 + k, 3 + k))
    for k, name in enumerate(["Ahmad Dahlan", "Budi Santoso", "Citra Kirana", "Dewi Sartika"])
]
_row = st.tuples(
    st.sampled_from([KAB, PROV, DES]),
    st.integers(0, len(PEOPLE) - 1),
    st.dates(date(2024, 1, 1), date(2025, 12, 1)),
    st.one_of(st.none(), st.integers(1, 400)),
    st.sampled_from([16_800, 10_000, 8_400]),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, min_size=2, max_size=12))
def test_agrees_with_the_oracle(tmp_path_factory, rows):
    as_of = date(2025, 10, 15)
    tmp = tmp_path_factory.mktemp("oracle")
    lines = []
    cover: dict[tuple[int, str], dict[int, int]] = {}
    for funder, who, start, days, rp in rows:
        end = None if days is None else date.fromordinal(start.toordinal() + days)
        nik, name, born = PEOPLE[who]
        lines.append(line(funder, nik, name, start.isoformat(), end.isoformat() if end else "", str(rp),
                          born=born.isoformat()))  # fmt: skip
        for m in _months(start, end, as_of):
            months = cover.setdefault((who, funder), {})
            months[m] = max(months.get(m, 0), rp)
    files = [roster(tmp, f"r{i}.csv", ln) for i, ln in enumerate(lines)]
    rosters = cf.read_rosters(files)
    if rosters["funder"].n_unique() < 2:
        with pytest.raises(cf.CrossfundError):
            cf.find_overlaps(rosters, as_of=as_of)
        return
    expected = {}
    for (who, fa), ma in cover.items():
        for (who_b, fb), mb in cover.items():
            shared = set(ma) & set(mb)
            if who == who_b and fa < fb and shared:
                expected[(PEOPLE[who][0], fa, fb)] = (len(shared), sum(min(ma[m], mb[m]) for m in shared))
    got = cf.find_overlaps(rosters, as_of=as_of).pairs
    assert {(p["nik_a"], p["funder_a"], p["funder_b"]): (p["months"], p["rupiah_twice"]) for p in got.to_dicts()} == (
        expected
    )


# ----------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (line(KAB, "74130112038500", "X", "2025-01-01"), "baris 3, kolom 'nik'", "NIK tidak 16 digit"),
        (line(KAB, NIK_A, "X", "2025-01-01", born="12-03-1985"), "baris 3, kolom 'birth_date'", "YYYY-MM-DD"),
        (line(KAB, NIK_A, "X", "2025-02-30"), "baris 3, kolom 'coverage_start'", "ada di kalender"),
        (line(KAB, NIK_A, "X", "2025-03-01", "2025-03-01"), "baris 3, kolom 'coverage_end'", "sesudah mulai"),
        (line(KAB, NIK_A, "X", "2025-01-01", rp="16.800"), "baris 3, kolom 'monthly_contribution'", "rupiah bulat"),
        (line("", NIK_A, "X", "2025-01-01"), "baris 3, kolom 'funder'", "Sumber dana kosong"),
        (line(KAB, NIK_A, "X", "2025-01-01", village="Wakoila"), "baris 3, kolom 'village_code'", "74.13.01.2008"),
    ],
)
def test_a_bad_value_is_refused_with_file_line_and_column(tmp_path, text, where, message):
    good = line(KAB, NIK_B, "Wa Ode", "2025-01-01", born="1990-08-12")
    bad = roster(tmp_path, "bad.csv", good, text, text)
    with pytest.raises(IntakeError) as caught:
        cf.read_roster(bad)
    assert str(caught.value).startswith(f"berkas bad.csv, {where}: ")
    assert message in str(caught.value) and "(dan 1 baris lain)" in str(caught.value)


def test_a_file_without_the_roster_header_is_refused_before_anything_is_computed(tmp_path):
    good = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode", "2025-01-01"))
    other = roster(tmp_path, "usulan.csv", "7413011203850001,La Ode", header="NIK,Nama")
    with pytest.raises(IntakeError, match=r"^berkas usulan.csv, baris 1: Bukan daftar peserta.*funder"):
        cf.read_rosters([good, other])


def test_one_funder_only_is_refused(tmp_path):
    a = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode", "2025-01-01"))
    b = roster(tmp_path, "kab2.csv", line(KAB, NIK_B, "Wa Ode", "2025-01-01", born="1990-08-12"))
    with pytest.raises(cf.CrossfundError, match="paling sedikit dua"):
        overlaps(tmp_path, a, b)


# -------------------------------------------------------------------------------------- outputs


def test_outputs_are_the_pair_csv_and_the_summary_workbook(tmp_path):
    a = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01", "2026-01-01"))
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_A, "La Ode Hamzah", "2025-07-01", "2026-03-01"))
    written = cf.write_outputs(overlaps(tmp_path, a, b), tmp_path / "out", region_names={"74.13": "Muna Barat"})
    pairs = pl.read_csv(written["pairs"], infer_schema=False)
    assert tuple(pairs.columns) == cf.PAIR_COLUMNS and pairs["nik_a"].to_list() == [NIK_A]
    sheet = CalamineWorkbook.from_path(str(written["summary"])).get_sheet_by_name("Ringkasan").to_python()
    assert [c for c in sheet[2]] == list(cf.SUMMARY_HEADERS)
    assert sheet[3][:5] == [KAB, PROV, "74.13", "Muna Barat", 1]
    assert sheet[3][7:] == [6, 6 * 16_800]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [cf.PAIRS_CSV, cf.SUMMARY_XLSX]


# ---------------------------------------------------------------------------------- roster rows


def _enrollment(funder: str, payer: str, start: date, end: date | None) -> pl.DataFrame:
    return pl.DataFrame(
        [{"enrollment_id": 1, "funder": funder, "nik": NIK_A, "name": "La Ode", "birth_date": BORN,
          "village_code": DESA, "segment": "pekerja_rentan", "start": start, "end": end, "category": "BPU",
          "payer": payer, "programmes": "JKK+JKM", "wage": None}]
    )  # fmt: skip


def test_a_roster_period_is_cut_where_its_contribution_changes():
    rates = RateTable(default_rate_rows())
    # PP 50/2025: 50% off for BPU paid by anyone but APBN/APBD, January 2026 to March 2027
    csr = cf.roster_rows(_enrollment("csr@74.13", "other", date(2025, 7, 14), None), rates)
    assert csr.select("coverage_start", "coverage_end", "monthly_contribution").rows() == [
        (date(2025, 7, 14), date(2026, 1, 1), 16_800),
        (date(2026, 1, 1), date(2027, 4, 1), 8_400),
        (date(2027, 4, 1), None, 16_800),
    ]
    # APBD pays the full rate throughout: one row
    kab = cf.roster_rows(_enrollment(KAB, "public", date(2025, 7, 14), date(2026, 7, 1)), rates)
    assert kab.select("coverage_start", "coverage_end", "monthly_contribution").rows() == [
        (date(2025, 7, 14), date(2026, 7, 1), 16_800)
    ]
    assert tuple(kab.columns) == cf.ROSTER_COLUMNS


def test_a_written_roster_reads_back_the_same(tmp_path):
    rates = RateTable(default_rate_rows())
    rows = cf.roster_rows(_enrollment("csr@74.13", "other", date(2025, 7, 14), None), rates)
    path = cf.write_roster(rows, tmp_path / "roster.csv")
    back = cf.read_roster(path).select(cf.ROSTER_COLUMNS)
    assert back.to_dicts() == rows.to_dicts()


def test_a_nik_with_an_impossible_date_is_kept_and_compared(tmp_path):
    odd = "7413019913850001"  # day 99: impossible, but 16 digits on a record someone pays for
    a = roster(tmp_path, "kab.csv", line(KAB, odd, "La Ode Hamzah", "2025-01-01", "2025-04-01"))
    b = roster(tmp_path, "prov.csv", line(PROV, odd, "La Ode Hamzah", "2025-03-01", "2025-05-01"))
    assert overlaps(tmp_path, a, b).pairs.select("match", "months").rows() == [("exact", 1)]  # March


def test_nobody_twice_gives_empty_outputs_with_their_headers(tmp_path):
    a = roster(tmp_path, "kab.csv", line(KAB, NIK_A, "La Ode Hamzah", "2025-01-01"))
    b = roster(tmp_path, "prov.csv", line(PROV, NIK_B, "Wa Ode Sitti Aisyah", "2025-01-01", born="1990-08-12"))
    result = overlaps(tmp_path, a, b)
    assert result.totals() == {"people": 0, "pairs": 0, "months": 0, "rupiah_twice": 0}
    written = cf.write_outputs(result, tmp_path / "out", region_names={})
    assert written["pairs"].read_text(encoding="utf-8").strip() == ",".join(cf.PAIR_COLUMNS)
