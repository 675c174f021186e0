"""Role rules in one table, and the scoping of people per role (services and selectors use them)."""

import pytest

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.registry.models import Person

# role: full NIK, edit, export, BPJS files, audit log, read-only, access log
MATRIX = {
    "admin": (True, True, True, True, True, False, True),
    "dinas": (True, True, True, True, False, False, False),
    "area": (True, True, True, False, False, False, False),
    "opd": (True, True, True, False, False, False, False),
    "budget": (False, False, False, False, False, True, False),
    "bpjs": (True, False, False, True, False, True, False),
    "leadership": (False, False, False, False, False, True, False),
    "auditor": (False, False, False, False, True, True, True),
    "province": (False, False, False, False, False, True, False),
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
        perm.can_read_access_log(user),
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
    "province": {"p_a", "p_a2", "p_b", "p_opd"},
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
    assert perm.sees_everyone(user) == (EXPECTED_SCOPE[who] == EXPECTED_SCOPE["admin"])


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
    assert not perm.sees_everyone(opd) and not perm.sees_everyone(AnonymousUser()) and not perm.sees_everyone(None)
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


# ------------------------------------------------------------------ screening
# role: settles review rows, loads reference lists, sees the reference-list versions
SCREENING = {
    "admin": (True, True, True),
    "dinas": (True, True, True),
    "area": (True, False, True),  # within its area
    "kec": (True, False, True),
    "opd": (True, False, True),  # within its OPD's lists
    "budget": (False, False, True),
    "bpjs": (False, False, True),
    "leadership": (False, False, True),
    "auditor": (False, False, True),
    "province": (False, False, True),
}


def _row(region: str | None, batch_region: str | None = None, organisation: int | None = None):
    """A nomination as the rules see it: its resolved desa and its batch's area and OPD."""
    from types import SimpleNamespace

    batch = SimpleNamespace(region_id=batch_region, organisation_id=organisation)
    return SimpleNamespace(region_id=region, batch=batch)


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(SCREENING))
def test_screening_rights_per_role(users, who):
    user = users[who]
    got = (perm.can_review(user), perm.can_load_reference_lists(user), perm.can_view_reference_lists(user))
    assert got == SCREENING[who]
    caps = perm.capabilities(user)
    assert (caps["review"], caps["reference_lists"]) == (SCREENING[who][0], SCREENING[who][2])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", {"desa_a", "desa_a2", "desa_b", "unresolved_a", "unresolved", "opd", "other_opd"}),
        ("dinas", {"desa_a", "desa_a2", "desa_b", "unresolved_a", "unresolved", "opd", "other_opd"}),
        # area operators: the rows of their area, whoever sent the list (an OPD's list too)
        ("area", {"desa_a", "unresolved_a", "other_opd"}),  # desa operator of DESA_A
        ("kec", {"desa_a", "desa_a2", "unresolved_a", "other_opd"}),  # kecamatan operator of KEC_A
        ("opd", {"opd"}),  # only its OPD's lists, wherever the people live
        ("budget", set()),
        ("bpjs", set()),
        ("leadership", set()),
        ("auditor", set()),
    ],
)
def test_review_is_limited_to_the_operators_scope(users, regions, organisations, who, expected):
    from tests.people_fixtures import DESA_A, DESA_A2

    own, other = organisations["own"].pk, organisations["other"].pk
    rows = {
        "desa_a": _row(DESA_A),
        "desa_a2": _row(DESA_A2),
        "desa_b": _row(regions["desa_b"], batch_region=DESA_A),  # a resolved desa wins over the batch's area
        "unresolved_a": _row(None, batch_region=DESA_A),  # no desa: follows its batch's area
        "unresolved": _row(None),
        "opd": _row(regions["desa_b"], organisation=own),
        "other_opd": _row(DESA_A, organisation=other),
    }
    user = users[who]
    reviewable = {key for key, row in rows.items() if perm.can_review_nominations(user, [row])}
    assert reviewable == expected
    if who in ("area", "kec", "opd"):  # a pair only when both rows are in scope
        inside, outside = next(iter(expected)), "unresolved"
        assert perm.can_review_nominations(user, [rows[inside], rows[inside]])
        assert not perm.can_review_nominations(user, [rows[inside], rows[outside]])
    assert not perm.can_review_nominations(user, [])
    # reading is wider than deciding: read-only roles see every row
    visible = {key for key, row in rows.items() if perm.can_view_nomination(user, row)}
    assert visible == (expected if who in ("area", "kec", "opd") else set(rows))


@pytest.mark.django_db
def test_review_fails_closed(users):
    area, opd = users["area"], users["opd"]
    area.area_id = None
    opd.organisation_id = None
    row = _row("74.13.01.2001", batch_region="74.13.01.2001", organisation=opd.organisation_id)
    assert not perm.can_review(area) and not perm.can_review_nominations(area, [row])
    assert not perm.can_review_nominations(opd, [row])
    assert perm.nominations_q(area) is None and perm.nominations_q(opd) is None


@pytest.mark.django_db
def test_batch_export_per_role(users, regions, organisations):
    from types import SimpleNamespace

    from tests.people_fixtures import DESA_A, KEC_A

    def batch(region=None, organisation=None):
        return SimpleNamespace(region_id=region, organisation_id=organisation)

    own = organisations["own"].pk
    assert perm.can_export_batch(users["dinas"], batch())
    assert perm.can_export_batch(users["area"], batch(DESA_A))
    assert not perm.can_export_batch(users["area"], batch(KEC_A))  # the whole kecamatan is more than its desa
    assert perm.can_export_batch(users["kec"], batch(DESA_A))
    assert perm.can_export_batch(users["opd"], batch(organisation=own))
    assert not perm.can_export_batch(users["opd"], batch(DESA_A, organisations["other"].pk))
    for role in ("budget", "bpjs", "leadership", "auditor"):
        assert not perm.can_export_batch(users[role], batch())


# role: view budget, record a payment, manage agreements, see every job, has a role
OPERATIONS_MATRIX = {
    "admin": (True, True, True, True, True),
    "dinas": (True, True, True, False, True),
    "area": (False, False, False, False, True),
    "opd": (False, False, False, False, True),
    "budget": (True, True, False, False, True),
    "bpjs": (False, False, False, False, True),
    "leadership": (True, False, False, False, True),
    "auditor": (True, False, False, False, True),
    "province": (False, False, False, False, True),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(OPERATIONS_MATRIX))
def test_budget_payment_agreement_and_job_rights_per_role(users, role):
    user = users[role]
    got = (
        perm.can_view_budget(user),
        perm.can_record_payment(user),
        perm.can_manage_agreements(user),
        perm.can_see_all_jobs(user),
        perm.has_role(user),
    )
    assert got == OPERATIONS_MATRIX[role]
    assert perm.can_view_budget(role) == OPERATIONS_MATRIX[role][0]


@pytest.mark.django_db
def test_nobody_has_any_operations_right(users):
    from django.contrib.auth.models import AnonymousUser

    inactive = users["admin"]
    inactive.is_active = False
    for who in (None, AnonymousUser(), inactive):
        assert not any(
            f(who) for f in (perm.can_view_budget, perm.can_record_payment, perm.can_manage_agreements,
                             perm.can_see_all_jobs, perm.has_role)
        )  # fmt: skip


@pytest.mark.django_db
def test_own_area_and_organisation_only_for_scoped_operators(users):
    assert perm.own_area(users["area"]) == users["area"].area
    assert perm.own_organisation(users["opd"]) == users["opd"].organisation
    for role in ("admin", "dinas", "budget", "bpjs", "leadership", "auditor", "opd"):
        assert perm.own_area(users[role]) is None
    for role in ("admin", "dinas", "area", "budget"):
        assert perm.own_organisation(users[role]) is None
    assert perm.own_area(perm.SYSTEM) is None and perm.own_organisation(perm.SYSTEM) is None


# role: compares funders' rosters (crossfund pages), exports this deployment's roster
CROSSFUND = {
    "admin": (True, True),
    "dinas": (False, True),
    "area": (False, False),
    "opd": (False, False),
    "budget": (False, False),
    "bpjs": (False, False),
    "leadership": (False, False),
    "auditor": (False, False),
    "province": (True, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(CROSSFUND))
def test_crossfund_rights_per_role(users, role):
    user = users[role]
    assert (perm.can_run_crossfund(user), perm.can_export_roster(user)) == CROSSFUND[role]
    assert perm.capabilities(user)["crossfund"] == CROSSFUND[role][0]
    assert perm.can_run_crossfund(role) == CROSSFUND[role][0]
