"""Stored review decisions are reused: row accept/reject, pair distinct/merge (core/screen.py doc)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ucjamsostek.core import reasons as rc
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, ScreeningResult, screen_file

SAMPLE = Path("/work/shared/samples/usulan-contoh.xlsx")
if not SAMPLE.exists():
    SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "usulan-contoh.xlsx"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not available")
OPTS = ScreeningOptions(as_of=date(2026, 1, 1))


@pytest.fixture(scope="module")
def regions() -> pl.DataFrame:
    return region_table()


@pytest.fixture(scope="module")
def first(regions: pl.DataFrame) -> ScreeningResult:
    return screen_file(SAMPLE, ScreeningContext(regions=regions, area_code="74.13"), OPTS)


def rescreen(regions: pl.DataFrame, decisions: list[tuple[str, str, str]]) -> ScreeningResult:
    frame = pl.DataFrame(decisions, schema=["kind", "key", "decision"], orient="row")
    return screen_file(SAMPLE, ScreeningContext(regions=regions, area_code="74.13", decisions=frame), OPTS)


def row_of(result: ScreeningResult, row: int) -> dict[str, object]:
    return result.rows.filter(pl.col("row") == row).row(0, named=True)


def review_rows_with(result: ScreeningResult, code: str) -> list[dict[str, object]]:
    rows = result.rows.filter((pl.col("status") == "review") & (pl.col("reasons") == [code]))
    return list(rows.iter_rows(named=True))


def test_row_key_format(first: ScreeningResult) -> None:
    r = first.rows.filter(pl.col("nik").is_not_null() & pl.col("birth_date").is_not_null()).row(0, named=True)
    assert r["row_key"] == f"{r['nik']}|{r['birth_date'].isoformat()}"


def test_accept_and_reject_rows(first: ScreeningResult, regions: pl.DataFrame) -> None:
    a, b = review_rows_with(first, rc.NIK_SEX_MISMATCH)[:2]
    out = rescreen(regions, [("row", str(a["row_key"]), "accept"), ("row", str(b["row_key"]), "reject")])
    accepted, rejected = row_of(out, int(a["row"])), row_of(out, int(b["row"]))  # type: ignore[call-overload]
    assert accepted["status"] == "eligible"
    assert rejected["status"] == "rejected"
    assert rejected["reasons"] == [rc.NIK_SEX_MISMATCH, rc.REVIEW_REJECTED]
    assert out.findings.filter((pl.col("row") == b["row"]) & (pl.col("code") == rc.REVIEW_REJECTED)).height == 1
    assert out.summary["reasons"][rc.REVIEW_REJECTED] == 1


def test_accept_does_not_clear_a_rejection(first: ScreeningResult, regions: pl.DataFrame) -> None:
    r = first.rows.filter(pl.col("status") == "rejected").row(0, named=True)
    out = rescreen(regions, [("row", r["row_key"], "accept")])
    assert row_of(out, r["row"])["status"] == "rejected"


def _probable(first: ScreeningResult) -> list[tuple[dict[str, object], str]]:
    out = []
    for r in review_rows_with(first, rc.DUPLICATE):
        mates = first.rows.filter((pl.col("cluster") == r["cluster"]) & (pl.col("row") != r["row"]))
        keys = sorted([str(r["row_key"]), str(mates["row_key"][0])])
        out.append((r, "||".join(keys)))
    return out


def test_pair_distinct_drops_the_probable_duplicate(first: ScreeningResult, regions: pl.DataFrame) -> None:
    (a, key_a), (b, key_b) = _probable(first)[:2]
    out = rescreen(regions, [("pair", key_a, "distinct"), ("pair", key_b, "merge")])
    assert row_of(out, int(a["row"]))["status"] == "eligible"  # type: ignore[call-overload]
    assert rc.DUPLICATE not in row_of(out, int(a["row"]))["reasons"]  # type: ignore[call-overload, operator]
    assert row_of(out, int(a["row"]))["cluster"] is None  # type: ignore[call-overload]
    merged = row_of(out, int(b["row"]))  # type: ignore[call-overload]
    assert merged["status"] == "rejected" and rc.DUPLICATE in merged["reasons"]  # type: ignore[operator]
    assert first.pairs.filter(pl.col("pair_key") == key_a).height == 1
