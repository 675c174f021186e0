from datetime import date

import polars as pl

from ucjamsostek.core.arrears import arrears
from ucjamsostek.core.assistance import check_recipients, default_programmes
from ucjamsostek.core.claims import by_dimension, claims_ratio, payment_lag


def test_arrears_and_three_month_limit() -> None:
    bills = pl.DataFrame({"period": [date(2025, m, 1) for m in (8, 9, 10, 11, 12)], "due": [100] * 5})
    payments = pl.DataFrame({"period": [date(2025, 8, 1), date(2025, 9, 1)], "amount": [100, 40]})
    out = arrears(bills, payments, date(2026, 1, 10))
    assert out.select("period", "outstanding", "months_late", "status").rows() == [
        (date(2025, 8, 1), 0, 5, "paid"),
        (date(2025, 9, 1), 60, 4, "lapsed"),
        (date(2025, 10, 1), 100, 3, "warning"),
        (date(2025, 11, 1), 100, 2, "outstanding"),
        (date(2025, 12, 1), 100, 1, "outstanding"),
    ]
    assert out.filter(pl.col("status") == "warning")["deadline"].to_list() == [date(2026, 2, 1)]


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
