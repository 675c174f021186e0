from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.people_fixtures import DESA_A, DESA_A2, KEC_A
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core.nik import make_nik
from ucjamsostek.registry.models import ChangeLog, Enrollment, Person
from ucjamsostek.registry.services import bulk_import_people


def _rows(n):
    out = []
    for i in range(1, n + 1):
        sex = "L" if i % 2 else "P"
        born = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        out.append(
            {
                "nik": make_nik(KEC_A, born, sex, i),
                "name": f"Orang {i}",
                "sex": sex,
                "birth_date": born,
                "village": DESA_A if i % 3 else DESA_A2,
                "occupation_text": "Buruh Tani",
                "dtks_decile": 1 + i % 10,
            }
        )
    return out


@pytest.mark.django_db
def test_bulk_import_batches_and_logs_once_per_batch(users):
    rows = _rows(250)
    enr = [
        {
            "nik": r["nik"],
            "segment": "pekerja_rentan",
            "funder": "apbd_kab",
            "coverage_start": "2026-01-01",
            "status": "active",
            "kpj_number": f"KPJ{i:08d}",
        }
        for i, r in enumerate(rows)
    ]
    res = bulk_import_people(rows, enr, users["dinas"], batch_size=100)
    assert (res.people_created, res.people_skipped, res.enrollments_created) == (250, 0, 250)
    assert Person.objects.count() == 250
    assert Person.objects.filter(occupation_id="buruh_tani").count() == 250
    assert Enrollment.objects.filter(status="active").count() == 250
    logs = ChangeLog.objects.filter(action="import")
    assert logs.filter(model="registry.person").count() == 3
    assert logs.filter(model="registry.enrollment").count() == 3
    assert sum(logs.filter(model="registry.person").values_list("count", flat=True)) == 250
    assert all(log.actor_username == "u_dinas" for log in logs)
    # idempotent with skip_existing
    res2 = bulk_import_people(rows, [], SYSTEM, skip_existing=True)
    assert (res2.people_created, res2.people_skipped) == (0, 250)


@pytest.mark.django_db
def test_bulk_import_is_all_or_nothing_with_row_numbers(users):
    rows = _rows(5)
    rows[2]["nik"] = "123"
    rows[3]["village"] = "99.99.99.9999"
    with pytest.raises(ValidationError) as exc:
        bulk_import_people(rows, [], users["admin"])
    text = " ".join(exc.value.messages)
    assert "baris 3" in text and "baris 4" in text
    assert "123" not in text  # no personal data echoed
    assert Person.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["area", "opd", "budget", "bpjs", "leadership", "auditor"])
def test_bulk_import_only_admin_dinas_or_system(users, role):
    with pytest.raises(PermissionDenied):
        bulk_import_people(_rows(1), [], users[role])


@pytest.mark.django_db
def test_bulk_enrollments_for_people_registered_earlier(users):
    rows = _rows(30)
    bulk_import_people(rows, [], SYSTEM)
    enr = [
        {"nik": r["nik"], "segment": "non_asn", "funder": "apbd_kab", "coverage_start": date(2026, 1, 1)} for r in rows
    ]
    enr.append(
        {"nik": "7413010101900001", "segment": "non_asn", "funder": "apbd_kab", "coverage_start": date(2026, 1, 1)}
    )
    with pytest.raises(ValidationError, match="baris 31"):
        bulk_import_people([], enr, SYSTEM)
    res = bulk_import_people([], enr[:-1], SYSTEM)
    assert res.enrollments_created == 30
    assert Enrollment.objects.filter(segment_id="non_asn", status="proposed").count() == 30
