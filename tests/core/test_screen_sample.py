"""Acceptance: the shared sample screened end to end against its expected decisions.

Figures are measured generically (status agreement, per-code precision/recall, duplicate-pair F1),
so the same test holds for any file of the same kind with an expected csv beside it.
"""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, screen_file, write_outputs

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
if not SAMPLES.exists():
    SAMPLES = Path("/work/shared/samples")
SAMPLE = SAMPLES / "usulan-contoh.xlsx"
EXPECTED = SAMPLES / "usulan-contoh.expected.csv"

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not available")


def _codes(text: str | None) -> set[str]:
    return {c for c in (text or "").split(";") if c}


def _pairs(frame: pl.DataFrame, column: str) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for _, group in frame.filter(pl.col(column).is_not_null() & (pl.col(column) != "")).group_by(column):
        rows = sorted(group["row"].to_list())
        out |= set(itertools.combinations(rows, 2))
    return out


@pytest.fixture(scope="module")
def screened(tmp_path_factory: pytest.TempPathFactory) -> tuple[pl.DataFrame, pl.DataFrame]:
    ctx = ScreeningContext.from_reference_files(
        region_table(),
        "74.13",
        {kind: SAMPLES / f"referensi-{kind}.csv" for kind in ("enrolled", "deaths", "asn")},
    )
    result = screen_file(SAMPLE, ctx, ScreeningOptions(as_of=date(2026, 1, 1), age_min=15, age_max=65))
    out = tmp_path_factory.mktemp("sample")
    write_outputs(result, out, source_name=SAMPLE.name)
    got = pl.read_csv(out / "rows.csv", infer_schema=False)
    expected = pl.read_csv(EXPECTED, infer_schema=False)
    return expected, got


def test_rows_csv_columns(screened: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    expected, got = screened
    assert got.columns == ["row", "status", "reasons", "cluster", "region_code"]
    assert sorted(got["row"].cast(pl.Int64).to_list()) == sorted(expected["row"].cast(pl.Int64).to_list())


def test_status_agreement(screened: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    expected, got = screened
    joined = expected.join(got, on="row", suffix="_got")
    agreement = (joined["status"] == joined["status_got"]).sum() / joined.height
    assert agreement >= 0.97, agreement


def test_reason_precision_and_recall(screened: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    expected, got = screened
    joined = expected.join(got, on="row", suffix="_got")
    exp = [_codes(t) for t in joined["reasons"].to_list()]
    out = [_codes(t) for t in joined["reasons_got"].to_list()]
    codes = set().union(*exp, *out)
    assert codes, "no reason codes at all"
    for code in sorted(codes):
        tp = sum(1 for e, g in zip(exp, out, strict=True) if code in e and code in g)
        fp = sum(1 for e, g in zip(exp, out, strict=True) if code not in e and code in g)
        fn = sum(1 for e, g in zip(exp, out, strict=True) if code in e and code not in g)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        assert precision >= 0.95, (code, precision, tp, fp)
        assert recall >= 0.95, (code, recall, tp, fn)


def test_duplicate_pairs_f1(screened: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    expected, got = screened
    want, have = _pairs(expected, "group"), _pairs(got, "cluster")
    tp = len(want & have)
    f1 = 2 * tp / (len(want) + len(have)) if want or have else 1.0
    assert f1 >= 0.95, (f1, len(want - have), len(have - want))


def test_no_clean_row_rejected(screened: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    expected, got = screened
    joined = expected.join(got, on="row", suffix="_got")
    wrongly = joined.filter((pl.col("status") == "eligible") & (pl.col("status_got") == "rejected"))
    assert wrongly.height == 0, wrongly["row"].to_list()
