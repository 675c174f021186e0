import itertools
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ucjamsostek.core.budget import (
    OUTSIDE_CEILING,
    QUOTA_FULL,
    BudgetInputError,
    Scenario,
    proportional_quotas,
    select,
)
from ucjamsostek.core.priority import SCORE_PARTS, PriorityPolicy, explain_score, score_frame
from ucjamsostek.core.rates import coverage_cost

VILLAGES = [f"74.13.0{d}.20{v:02d}" for d in range(1, 4) for v in range(1, 4)]


def synthetic_pool(n: int, seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "person_id": np.arange(1, n + 1),
            "village_code": rng.choice(VILLAGES, n),
            "decile": rng.integers(1, 11, n),
            "extreme_poor": rng.random(n) < 0.1,
            "occupation": rng.choice(["nelayan", "Buruh Tani", "pedagang", "petani", "lainnya"], n),
            "age": rng.integers(18, 66, n),
            "covered_last_year": rng.random(n) < 0.3,
            "segment": rng.choice(["PR", "NONASN"], n, p=[0.9, 0.1]),
        }
    )


@pytest.fixture(scope="module")
def pool() -> pl.DataFrame:
    return synthetic_pool(25_000)


# ------------------------------------------------------------------------------ acceptance


def test_ceiling_2016_000_000_buys_exactly_10000(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000))
    assert sel.count == 10_000
    assert sel.cost == 2_016_000_000
    assert sel.remaining == 0
    assert sel.method == "greedy"


def test_one_rupiah_less_buys_9999(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_015_999_999))
    assert sel.count == 9_999
    assert sel.cost == 9_999 * 201_600
    assert sel.remaining == 2_015_999_999 - 9_999 * 201_600


def test_july_start_for_six_months_buys_twice_the_people(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, start=date(2026, 7, 1), months=6))
    assert sel.count == 20_000
    assert sel.cost == 2_016_000_000


def test_count_is_capped_by_the_pool():
    small = synthetic_pool(12_345)
    sel = select(small, Scenario(year=2026, ceiling=2_016_000_000, start=date(2026, 7, 1), months=6))
    assert sel.count == 12_345
    assert sel.remaining == 2_016_000_000 - 12_345 * 6 * 16_800
    assert sel.left_out.height == 0


def test_non_public_payer_pays_discounted_rate_in_2026(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, payer="other"))
    assert sel.count == 20_000
    assert sel.unit_costs["cost"].to_list() == [coverage_cost("BPU", "other", date(2026, 1, 1), 12)]


def test_left_out_carry_reasons(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000))
    assert sel.left_out.height == 15_000
    assert set(sel.left_out["reason"].to_list()) == {OUTSIDE_CEILING}
    assert set(sel.left_out["reason_text"].to_list()) == {"di luar pagu"}


def test_selected_are_the_top_ranked_and_show_score_parts(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000))
    assert sel.selected["rank"].to_list() == list(range(1, 10_001))
    first = sel.selected.row(0, named=True)
    assert first["score"] == sum(first[p] for p in SCORE_PARTS)
    assert sel.selected["score"].min() >= sel.left_out["score"].max()
    assert "=" in explain_score(first)


def test_fixed_village_quotas_are_respected_and_reasoned(pool):
    quotas = {v: 500 for v in VILLAGES}
    quotas[VILLAGES[0]] = 10
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, quota_by="desa", quotas=quotas))
    counts = dict(sel.selected.group_by("village_code").len().iter_rows())
    assert counts[VILLAGES[0]] == 10
    assert all(counts[v] <= quotas[v] for v in counts)
    assert sel.count == 10 + 500 * (len(VILLAGES) - 1)
    reasons = sel.left_out.filter(pl.col("village_code") == VILLAGES[0])
    assert set(reasons["reason"].to_list()) == {QUOTA_FULL}
    assert set(reasons["reason_text"].to_list()) == {"kuota desa penuh"}


def test_kecamatan_quota_text(pool):
    quotas = {"74.13.01": 100, "74.13.02": 100, "74.13.03": 100}
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, quota_by="kecamatan", quotas=quotas))
    assert sel.count == 300
    assert set(sel.left_out["reason_text"].to_list()) == {"kuota kecamatan penuh"}


def test_proportional_quotas_share_the_capacity(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, quota_by="desa", quota_mode="pool"))
    assert sel.count == 10_000
    by_area = sel.by_area
    assert by_area["quota"].sum() == 10_000
    eligible = dict(zip(by_area["area"].to_list(), by_area["eligible"].to_list(), strict=True))
    for area, quota in zip(by_area["area"].to_list(), by_area["quota"].to_list(), strict=True):
        assert abs(quota - 10_000 * eligible[area] / 25_000) < 1.0


def test_poverty_quotas_follow_weights(pool):
    weights = {v: 0 for v in VILLAGES}
    weights[VILLAGES[1]] = 1
    sel = select(
        pool,
        Scenario(year=2026, ceiling=2_016_000_000, quota_by="desa", quota_mode="poverty", poverty_weights=weights),
    )
    eligible_v1 = pool.filter(pl.col("village_code") == VILLAGES[1]).height
    assert sel.count == eligible_v1  # only that village gets quota, capped at its pool
    assert set(sel.selected["village_code"].to_list()) == {VILLAGES[1]}


def test_proportional_quotas_water_fill():
    assert proportional_quotas(10, {"a": 1, "b": 1}, {"a": 2, "b": 100}) == {"a": 2, "b": 8}
    assert proportional_quotas(3, {"a": 1, "b": 1, "c": 1}, {"a": 9, "b": 9, "c": 9}) == {
        "a": 1,
        "b": 1,
        "c": 1,
    }
    assert proportional_quotas(2, {"a": 1, "b": 1, "c": 1}, {"a": 9, "b": 9, "c": 9}) == {
        "a": 1,
        "b": 1,
        "c": 0,
    }
    assert sum(proportional_quotas(7, {"a": 3, "b": 5}, {"a": 1, "b": 1}).values()) == 2


def test_continuity_keeps_last_years_people_first(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, continuity=True))
    continuing = pool.filter(pl.col("covered_last_year")).height
    assert continuing < 10_000
    assert sel.selected.filter(pl.col("continuing")).height == continuing
    assert sel.selected["rank"].to_list()[:continuing] == list(range(1, continuing + 1))


def test_segment_filter(pool):
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, segments=("NONASN",)))
    assert set(sel.selected["segment"].to_list()) == {"NONASN"}
    assert sel.count == pool.filter(pl.col("segment") == "NONASN").height


def test_same_inputs_same_list_even_shuffled(pool):
    sc = Scenario(year=2026, ceiling=1_000_000_000, quota_by="desa", quota_mode="pool", continuity=True)
    a = select(pool, sc).selected["person_id"].to_list()
    b = select(pool.sample(fraction=1.0, shuffle=True, seed=3), sc).selected["person_id"].to_list()
    assert a == b


def test_ties_are_broken_by_person_id():
    flat = pl.DataFrame({"person_id": [5, 3, 9, 1, 7]})
    sel = select(flat, Scenario(year=2026, ceiling=3 * 201_600))
    assert sel.selected["person_id"].to_list() == [1, 3, 5]


# ------------------------------------------------------------------------ heterogeneous costs


def mixed_pool() -> pl.DataFrame:
    # two expensive high-priority people and three cheap lower-priority ones
    return pl.DataFrame(
        {
            "person_id": [1, 2, 3, 4, 5],
            "category": ["BPU", "BPU", "PU", "PU", "PU"],
            "wage": [None, None, 1_000_000, 1_000_000, 1_000_000],
            "extreme_poor": [True, True, False, False, False],
        }
    )


def test_priority_objective_takes_strict_order():
    bpu = coverage_cost("BPU", "public", date(2026, 1, 1), 12)
    pu = coverage_cost("PU", "public", date(2026, 1, 1), 12, wage=1_000_000)
    assert pu < bpu
    sel = select(mixed_pool(), Scenario(year=2026, ceiling=2 * bpu, objective="priority"))
    assert sel.selected["person_id"].to_list() == [1, 2]


def test_count_objective_uses_milp_when_costs_differ():
    bpu = coverage_cost("BPU", "public", date(2026, 1, 1), 12)  # 201.600
    pu = coverage_cost("PU", "public", date(2026, 1, 1), 12, wage=1_000_000)  # 12 × 5.400 = 64.800
    ceiling = 2 * bpu
    assert bpu + 3 * pu <= ceiling < 2 * bpu + pu
    sel = select(mixed_pool(), Scenario(year=2026, ceiling=ceiling))
    # four people fit (one BPU + three PU) where strict priority order stops at two
    assert sel.count == 4 == brute_force_count(mixed_pool_costs(), ceiling)
    assert sel.method == "milp"
    assert sorted(sel.selected["person_id"].to_list()) == [1, 3, 4, 5]  # tie between 1 and 2: lower id
    assert sel.cost == bpu + 3 * pu


def mixed_pool_costs() -> list[int]:
    bpu = coverage_cost("BPU", "public", date(2026, 1, 1), 12)
    pu = coverage_cost("PU", "public", date(2026, 1, 1), 12, wage=1_000_000)
    return [bpu, bpu, pu, pu, pu]


def brute_force_count(costs: list[int], ceiling: int) -> int:
    best = 0
    for k in range(len(costs) + 1):
        for combo in itertools.combinations(costs, k):
            if sum(combo) <= ceiling:
                best = max(best, k)
    return best


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "kwargs,code,words",
    [
        ({"ceiling": 0}, "CEILING_NOT_POSITIVE", "Pagu harus lebih dari nol"),
        ({"ceiling": -5}, "CEILING_NOT_POSITIVE", "Pagu harus lebih dari nol"),
        ({"months": 0}, "MONTHS_OUT_OF_RANGE", "1 sampai 12"),
        ({"months": 13}, "MONTHS_OUT_OF_RANGE", "1 sampai 12"),
        ({"start": date(2025, 12, 1)}, "START_OUTSIDE_YEAR", "di luar tahun anggaran 2026"),
        ({"start": date(2027, 1, 1)}, "START_OUTSIDE_YEAR", "di luar tahun anggaran 2026"),
        ({"start": date(2026, 7, 1), "months": 12}, "COVERAGE_PAST_YEAR_END", "paling banyak 6 bulan"),
        (
            {"quota_by": "desa", "quotas": {VILLAGES[0]: 6_000, VILLAGES[1]: 6_000}},
            "QUOTAS_EXCEED_CEILING",
            "melebihi pagu Rp2.016.000.000",
        ),
        ({"quota_by": "desa"}, "QUOTAS_MISSING", "belum diisi"),
        ({"quota_by": "desa", "quotas": {VILLAGES[0]: -1}}, "QUOTA_INVALID", "Kuota"),
    ],
)
def test_bad_input_is_explained_in_indonesian(pool, kwargs, code, words):
    args = {"year": 2026, "ceiling": 2_016_000_000, **kwargs}
    with pytest.raises(BudgetInputError) as info:
        select(pool, Scenario(**args))
    assert info.value.code == code
    assert words in info.value.message


def test_empty_pool_is_explained():
    with pytest.raises(BudgetInputError) as info:
        select(pl.DataFrame({"person_id": []}, schema={"person_id": pl.Int64}), Scenario(2026, 2_016_000_000))
    assert info.value.code == "EMPTY_POOL"
    assert "kosong" in info.value.message


def test_segment_filter_leaving_nobody_is_an_empty_pool(pool):
    with pytest.raises(BudgetInputError, match="kosong"):
        select(pool, Scenario(2026, 2_016_000_000, segments=("TIDAK_ADA",)))


def test_duplicate_people_are_refused():
    with pytest.raises(BudgetInputError) as info:
        select(pl.DataFrame({"person_id": [1, 1]}), Scenario(2026, 2_016_000_000))
    assert info.value.code == "DUPLICATE_PERSON"


def test_float_ceiling_is_refused():
    with pytest.raises(BudgetInputError):
        select(pl.DataFrame({"person_id": [1]}), Scenario(2026, 2.016e9))  # type: ignore[arg-type]


def test_pu_without_wage_is_refused():
    frame = pl.DataFrame({"person_id": [1], "category": ["PU"], "wage": [None]}, schema_overrides={"wage": pl.Int64})
    with pytest.raises(BudgetInputError) as info:
        select(frame, Scenario(2026, 2_016_000_000))
    assert info.value.code == "WAGE_MISSING"


# --------------------------------------------------------------------------------- priority


def test_score_parts_follow_the_policy():
    frame = pl.DataFrame(
        {
            "extreme_poor": [True, False, None],
            "decile": [1, 10, None],
            "occupation": ["Nelayan", "buruh  tani", None],
            "birth_date": [date(1970, 7, 2), date(2000, 1, 1), None],
            "covered_last_year": [True, False, False],
        }
    )
    policy = PriorityPolicy()
    out = score_frame(frame, policy, date(2026, 7, 1))
    row0, row1, row2 = out.iter_rows(named=True)
    assert row0["age"] == 55  # birthday on 2 July not yet reached on 1 July
    assert row0["score_poverty"] == policy.extreme_poverty_points
    assert row0["score_decile"] == 10 * policy.decile_step
    assert row0["score_occupation"] == dict(policy.occupation_points)["nelayan"]
    assert row0["score_age"] == 10
    assert row0["score_continuity"] == policy.continuity_points
    assert row1["score_decile"] == policy.decile_step
    assert row1["score_occupation"] == dict(policy.occupation_points)["buruh_tani"]
    assert row1["age"] == 26 and row1["score_age"] == 3
    assert row2["score"] == 0
    assert row0["score"] == sum(row0[p] for p in SCORE_PARTS)


def test_policy_round_trips_through_dict():
    policy = PriorityPolicy(extreme_poverty_points=99, age_bands=((20, 30, 1),))
    assert PriorityPolicy.from_dict(policy.to_dict()) == policy


# ------------------------------------------------------------------------------- properties


@st.composite
def pools_and_scenarios(draw, max_n=40, continuity=None, objective=None):
    n = draw(st.integers(1, max_n))
    villages = draw(st.integers(1, 4))
    rows = {
        "person_id": list(range(n)),
        "village_code": [f"74.13.01.200{draw(st.integers(0, villages - 1))}" for _ in range(n)],
        "decile": [draw(st.one_of(st.none(), st.integers(1, 10))) for _ in range(n)],
        "extreme_poor": [draw(st.booleans()) for _ in range(n)],
        "covered_last_year": [draw(st.booleans()) for _ in range(n)],
        "category": [draw(st.sampled_from(["BPU", "BPU", "PU"])) for _ in range(n)],
    }
    rows["wage"] = [
        draw(st.sampled_from([1_000_000, 2_552_000, 4_000_000])) if c == "PU" else None for c in rows["category"]
    ]
    frame = pl.DataFrame(rows, schema_overrides={"wage": pl.Int64, "decile": pl.Int64})
    months = draw(st.integers(1, 12))
    start_month = draw(st.integers(1, 13 - months))
    quota_by = draw(st.sampled_from([None, "desa", "kecamatan"]))
    mode = draw(st.sampled_from(["fixed", "pool", "poverty"]))
    quotas = None
    if quota_by == "desa" and mode == "fixed":
        quotas = {f"74.13.01.200{v}": draw(st.integers(0, 12)) for v in range(villages)}
    elif quota_by == "kecamatan" and mode == "fixed":
        quotas = {"74.13.01": draw(st.integers(0, 40))}
    sc = Scenario(
        year=2026,
        ceiling=draw(st.integers(1, n * months * 21_600)),  # up to about everyone's cost
        start=date(2026, start_month, 1),
        months=months,
        payer=draw(st.sampled_from(["public", "other"])),
        quota_by=quota_by,
        quota_mode=mode,
        quotas=quotas,
        poverty_weights={f"74.13.01.200{v}": v + 1 for v in range(villages)} if quota_by == "desa" else None,
        continuity=draw(st.booleans()) if continuity is None else continuity,
        objective=draw(st.sampled_from(["count", "priority"])) if objective is None else objective,
    )
    return frame, sc


def _select_or_skip(frame, sc):
    try:
        return select(frame, sc)
    except BudgetInputError as exc:
        assume(exc.code not in ("QUOTAS_EXCEED_CEILING", "POVERTY_WEIGHTS_MISSING"))
        raise


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pools_and_scenarios())
def test_never_over_ceiling_or_quota_and_every_one_is_accounted_for(case):
    frame, sc = case
    sel = _select_or_skip(frame, sc)
    assert sel.cost <= sc.ceiling
    assert sel.cost + sel.remaining == sc.ceiling
    assert sel.cost == sel.selected["cost"].sum()
    assert sel.count + sel.left_out.height == frame.height
    quota_of = dict(zip(sel.by_area["area"].to_list(), sel.by_area["quota"].to_list(), strict=True))
    for area, count in sel.selected.group_by("area").len().iter_rows():
        if quota_of.get(area) is not None:
            assert count <= quota_of[area]
    # reasons are true
    for row in sel.left_out.iter_rows(named=True):
        if row["reason"] == OUTSIDE_CEILING:
            assert row["cost"] > sel.remaining
        else:
            assert row["reason"] == QUOTA_FULL
            assert quota_of[row["area"]] is not None
            assert sel.selected.filter(pl.col("area") == row["area"]).height >= quota_of[row["area"]]


@settings(max_examples=60, deadline=None)
@given(pools_and_scenarios())
def test_deterministic_and_order_independent(case):
    frame, sc = case
    a = _select_or_skip(frame, sc)
    b = select(frame.reverse(), sc)
    assert a.selected["person_id"].to_list() == b.selected["person_id"].to_list()
    assert a.left_out.sort("person_id")["reason"].to_list() == b.left_out.sort("person_id")["reason"].to_list()


@settings(max_examples=80, deadline=None)
@given(pools_and_scenarios(max_n=9, continuity=False, objective="count"))
def test_count_objective_is_optimal_on_small_pools(case):
    frame, sc = case
    sel = _select_or_skip(frame, sc)
    costs = sel.selected["cost"].to_list() + sel.left_out["cost"].to_list()
    areas = sel.selected["area"].to_list() + sel.left_out["area"].to_list()
    scores = sel.selected["score"].to_list() + sel.left_out["score"].to_list()
    quota_of = dict(zip(sel.by_area["area"].to_list(), sel.by_area["quota"].to_list(), strict=True))
    best = (-1, -1)
    for k in range(len(costs) + 1):
        for combo in itertools.combinations(range(len(costs)), k):
            if sum(costs[i] for i in combo) > sc.ceiling:
                continue
            per_area: dict[str, int] = {}
            for i in combo:
                per_area[areas[i]] = per_area.get(areas[i], 0) + 1
            if any(quota_of.get(a) is not None and c > quota_of[a] for a, c in per_area.items()):
                continue
            best = max(best, (k, sum(scores[i] for i in combo)))
    assert (sel.count, sel.selected["score"].sum()) == best


def test_tiebreak_column_comes_before_person_id():
    flat = pl.DataFrame({"person_id": [1, 2, 3], "tiebreak": ["c", "a", "b"]})
    sel = select(flat, Scenario(year=2026, ceiling=2 * 201_600))
    assert sel.selected["person_id"].to_list() == [2, 3]


@settings(max_examples=80, deadline=None)
@given(pools_and_scenarios(max_n=30, continuity=False, objective="priority"))
def test_priority_objective_is_plain_first_fit(case):
    """The candidate pre-filter must not change strict first fit in priority order."""
    frame, sc = case
    sel = _select_or_skip(frame, sc)
    everyone = pl.concat([sel.selected, sel.left_out.drop("reason", "reason_text")]).sort("rank")
    quota_of = dict(zip(sel.by_area["area"].to_list(), sel.by_area["quota"].to_list(), strict=True))
    budget, used, taken = sc.ceiling, {}, []
    for row in everyone.iter_rows(named=True):
        q = quota_of.get(row["area"])
        if row["cost"] <= budget and (q is None or used.get(row["area"], 0) < q):
            budget -= row["cost"]
            used[row["area"]] = used.get(row["area"], 0) + 1
            taken.append(row["person_id"])
    assert sel.selected["person_id"].to_list() == taken


def test_without_a_proven_optimum_the_first_fit_list_is_used_and_said(monkeypatch):
    import ucjamsostek.core.budget as engine

    monkeypatch.setattr(engine, "_milp_best_priority", lambda *args, **kwargs: None)
    bpu = coverage_cost("BPU", "public", date(2026, 1, 1), 12)
    sel = select(mixed_pool(), Scenario(year=2026, ceiling=2 * bpu))
    assert sel.method == "greedy-fallback"
    assert sel.selected["person_id"].to_list() == [1, 2]  # strict priority first fit
    assert sel.cost <= 2 * bpu


def test_a_budget_starting_mid_july_may_run_to_december_and_costs_six_months(pool):
    """14 July + 6 calendar months ends on 31 December; the unit cost is six whole months."""
    sel = select(pool, Scenario(year=2026, ceiling=2_016_000_000, start=date(2026, 7, 14), months=6))
    bpu = sel.unit_costs.filter(pl.col("category") == "BPU")["cost"].to_list()
    assert bpu == [6 * 16_800]
    with pytest.raises(BudgetInputError, match="paling banyak 6 bulan"):
        select(pool, Scenario(year=2026, ceiling=2_016_000_000, start=date(2026, 7, 14), months=7))
