"""The demo generator: NIK rules, counts, determinism, and a truth that matches the rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from ucjamsostek.core.nik import parse_nik
from ucjamsostek.core.regiondata import area_table
from ucjamsostek.demo.generator import (
    AGE_MAX,
    AGE_MIN,
    AS_OF,
    PKS_END,
    DemoData,
    generate_demo,
    write_demo_files,
    write_nomination_file,
)


def _age(born: dt.date, on: dt.date = AS_OF) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return generate_demo(seed=11, nominations=3_000, registry=2_500)


@pytest.fixture(scope="module")
def rows(demo: DemoData) -> pl.DataFrame:
    return pl.concat(
        [s.rows.with_columns(pl.lit(s.name).alias("source")) for s in demo.sources], how="diagonal_relaxed"
    )


def test_counts(demo: DemoData) -> None:
    assert demo.nominations == 3_000
    assert demo.registry_persons.height == 2_500
    enr = demo.enrollments
    assert enr["pid"].n_unique() == 2_500
    assert set(enr["segment"].unique()) == {"pekerja_rentan", "non_asn"}
    # non-ASN: July 2022 before the PKS, then under the PKS; everyone's coverage ends by 2025-01-01
    non_asn = enr.filter(pl.col("segment") == "non_asn")
    assert non_asn.height == 2 * non_asn["pid"].n_unique()
    assert enr.height == 2_500 + non_asn["pid"].n_unique()
    assert enr["end"].max() == PKS_END
    assert enr.filter(~pl.col("under_pks"))["start"].unique().to_list() == [dt.date(2022, 7, 1)]
    assert enr.filter(pl.col("under_pks"))["start"].min() == dt.date(2022, 11, 1)
    assert (enr["end"] > enr["start"]).all()
    assert enr.group_by("pid").agg(pl.col("kpj").n_unique())["kpj"].max() == 1
    assert demo.registry_persons["death_date"].drop_nulls().len() > 0
    assert all(demo.references[k].height > 0 for k in ("enrolled", "deaths", "asn"))
    assert any(s.kind == "opd" for s in demo.sources)


def test_every_person_nik_follows_the_rules(demo: DemoData) -> None:
    people = demo.people
    assert people["nik"].n_unique() == people.height
    prefixes = set()
    for nik, sex, born in people.select("nik", "sex", "birth_date").iter_rows():
        info = parse_nik(nik, today=AS_OF, stated_birth_date=born).info
        assert info is not None, nik
        assert info.sex == sex and info.birth_date == born
        prefixes.add(info.regency)
    assert {"74.13", "74.03"} <= prefixes and len(prefixes) > 2


def test_rows_consistent_with_truth(demo: DemoData, rows: pl.DataFrame) -> None:
    enrolled = set(demo.references["enrolled"]["nik"])
    deaths = set(demo.references["deaths"]["nik"])
    asn = set(demo.references["asn"]["nik"])
    area = area_table("74.13")
    local = set(area["code"])
    for r in rows.iter_rows(named=True):
        defect, reasons, status = r["defect"], r["reasons"], r["status"]
        nik = r["s_nik"]
        res = parse_nik(nik, today=AS_OF, stated_birth_date=r["s_birth"]) if nik else None
        if defect.startswith("nik_invalid"):
            assert reasons == "NIK_INVALID" and res is not None and not res.valid
            continue
        if defect.startswith("missing_"):
            assert reasons == "REQUIRED_MISSING"
            field = {"missing_nik": "s_nik", "missing_name": "s_name", "missing_birth_date": "s_birth",
                     "missing_village": "s_village"}[defect]  # fmt: skip
            assert r[field] in (None, "")
            continue
        assert res is not None and res.info is not None, (defect, nik)
        info = res.info
        assert (info.sex != r["s_sex"]) == (defect == "nik_sex")
        assert (info.birth_date != r["s_birth"]) == (defect == "nik_birthdate")
        age = _age(r["s_birth"])
        assert (not AGE_MIN <= age <= AGE_MAX) == defect.startswith("age_"), (defect, age)
        assert (nik in enrolled) == (defect == "enrolled")
        assert (nik in deaths) == (defect == "deceased")
        assert (nik in asn) == (defect == "asn")
        if defect == "outside":
            assert r["region_code"] and r["region_code"] not in local
        elif defect == "region_unknown":
            assert r["region_code"] is None and reasons == "REGION_UNKNOWN" and status == "review"
        else:
            assert r["region_code"] in local
        if defect.startswith("dup_"):
            assert reasons == "DUPLICATE" and r["group"]
            assert status == ("review" if defect == "dup_nik" else "rejected")
        elif defect in ("none", "twin", "namesake", "cross_file", "village_typo"):
            assert status == "eligible" and reasons == ""


def test_duplicate_clusters(rows: pl.DataFrame) -> None:
    clusters = (
        rows.filter(pl.col("group") != "")
        .group_by("source", "group")
        .agg(
            pl.col("person").n_unique().alias("persons"),
            pl.col("row").sort().alias("rows"),
            pl.col("reasons").sort_by("row").alias("reasons"),
        )
    )
    assert clusters.height > 50
    assert (clusters["persons"] == 1).all()
    for reasons in clusters["reasons"]:
        assert reasons[0] == "" and all(x == "DUPLICATE" for x in reasons[1:])


def test_twins_and_namesakes_are_not_duplicates(rows: pl.DataFrame) -> None:
    twins = rows.filter(pl.col("defect") == "twin")
    namesakes = rows.filter(pl.col("defect") == "namesake")
    assert twins.height > 0 and namesakes.height > 0
    assert (twins["group"] == "").all() and (namesakes["group"] == "").all()
    for t in twins.iter_rows(named=True):
        sib = rows.filter(
            (pl.col("source") == t["source"]) & (pl.col("s_birth") == t["s_birth"])
            & (pl.col("region_code") == t["region_code"]) & (pl.col("person") != t["person"])
        )  # fmt: skip
        assert sib.height >= 1
        assert t["s_name"] not in sib["s_name"].to_list()
    for n in namesakes.iter_rows(named=True):
        same = rows.filter((pl.col("source") == n["source"]) & (pl.col("s_name") == n["s_name"]))
        assert same.height >= 2 and same["s_birth"].n_unique() >= 2


def test_status_mix_like_the_sample(rows: pl.DataFrame) -> None:
    share = rows["status"].value_counts(normalize=True)
    got = dict(zip(share["status"], share["proportion"], strict=True))
    assert 0.65 < got["eligible"] < 0.8
    assert 0.05 < got["review"] < 0.14
    assert 0.13 < got["rejected"] < 0.26


def test_deterministic(demo: DemoData) -> None:
    again = generate_demo(seed=11, nominations=3_000, registry=2_500)
    assert again.truth().equals(demo.truth())
    assert again.people.equals(demo.people)
    other = generate_demo(seed=12, nominations=3_000, registry=2_500)
    assert not other.truth().equals(demo.truth())


def test_default_demo_covers_every_village() -> None:
    data = generate_demo()
    claims = data.claims
    assert claims.height == 120 and claims["nominal"].sum() == 4_960_000_000
    assert set(claims["jenis"]) == {"JKM", "JKK"}
    assert (claims["nominal"].filter(claims["jenis"] == "JKM") == 42_000_000).all()
    assert claims["tgl_kejadian"].max() < PKS_END
    dead = set(data.registry_persons.filter(pl.col("death_date").is_not_null())["nik"])
    assert set(claims.filter(pl.col("jenis") == "JKM")["nik"]) <= dead
    assert data.nominations == 14_000
    assert data.registry_persons.height == 12_000
    villages = {s.village_code for s in data.sources if s.kind == "desa"}
    assert len(villages) == 86
    poor = data.people.select(pl.col("poor").sum(), pl.col("extreme_poor").sum()).row(0)
    assert poor == (11_560, 2_450)


def _read(path: Path) -> list[list[object]]:
    if path.suffix == ".xlsx":
        return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    with path.open(encoding="utf-8") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delim = ";" if sample.count(";") > sample.count(",") else ","
        return [list(r) for r in csv.reader(fh, delimiter=delim)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_write_nomination_file(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"usulan.{fmt}"
    truth = write_nomination_file(path, 2_000, seed=5, fmt=fmt)  # type: ignore[arg-type]
    assert truth.height == 2_000
    assert list(truth.columns)[:4] == ["row", "status", "reasons", "group"]
    grid = _read(path)
    header_row = int(truth["row"].min()) - 1
    header = [str(c) for c in grid[header_row - 1]]
    nik_col = next(i for i, h in enumerate(header) if "NIK" in h.upper() or "INDUK" in h.upper())
    assert len(grid) - header_row == 2_000
    for t in truth.iter_rows(named=True):
        cell = grid[t["row"] - 1][nik_col]
        valid = parse_nik(cell, today=AS_OF).valid
        if t["reasons"] == "NIK_INVALID":
            assert not valid, cell
        elif t["defect"] != "missing_nik" and t["reasons"] != "NIK_BIRTHDATE_MISMATCH":
            assert valid, cell
    for kind in ("enrolled", "deaths", "asn"):
        ref = pl.read_csv(tmp_path / f"usulan-referensi-{kind}.csv", schema_overrides={"nik": pl.Utf8})
        dated = ["tanggal_meninggal"] if kind == "deaths" else []
        assert ref.columns == ["nik", "nama", "tanggal_lahir", *dated]
        assert ref.null_count().row(0) == (0,) * len(ref.columns)  # every death has its date


def test_clean_file_without_defects(tmp_path: Path) -> None:
    truth = write_nomination_file(tmp_path / "bersih.csv", 500, seed=1, defects=False, references=False)
    assert (truth["status"] == "eligible").all()
    assert (truth["group"] == "").all()


def test_write_demo_files(tmp_path: Path) -> None:
    data = generate_demo(seed=3, nominations=600, registry=400)
    paths = write_demo_files(tmp_path, data)
    assert all(p.exists() for p in paths)
    assert (tmp_path / "referensi" / "referensi-deaths.csv").exists()
    for src in data.sources[:5]:
        grid = _read(tmp_path / "usulan" / src.filename)
        expected = pl.read_csv(tmp_path / "kunci" / f"{src.name}.expected.csv", infer_schema_length=0)
        assert len(grid) == int(expected["row"].cast(pl.Int64).max())


def test_generator_imports_no_django() -> None:
    """Benchmarks import the generator without Django settings."""
    import subprocess
    import sys

    code = "import sys, ucjamsostek.demo.generator; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
