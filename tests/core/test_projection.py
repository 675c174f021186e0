from datetime import date
from fractions import Fraction

import polars as pl
import pytest

from ucjamsostek.core.projection import (
    ClaimExperience,
    ProjectionError,
    claim_experience,
    claims_for_contributions,
    cost_path,
    expected_claims,
    exposure_months,
    target_path,
)


def test_target_path_starts_at_10000_and_grows():
    assert target_path(growth_percent=10) == [
        (2026, 10_000),
        (2027, 11_000),
        (2028, 12_100),
        (2029, 13_310),
        (2030, 14_641),
    ]
    assert target_path(growth_people=2_000)[-1] == (2030, 18_000)
    assert target_path(growth_percent="2,5", last_year=2027) == [(2026, 10_000), (2027, 10_250)]
    assert target_path(growth_percent=0) == [(y, 10_000) for y in range(2026, 2031)]


def test_target_path_rejects_bad_years():
    with pytest.raises(ProjectionError):
        target_path(first_year=2030, last_year=2026)


def test_cost_path_uses_the_rate_of_each_year():
    plans = cost_path(target_path(growth_percent=10))
    assert plans[0].cost == 2_016_000_000
    assert plans[0].unit_cost == 201_600
    assert plans[1].cost == 11_000 * 201_600
    # self-paid participants: discount in 2026, Jan-Mar 2027, none from 2028
    other = cost_path([(2026, 1), (2027, 1), (2028, 1)], payer="other")
    assert [p.cost for p in other] == [12 * 8_400, 3 * 8_400 + 9 * 16_800, 12 * 16_800]


def test_claim_rates_from_history():
    claims = pl.DataFrame(
        {"claim_type": ["JKM"] * 3 + ["JKK"], "amount": [42_000_000, 42_000_000, 42_000_000, 5_000_000]}
    )
    exp = claim_experience(claims, participant_months=120_000)  # 10.000 participant-years
    by = {e.claim_type: e for e in exp}
    assert by["JKM"].per_1000_participant_years == Fraction(3, 10)
    assert by["JKM"].average_benefit == 42_000_000
    assert by["JKK"].claims == 1 and by["JKK"].paid == 5_000_000


def test_expected_claims_scale_with_exposure():
    exp = [ClaimExperience("JKM", claims=120, paid=4_960_000_000, participant_months=360_000)]
    out = expected_claims(120_000, exp)
    assert out[0].claims == 40
    assert out[0].amount == 1_653_333_333  # 4.960.000.000 / 3 = 1.653.333.333,33… rounded half up
    assert expected_claims(1, [ClaimExperience("JKK", 1, 3, 2)])[0].amount == 2  # 1,5 → 2


def test_claims_for_contributions_sentence_and_assumption():
    exp = [ClaimExperience("JKM", claims=120, paid=4_960_000_000, participant_months=360_000)]
    outlook = claims_for_contributions(2_016_000_000, 16_800, exp)
    assert outlook.participant_months == 120_000
    assert outlook.claims == 40
    assert outlook.sentence.startswith(
        "Dengan iuran Rp2,0 miliar, peserta dapat memperkirakan sekitar 40,0 klaim"
    )
    assert "Rp1,7 miliar" in outlook.sentence
    assert "30.000 peserta-tahun" in outlook.assumption
    assert "per 1.000 peserta-tahun" in outlook.assumption


def test_no_history_says_so():
    outlook = claims_for_contributions(2_016_000_000, 16_800, [])
    assert outlook.by_type == [] and "belum" in outlook.sentence


def test_exposure_months():
    cov = pl.DataFrame(
        {
            "start": [date(2025, 1, 1), date(2025, 7, 1), date(2026, 1, 1)],
            "end": [date(2026, 1, 1), None, None],
        }
    )
    assert exposure_months(cov, as_of=date(2026, 1, 1)) == 12 + 6 + 0
    assert exposure_months(cov, as_of=date(2026, 3, 15)) == 12 + 9 + 3
