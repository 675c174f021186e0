from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ucjamsostek.core.arrears import BILLS_SCHEMA, CREDITS_SCHEMA, PAYMENTS_SCHEMA, arrears_total, bill_accounts
from ucjamsostek.core.assistance import check_recipients, default_programmes
from ucjamsostek.core.claims import by_dimension, claims_ratio, payment_lag


def _bills(*due: int) -> pl.DataFrame:
    return pl.DataFrame(
        {"bill": range(1, len(due) + 1), "period": [date(2025, 7 + i, 1) for i in range(len(due))], "due": due},
        schema=BILLS_SCHEMA,
    )


def _payments(*rows: tuple[int, date, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PAYMENTS_SCHEMA, orient="row")


def _credits(*rows: tuple[int, int, date, int]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=CREDITS_SCHEMA, orient="row")


def test_arrears_and_three_month_limit() -> None:
    bills = _bills(100, 100, 100, 100, 100, 100).filter(pl.col("bill") > 1)  # Aug–Dec 2025
    payments = _payments((2, date(2025, 8, 20), 100), (3, date(2025, 9, 20), 40))
    out = bill_accounts(bills, payments, _credits(), date(2026, 1, 10))
    assert out.select("period", "outstanding", "months_late", "status").rows() == [
        (date(2025, 8, 1), 0, 5, "paid"),
        (date(2025, 9, 1), 60, 4, "lapsed"),
        (date(2025, 10, 1), 100, 3, "warning"),
        (date(2025, 11, 1), 100, 2, "outstanding"),
        (date(2025, 12, 1), 100, 1, "outstanding"),
    ]
    assert out.filter(pl.col("status") == "warning")["deadline"].to_list() == [date(2026, 2, 1)]
    assert out["lapses"].to_list() == [False, True, False, False, False]
    assert arrears_total(out) == 360


def test_an_over_payment_is_a_credit_not_paid_and_not_less_arrears_elsewhere() -> None:
    bills = _bills(100, 100)
    out = bill_accounts(bills, _payments((1, date(2025, 7, 20), 130)), _credits(), date(2025, 8, 25))
    assert out.select("bill", "outstanding", "credit", "status").rows() == [
        (1, 0, 30, "overpaid"),
        (2, 100, 0, "outstanding"),
    ]
    assert arrears_total(out) == 100
    applied = bill_accounts(
        bills,
        _payments((1, date(2025, 7, 20), 130), (2, date(2025, 8, 20), 70)),
        _credits((1, 2, date(2025, 8, 21), 30)),
        date(2025, 8, 25),
    )
    assert applied.select("bill", "paid", "credit_in", "credit_out", "outstanding", "credit", "status").rows() == [
        (1, 130, 0, 30, 0, 0, "paid"),
        (2, 70, 30, 0, 0, 0, "paid"),
    ]


def test_only_what_happened_by_today_counts() -> None:
    bills = _bills(100)
    later = _payments((1, date(2025, 9, 1), 100))
    assert bill_accounts(bills, later, _credits(), date(2025, 8, 31))["outstanding"].to_list() == [100]
    assert bill_accounts(bills, later, _credits(), date(2025, 9, 1))["outstanding"].to_list() == [0]


def test_paying_within_the_limit_prevents_the_lapse_paying_after_does_not() -> None:
    bills = _bills(100)  # July 2025: deadline 1 November 2025
    on_time = bill_accounts(bills, _payments((1, date(2025, 10, 31), 100)), _credits(), date(2025, 12, 1))
    late = bill_accounts(bills, _payments((1, date(2025, 11, 1), 100)), _credits(), date(2025, 12, 1))
    assert on_time.select("deadline", "status", "lapses").rows() == [(date(2025, 11, 1), "paid", False)]
    assert late.select("deadline", "status", "lapses").rows() == [(date(2025, 11, 1), "paid", True)]
    before = bill_accounts(bills, _payments(), _credits(), date(2025, 10, 31))
    assert before.select("status", "lapses").rows() == [("warning", False)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 500), min_size=1, max_size=6),
    st.lists(st.tuples(st.integers(1, 6), st.integers(0, 200), st.integers(1, 300)), max_size=10),
)
def test_accounts_agree_with_a_plain_python_oracle(dues: list[int], pays: list[tuple[int, int, int]]) -> None:
    bills = _bills(*dues)
    today = date(2026, 3, 15)
    payments = _payments(*((b, date(2025, 7, 1) + timedelta(days=d), a) for b, d, a in pays if b <= len(dues)))
    out = bill_accounts(bills, payments, _credits(), today)
    for row in out.iter_rows(named=True):
        paid = sum(a for b, d, a in pays if b == row["bill"] and date(2025, 7, 1) + timedelta(days=d) <= today)
        due = dues[row["bill"] - 1]
        assert (row["paid"], row["outstanding"], row["credit"]) == (paid, max(due - paid, 0), max(paid - due, 0))
    assert arrears_total(out) == sum(max(d - r, 0) for d, r in zip(dues, out["paid"].to_list(), strict=True))


def _bsu():
    return next(p for p in default_programmes() if p.code == "BSU2025")


def test_bsu_rules_as_data() -> None:
    bsu = _bsu()
    assert (bsu.amount_per_month, bsu.months, bsu.total) == (300_000, 2, 600_000)
    assert bsu.category == "PU" and bsu.active_on == date(2025, 4, 30)


def test_bsu_rejects_bpu_participant_and_asn() -> None:
    bsu = _bsu()
    people = pl.DataFrame(
        {
            "nik": ["1", "2", "3", "4", "5", "6"],
            "death_date": [None, None, None, date(2025, 5, 1), None, None],
            "category": ["PU", "BPU", "PU", "PU", "PU", None],
            "wage": [2_552_000, None, 2_552_000, 2_000_000, 4_000_000, None],
        },
        schema_overrides={"death_date": pl.Date, "wage": pl.Int64},
    )
    recipients = pl.DataFrame(
        {
            "line": [2, 3, 4, 5, 6, 7, 8, 9],
            "nik": ["1", "2", "3", "4", "5", "6", "9", "1"],
            "amount": [600_000, 600_000, 600_000, 600_000, 600_000, 600_000, 600_000, 300_000],
            "paid_on": [date(2025, 7, 1)] * 8,
        },
    )
    out = check_recipients(recipients, people, bsu, {"asn": {"3"}, "pkh": set()})
    assert out.select("line", "reasons").rows() == [
        (2, []),
        (3, ["WRONG_CATEGORY"]),  # BPU participant (pekerja rentan)
        (4, ["ASN"]),
        (5, ["DECEASED"]),
        (6, ["WAGE_ABOVE_LIMIT"]),
        (7, ["NOT_ACTIVE"]),
        (8, ["NOT_FOUND"]),
        (9, ["DUPLICATE", "AMOUNT_MISMATCH"]),
    ]
    assert out["eligible"].to_list() == [True] + [False] * 7


def test_claim_analytics() -> None:
    claims = pl.DataFrame(
        {
            "type": ["JKM", "JKM", "JKK"],
            "incident_date": [date(2024, 1, 1), date(2024, 3, 1), date(2025, 1, 1)],
            "paid_date": [date(2024, 1, 31), date(2024, 4, 10), None],
            "amount": [42_000_000, 42_000_000, None],
        },
        schema_overrides={"amount": pl.Int64},
    )
    assert by_dimension(claims, "type").rows() == [("JKM", 2, 2, 84_000_000), ("JKK", 1, 0, 0)]
    contributions = pl.DataFrame({"year": [2024, 2025], "amount": [200_000_000, 100_000_000]})
    assert claims_ratio(claims, contributions).rows() == [
        (2024, 84_000_000, 200_000_000, "42,0"),
        (2025, 0, 100_000_000, "0,0"),
    ]
    assert payment_lag(claims) == {"count": 2, "median": 30, "p90": 40, "max": 40}
