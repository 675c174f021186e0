"""Budget selection: who, of the eligible pool, is covered under a ceiling (pagu).

The engine works on a whole table (Polars) with integer Rupiah.

Pool columns
    ``person_id`` (required, unique; the deterministic tie-break key), ``village_code`` (dotted
    Kemendagri code; required for quotas by desa, and for kecamatan unless ``district_code`` is
    given), ``category`` (``BPU``/``PU``, default ``BPU``), ``wage`` (Rupiah, required for ``PU``),
    ``segment`` (for the scenario's segment filter) and the priority inputs of
    :mod:`ucjamsostek.core.priority`. Other columns are carried through untouched.

Order
    Everyone is ranked by (continuing first when ``continuity`` is on, then score descending, then
    the optional ``tiebreak`` column ascending, then ``person_id`` ascending): a total,
    deterministic order — same inputs, same list. (The app puts a hash of NIK and year in
    ``tiebreak`` so equal scores are not ordered by where or when people were born.)

Objective and method
    ``objective="count"`` (default): cover as many people as the ceiling and quotas allow; among
    the sets of that size, the one with the highest total priority score.

    * All people cost the same (the usual case: every pekerja rentan is a BPU participant paid by
      the APBD): the sets that respect the quotas and a head-count limit form a matroid, so taking
      people in priority order and skipping only those whose area quota is full is exactly optimal
      — for the count and for the priority. This path is vectorised (``method="greedy"``).
    * Costs differ (e.g. PU non-ASN at a wage-based rate beside BPU at a flat rate): taking people
      in priority order may leave money that a cheaper person could use, or spend it on an expensive
      person where two cheap ones fit. The largest count N* is still found greedily (cheapest first
      within quotas: a matroid again); the best-priority set of N* people is a knapsack with quotas,
      solved exactly with HiGHS (``method="milp"``) over cells of interchangeable people
      (same area, cost and score), then filled in priority order inside each cell.

    ``objective="priority"``: strict priority order, first fit (a person is taken when their cost
    still fits the remaining money and their area quota has room). Exact when costs are equal.

Continuity
    When ``continuity`` is on, people covered last year keep their place: they are selected first
    (as their own tier, with the full ceiling and quotas), newcomers share what is left.

Quotas (maximum people per desa or kecamatan)
    ``fixed``: from ``quotas`` (area code → people); an unlisted area has no quota.
    ``pool`` / ``poverty``: the people the ceiling can buy are shared among areas in proportion to
    the eligible pool or to poverty (``poverty_weights``, else the pool's people in extreme poverty
    or DTKS decile 1–4), by largest remainders, an area never getting more than its pool.

Every eligible person not selected carries a reason: ``QUOTA_FULL`` when their area's quota is
filled ("kuota desa penuh" / "kuota kecamatan penuh"), else ``OUTSIDE_CEILING`` ("di luar pagu":
the money left is less than their cost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import numpy as np
import polars as pl

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.indicators import MONTHS_ID
from ucjamsostek.core.money import Rupiah, format_number, format_rupiah
from ucjamsostek.core.priority import SCORE_PARTS, PriorityPolicy, score_frame
from ucjamsostek.core.rates import (
    CATEGORIES,
    DEFAULT_PROGRAMMES,
    PAYER_KINDS,
    RateError,
    RateTable,
    coverage_end,
    load_rate_table,
)

QuotaLevel = Literal["desa", "kecamatan"]
QuotaMode = Literal["fixed", "pool", "poverty"]
Objective = Literal["count", "priority"]

OUTSIDE_CEILING = "OUTSIDE_CEILING"
QUOTA_FULL = "QUOTA_FULL"

REASON_TEXT: dict[str, str] = {
    OUTSIDE_CEILING: "di luar pagu",
    QUOTA_FULL: "kuota {level} penuh",
}

MIP_TIME_LIMIT_SECONDS = 30


def format_date_id(day: date) -> str:
    """date(2026, 7, 1) → ``"1 Juli 2026"``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


class BudgetInputError(UserError):
    """Bad scenario or pool; ``code`` is stable, ``message`` is Bahasa Indonesia for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Scenario:
    year: int
    ceiling: Rupiah
    start: date | None = None  # default: 1 January of ``year``
    months: int = 12
    payer: str = "public"  # payer kind of the funder: "public" (APBN/APBD) or "other"
    programmes: tuple[str, ...] = DEFAULT_PROGRAMMES
    quota_by: QuotaLevel | None = None
    quota_mode: QuotaMode = "fixed"
    quotas: Mapping[str, int] | None = None
    poverty_weights: Mapping[str, int] | None = None
    continuity: bool = False
    segments: tuple[str, ...] = ()
    policy: PriorityPolicy = field(default_factory=PriorityPolicy)
    objective: Objective = "count"

    @property
    def start_date(self) -> date:
        return self.start if self.start is not None else date(self.year, 1, 1)


@dataclass(frozen=True)
class Selection:
    scenario: Scenario
    selected: pl.DataFrame  # in rank order; pool columns + rank, area, cost, continuing, score parts
    left_out: pl.DataFrame  # the same columns + reason, reason_text
    by_area: pl.DataFrame  # area, eligible, quota (null = none), selected, cost
    count: int
    cost: Rupiah
    remaining: Rupiah
    method: str  # "greedy", "milp", or "greedy-fallback" (HiGHS found no proven optimum in time)
    unit_costs: pl.DataFrame  # category, wage, cost per person for the coverage period

    def summary(self) -> dict[str, object]:
        return {
            "year": self.scenario.year,
            "ceiling": self.scenario.ceiling,
            "start": self.scenario.start_date.isoformat(),
            "months": self.scenario.months,
            "eligible": self.selected.height + self.left_out.height,
            "selected": self.count,
            "cost": self.cost,
            "remaining": self.remaining,
            "method": self.method,
            "left_out": {code: int(n) for code, n in self.left_out.group_by("reason").len().sort("reason").iter_rows()},
        }


# ---------------------------------------------------------------------------------- validation


def validate_scenario(sc: Scenario) -> None:
    """Raise :class:`BudgetInputError` for a scenario that cannot be computed."""
    if isinstance(sc.ceiling, bool) or not isinstance(sc.ceiling, int):
        raise BudgetInputError("CEILING_NOT_INTEGER", "Pagu harus bilangan bulat Rupiah.")
    if sc.ceiling <= 0:
        raise BudgetInputError(
            "CEILING_NOT_POSITIVE", f"Pagu harus lebih dari nol (diisi: {format_rupiah(sc.ceiling)})."
        )
    if isinstance(sc.months, bool) or not isinstance(sc.months, int) or not 1 <= sc.months <= 12:
        raise BudgetInputError(
            "MONTHS_OUT_OF_RANGE", f"Jumlah bulan perlindungan harus 1 sampai 12 (diisi: {sc.months})."
        )
    if not 2000 <= sc.year <= 2100:
        raise BudgetInputError("YEAR_OUT_OF_RANGE", f"Tahun anggaran tidak wajar: {sc.year}.")
    start = sc.start_date
    if start.year != sc.year:
        raise BudgetInputError(
            "START_OUTSIDE_YEAR",
            f"Tanggal mulai {format_date_id(start)} berada di luar tahun anggaran {sc.year}.",
        )
    end = coverage_end(start, sc.months)
    if end > date(sc.year + 1, 1, 1):
        last = 13 - start.month  # calendar months billed, the start's month included (coverage_months)
        raise BudgetInputError(
            "COVERAGE_PAST_YEAR_END",
            f"Perlindungan {sc.months} bulan sejak {format_date_id(start)} melewati akhir tahun anggaran "
            f"{sc.year}; paling banyak {last} bulan.",
        )
    if sc.payer not in PAYER_KINDS:
        raise BudgetInputError("PAYER_UNKNOWN", f"Jenis sumber dana tidak dikenal: {sc.payer!r}.")
    if sc.quota_by not in (None, "desa", "kecamatan"):
        raise BudgetInputError("QUOTA_LEVEL_UNKNOWN", "Kuota hanya dapat per desa atau per kecamatan.")
    if sc.quota_mode not in ("fixed", "pool", "poverty"):
        raise BudgetInputError(
            "QUOTA_MODE_UNKNOWN", "Cara kuota harus tetap, sebanding pool, atau sebanding kemiskinan."
        )
    if sc.quota_by is not None and sc.quota_mode == "fixed" and not sc.quotas:
        raise BudgetInputError("QUOTAS_MISSING", f"Kuota tetap per {sc.quota_by} belum diisi.")
    for area, q in (sc.quotas or {}).items():
        if isinstance(q, bool) or not isinstance(q, int) or q < 0:
            raise BudgetInputError("QUOTA_INVALID", f"Kuota {area} harus bilangan bulat 0 atau lebih (diisi: {q}).")
    if sc.objective not in ("count", "priority"):
        raise BudgetInputError("OBJECTIVE_UNKNOWN", f"Tujuan seleksi tidak dikenal: {sc.objective!r}.")


# ------------------------------------------------------------------------------------ the pool


def unit_costs(frame: pl.DataFrame, sc: Scenario, rates: RateTable) -> pl.DataFrame:
    """Cost per person for the coverage period, for each distinct (category, wage) in ``frame``."""
    combos = frame.select("category", "wage").unique().sort("category", "wage", nulls_last=True)
    costs: list[int] = []
    for category, wage in combos.iter_rows():
        try:
            costs.append(rates.coverage_cost(category, sc.payer, sc.start_date, sc.months, sc.programmes, wage))
        except RateError as exc:
            raise BudgetInputError("RATE_MISSING", str(exc)) from exc
    return combos.with_columns(pl.Series("cost", costs, dtype=pl.Int64))


def _district_of(village: pl.Expr) -> pl.Expr:
    return village.cast(pl.Utf8).str.extract(r"^(\d+\.\d+\.\d+)", 1)


def prepare_pool(pool: pl.DataFrame, sc: Scenario, rates: RateTable) -> pl.DataFrame:
    """The pool filtered by segment, with ``area``, ``cost``, scores, ``continuing`` and ``rank``,
    sorted in priority order."""
    if "person_id" not in pool.columns:
        raise BudgetInputError("COLUMN_MISSING", "Daftar calon peserta tidak memiliki kolom person_id.")
    frame = pool
    if sc.segments:
        if "segment" not in frame.columns:
            raise BudgetInputError("COLUMN_MISSING", "Daftar calon peserta tidak memiliki kolom segmen.")
        frame = frame.filter(pl.col("segment").is_in(list(sc.segments)))
    if frame.height == 0:
        raise BudgetInputError(
            "EMPTY_POOL", "Tidak ada calon peserta yang memenuhi syarat untuk skenario ini (daftar kosong)."
        )
    if frame["person_id"].null_count() or frame["person_id"].n_unique() != frame.height:
        raise BudgetInputError(
            "DUPLICATE_PERSON", "Daftar calon peserta memuat orang yang sama lebih dari sekali atau tanpa ID."
        )
    extra: list[pl.Expr] = []
    if "category" not in frame.columns:
        extra.append(pl.lit("BPU", pl.Utf8).alias("category"))
    if "wage" not in frame.columns:
        extra.append(pl.lit(None, pl.Int64).alias("wage"))
    if extra:
        frame = frame.with_columns(extra)
    frame = frame.with_columns(pl.col("category").cast(pl.Utf8).str.to_uppercase(), pl.col("wage").cast(pl.Int64))
    bad = frame.filter(~pl.col("category").is_in(list(CATEGORIES)) | pl.col("category").is_null())
    if bad.height:
        raise BudgetInputError(
            "CATEGORY_UNKNOWN", f"{format_number(bad.height)} calon peserta berkategori selain BPU/PU."
        )
    no_wage = frame.filter((pl.col("category") == "PU") & pl.col("wage").is_null()).height
    if no_wage:
        raise BudgetInputError("WAGE_MISSING", f"{format_number(no_wage)} calon peserta PU tidak memiliki data upah.")

    if sc.quota_by == "desa":
        if "village_code" not in frame.columns:
            raise BudgetInputError("COLUMN_MISSING", "Kuota per desa memerlukan kolom kode desa.")
        area = pl.col("village_code").cast(pl.Utf8)
    elif sc.quota_by == "kecamatan":
        if "district_code" in frame.columns:
            area = pl.col("district_code").cast(pl.Utf8)
        elif "village_code" in frame.columns:
            area = _district_of(pl.col("village_code"))
        else:
            raise BudgetInputError("COLUMN_MISSING", "Kuota per kecamatan memerlukan kolom kode kecamatan atau desa.")
    else:
        area = pl.lit("", pl.Utf8)
    frame = frame.with_columns(area.fill_null("").alias("area"))

    costs = unit_costs(frame, sc, rates)
    frame = frame.join(costs, on=["category", "wage"], how="left", nulls_equal=True, maintain_order="left")
    frame = score_frame(frame, sc.policy, sc.start_date)
    continuing = (
        pl.col("covered_last_year").cast(pl.Boolean).fill_null(False)
        if sc.continuity and "covered_last_year" in frame.columns
        else pl.lit(False)
    )
    frame = frame.with_columns(continuing.alias("continuing"))
    frame = frame[_priority_order(frame)]
    return frame.with_columns(pl.int_range(1, frame.height + 1, dtype=pl.Int64).alias("rank"))


def _ordinal(series: pl.Series) -> np.ndarray:
    """0-based ranks of the values (equal values share a rank)."""
    if series.dtype.is_integer() and series.null_count() == 0:
        values: np.ndarray = series.to_numpy().astype(np.int64)
        return values - values.min()
    ranks: np.ndarray = series.rank("dense").to_numpy().astype(np.int64) - 1
    return ranks


def _priority_order(frame: pl.DataFrame) -> np.ndarray:
    """Row order by (continuing desc, score desc, tiebreak asc, person_id asc), as one int64 key.

    One integer key sorts several times faster than a multi-column sort on a million rows; it is
    unique because ``person_id`` is, so the order is total. Falls back to a column sort when the
    key would not fit in 63 bits.
    """
    score = frame["score"].cast(pl.Int64).to_numpy()
    span = int(score.max()) + 1 if score.size else 1
    primary = frame["continuing"].cast(pl.Int64).to_numpy() * span + score
    pid = _ordinal(frame["person_id"])
    tie_range = int(pid.max()) + 1
    tie = pid
    if "tiebreak" in frame.columns:
        tb = _ordinal(frame["tiebreak"].fill_null(""))
        tie = tb * tie_range + pid
        tie_range *= int(tb.max()) + 1
    top = int(primary.max())
    if (top + 1) * tie_range < 2**62:
        key = (top - primary).astype(np.int64) * tie_range + tie
        order: np.ndarray = np.argsort(key)  # keys are distinct: any sort gives the same order
        return order
    keys = ["continuing", "score", *(["tiebreak"] if "tiebreak" in frame.columns else []), "person_id"]
    fallback: np.ndarray = (
        frame.select(pl.arg_sort_by(keys, descending=[True, True] + [False] * (len(keys) - 2))).to_series().to_numpy()
    )
    return fallback


# ------------------------------------------------------------------------------------- quotas


def _max_count(costs: np.ndarray, area_idx: np.ndarray, quota: np.ndarray, budget: int) -> int:
    """The most people the budget buys within quotas: cheapest first (a matroid: greedy is exact)."""
    order = np.argsort(costs, kind="stable")
    c = costs[order]
    cand = _rank_in_group(area_idx[order]) < quota[area_idx[order]]
    spent = np.cumsum(np.where(cand, c, 0))
    return int(np.count_nonzero(cand & (spent <= budget)))


def _rank_in_group(groups: np.ndarray) -> np.ndarray:
    """0-based position of each element among the elements of its group, in array order."""
    n = groups.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    top = int(groups.max())
    # numpy's stable sort is a radix sort for 16-bit integers: linear time for area indexes
    keys = groups.astype(np.uint16) if 0 <= int(groups.min()) and top < 2**16 else groups
    order = np.argsort(keys, kind="stable")
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, n])
    ranks_sorted = np.arange(n, dtype=np.int64) - np.repeat(starts, counts)
    out = np.empty(n, dtype=np.int64)
    out[order] = ranks_sorted
    return out


def proportional_quotas(capacity: int, weights: Mapping[str, int], caps: Mapping[str, int]) -> dict[str, int]:
    """Share ``capacity`` people among areas in proportion to ``weights`` (largest remainders; ties by
    area code), never more than ``caps[area]``; what a capped area cannot take goes to the others."""
    quotas = {a: 0 for a in caps}
    left = capacity
    open_areas = sorted(a for a in caps if caps[a] > 0 and weights.get(a, 0) > 0)
    while left > 0 and open_areas:
        total_w = sum(weights[a] for a in open_areas)
        shares = {a: (left * weights[a]) // total_w for a in open_areas}
        rema = sorted(open_areas, key=lambda a: (-((left * weights[a]) % total_w), a))
        extra = left - sum(shares.values())
        for a in rema[:extra]:
            shares[a] += 1
        given = 0
        for a in open_areas:
            take = min(shares[a], caps[a] - quotas[a])
            quotas[a] += take
            given += take
        left -= given
        open_areas = [a for a in open_areas if quotas[a] < caps[a]]
        if given == 0:
            break
    return quotas


def _poverty_weights(frame: pl.DataFrame) -> dict[str, int]:
    poor = pl.lit(False)
    if "extreme_poor" in frame.columns:
        poor = poor | pl.col("extreme_poor").cast(pl.Boolean).fill_null(False)
    if "decile" in frame.columns:
        poor = poor | pl.col("decile").cast(pl.Int64).is_between(1, 4).fill_null(False)
    counts = frame.group_by("area").agg(poor.sum().alias("n"))
    return {a: int(n) for a, n in counts.iter_rows()}


def resolve_quotas(frame: pl.DataFrame, sc: Scenario) -> dict[str, int] | None:
    """Area → maximum people, or ``None`` without quotas. Checks that fixed quotas fit the ceiling."""
    if sc.quota_by is None:
        return None
    level = sc.quota_by
    pool_counts = {a: int(n) for a, n in frame.group_by("area").len().iter_rows()}
    if sc.quota_mode == "fixed":
        quotas = dict(sc.quotas or {})
        total = sum(quotas.values())
        cheapest = int(frame["cost"].min())  # type: ignore[arg-type]
        needed = total * cheapest
        if needed > sc.ceiling:
            raise BudgetInputError(
                "QUOTAS_EXCEED_CEILING",
                f"Jumlah kuota per {level} {format_number(total)} orang memerlukan paling sedikit "
                f"{format_rupiah(needed)}, melebihi pagu {format_rupiah(sc.ceiling)} "
                f"(cukup untuk {format_number(sc.ceiling // cheapest)} orang).",
            )
        return quotas
    costs = frame["cost"].to_numpy()
    cheapest, dearest = int(costs.min()), int(costs.max())
    if cheapest == dearest:
        capacity = min(frame.height, sc.ceiling // cheapest)
    else:
        zeros = np.zeros(frame.height, dtype=np.int64)
        capacity = _max_count(costs, zeros, np.array([frame.height], dtype=np.int64), sc.ceiling)
    if sc.quota_mode == "pool":
        weights = pool_counts
    else:
        weights = dict(sc.poverty_weights) if sc.poverty_weights else _poverty_weights(frame)
        if sum(weights.get(a, 0) for a in pool_counts) <= 0:
            raise BudgetInputError(
                "POVERTY_WEIGHTS_MISSING",
                f"Kuota sebanding kemiskinan memerlukan data kemiskinan per {level}; tidak ada yang terisi.",
            )
    return proportional_quotas(capacity, weights, pool_counts)


# ---------------------------------------------------------------------------------- selection


def _greedy_equal(area_idx: np.ndarray, cost: int, quota_left: np.ndarray, budget: int) -> np.ndarray:
    cand = _rank_in_group(area_idx) < quota_left[area_idx]
    limit = budget // cost
    return cand & (np.cumsum(cand) <= limit)


def _first_fit(area_idx: np.ndarray, costs: np.ndarray, quota_left: np.ndarray, budget: int) -> np.ndarray:
    take = np.zeros(area_idx.shape[0], dtype=bool)
    quota = quota_left.tolist()
    cheapest = int(costs.min()) if costs.size else 0
    for i, (a, c) in enumerate(zip(area_idx.tolist(), costs.tolist(), strict=True)):
        if budget < cheapest:
            break
        if c <= budget and quota[a] > 0:
            take[i] = True
            budget -= c
            quota[a] -= 1
    return take


def _quiet_highs() -> Any:
    """A HiGHS instance that prints nothing: ``highspy.Highs()`` writes a banner to stdout on first
    use, which would corrupt ``--json`` output; the bare core class does not."""
    try:
        from highspy._core import _Highs

        h = _Highs()
    except ImportError:  # pragma: no cover - layout of other highspy versions
        import highspy

        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _milp_best_priority(
    area_idx: np.ndarray,
    costs: np.ndarray,
    scores: np.ndarray,
    quota_left: np.ndarray,
    budget: int,
    count: int,
) -> np.ndarray | None:
    """Exactly ``count`` people maximising the score sum within ``budget`` and quotas (HiGHS).

    People with the same area, cost and score are interchangeable, so the model has one integer
    variable per such cell (how many to take); inside a cell the best-ranked are taken. The solver
    works in doubles, exact for integers below 2**53; the answer is re-checked in integers and
    ``None`` is returned when HiGHS does not prove an optimum that passes the check.
    """
    import highspy

    cost_values, cost_idx = np.unique(costs, return_inverse=True)
    score_span = int(scores.max()) + 1
    key = (area_idx.astype(np.int64) * cost_values.size + cost_idx) * score_span + scores
    cell_keys, cell_of, sizes = np.unique(key, return_inverse=True, return_counts=True)
    n = cell_keys.size
    cell_score = (cell_keys % score_span).tolist()
    cell_ac = cell_keys // score_span
    cell_area = cell_ac // cost_values.size
    cell_cost = cost_values[cell_ac % cost_values.size].tolist()
    cell_size = sizes.tolist()
    areas = np.unique(cell_area)

    h = _quiet_highs()
    h.setOptionValue("time_limit", MIP_TIME_LIMIT_SECONDS)
    h.setOptionValue("mip_rel_gap", 0)
    h.setOptionValue("mip_abs_gap", 0.5)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.col_cost_ = np.asarray(cell_score, dtype=np.float64)
    lp.col_lower_ = np.zeros(n, dtype=np.float64)
    lp.col_upper_ = np.asarray(cell_size, dtype=np.float64)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    # rows: 0 = head count, 1 = money, 2.. = one per area
    row_of_area = {int(a): 2 + k for k, a in enumerate(areas)}
    lp.num_row_ = 2 + len(areas)
    lower = [count, 0, *([0] * len(areas))]
    upper = [count, budget, *[int(quota_left[int(a)]) for a in areas]]
    lp.row_lower_ = np.asarray(lower, dtype=np.float64)
    lp.row_upper_ = np.asarray(upper, dtype=np.float64)
    starts, index, value = [0], [], []
    for j in range(n):
        index += [0, 1, row_of_area[int(cell_area[j])]]
        value += [1, cell_cost[j], 1]
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.asarray(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=np.float64)
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    take_per_cell = [int(round(v)) for v in h.getSolution().col_value]
    # integer re-check
    if sum(take_per_cell) != count:
        return None
    if sum(t * c for t, c in zip(take_per_cell, cell_cost, strict=True)) > budget:
        return None
    per_area: dict[int, int] = {}
    for t, a, size in zip(take_per_cell, cell_area.tolist(), cell_size, strict=True):
        if not 0 <= t <= size:
            return None
        per_area[a] = per_area.get(a, 0) + t
    if any(v > int(quota_left[a]) for a, v in per_area.items()):
        return None
    want = np.asarray(take_per_cell, dtype=np.int64)[cell_of]
    result: np.ndarray = _rank_in_group(cell_of) < want
    return result


def _select_tier(
    area_idx: np.ndarray,
    costs: np.ndarray,
    scores: np.ndarray,
    quota_left: np.ndarray,
    budget: int,
    objective: Objective,
) -> tuple[np.ndarray, str]:
    if area_idx.shape[0] == 0:
        return np.zeros(0, dtype=bool), "greedy"
    if int(costs.min()) == int(costs.max()):
        return _greedy_equal(area_idx, int(costs[0]), quota_left, budget), "greedy"
    # Among people of the same area and cost, a later one in priority order is never taken while
    # an earlier one is left out (swap them: same cost, same area count, no lower priority), and
    # no more than the area quota or budget // cost of them can be taken. So only the first
    # min(quota, budget // cost) of each (area, cost) group are candidates: exact for first fit
    # and for the optimum, and it shrinks a million-row pool to about the number of places.
    _, cost_idx = np.unique(costs, return_inverse=True)
    group = area_idx.astype(np.int64) * (int(cost_idx.max()) + 1) + cost_idx
    cap = np.minimum(quota_left[area_idx], budget // costs)
    cand = np.flatnonzero(_rank_in_group(group) < cap)
    chosen = np.zeros(area_idx.shape[0], dtype=bool)
    a, c, s = area_idx[cand], costs[cand], scores[cand]
    if cand.size == 0:
        return chosen, "greedy"
    first_fit = _first_fit(a, c, quota_left, budget)
    if objective == "priority":
        chosen[cand[first_fit]] = True
        return chosen, "greedy"
    best = _max_count(c, a, quota_left, budget)
    everyone = int(np.minimum(np.bincount(area_idx, minlength=quota_left.size), quota_left).sum())
    if int(first_fit.sum()) == best == everyone:
        # everyone the quotas allow fits the money: nothing to optimise
        chosen[cand[first_fit]] = True
        return chosen, "greedy"
    exact = _milp_best_priority(a, c, s, quota_left, budget, best)
    if exact is None:  # no proven optimum in time: the first-fit list, said so in ``method``
        chosen[cand[first_fit]] = True
        return chosen, "greedy-fallback"
    chosen[cand[exact]] = True
    return chosen, "milp"


def select(pool: pl.DataFrame, scenario: Scenario, rates: RateTable | None = None) -> Selection:
    """Select who is covered under ``scenario`` from ``pool``; see the module doc."""
    validate_scenario(scenario)
    table = rates if rates is not None else load_rate_table()
    frame = prepare_pool(pool, scenario, table)
    quotas = resolve_quotas(frame, scenario)

    area_names = frame["area"].unique().sort().to_list()
    area_pos = {a: i for i, a in enumerate(area_names)}
    area_arr = frame["area"].cast(pl.Enum(area_names)).to_physical().cast(pl.Int64).to_numpy()
    unlimited = frame.height + 1
    quota_arr = np.full(len(area_names), unlimited, dtype=np.int64)
    if quotas is not None:
        quota_arr[:] = unlimited if scenario.quota_mode == "fixed" else 0
        for a, q in quotas.items():
            if a in area_pos:
                quota_arr[area_pos[a]] = q
    costs = frame["cost"].to_numpy()
    scores = frame["score"].to_numpy()
    continuing = frame["continuing"].to_numpy()

    take = np.zeros(frame.height, dtype=bool)
    budget = scenario.ceiling
    quota_left = quota_arr.copy()
    methods: set[str] = set()
    tiers = [continuing, ~continuing] if scenario.continuity else [np.ones(frame.height, dtype=bool)]
    for tier in tiers:
        idx = np.flatnonzero(tier)
        chosen, method = _select_tier(area_arr[idx], costs[idx], scores[idx], quota_left, budget, scenario.objective)
        methods.add(method)
        picked = idx[chosen]
        take[picked] = True
        budget -= int(costs[picked].sum())
        quota_left = quota_left - np.bincount(area_arr[picked], minlength=len(area_names))

    level = scenario.quota_by or "desa"
    full = quota_left[area_arr] <= 0
    selected = frame.filter(pl.Series(take))
    rest = ~take
    left_full = pl.Series("_full", full[rest])
    left_out = frame.filter(pl.Series(rest)).with_columns(
        pl.when(left_full).then(pl.lit(QUOTA_FULL)).otherwise(pl.lit(OUTSIDE_CEILING)).alias("reason"),
        pl.when(left_full)
        .then(pl.lit(REASON_TEXT[QUOTA_FULL].format(level=level)))
        .otherwise(pl.lit(REASON_TEXT[OUTSIDE_CEILING]))
        .alias("reason_text"),
    )
    spent = int(selected["cost"].sum())
    if spent > scenario.ceiling:  # a broken invariant must never reach a budget document
        raise AssertionError("selection exceeds the ceiling")

    quota_col = [None if quotas is None else quotas.get(a) for a in area_names]
    if quotas is not None and scenario.quota_mode != "fixed":
        quota_col = [quotas.get(a, 0) for a in area_names]
    by_area = (
        frame.group_by("area")
        .agg(pl.len().alias("eligible"))
        .join(
            selected.group_by("area").agg(pl.len().alias("selected"), pl.col("cost").sum().alias("cost")),
            on="area",
            how="left",
        )
        .join(
            pl.DataFrame({"area": area_names, "quota": quota_col}, schema={"area": pl.Utf8, "quota": pl.Int64}),
            on="area",
            how="left",
        )
        .with_columns(pl.col("selected").fill_null(0).cast(pl.Int64), pl.col("cost").fill_null(0).cast(pl.Int64))
        .select("area", "eligible", "quota", "selected", "cost")
        .sort("area")
    )
    return Selection(
        scenario=scenario,
        selected=selected,
        left_out=left_out,
        by_area=by_area,
        count=selected.height,
        cost=spent,
        remaining=scenario.ceiling - spent,
        method=next((m for m in ("greedy-fallback", "milp") if m in methods), "greedy"),
        unit_costs=frame.select("category", "wage", "cost").unique().sort("category", "wage", nulls_last=True),
    )


SELECTED_SCORE_COLUMNS: tuple[str, ...] = ("score", *SCORE_PARTS)
