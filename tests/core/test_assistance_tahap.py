"""core.assistance: a later list (tahap) is checked against the payments of the earlier ones, and
the amount at stake of each reason is what was disbursed on its lines."""

from datetime import date

import polars as pl

from ucjamsostek.core.assistance import check_recipients, default_programmes, reason_totals

BSU = next(p for p in default_programmes() if p.code == "BSU2025")
PEOPLE = pl.DataFrame(
    {"nik": ["1", "2", "3"], "death_date": [None] * 3, "category": ["PU"] * 3, "wage": [2_552_000] * 3},
    schema_overrides={"death_date": pl.Date, "wage": pl.Int64},
)


def _tahap_2(niks: list[str], paid_before: set[str]) -> list[list[str]]:
    lines = pl.DataFrame(
        {"line": list(range(2, 2 + len(niks))), "nik": niks, "amount": [600_000] * len(niks)}
    ).with_columns(pl.lit(date(2025, 7, 20)).alias("paid_on"))
    return check_recipients(lines, PEOPLE, BSU, {"asn": set(), "pkh": set()}, paid_before=paid_before)[
        "reasons"
    ].to_list()


def test_a_person_an_earlier_list_paid_is_a_duplicate():
    assert _tahap_2(["1", "2"], paid_before={"1"}) == [["DUPLICATE"], []]


def test_without_earlier_payments_only_repeats_within_the_list_count():
    assert _tahap_2(["1", "2", "1"], paid_before=set()) == [[], [], ["DUPLICATE"]]


def test_the_amount_at_stake_is_what_was_disbursed_on_the_flagged_lines():
    totals = reason_totals(
        [
            ("1", ["DUPLICATE"], True, 600_000),
            ("1", ["DUPLICATE", "ASN"], True, 600_000),
            ("2", ["ASN"], False, 600_000),  # failed to pay out: nothing at stake
            ("3", [], True, 600_000),
        ]
    )
    assert [(t.code, t.lines, t.people, t.amount) for t in totals] == [
        ("DUPLICATE", 2, 1, 1_200_000),
        ("ASN", 2, 2, 600_000),
    ]
