"""Priority policy: a configurable, explainable score per person (integer points).

The score is the sum of five parts, each its own column so a selected person's score shows where
it came from:

* ``score_poverty``    — in extreme poverty (``extreme_poor``),
* ``score_decile``     — DTKS/P3KE decile (1 poorest … 10): ``(11 − decile) × decile_step``,
* ``score_occupation`` — occupation risk: fishermen, construction and farm labour rank higher,
* ``score_age``        — age at the coverage start, by bands,
* ``score_continuity`` — covered last year (``covered_last_year``).

Input columns (all optional; a missing column scores 0): ``extreme_poor`` (bool), ``decile``
(int 1–10), ``occupation`` (code or free text; matched case- and space-insensitively),
``birth_date`` (date) or ``age`` (int), ``covered_last_year`` (bool).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import polars as pl

from ucjamsostek.core.errors import UserError

SCORE_PARTS: tuple[str, ...] = (
    "score_poverty",
    "score_decile",
    "score_occupation",
    "score_age",
    "score_continuity",
)

PART_LABELS: dict[str, str] = {
    "score_poverty": "Miskin ekstrem",
    "score_decile": "Desil DTKS",
    "score_occupation": "Risiko pekerjaan",
    "score_age": "Usia",
    "score_continuity": "Peserta tahun lalu",
}

# Occupation code → points. Codes are lower case with underscores; free text is normalised the
# same way ("Buruh Tani" → "buruh_tani").
DEFAULT_OCCUPATION_POINTS: tuple[tuple[str, int], ...] = (
    # high risk (core/data/occupations.csv): fishing, construction, farm labour, mining, porters
    ("nelayan", 20),
    ("buruh_nelayan", 20),
    ("buruh_bangunan", 20),
    ("tukang", 18),
    ("penambang", 18),
    ("buruh_tani", 16),
    ("buruh_kebun", 16),
    ("buruh_angkut", 16),
    # medium risk
    ("pembudidaya_ikan", 10),
    ("petani", 10),
    ("pekebun", 10),
    ("peternak", 8),
    ("buruh_harian_lepas", 10),
    ("pengemudi", 8),
    ("ojek", 8),
    # low risk, still informal work
    ("pedagang", 4),
    ("penjahit", 3),
    ("pengrajin", 3),
)

# (lowest age, highest age, points), inclusive.
DEFAULT_AGE_BANDS: tuple[tuple[int, int, int], ...] = ((50, 65, 10), (35, 49, 6), (18, 34, 3))


class PolicyError(UserError):
    """A priority policy is malformed; the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class PriorityPolicy:
    extreme_poverty_points: int = 40
    decile_step: int = 3
    occupation_points: tuple[tuple[str, int], ...] = DEFAULT_OCCUPATION_POINTS
    age_bands: tuple[tuple[int, int, int], ...] = DEFAULT_AGE_BANDS
    continuity_points: int = 25
    name: str = field(default="bawaan")

    def __post_init__(self) -> None:
        for f in ("extreme_poverty_points", "decile_step", "continuity_points"):
            if getattr(self, f) < 0:
                raise PolicyError(f"Bobot {f} tidak boleh negatif")
        for code, points in self.occupation_points:
            if points < 0 or not code:
                raise PolicyError(f"Bobot pekerjaan {code!r} tidak sah")
        for lo, hi, points in self.age_bands:
            if lo > hi or points < 0:
                raise PolicyError(f"Rentang usia {lo}–{hi} tidak sah")

    @property
    def max_score(self) -> int:
        occ = max((p for _, p in self.occupation_points), default=0)
        age = max((p for _, _, p in self.age_bands), default=0)
        return self.extreme_poverty_points + 10 * self.decile_step + occ + age + self.continuity_points

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "extreme_poverty_points": self.extreme_poverty_points,
            "decile_step": self.decile_step,
            "occupation_points": [[c, p] for c, p in self.occupation_points],
            "age_bands": [[lo, hi, p] for lo, hi, p in self.age_bands],
            "continuity_points": self.continuity_points,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PriorityPolicy:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise PolicyError(f"Bobot prioritas tidak dikenal: {', '.join(sorted(unknown))}")
        kwargs: dict[str, Any] = dict(data)
        if "occupation_points" in kwargs:
            kwargs["occupation_points"] = tuple(
                (normalise_occupation(str(c)), int(p)) for c, p in kwargs["occupation_points"]
            )
        if "age_bands" in kwargs:
            kwargs["age_bands"] = tuple((int(a), int(b), int(p)) for a, b, p in kwargs["age_bands"])
        return cls(**kwargs)


def normalise_occupation(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").replace("/", " ").split())


def _occupation_expr(frame: pl.DataFrame, policy: PriorityPolicy) -> pl.Expr:
    """Points per occupation, matched on the few distinct texts rather than on every row."""
    table = dict(policy.occupation_points)
    distinct = [v for v in frame["occupation"].cast(pl.Utf8).unique().to_list() if v is not None]
    points = [table.get(normalise_occupation(v), 0) for v in distinct]
    return (
        pl.col("occupation")
        .cast(pl.Utf8)
        .replace_strict(distinct, points, default=0, return_dtype=pl.Int64)
        .fill_null(0)
    )


def _age_expr(frame: pl.DataFrame, on: date) -> pl.Expr | None:
    if "age" in frame.columns:
        return pl.col("age").cast(pl.Int64)
    if "birth_date" in frame.columns:
        bd = pl.col("birth_date").cast(pl.Date)
        before_birthday = (bd.dt.month().cast(pl.Int64) * 100 + bd.dt.day().cast(pl.Int64)) > (on.month * 100 + on.day)
        return pl.lit(on.year, pl.Int64) - bd.dt.year().cast(pl.Int64) - before_birthday.cast(pl.Int64)
    return None


def score_frame(frame: pl.DataFrame, policy: PriorityPolicy, on: date) -> pl.DataFrame:
    """``frame`` with the columns ``age`` (when derivable), :data:`SCORE_PARTS` and ``score``."""
    zero = pl.lit(0, pl.Int64)
    cols = frame.columns
    exprs: list[pl.Expr] = []
    if "extreme_poor" in cols:
        exprs.append(
            pl.when(pl.col("extreme_poor").cast(pl.Boolean).fill_null(False))
            .then(pl.lit(policy.extreme_poverty_points, pl.Int64))
            .otherwise(zero)
            .alias("score_poverty")
        )
    else:
        exprs.append(zero.alias("score_poverty"))
    if "decile" in cols:
        d = pl.col("decile").cast(pl.Int64)
        exprs.append(
            pl.when(d.is_between(1, 10))
            .then((11 - d) * policy.decile_step)
            .otherwise(zero)
            .fill_null(0)
            .alias("score_decile")
        )
    else:
        exprs.append(zero.alias("score_decile"))
    exprs.append((_occupation_expr(frame, policy) if "occupation" in cols else zero).alias("score_occupation"))
    age = _age_expr(frame, on)
    if age is not None and policy.age_bands:
        band: pl.Expr = zero
        for lo, hi, points in reversed(policy.age_bands):
            band = pl.when(pl.col("age").is_between(lo, hi)).then(pl.lit(points, pl.Int64)).otherwise(band)
        out = frame.with_columns(age.alias("age"))
        exprs.append(band.fill_null(0).alias("score_age"))
    else:
        out = frame
        exprs.append(zero.alias("score_age"))
    if "covered_last_year" in cols:
        exprs.append(
            pl.when(pl.col("covered_last_year").cast(pl.Boolean).fill_null(False))
            .then(pl.lit(policy.continuity_points, pl.Int64))
            .otherwise(zero)
            .alias("score_continuity")
        )
    else:
        exprs.append(zero.alias("score_continuity"))
    out = out.with_columns(exprs)
    return out.with_columns(pl.sum_horizontal(*SCORE_PARTS).cast(pl.Int64).alias("score"))


def explain_score(row: Mapping[str, Any]) -> str:
    """One person's score in words: ``"Miskin ekstrem +40; Desil DTKS +27; Usia +10 = 77"``."""
    parts = [f"{PART_LABELS[p]} +{int(row[p])}" for p in SCORE_PARTS if row.get(p)]
    total = int(row.get("score") or 0)
    return ("; ".join(parts) if parts else "tanpa poin") + f" = {total}"
