"""Role rules in one table, and the scoping of people per role (services and selectors use them)."""

import pytest

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.registry.models import Person

# role: full NIK, edit, export, BPJS files, audit log, read-only
MATRIX = {
    "admin": (True, True, True, True, True, False),
    "dinas": (True, True, True, True, False, False),
    "area": (True, True, True, False, False, False),
    "opd": (True, True, True, False, False, False),
    "budget": (False, False, False, False, False, True),
    "bpjs": (True, False, False, True, False, True),
    "leadership": (False, False, False, False, False, True),
    "auditor": (False, False, False, False, True, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(MATRIX))
def test_capabilities_per_role(users, role):
    user = users[role]
    got = (
        perm.can_see_full_nik(user),
        perm.can_edit(user),
        perm.can_export(user),
        perm.can_upload_bpjs_files(user),
        perm.can_view_audit_log(user),
        perm.is_read_only(user),
    )
    assert got == MATRIX[role]
    # the same answer from the role name
    assert perm.can_see_full_nik(role) == MATRIX[role][0]


EXPECTED_SCOPE = {
    "admin": {"p_a", "p_a2", "p_b", "p_opd"},
    "dinas": {"p_a", "p_a2", "p_b", "p_opd"},
    "area": {"p_a"},  # desa operator of DESA_A
    "kec": {"p_a", "p_a2"},  # kecamatan operator of KEC_A
    "opd": {"p_opd"},
    "budget": {"p_a", "p_a2", "p_b", "p_opd"},
    "bpjs": {"p_a", "p_a2", "p_b", "p_opd"},
    "leadership": {"p_a", "p_a2", "p_b", "p_opd"},
    "auditor": {"p_a", "p_a2", "p_b", "p_opd"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(EXPECTED_SCOPE))
def test_scope_people_per_role(users, people, who):
    user = users[who]
    ids = set(perm.scope_people(user, Person.objects.all()).values_list("pk", flat=True))
    expected = {people[k].pk for k in EXPECTED_SCOPE[who]}
    assert ids == expected
    for key, p in people.items():
        assert perm.can_view_person(user, p) == (key in EXPECTED_SCOPE[who])


@pytest.mark.django_db
def test_fail_closed(users, people):
    from django.contrib.auth.models import AnonymousUser

    area = users["area"]
    area.area_id = None
    assert perm.role_of(area) is None
    assert perm.scope_people(area, Person.objects.all()).count() == 0
    opd = users["opd"]
    opd.organisation_id = None
    assert perm.scope_people(opd, Person.objects.all()).count() == 0
    dinas = users["dinas"]
    dinas.is_active = False
    assert not perm.can_view_person(dinas, people["p_a"])
    assert perm.role_of(AnonymousUser()) is None
    assert perm.capabilities(AnonymousUser())["read_only"] is True


def test_in_area_is_a_dotted_prefix():
    assert perm.in_area("74.13.01.2001", "74.13.01")
    assert perm.in_area("74.13.01", "74.13.01")
    assert not perm.in_area("74.13.010.2001", "74.13.01")
    assert not perm.in_area("74.13.11.2001", "74.13.1")
    assert not perm.in_area(None, "74.13")
