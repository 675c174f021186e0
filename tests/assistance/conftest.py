from datetime import date

import pytest

from tests.people_fixtures import DESA_A, organisations, people, person_data, regions, users  # noqa: F401
from ucjamsostek.agreements import services as agr
from ucjamsostek.registry.models import Enrollment


def _agreement(admin, number, start, **extra):
    a = agr.create_agreement(
        admin,
        {
            "number": number,
            "signed_on": date(2024, 12, 20),
            "parties": "Pemkab Muna Barat; BPJS TK Raha",
            "start": start,
            "end": date(2026, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": 100_000_000,
            "quota": 10,
            **extra,
        },
    )
    agr.set_status(admin, a, "signed")
    agr.set_status(admin, a, "active")
    return a


@pytest.fixture
def schemes(people, users):  # noqa: F811
    """PU non-ASN staff active on BSU 2025's cut-off (30 April 2025): p_a, p_a2, p_opd; p_late joins
    as PU only in June; p_b is a BPU pekerja rentan."""
    from ucjamsostek.registry.services import create_person

    admin = users["admin"]
    late = create_person(admin, person_data(DESA_A, 5, name="La Ode Terlambat"))
    pu = _agreement(admin, "PKS/NONASN/2025", date(2025, 3, 1), wage_base=2_552_000)
    ids = [(people[k].pk, "non_asn") for k in ("p_a", "p_a2", "p_opd")]
    agr.enroll_people(admin, pu, ids, status=Enrollment.Status.ACTIVE)
    agr.enroll_people(admin, pu, [(late.pk, "non_asn")], start=date(2025, 6, 1), status=Enrollment.Status.ACTIVE)
    bpu = _agreement(admin, "PKS/RENTAN/2025", date(2025, 1, 1))
    agr.enroll_people(admin, bpu, [(people["p_b"].pk, "pekerja_rentan")], status=Enrollment.Status.ACTIVE)
    return {**people, "p_late": late}
