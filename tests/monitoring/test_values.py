"""Indicator values computed from hand-built records with known answers."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied

from tests.people_fixtures import DESA_A, DESA_A2, KEC_A, KEC_B
from ucjamsostek.monitoring import selectors, services
from ucjamsostek.monitoring.models import IndicatorValue, WorkforceDenominator


def _v(snap, code, period, area, breakdown=""):
    return IndicatorValue.objects.get(
        snapshot=snap, indicator_id=code, period=period, area_code=area, breakdown=breakdown
    )


@pytest.mark.django_db
def test_semester_values(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "ACTIVE", "2025-S1", "74.13").numerator == 5
    assert _v(snap, "ACTIVE", "2025-S1", KEC_A).numerator == 4
    assert _v(snap, "ACTIVE", "2025-S1", KEC_B).numerator == 1
    assert _v(snap, "ACTIVE", "2025-S1", DESA_A2).numerator == 1
    assert _v(snap, "ACTIVE", "2025-S1", "74.13", "segment:pekerja_rentan").numerator == 4
    assert _v(snap, "ACTIVE", "2025-S1", "74.13", "category:PU").numerator == 1
    # trend: January 6 (incl. the one who died in February), March 4, May 5
    assert _v(snap, "ACTIVE", "2025-01", "74.13").numerator == 6
    assert _v(snap, "ACTIVE", "2025-02", "74.13").numerator == 5
    assert _v(snap, "ACTIVE", "2025-03", "74.13").numerator == 4
    assert _v(snap, "ACTIVE", "2025-05", "74.13").numerator == 5
    # coverage: kecamatan A 4/10; kecamatan B has 0 workers -> no data; the regency sums its kecamatan
    assert _v(snap, "COVERAGE", "2025-S1", KEC_A).value == Fraction(2, 5)
    assert _v(snap, "COVERAGE", "2025-S1", KEC_B).value is None
    assert _v(snap, "COVERAGE", "2025-S1", "74.13").value is None  # not every kecamatan has a figure
    assert _v(snap, "TARGET_PROGRESS", "2025-S1", "74.13", "segment:pekerja_rentan").value == Fraction(4, 8)
    assert _v(snap, "GAP_EXPOSED", "2025-S1", "74.13").numerator == 1
    assert _v(snap, "GAP_EXPOSED", "2025-S1", DESA_A2).numerator == 1
    assert _v(snap, "GAP_EXPOSED", "2025-S1", DESA_A).numerator == 0


@pytest.mark.django_db
def test_values_equal_a_direct_count(dataset):
    from ucjamsostek.monitoring import queries

    snap = services.refresh("2025-05")
    direct = sum(queries.active_on(date(2025, 5, 31)).values())
    assert _v(snap, "ACTIVE", "2025-05", "74.13").numerator == direct == 5


@pytest.mark.django_db
def test_area_without_workers_shows_no_data(dataset, users):
    services.refresh("2025-S1")
    d = selectors.dashboard(users["leadership"], "2025-S1")
    by_code = {b.code: b for b in d.ranking}
    assert by_code[KEC_B].text == "tidak ada data"
    assert by_code[KEC_A].text == "40,0%"
    assert d.ranking[0].code == KEC_A  # areas with data first, lowest first
    assert d.headline["active"] == 5
    assert d.headline["progress_text"] == "50,0%"


@pytest.mark.django_db
def test_desa_operator_sees_only_the_desa(dataset, users):
    services.refresh("2025-S1")
    d = selectors.dashboard(users["area"], "2025-S1", area="74.13")
    assert d.area_code == DESA_A
    assert d.headline["active"] == 3
    assert d.ranking == []
    with pytest.raises(PermissionDenied):
        selectors.trace(users["area"], "ACTIVE", "2025-S1", DESA_A2)
    t = selectors.trace(users["area"], "ACTIVE", "2025-S1", DESA_A)
    assert t["row_count"] == 3


@pytest.mark.django_db
def test_trace_lists_the_rows_masked_for_leadership(dataset, users):
    services.refresh("2025-S1")
    t = selectors.trace(users["leadership"], "GAP_EXPOSED", "2025-S1", "74.13")
    assert t["row_count"] == 1
    assert "*" in t["rows"][0]["nik"]


@pytest.mark.django_db
def test_budget_values_are_regency_wide(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "BUDGET_ALLOCATED", "2025-S1", "74.13").numerator == 36_500_000
    assert _v(snap, "BILLED", "2025-S1", "74.13").numerator == 100_800  # the July bill is outside S1
    assert _v(snap, "PAID", "2025-S1", "74.13").numerator == 50_400
    assert _v(snap, "ARREARS", "2025-S1", "74.13").numerator == 50_400
    assert _v(snap, "BUDGET_REALISATION", "2025-S1", "74.13").value == Fraction(50_400, 36_500_000)


@pytest.mark.django_db
def test_claims_of_the_period_count_by_payment_date(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "CLAIMS_COUNT", "2025-S1", "74.13").numerator == 2
    assert _v(snap, "CLAIMS_AMOUNT", "2025-S1", "74.13").numerator == 47_000_000
    assert _v(snap, "CLAIMS_AMOUNT", "2025-S1", "74.13", "type:JKM").numerator == 42_000_000
    assert _v(snap, "CLAIMS_AMOUNT", "2025-S1", DESA_A).numerator == 42_000_000  # the unmatched NIK: regency only


@pytest.mark.django_db
def test_claims_since_the_programme_began_include_earlier_periods(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "CLAIMS_COUNT_TOTAL", "2025-S1", "74.13").numerator == 3  # + the scholarship of December 2024
    assert _v(snap, "CLAIMS_AMOUNT_TOTAL", "2025-S1", "74.13").numerator == 48_500_000


@pytest.mark.django_db
def test_claims_ratio_is_claims_paid_over_contributions_paid(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "CLAIMS_RATIO", "2025-S1", "74.13").value == Fraction(47_000_000, 50_400)


@pytest.mark.django_db
def test_claims_without_cover_count_the_flagged_claims(dataset):
    from ucjamsostek.claims.models import Claim

    Claim.objects.filter(type="JKK", paid_on=date(2025, 4, 10)).update(uncovered=True)
    snap = services.refresh("2025-S1")
    assert _v(snap, "CLAIMS_UNCOVERED", "2025-S1", "74.13").numerator == 1
    assert _v(snap, "CLAIMS_UNCOVERED_AMOUNT", "2025-S1", "74.13").numerator == 5_000_000
    earlier = services.refresh("2024-S2")
    assert _v(earlier, "CLAIMS_UNCOVERED", "2024-S2", "74.13").numerator == 0  # paid after that period


@pytest.mark.django_db
def test_bsu_of_a_period_counts_its_payouts(dataset):
    snap = services.refresh("2025-S1")
    assert _v(snap, "BSU_COUNT", "2025-S1", "74.13").numerator == 0
    snap2 = services.refresh("2025-S2")
    assert _v(snap2, "BSU_COUNT", "2025-S2", "74.13").numerator == 1
    assert _v(snap2, "BSU_AMOUNT_TOTAL", "2025-S2", "74.13").numerator == 600_000


@pytest.mark.django_db
def test_bsu_recipients_are_distinct_people(dataset):
    from ucjamsostek.assistance.models import Recipient

    paid = Recipient.objects.get(disbursed=True)
    Recipient.objects.filter(pk=paid.pk).update(line=9)
    paid.pk, paid.line = None, 10  # the same person paid a second time
    paid.save()
    snap = services.refresh("2025-S2")
    assert _v(snap, "BSU_COUNT", "2025-S2", "74.13").numerator == 1
    assert _v(snap, "BSU_COUNT_TOTAL", "2025-S2", "74.13").numerator == 1
    assert _v(snap, "BSU_AMOUNT", "2025-S2", "74.13").numerator == 1_200_000  # both payouts were paid


@pytest.mark.django_db
def test_second_semester_money_figures(dataset):
    snap2 = services.refresh("2025-S2")
    assert _v(snap2, "BILLED", "2025-S2", "74.13").numerator == 84_000
    assert _v(snap2, "PAID", "2025-S2", "74.13").numerator == 0
    assert _v(snap2, "BUDGET_REALISATION", "2025-S2", "74.13").value == Fraction(50_400, 36_500_000)
    assert snap2.unavailable == {}


@pytest.mark.django_db
def test_dashboard_claims_sentence(dataset, users):
    services.refresh("2025-S1")
    d = selectors.dashboard(users["leadership"], "2025-S1")
    assert d.claims["cumulative"]["sentence"] == "Rp48,50 juta dikembalikan kepada warga melalui 3 klaim"


@pytest.mark.django_db
def test_claims_trace_to_their_rows(dataset, users):
    services.refresh("2025-S1")
    t = selectors.trace(users["dinas"], "CLAIMS_AMOUNT_TOTAL", "2025-S1", "74.13")
    assert t["row_count"] == 3 and sum(r["amount"] for r in t["rows"]) == t["value"].numerator == 48_500_000
    t = selectors.trace(users["dinas"], "CLAIMS_COUNT", "2025-S1", DESA_A)
    assert t["row_count"] == t["value"].numerator == 1


@pytest.mark.django_db
def test_claims_trace_masks_the_nik_for_leadership(dataset, users):
    services.refresh("2025-S1")
    t = selectors.trace(users["leadership"], "CLAIMS_AMOUNT", "2025-S1", "74.13", "type:JKM")
    assert t["row_count"] == 1 and "*" in t["rows"][0]["nik"]


@pytest.mark.django_db
def test_aid_traces_to_its_rows(dataset, users):
    services.refresh("2025-S2")
    t = selectors.trace(users["dinas"], "BSU_AMOUNT", "2025-S2", "74.13")
    assert t["row_count"] == 1 and t["rows"][0]["amount"] == 600_000


@pytest.mark.django_db
def test_coverage_per_category_with_its_own_denominator(dataset, users):
    WorkforceDenominator.objects.create(area_id=KEC_A, year=2024, breakdown="category:BPU", workers=8, source="Uji")
    snap = services.refresh("2025-S1")
    assert _v(snap, "COVERAGE", "2025-S1", KEC_A, "category:BPU").value == Fraction(3, 8)
    assert _v(snap, "COVERAGE", "2025-S1", KEC_A).value == Fraction(2, 5)  # the total keeps its own figure
    d = selectors.dashboard(users["kec"], "2025-S1")
    assert d.coverage_by == [("Kategori BPU", 3, 8, "37,5%")]


@pytest.mark.django_db
def test_paid_counts_bill_payments_by_month_and_lump_sums_by_sp2d_date(dataset):
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.billing.models import Payment
    from ucjamsostek.monitoring import queries

    # the dataset pays Rp50.400 against the January 2025 bill (SP2D dated 20 February)
    assert queries.paid(date(2025, 1, 1), date(2025, 2, 1)) == 50_400
    assert queries.paid(date(2025, 2, 1), date(2025, 3, 1)) == 0
    # a quarterly SP2D on the PKS without a monthly bill counts on its own date
    Payment.objects.create(
        invoice=None,
        agreement=Agreement.objects.first(),
        sp2d_number="SP2D-TW1",
        paid_on=date(2025, 4, 10),
        amount=1_000_000,
    )
    assert queries.paid(date(2025, 4, 1), date(2025, 5, 1)) == 1_000_000
    assert queries.paid(date(2025, 1, 1), date(2025, 7, 1)) == 1_050_400
    assert queries.paid(date(2025, 7, 1), date(2026, 1, 1)) == 0


@pytest.mark.django_db
def test_gap_counts_people_uncovered_on_some_day_of_the_period(dataset):
    # the dataset's person covered January–February 2025 has no cover from 1 March: 122 days of S1
    snap = services.refresh("2025-S1")
    assert _v(snap, "GAP_EXPOSED", "2025-S1", "74.13").numerator == 1
    assert _v(snap, "GAP_PERSON_DAYS", "2025-S1", "74.13").numerator == 122
    assert _v(snap, "GAP_EXPOSED", "2025-S1", DESA_A2).numerator == 1


@pytest.mark.django_db
def test_gap_counts_a_gap_that_closed_before_the_period_ended(dataset):
    from tests.monitoring.conftest import _enrol, _person

    back = _person(DESA_A, 40)  # covered in January, not in February, covered again from March
    _enrol(back, date(2025, 1, 1), date(2025, 2, 1), status="ended")
    _enrol(back, date(2025, 3, 1))
    snap = services.refresh("2025-S1")
    assert _v(snap, "GAP_EXPOSED", "2025-S1", DESA_A).numerator == 1  # nobody uncovered on 30 June there
    assert _v(snap, "GAP_PERSON_DAYS", "2025-S1", DESA_A).numerator == 28


@pytest.mark.django_db
def test_gap_leaves_out_the_days_after_a_death(dataset):
    # the dataset's person who died on 10 February 2025 (cover ended that day) is never exposed
    snap = services.refresh("2025-02")
    assert _v(snap, "GAP_EXPOSED", "2025-02", KEC_B).numerator == 0


@pytest.mark.django_db
def test_gap_trace_lists_the_same_people_with_their_days(dataset, users):
    services.refresh("2025-S1")
    t = selectors.trace(users["dinas"], "GAP_EXPOSED", "2025-S1", "74.13")
    assert t["row_count"] == t["value"].numerator == 1
    assert t["rows"][0]["days"] == 122


@pytest.mark.django_db
def test_active_trace_shows_the_last_covered_day(dataset, users):
    services.refresh("2025-01")
    t = selectors.trace(users["dinas"], "ACTIVE", "2025-01", DESA_A2)
    ended = [r for r in t["rows"] if r["last_day"] is not None]
    assert [r["last_day"] for r in ended] == [date(2025, 2, 28)]  # coverage_end 1 March is exclusive
