"""Shared monitoring fixtures: Muna Barat regions, one user per role, a hand-built dataset."""

from __future__ import annotations

from datetime import date

import pytest

from tests.people_fixtures import DESA_A, DESA_A2, KEC_A, KEC_B, organisations, regions, users  # noqa: F401
from ucjamsostek.core.nik import make_nik
from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.models import Target, WorkforceDenominator


def _person(village: str, serial: int, **extra):
    from ucjamsostek.registry.models import Person

    return Person.objects.create(
        nik=make_nik(KEC_A, date(1980, 1, 2), "L", serial),
        name=f"Orang Uji {serial}",
        sex="L",
        birth_date=date(1980, 1, 2),
        village_id=village,
        **extra,
    )


def _enrol(person, start, end=None, segment="pekerja_rentan", funder="apbd_kab", status="active"):
    from ucjamsostek.registry.models import Enrollment

    return Enrollment.objects.create(
        person=person, segment_id=segment, funder_id=funder, coverage_start=start, coverage_end=end, status=status
    )


@pytest.fixture
def dataset(regions):  # noqa: F811
    desa_b = regions["desa_b"]
    for i in range(3):  # three active pekerja rentan in DESA_A since January 2025
        _enrol(_person(DESA_A, 10 + i), date(2025, 1, 1))
    ended = _person(DESA_A2, 20)  # covered January–February 2025, then a gap
    _enrol(ended, date(2025, 1, 1), date(2025, 3, 1), status="ended")
    _enrol(_person(DESA_A2, 21), date(2025, 5, 15), segment="non_asn")  # from mid-May
    _enrol(_person(desa_b, 30), date(2025, 1, 1))
    dead = _person(desa_b, 31, is_deceased=True, death_date=date(2025, 2, 10))  # died: not "exposed"
    _enrol(dead, date(2025, 1, 1), date(2025, 2, 10), status="ended")
    _enrol(_person(desa_b, 32), date(2025, 8, 1), status="proposed")  # never counted
    WorkforceDenominator.objects.create(area_id=KEC_A, year=2024, workers=10, source="Uji 2024")
    WorkforceDenominator.objects.create(area_id=KEC_B, year=2024, workers=0, source="Uji 2024")
    _operations(desa_b)
    services.seed_monitoring()
    Target.objects.create(
        indicator_id="ACTIVE", year=2025, area_id="74.13", breakdown="segment:pekerja_rentan", value=8
    )
    return {"desa_b": desa_b}


def _operations(desa_b: str) -> None:
    """A PKS for 2025, two monthly bills with one payment, three claims, one BSU payout."""
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.assistance.models import AssistanceProgramme, Recipient, RecipientList
    from ucjamsostek.billing.models import Invoice, Payment
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.registry.models import Person

    Agreement.objects.create(
        number="PKS/2025/1",
        start=date(2025, 1, 1),
        end=date(2026, 1, 1),
        funder_id="apbd_kab",
        value=36_500_000,
        status="active",
    )
    jan = Invoice.objects.create(period=date(2025, 1, 1), source_name="t1.xlsx", sha256="a" * 64, billed_total=100_800)
    Invoice.objects.create(period=date(2025, 7, 1), source_name="t7.xlsx", sha256="b" * 64, billed_total=84_000)
    Payment.objects.create(invoice=jan, sp2d_number="SP2D-1", paid_on=date(2025, 2, 20), amount=50_400)
    a_person = Person.objects.filter(village_id=DESA_A).order_by("pk").first()
    Claim.objects.create(
        nik=a_person.nik,
        person=a_person,
        type="JKM",
        incident_date=date(2025, 2, 1),
        paid_on=date(2025, 3, 10),
        amount=42_000_000,
        status="dibayar",
    )
    Claim.objects.create(
        nik="7413010101800099",
        type="JKK",
        incident_date=date(2025, 3, 1),
        paid_on=date(2025, 4, 10),
        amount=5_000_000,
        status="dibayar",
    )
    Claim.objects.create(
        nik=a_person.nik,
        person=a_person,
        type="BEASISWA",
        incident_date=date(2024, 11, 1),
        paid_on=date(2024, 12, 10),
        amount=1_500_000,
        status="dibayar",
    )
    Claim.objects.create(
        nik=a_person.nik, person=a_person, type="JKK", incident_date=date(2025, 5, 1), amount=0, status="proses"
    )  # not paid: never counted
    prog, _ = AssistanceProgramme.objects.get_or_create(
        code="BSU2025",
        defaults={
            "name": "BSU 2025",
            "amount_per_month": 300_000,
            "months": 2,
            "category": "PU",
            "legal_basis": "Permenaker 5/2025",
        },
    )
    b_person = Person.objects.filter(village_id=desa_b).order_by("pk").first()
    tahap1 = RecipientList.objects.create(programme=prog, number=1, source_name="bsu.xlsx", lines=2)
    Recipient.objects.create(
        programme=prog,
        batch=tahap1,
        line=2,
        nik=b_person.nik,
        person=b_person,
        amount=600_000,
        paid_on=date(2025, 7, 10),
        status="tersalur",
        disbursed=True,
        eligible=True,
    )
    Recipient.objects.create(
        programme=prog,
        batch=tahap1,
        line=3,
        nik=b_person.nik,
        person=b_person,
        amount=600_000,
        paid_on=None,
        status="gagal",
        disbursed=False,
    )
