from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucjamsostek.core.rates import load_rate_table, monthly_contribution
from ucjamsostek.core.reconcile import (
    AMOUNT_MISMATCH,
    BILLED_AFTER_DEATH,
    BILLED_TWICE,
    CLASSES,
    MATCHED,
    NOT_BILLED,
    NOT_ON_ROSTER,
    OUTSIDE_COVERAGE,
    ReconcileError,
    reconcile,
    summarise,
    totals,
)

JAN = date(2026, 1, 1)
RATES = load_rate_table()
# the expected amount always comes from the rate table (APBD payer: no PP 50/2025 discount)
RATE = monthly_contribution("BPU", "public", JAN)


def nik(i: int) -> str:
    return f"741301010190{i:04d}"


def roster(n: int, **overrides: dict[int, object]) -> pl.DataFrame:
    rows = []
    for i in range(1, n + 1):
        row = {
            "nik": nik(i),
            "start": date(2025, 7, 1),
            "end": None,
            "category": "BPU",
            "payer": "public",
            "programmes": "JKK+JKM",
            "wage": None,
            "death_date": None,
            "enrollment_id": i,
        }
        for col, values in overrides.items():
            if i in values:  # type: ignore[operator]
                row[col] = values[i]  # type: ignore[index]
        rows.append(row)
    return pl.DataFrame(
        rows,
        schema={
            "nik": pl.Utf8,
            "start": pl.Date,
            "end": pl.Date,
            "category": pl.Utf8,
            "payer": pl.Utf8,
            "programmes": pl.Utf8,
            "wage": pl.Int64,
            "death_date": pl.Date,
            "enrollment_id": pl.Int64,
        },
    )


def bill(lines: list[tuple[str, int]], period: date = JAN) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "line": list(range(2, 2 + len(lines))),
            "nik": [n for n, _ in lines],
            "period": [period] * len(lines),
            "amount": [a for _, a in lines],
        }
    )


def test_rate_is_the_apbd_package() -> None:
    assert RATE == 16_800


def test_clean_bill_flags_nothing() -> None:
    r = roster(5)
    res = reconcile(bill([(nik(i), RATE) for i in range(1, 6)]), r, RATES, JAN)
    assert set(res["class"]) == {MATCHED}
    assert res.height == 5
    assert totals(res)["difference"] == 0


def test_each_class_on_a_crafted_bill() -> None:
    r = roster(7, death_date={3: date(2025, 12, 15)}, end={4: date(2025, 12, 1)})
    b = bill([
        (nik(1), RATE),                  # line 2 matched
        (nik(2), RATE),                  # line 3 matched
        (nik(2), RATE),                  # line 4 billed twice
        (nik(3), RATE),                  # line 5 billed after death (died 15 Dec, January billed)
        (nik(4), RATE),                  # line 6 coverage ended 1 Dec
        (nik(5), RATE - 1_800),          # line 7 amount differs
        ("7413019999990001", RATE),      # line 8 not on roster
        (nik(6), RATE),                  # line 9 matched; nik 7 not billed
    ])  # fmt: skip
    res = reconcile(b, r, RATES, JAN)
    assert res.select("line", "class").rows() == [
        (2, MATCHED),
        (3, MATCHED),
        (4, BILLED_TWICE),
        (5, BILLED_AFTER_DEATH),
        (6, OUTSIDE_COVERAGE),
        (7, AMOUNT_MISMATCH),
        (8, NOT_ON_ROSTER),
        (9, MATCHED),
        (None, NOT_BILLED),
    ]
    assert res.filter(pl.col("class") == NOT_BILLED)["nik"].to_list() == [nik(7)]
    row = res.filter(pl.col("class") == AMOUNT_MISMATCH).row(0, named=True)
    assert (row["billed"], row["expected"], row["difference"]) == (RATE - 1_800, RATE, -1_800)
    nb = res.filter(pl.col("class") == NOT_BILLED).row(0, named=True)
    assert (nb["billed"], nb["expected"], nb["difference"]) == (0, RATE, -RATE)
    for cls in (BILLED_TWICE, BILLED_AFTER_DEATH, OUTSIDE_COVERAGE, NOT_ON_ROSTER):
        line = res.filter(pl.col("class") == cls).row(0, named=True)
        assert (line["expected"], line["difference"]) == (0, line["billed"])


def test_precedence_not_on_roster_then_twice_then_death() -> None:
    r = roster(2, death_date={1: date(2025, 1, 1)}, end={2: date(2025, 8, 1)})
    b = bill([(nik(1), RATE), (nik(1), RATE), (nik(2), RATE + 1), ("7413019999990001", 5), ("7413019999990001", 5)])
    assert reconcile(b, r, RATES, JAN)["class"].to_list() == [
        BILLED_AFTER_DEATH,
        BILLED_TWICE,
        OUTSIDE_COVERAGE,
        NOT_ON_ROSTER,
        NOT_ON_ROSTER,
    ]


def test_a_month_billed_by_an_earlier_bill_is_billed_twice() -> None:
    dec = date(2025, 12, 1)
    earlier = pl.DataFrame(
        {
            "nik": [nik(1), nik(1), nik(2), nik(3)],
            "period": [dec, dec, dec, JAN],
            "bill": [2, 1, 1, 1],
            "bill_period": [dec, date(2025, 11, 1), date(2025, 11, 1), date(2025, 11, 1)],
            "bill_number": ["TAG/12", "TAG/11", "TAG/11", None],
            "line": [2, 9, 7, 4],
        }
    )
    b = pl.DataFrame(
        {
            "line": [2, 3, 4, 5, 6],
            "nik": [nik(1), nik(1), nik(1), nik(2), "7413019999990001"],
            "period": [dec, JAN, JAN, JAN, dec],
            "amount": [RATE] * 5,
        }
    )
    res = reconcile(b, roster(4), RATES, JAN, earlier=earlier, number="TAG/01")
    cols = ("line", "nik", "class", "expected", "repeats_period", "repeats_number", "repeats_line")
    assert res.select(cols).rows() == [
        (2, nik(1), BILLED_TWICE, 0, date(2025, 11, 1), "TAG/11", 9),  # the first bill (order 1) is repeated
        (3, nik(1), MATCHED, RATE, None, None, None),
        (4, nik(1), BILLED_TWICE, 0, JAN, "TAG/01", 3),  # a repeat inside this bill
        (5, nik(2), MATCHED, RATE, None, None, None),  # nik 2 was billed for December only
        (6, "7413019999990001", NOT_ON_ROSTER, 0, None, None, None),
        (None, nik(4), NOT_BILLED, RATE, None, None, None),  # nik 3's January was billed by the earlier bill
    ]
    assert totals(res)["payable"] == 2 * RATE


def test_dead_people_are_not_expected_and_death_in_month_is_billable() -> None:
    r = roster(2, death_date={1: date(2025, 11, 30), 2: date(2026, 1, 20)})
    res = reconcile(bill([(nik(2), RATE)]), r, RATES, JAN)
    assert res.select("nik", "class").rows() == [(nik(2), MATCHED)]


def test_missing_rate_is_a_clear_error() -> None:
    r = roster(1).with_columns(pl.lit("PU").alias("category"))
    with pytest.raises(ReconcileError, match="upah"):
        reconcile(bill([(nik(1), RATE)]), r, RATES, JAN)


def test_pu_rate_from_wage() -> None:
    r = roster(1).with_columns(pl.lit("PU").alias("category"), pl.lit(2_552_000).alias("wage"))
    res = reconcile(bill([(nik(1), 13_780)]), r, RATES, JAN)
    assert res["class"].to_list() == [MATCHED]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 8), st.integers(0, 40_000)), max_size=25))
def test_summary_totals_are_sums_of_lines(lines: list[tuple[int, int]]) -> None:
    r = roster(6, death_date={2: date(2025, 10, 1)}, end={3: date(2025, 9, 1)})
    res = reconcile(bill([(nik(i), a) for i, a in lines]), r, RATES, JAN)
    summary = summarise(res)
    assert summary["class"].to_list() == list(CLASSES)
    for col in ("billed", "expected", "difference"):
        assert int(summary[col].sum()) == int(res[col].sum())
        assert res[col].dtype == pl.Int64
    assert int(summary["lines"].sum()) == res.height
    assert res.filter(pl.col("line").is_not_null()).height == len(lines)


# ------------------------------------------------------------------ against a plain-Python oracle
MONTHS = [date(2025, 12, 1), JAN, date(2026, 2, 1)]
KINDS = [("BPU", "public", None), ("BPU", "other", None), ("PU", "public", 2_552_000)]


EarlierRow = tuple[int, int, str, date, date, str]  # bill order, line, nik, month, bill period, bill number


def oracle(
    bill_rows: list[tuple[int, str, date, int]],
    roster_rows: list[dict[str, object]],
    period: date,
    earlier: list[EarlierRow] = (),  # type: ignore[assignment]
    number: str = "",
) -> list:
    """The module doc, one line at a time."""

    def covering(nik_: str, month: date) -> dict[str, object] | None:
        nxt = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        rows = [
            r
            for r in roster_rows
            if r["nik"] == nik_ and r["start"] < nxt and (r["end"] is None or r["end"] > month)  # type: ignore[operator]
        ]
        return max(rows, key=lambda r: (r["start"], r["enrollment_id"]), default=None)

    def rate(r: dict[str, object], month: date) -> int:
        progs = str(r["programmes"]).split("+")
        return RATES.monthly_contribution(r["category"], r["payer"], month, progs, r["wage"])  # type: ignore[arg-type]

    on_roster = {r["nik"] for r in roster_rows}
    deaths = {n: min((r["death_date"] for r in roster_rows if r["nik"] == n and r["death_date"]), default=None)
              for n in on_roster}  # fmt: skip
    first: dict[tuple[str, date], tuple[date, str, int]] = {}
    for _, e_line, e_nik, e_month, e_period, e_number in sorted(earlier):
        first.setdefault((e_nik, e_month), (e_period, e_number, e_line))
    ledger_months = {k for k in first}
    out = []
    for line, nik_, month, amount in sorted(bill_rows):
        cover = covering(nik_, month)
        death = deaths.get(nik_)
        repeats = first.get((nik_, month))
        first.setdefault((nik_, month), (period, number, line))
        if nik_ not in on_roster:
            cls = NOT_ON_ROSTER
        elif repeats is not None:
            cls = BILLED_TWICE
        elif death is not None and death < month:
            cls = BILLED_AFTER_DEATH
        elif cover is None:
            cls = OUTSIDE_COVERAGE
        else:
            cls = AMOUNT_MISMATCH if amount != rate(cover, month) else MATCHED
        pays = cls in (MATCHED, AMOUNT_MISMATCH)
        expected = rate(cover, month) if pays and cover else 0
        eid = cover["enrollment_id"] if pays and cover else None
        rep = repeats if cls == BILLED_TWICE else (None, None, None)
        out.append((line, nik_, cls, amount, expected, amount - expected, month, eid, *rep))  # type: ignore[misc]
    billed_now = {n for _, n, m, _ in bill_rows if m == period} | {n for n, m in ledger_months if m == period}
    for nik_ in sorted(on_roster - billed_now):
        cover, death = covering(nik_, period), deaths.get(nik_)
        if cover is not None and (death is None or death >= period):
            r = rate(cover, period)
            out.append((None, nik_, NOT_BILLED, 0, r, -r, period, cover["enrollment_id"], None, None, None))
    return out


roster_row = st.fixed_dictionaries(
    {
        "nik": st.integers(1, 6).map(nik),
        "start": st.sampled_from([date(2025, 7, 1), date(2025, 12, 15), date(2026, 1, 1), date(2026, 2, 1)]),
        "end": st.sampled_from([None, date(2025, 12, 1), date(2026, 1, 10), date(2026, 3, 1)]),
        "kind": st.sampled_from(KINDS),
        "programmes": st.sampled_from(["JKK+JKM", "JKK+JKM+JHT"]),
        "death_date": st.sampled_from([None, None, date(2025, 11, 30), date(2026, 1, 1), date(2026, 1, 20)]),
    }
)


earlier_row = st.tuples(st.integers(1, 3), st.integers(2, 30), st.integers(1, 8), st.sampled_from(MONTHS))


@settings(max_examples=80, deadline=None)
@given(
    st.lists(roster_row, max_size=10),
    st.lists(st.tuples(st.integers(1, 8), st.sampled_from(MONTHS), st.sampled_from([0, 8_400, 13_780, RATE])),
             max_size=20),
    st.lists(earlier_row, max_size=12),
)  # fmt: skip
def test_agrees_with_the_oracle(
    roster_in: list[dict[str, object]], lines: list[tuple[int, date, int]], earlier_in: list[tuple[int, int, int, date]]
) -> None:
    """Several (overlapping) enrollments per person, deaths, several months on one bill, PU wages,
    and a ledger of up to three earlier bills."""
    roster_rows = []
    for i, r in enumerate(roster_in, start=1):
        end = r["end"] if r["end"] is None or r["end"] > r["start"] else None  # type: ignore[operator]
        category, payer, wage = r["kind"]  # type: ignore[misc]
        programmes = r["programmes"] if category == "BPU" else "JKK+JKM"  # no JHT rate for PU
        roster_rows.append(
            {"nik": r["nik"], "start": r["start"], "end": end, "category": category, "payer": payer,
             "programmes": programmes, "wage": wage, "death_date": r["death_date"], "enrollment_id": i * 7 % 11}
        )  # fmt: skip
    bill_rows = [(i + 2, nik(n), m, a) for i, (n, m, a) in enumerate(lines)]
    roster_frame = pl.DataFrame(
        roster_rows,
        schema={"nik": pl.Utf8, "start": pl.Date, "end": pl.Date, "category": pl.Utf8, "payer": pl.Utf8,
                "programmes": pl.Utf8, "wage": pl.Int64, "death_date": pl.Date, "enrollment_id": pl.Int64},
    )  # fmt: skip
    bill_frame = pl.DataFrame(
        bill_rows, schema={"line": pl.Int64, "nik": pl.Utf8, "period": pl.Date, "amount": pl.Int64}, orient="row"
    )
    bills = {1: (date(2025, 11, 1), "TAG/1"), 2: (date(2025, 12, 1), ""), 3: (date(2025, 12, 1), "TAG/3")}
    earlier = sorted({(b, ln, nik(n), m, *bills[b]) for b, ln, n, m in earlier_in}, key=lambda r: (r[0], r[1]))
    earlier = [r for i, r in enumerate(earlier) if i == 0 or r[:2] != earlier[i - 1][:2]]  # one row per bill line
    earlier_frame = pl.DataFrame(
        earlier,
        schema={"bill": pl.Int64, "line": pl.Int64, "nik": pl.Utf8, "period": pl.Date, "bill_period": pl.Date,
                "bill_number": pl.Utf8},
        orient="row",
    )[::-1]  # fmt: skip  # any order: the core orders the ledger itself
    res = reconcile(bill_frame, roster_frame, RATES, JAN, earlier=earlier_frame, number="TAG/NOW")
    assert res.rows() == oracle(bill_rows, roster_rows, JAN, earlier, "TAG/NOW")
