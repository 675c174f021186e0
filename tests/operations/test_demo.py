"""The operations demo builder on a small registry."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements import selectors as agr_sel
from ucjamsostek.agreements.models import Agreement
from ucjamsostek.billing import selectors as bsel
from ucjamsostek.billing.models import Invoice
from ucjamsostek.claims.models import Claim
from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.reconcile import CLASSES
from ucjamsostek.demo.operations import NEW_NUMBER, OLD_NUMBER, build_operations_demo
from ucjamsostek.registry.models import Enrollment, Person


@pytest.fixture
def registry(regions):
    from ucjamsostek.regions.models import Region

    villages = list(
        Region.objects.filter(code__startswith="74.13.", level=4).order_by("code").values_list("code", flat=True)
    )
    people = []
    for i in range(90):
        born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        sex = "L" if i % 2 else "P"
        people.append(
            Person(
                nik=make_nik("74.13.01", born, sex, i + 1),
                name=f"Peserta {i}",
                sex=sex,
                birth_date=born,
                village_id=villages[i % len(villages)],
            )
        )
    Person.objects.bulk_create(people)
    enr = []
    for i, p in enumerate(Person.objects.order_by("pk")):
        non_asn = i < 40
        enr.append(
            Enrollment(
                person=p,
                segment_id="non_asn" if non_asn else "pekerja_rentan",
                funder_id="apbd_kab",
                coverage_start=date(2022, 7, 1) if non_asn else date(2023, 1, 1),
                coverage_end=date(2025, 1, 1),
                status="ended",
                kpj_number=f"2201{i:07d}",
            )
        )
    Enrollment.objects.bulk_create(enr)
    return people


@pytest.mark.parametrize("pre_existing", [False, True])
def test_build_operations_demo(registry, users, pre_existing):
    if pre_existing:  # as the demo command does: its own 2022-2024 PKS, linked, already ended
        from ucjamsostek.agreements import services as agr
        from ucjamsostek.agreements.models import Coverage

        made = agr.create_agreement(
            SYSTEM,
            {
                "number": "DEMO/PKS",
                "signed_on": date(2022, 10, 31),
                "start": date(2022, 11, 1),
                "end": date(2025, 1, 1),
                "funder": "apbd_kab",
                "programmes": "JKK+JKM",
            },
        )
        for status in ("signed", "active", "ended"):
            made = agr.set_status(SYSTEM, made, status)
        Coverage.objects.bulk_create(
            [
                Coverage(agreement=made, enrollment=e)
                for e in Enrollment.objects.filter(coverage_start__gte=date(2022, 11, 1))
            ]
        )
    res = build_operations_demo(7, n_claims=20, claims_total=826_000_000, n_bsu=30)
    assert res.bills == 12
    old = Agreement.objects.get(number=res.agreements[0])
    assert res.agreements[0] == ("DEMO/PKS" if pre_existing else OLD_NUMBER)
    assert old.amendments.count() == (0 if pre_existing else 2) and old.status == "ended"
    new = Agreement.objects.get(number=NEW_NUMBER)
    assert new.predecessor_id == old.pk and new.amendments.count() == 1
    assert Claim.objects.count() == 20
    assert not Claim.objects.filter(flagged=True).exists()  # the demo's claims pass every verifier check
    assert sum(Claim.objects.values_list("amount", flat=True)) == 826_000_000 == res.claims_total
    assert res.claims_uncovered >= 2
    gaps = agr_sel.coverage_gaps(users["dinas"])
    assert gaps.people > 0 and {r.days for r in gaps.rows if r.gap_start == date(2025, 1, 1)} >= {194}
    assert gaps.claims_in_gap
    classes = set()
    for inv in Invoice.objects.all():
        page = bsel.reconciliation_page(users["dinas"], inv, flagged_only=False)
        classes |= {r["class"] for r in page.summary if r["lines"]}
        assert page.total["billed"] == inv.billed_total
    assert classes == set(CLASSES)
    statuses = [r["status"] for r in bsel.arrears_rows(users["dinas"], today=date(2026, 11, 23))]
    assert statuses[:8] == ["paid"] * 8 and "warning" in statuses
    from ucjamsostek.claims.selectors import analytics

    ratio = {r["year"]: r for r in analytics(SYSTEM).ratio}
    assert ratio[2023]["contributions"] > 0 and ratio[2023]["ratio_percent"]
    # 30 people paid, one of them again in tahap 2; plus lines that failed to pay out
    assert (res.bsu_people, res.bsu_disbursed) == (30, 31) and res.bsu_disbursed < res.bsu_lines
    assert 0 < res.bsu_eligible < 30
    assert all(c.paid_on is not None for c in Claim.objects.all())  # 20 claims paid: the total returned to residents
    with pytest.raises(ValidationError):
        build_operations_demo(7)
