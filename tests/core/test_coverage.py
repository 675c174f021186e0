from datetime import date

import polars as pl
import pytest

from ucjamsostek.core.coverage import (
    Period,
    agreements_ending_without_successor,
    agreements_with_late_successor,
    enrollments_without_agreement,
    events_in_gaps,
    gap_counts,
    in_force,
    last_day,
    person_gaps,
)

PKS_2022 = Period(date(2022, 11, 1), date(2025, 1, 1))  # ended 31 December 2024
PKS_2025 = Period(date(2025, 7, 14), None)


def _periods(rows: list[tuple[int, int, date, date | None]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "enrollment_id": [r[1] for r in rows],
            "start": [r[2] for r in rows],
            "end": [r[3] for r in rows],
        },
        schema={"person_id": pl.Int64, "enrollment_id": pl.Int64, "start": pl.Date, "end": pl.Date},
    )


def test_gap_to_the_day_across_two_agreements() -> None:
    periods = _periods(
        [
            (1, 10, PKS_2022.start, PKS_2022.end),
            (1, 11, PKS_2025.start, None),
            (2, 20, date(2023, 3, 1), PKS_2022.end),  # joined later, renewed
            (2, 21, PKS_2025.start, None),
            (3, 30, PKS_2022.start, PKS_2022.end),  # not renewed
            (4, 40, PKS_2025.start, None),  # new in 2025: no gap
        ]
    )
    gaps = person_gaps(periods)
    assert gaps.select("person_id", "gap_start", "gap_end", "days").rows() == [
        (1, date(2025, 1, 1), date(2025, 7, 14), 194),
        (2, date(2025, 1, 1), date(2025, 7, 14), 194),
    ]
    # 1 January .. 13 July 2025 inclusive is 31+28+31+30+31+30+13 days
    assert 31 + 28 + 31 + 30 + 31 + 30 + 13 == 194


def test_open_gap_up_to_as_of() -> None:
    periods = _periods(
        [(1, 10, PKS_2022.start, PKS_2022.end), (1, 11, PKS_2025.start, None), (3, 30, PKS_2022.start, PKS_2022.end)]
    )
    gaps = person_gaps(periods, as_of=date(2025, 3, 1))
    assert gaps.select("person_id", "gap_end", "days", "open").rows() == [
        (1, date(2025, 3, 1), 59, True),
        (3, date(2025, 3, 1), 59, True),
    ]
    later = person_gaps(periods, as_of=date(2026, 1, 1))
    assert later.select("person_id", "days", "open").rows() == [(1, 194, False), (3, 365, True)]


def test_touching_and_overlapping_periods_merge() -> None:
    periods = _periods(
        [
            (1, 1, date(2023, 1, 1), date(2023, 7, 1)),
            (1, 2, date(2023, 7, 1), date(2024, 1, 1)),
            (1, 3, date(2023, 3, 1), date(2023, 12, 1)),
            (1, 4, date(2024, 1, 2), None),
        ]
    )
    assert person_gaps(periods).select("gap_start", "days").rows() == [(date(2024, 1, 1), 1)]


def test_in_force_and_claims_in_gap() -> None:
    periods = _periods([(1, 10, PKS_2022.start, PKS_2022.end), (1, 11, PKS_2025.start, None)])
    claims = pl.DataFrame(
        {
            "claim": [1, 2, 3, 4],
            "person_id": [1, 1, 1, 1],
            "day": [date(2024, 12, 31), date(2025, 1, 1), date(2025, 7, 13), date(2025, 7, 14)],
        }
    )
    linked = in_force(claims, periods)
    assert linked["enrollment_id"].to_list() == [10, None, None, 11]
    in_gap = events_in_gaps(claims, person_gaps(periods))
    assert in_gap["claim"].to_list() == [2, 3]


def test_gap_counts_per_village() -> None:
    gaps = pl.DataFrame({"person_id": [1, 2, 3], "days": [10, 20, 5]})
    people = pl.DataFrame({"person_id": [1, 2, 3], "village": ["A", "A", "B"]})
    assert gap_counts(gaps, people).rows() == [("A", 2, 30), ("B", 1, 5)]


def test_agreement_warnings() -> None:
    agreements = pl.DataFrame(
        {
            "id": [1, 2, 3],
            "end": [date(2025, 1, 1), date(2026, 2, 1), date(2027, 1, 1)],
            "successor_id": [None, None, None],
            "status": ["ended", "active", "active"],
        },
        schema_overrides={"successor_id": pl.Int64},
    )
    hits = agreements_ending_without_successor(agreements, date(2026, 1, 1))
    assert hits.select("id", "days_left").rows() == [(1, -365), (2, 31)]
    enr = pl.DataFrame(
        {
            "enrollment_id": [1, 2, 3, 4],
            "start": [date(2025, 1, 1)] * 4,
            "end": [None, date(2025, 6, 1), None, None],
            "agreement_id": [None, 1, 2, 3],
            "agreement_start": [None, date(2025, 1, 1), date(2025, 1, 1), date(2025, 1, 1)],
            "agreement_end": [None, date(2026, 1, 1), date(2026, 1, 1), None],
            "agreement_status": [None, "active", "active", "draft"],
        },
        schema_overrides={
            "agreement_id": pl.Int64,
            "agreement_start": pl.Date,
            "agreement_end": pl.Date,
            "agreement_status": pl.Utf8,
            "end": pl.Date,
        },
    )
    assert enrollments_without_agreement(enr).select("enrollment_id", "problem").rows() == [
        (1, "NO_AGREEMENT"),
        (3, "OUTSIDE_AGREEMENT_PERIOD"),
        (4, "AGREEMENT_NOT_VALID"),
    ]


def test_period_rejects_empty() -> None:
    with pytest.raises(ValueError):
        Period(date(2025, 1, 1), date(2025, 1, 1))
    assert Period(date(2022, 11, 1), date(2025, 1, 1)).last_day == date(2024, 12, 31)


def test_gap_ends_at_death() -> None:
    periods = _periods(
        [
            (1, 10, PKS_2022.start, PKS_2022.end),
            (3, 30, PKS_2022.start, PKS_2022.end),
            (4, 40, PKS_2022.start, date(2024, 6, 1)),
        ]
    )
    deaths = pl.DataFrame({"person_id": [3, 4], "death_date": [date(2025, 2, 10), date(2024, 5, 20)]})
    gaps = person_gaps(periods, as_of=date(2026, 1, 1), deaths=deaths)
    assert gaps.select("person_id", "gap_end", "days", "open").rows() == [
        (1, date(2026, 1, 1), 365, True),
        (3, date(2025, 2, 10), 40, False),
    ]


def test_a_death_in_a_gap_is_an_event_of_that_gap() -> None:
    """JKM claims: the incident is the day of death, the day the gap stops (issue 9 §4)."""
    periods = _periods(
        [
            (1, 10, PKS_2022.start, PKS_2022.end),
            (1, 11, PKS_2025.start, None),
            (2, 20, PKS_2022.start, PKS_2022.end),
            (2, 21, PKS_2025.start, None),
            (3, 30, PKS_2022.start, PKS_2022.end),
            (3, 31, PKS_2025.start, None),
        ]
    )
    # 1 died in the gap; 2 died on its first uncovered day; 3 is alive and has a JKK claim
    deaths = pl.DataFrame({"person_id": [1, 2], "death_date": [date(2025, 3, 5), date(2025, 1, 1)]})
    claims = pl.DataFrame(
        {
            "claim": [1, 2, 3, 4],
            "person_id": [1, 2, 3, 1],
            "day": [date(2025, 3, 5), date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 6)],
        }
    )
    cut = person_gaps(periods, deaths=deaths)
    assert cut.select("person_id", "gap_end").rows() == [(1, date(2025, 3, 5)), (3, date(2025, 7, 14))]
    assert events_in_gaps(claims, cut)["claim"].to_list() == [3]  # the deaths themselves fall outside
    raw = person_gaps(periods)
    assert events_in_gaps(claims, raw, deaths=deaths)["claim"].to_list() == [1, 2, 3]  # nothing after death


def test_a_successor_that_starts_late_is_a_warning() -> None:
    agreements = pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6],
            "start": [
                date(2022, 11, 1),
                date(2025, 7, 14),
                date(2025, 1, 1),
                date(2026, 1, 11),
                date(2026, 1, 1),
                date(2027, 1, 1),
            ],
            "end": [date(2025, 1, 1), date(2026, 1, 1), date(2026, 1, 1), None, date(2027, 1, 1), None],
            "successor_id": [2, None, 4, None, 6, None],
            "status": ["ended", "active", "ended", "signed", "active", "draft"],
        },
        schema_overrides={"successor_id": pl.Int64},
    )
    late = agreements_with_late_successor(agreements)
    assert late.select("id", "successor_id", "gap_days").rows() == [(1, 2, 194), (3, 4, 10)]  # 5 → 6: no gap
    assert [last_day(e) for e in late["end"]] == [date(2024, 12, 31), date(2025, 12, 31)]
