"""core.linkage.explain_pair gives the model's own probability and evidence for one pair;
probability_text never shows a probability below 1 as 100 %."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ucjamsostek.core.linkage import explain_pair, link, nik_differences, nik_part, probability_text

BORN = date(1979, 8, 19)
LEFT = {"nik": "7413011908790013", "name": "Muhammad Rusdin", "birth_date": BORN, "sex": "L",
        "village_code": "74.13.01.2001"}  # fmt: skip


def _scored(left, right) -> float:
    rows = [{"row": 1, **left}, {"row": 2, **right}]
    pairs = link(pl.DataFrame(rows), threshold=0.0).pairs
    return pairs.filter(pl.col("kind") == "probable")["probability"].item()


@pytest.mark.parametrize(
    "right",
    [
        {**LEFT, "nik": "7413011908790014", "name": "Muhamad Rusdin"},  # one NIK digit, one letter
        {**LEFT, "nik": "7413011908790015", "birth_date": date(1979, 8, 18), "sex": "P"},
        {**LEFT, "nik": "7413011908790016", "village_code": "74.13.01.2002"},
    ],
)
def test_the_explained_probability_is_the_models(right):
    ev = explain_pair(LEFT, right)
    assert ev.probability == pytest.approx(_scored(LEFT, right), rel=1e-9)
    assert 0 < ev.probability < 1


def test_the_evidence_names_what_agrees_and_what_does_not():
    ev = explain_pair(LEFT, {**LEFT, "nik": "7413011908790014", "sex": "P", "village_code": None})
    by_field = {f.field: f for f in ev.fields}
    assert by_field["birth_date"].agrees and by_field["birth_date"].level == "same date"
    assert by_field["sex"].agrees is False and by_field["sex"].bayes_factor < 1
    assert by_field["village"].agrees is None and by_field["village"].bayes_factor == 1
    assert by_field["nik"].agrees is False
    assert ev.nik_digits == [16] and nik_part(16) == "nomor urut"


def test_nik_differences():
    assert nik_differences("7413011908790013", "7413014908790013") == [7]
    assert nik_part(7) == "tanggal lahir" and nik_part(1) == "wilayah"
    assert nik_differences("7413011908790013", "") == [] and nik_differences("123", "1234") == []


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (0.93, "93%"),
        (0.905, "90%"),
        (0.99, "99%"),
        (0.99517, "99,5%"),
        (0.999958, "99,995%"),
        (1 - 1e-12, "> 99,9999%"),
        (1.0, "> 99,9999%"),
    ],
)
def test_probability_text_is_truncated_never_a_false_100(p, text):
    assert probability_text(p) == text
