"""What each role may see and do: the one place the rules live.

Services and selectors of every app call these functions; templates only use them to hide
buttons. A user without a role, an inactive or anonymous user, an area operator without an area
and an OPD operator without an OPD can do nothing ("fail closed").

| role | reads people | edits people | enrollments | full NIK | export | BPJS files | audit log |
|---|---|---|---|---|---|---|---|
| admin | all | all | yes | yes | yes | yes | yes |
| dinas | all | all | yes | yes | yes | yes | no |
| area (kecamatan/desa) | its area | its area | no | yes | its area | no | no |
| opd | its non-ASN staff | its staff | no | yes | its staff | no | no |
| budget | all | no | no | masked | no | no | no |
| bpjs | all | no | KPJ/status only | yes | no | yes | no |
| leadership | all | no | no | masked | no | no | no |
| auditor | all | no | no | masked | no | no | yes |
| province | all | no | no | masked | no | no | no |

Screening (nomination lists, DESIGN.md §5):

| role | sees rows | uploads | settles review rows and duplicates | downloads a batch | loads reference lists |
|---|---|---|---|---|---|
| admin, dinas | all | yes | all | all | yes |
| area (kecamatan/desa) | of its area | yes | of its area | of its area | no |
| opd | of its OPD's lists | yes | of its OPD's lists | of its OPD | no |
| budget, bpjs, leadership, auditor | all | no | no | no | no |

A row "of its area" is a row whose resolved desa lies in the area; a row whose desa could not be
resolved follows its batch's area. Every role may see the reference-list versions (no personal
data); only the Dinas and admins load them, since they exclude people regency-wide.

Operations (test: ``test_budget_payment_agreement_and_job_rights_per_role``):

| role | budget scenarios | records SP2D payments | manages PKS agreements | sees every job |
|---|---|---|---|---|
| admin | yes | yes | yes | yes |
| dinas | yes | yes | yes | own jobs |
| budget | yes | yes | no | own jobs |
| leadership, auditor | yes | no | no | own jobs |
| area, opd, bpjs | no | no | no | own jobs |

Cross-funder overlap (``crossfund``, issue 13 §2): the province monitor (and admins) load the
roster exports of several funders, see who is funded twice, and download the person-pairs
(``can_run_crossfund``); a Dinas exports its own roster from the console (``can_export_roster``).

Tiered verification of nomination lists (``core.verification``; test:
``tests/screening/test_verification.py``): a desa operator submits its desa's list, a kecamatan
operator verifies the lists of its desa (an OPD operator its OPD's list), the Dinas and admins
approve every list (:func:`verification_level`, :func:`can_verify_batch`); each decides only where
the list waits now, and a list the Dinas sends is approved as it is stored.

Access log (who viewed or downloaded whose personal data; ``accounts.models.AccessLog``): read,
searched by NIK and exported by admins and auditors (``can_read_access_log``); nobody changes it.

The server's console passes :data:`SYSTEM` (an administrator's rights); no user has no right.

Area scoping (the one rule for every object, route, export and API answer; test:
``tests/scoping/test_crawl.py``): personal data — a NIK or a name — reaches an area or OPD operator
only for the people :func:`people_q` gives them (screening rows: :func:`nominations_q`). A row
known only by its NIK (a bill line, a reconciliation line, an aid recipient BPJS sent) belongs to
the registry's person with that NIK; a NIK the registry does not hold lies in no area, so only the
regency-wide roles (:func:`sees_everyone`) see it. A regency-wide object (a bill, an aid programme,
a PKS, a budget scenario) opens for every role that may read it, with only the rows in the
reader's scope; a person-level object outside the scope is not found (404).

Why these NIK rights (UU 27/2022 PDP, data minimisation): the Dinas and admin run the registry
and must match people across files; area and OPD operators collect and correct the data of their
own people and must compare it with the KTP; BPJS staff match NIK to KPJ numbers in their own
system. Budget office, leadership and auditors work with counts, costs and the trail of changes,
not with identities, so they see NIKs masked (and names masked in lists).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from ucjamsostek.accounts.models import Role
from ucjamsostek.errors import MSG_FORBIDDEN

ALL_ROLES: tuple[str, ...] = tuple(Role.values)

FULL_NIK_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD, Role.BPJS})
FULL_NAME_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD, Role.BPJS, Role.AUDITOR})
EDIT_PERSON_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD})
EDIT_ENROLLMENT_ROLES = frozenset({Role.ADMIN, Role.DINAS})
# BPJS branch staff may record what BPJS answered (KPJ number, status), nothing else.
BPJS_ENROLLMENT_FIELDS = frozenset({"kpj_number", "status", "reason"})
EXPORT_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD})
BPJS_FILE_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.BPJS})
NOMINATION_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD})
# Settle screening 'review' rows and duplicate pairs: area and OPD operators within their scope.
REVIEW_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.OPD})
REFERENCE_LIST_ROLES = frozenset({Role.ADMIN, Role.DINAS})
BUDGET_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.BUDGET})
# Budget scenarios (counts and costs) are read by those who plan, decide and audit the money.
BUDGET_VIEW_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.BUDGET, Role.LEADERSHIP, Role.AUDITOR})
# SP2D payments: the Dinas (and admins) and the budget office that issues them.
PAYMENT_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.BUDGET})
# PKS agreements, their addenda, renewals and enrolling their lists: whoever manages enrollments.
AGREEMENT_ROLES = EDIT_ENROLLMENT_ROLES
AUDIT_LOG_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
# Who looked at whose data: those who answer for the data's protection and those who audit it.
ACCESS_LOG_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})
READ_ONLY_ROLES = frozenset({Role.BUDGET, Role.LEADERSHIP, Role.AUDITOR, Role.BPJS, Role.PROVINCE})
# Compare the rosters of several funders (a province or national monitor): their files, their results.
CROSSFUND_ROLES = frozenset({Role.ADMIN, Role.PROVINCE})
# Export the whole roster (every covered person, full NIK) for a province's comparison.
ROSTER_EXPORT_ROLES = frozenset({Role.ADMIN, Role.DINAS})
# Roles whose start page is the Monev dashboard of their area (they read figures, not records).
DASHBOARD_HOME_ROLES = frozenset({Role.LEADERSHIP})
# Roles that may order the indicators recomputed by hand ("Hitung ulang"); for everyone else the
# figures are recomputed automatically after the data changes.
RECOMPUTE_ROLES = frozenset({Role.ADMIN, Role.DINAS})
# Roles limited to part of the people.
SCOPED_ROLES = frozenset({Role.AREA, Role.OPD})

MSG_OUT_OF_AREA = gettext_lazy("Data ini berada di luar wilayah kerja Anda.")
MSG_READ_ONLY = gettext_lazy("Peran Anda hanya dapat melihat data, tidak mengubahnya.")


class SystemActor:
    """The operator on the server's console: management commands and the demo builder pass
    :data:`SYSTEM` explicitly. It has an administrator's rights and is recorded as nobody
    (:func:`recorded_user` gives ``None`` for ``created_by``/``updated_by``). No user (``None``),
    an anonymous or an inactive user has no right at all: a forgotten actor argument is refused."""

    pk = None
    id = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    role = Role.ADMIN
    area_id = None
    organisation_id = None
    username = "sistem"

    def __str__(self) -> str:
        return "sistem (konsol)"


#: The console's actor (see :class:`SystemActor`).
SYSTEM = SystemActor()


def recorded_user(actor: Any) -> Any:
    """The user to store as who did something: the actor when it is a saved user, else ``None``
    (the console's :data:`SYSTEM`)."""
    return actor if getattr(actor, "pk", None) is not None else None


def role_of(user: Any) -> str | None:
    """The user's role, or ``None`` for anonymous/inactive users and users with no usable scope."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    role = getattr(user, "role", None)
    if role not in ALL_ROLES:
        return None
    if role == Role.AREA and not getattr(user, "area_id", None):
        return None
    if role == Role.OPD and not getattr(user, "organisation_id", None):
        return None
    return str(role)


def has_role(user: Any) -> bool:
    """A usable role at all: the read-only pages (counts, agreements, bills, programmes) are open to it."""
    return role_of(user) is not None


def own_area(user: Any) -> Any:
    """The area (a ``Region``) an area operator works in; ``None`` for every other role."""
    return user.area if role_of(user) == Role.AREA else None


def own_organisation(user: Any) -> Any:
    """The OPD (an ``Organisation``) of an OPD operator; ``None`` for every other role."""
    return user.organisation if role_of(user) == Role.OPD else None


def _role(user_or_role: Any) -> str | None:
    if isinstance(user_or_role, str):
        return user_or_role if user_or_role in ALL_ROLES else None
    return role_of(user_or_role)


def in_area(code: str | None, area_code: str | None) -> bool:
    """``code`` lies inside ``area_code`` (same code or a dotted descendant)."""
    if not code or not area_code:
        return False
    return code == area_code or code.startswith(area_code + ".")


def area_q(field: str, area_code: str) -> Q:
    """Filter for rows whose region code field lies inside ``area_code``."""
    return Q(**{field: area_code}) | Q(**{f"{field}__startswith": area_code + "."})


def people_q(user: Any, prefix: str = "") -> Q | None:
    """Filter that limits people to the user's scope; ``Q()`` for all; ``None`` for nothing.

    ``prefix`` reaches the person from another model, e.g. ``"person__"`` for enrollments.
    """
    role = role_of(user)
    if role is None:
        return None
    if role == Role.AREA:
        return area_q(f"{prefix}village__code", user.area_id)
    if role == Role.OPD:
        return Q(**{f"{prefix}organisation_id": user.organisation_id})
    return Q()


def scope_people(user: Any, qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
    """``qs`` (of people, or of rows linked to a person via ``prefix``) limited to what ``user`` may read."""
    q = people_q(user, prefix)
    if q is None:
        return qs.none()
    return qs.filter(q) if q else qs


def sees_everyone(user: Any) -> bool:
    """A regency-wide reader: :func:`people_q` puts no limit on the people it reads."""
    q = people_q(user)
    return q is not None and not q


def scope_regions(user: Any, qs: QuerySet[Any], field: str = "code") -> QuerySet[Any]:
    """Regions (or rows with a region code in ``field``) the user works in; all for unscoped roles."""
    role = role_of(user)
    if role is None:
        return qs.none()
    if role == Role.AREA:
        return qs.filter(area_q(field, user.area_id))
    return qs


def _person_in_scope(user: Any, person: Any) -> bool:
    role = role_of(user)
    if role is None:
        return False
    if role == Role.AREA:
        return in_area(getattr(person, "village_id", None), user.area_id)
    if role == Role.OPD:
        org = getattr(person, "organisation_id", None)
        return org is not None and org == user.organisation_id
    return True


def can_view_person(user: Any, person: Any) -> bool:
    return _person_in_scope(user, person)


def can_edit_person(user: Any, person: Any) -> bool:
    return role_of(user) in EDIT_PERSON_ROLES and _person_in_scope(user, person)


def can_create_person(user: Any, village_code: str | None = None, organisation_id: int | None = None) -> bool:
    """May ``user`` register a person living in ``village_code`` (and working at ``organisation_id``)?"""
    role = role_of(user)
    if role not in EDIT_PERSON_ROLES:
        return False
    if role == Role.AREA:
        return village_code is None or in_area(village_code, user.area_id)
    if role == Role.OPD:
        return organisation_id is None or organisation_id == user.organisation_id
    return True


def can_edit_enrollment(user: Any, person: Any | None = None, fields: set[str] | None = None) -> bool:
    """Create/change enrollments (of ``person``); BPJS staff only the fields BPJS answers."""
    role = role_of(user)
    if role is None or (person is not None and not _person_in_scope(user, person)):
        return False
    if role in EDIT_ENROLLMENT_ROLES:
        return True
    if role == Role.BPJS:
        return fields is not None and fields <= BPJS_ENROLLMENT_FIELDS
    return False


def can_see_full_nik(user_or_role: Any) -> bool:
    return _role(user_or_role) in FULL_NIK_ROLES


def can_see_full_name(user_or_role: Any) -> bool:
    """Names in lists; every role that may open a person sees the name on the detail page."""
    return _role(user_or_role) in FULL_NAME_ROLES


def can_edit(user_or_role: Any) -> bool:
    """May change personal data at all (within the scope)."""
    return _role(user_or_role) in EDIT_PERSON_ROLES


def can_export(user_or_role: Any) -> bool:
    return _role(user_or_role) in EXPORT_ROLES


def can_run_crossfund(user_or_role: Any) -> bool:
    """Load funders' rosters, see the cross-funder overlap and download its person-pairs."""
    return _role(user_or_role) in CROSSFUND_ROLES


def can_export_roster(user_or_role: Any) -> bool:
    """Export the deployment's whole roster (``ucjamsostek roster export``)."""
    return _role(user_or_role) in ROSTER_EXPORT_ROLES


def can_upload_bpjs_files(user_or_role: Any) -> bool:
    return _role(user_or_role) in BPJS_FILE_ROLES


def can_upload_nominations(user_or_role: Any) -> bool:
    return _role(user_or_role) in NOMINATION_ROLES


def can_review(user_or_role: Any) -> bool:
    """Settle screening 'review' rows and duplicate clusters at all; which rows: see
    :func:`can_review_nominations`."""
    return _role(user_or_role) in REVIEW_ROLES


# --------------------------------------------------------------------------- screening
def nominations_q(user: Any, prefix: str = "") -> Q | None:
    """Filter that limits nomination rows to the user's scope; ``Q()`` for all; ``None`` for nothing.

    Area operators: rows whose desa lies in their area, and rows without a resolved desa whose
    batch belongs to their area. OPD operators: rows of their OPD's batches. ``prefix`` reaches
    the nomination from another model (e.g. ``"left__"``).
    """
    role = role_of(user)
    if role is None:
        return None
    if role == Role.AREA:
        return area_q(f"{prefix}region__code", user.area_id) | (
            Q(**{f"{prefix}region__isnull": True}) & area_q(f"{prefix}batch__region__code", user.area_id)
        )
    if role == Role.OPD:
        return Q(**{f"{prefix}batch__organisation_id": user.organisation_id})
    return Q()


def can_view_nomination(user: Any, nomination: Any) -> bool:
    """May ``user`` see this nomination row (the same rule as :func:`nominations_q`)?"""
    role = role_of(user)
    if role is None:
        return False
    if role == Role.AREA:
        code = nomination.region_id if nomination.region_id else nomination.batch.region_id
        return in_area(code, user.area_id)
    if role == Role.OPD:
        org = nomination.batch.organisation_id
        return org is not None and org == user.organisation_id
    return True


def can_review_nominations(user: Any, nominations: Iterable[Any]) -> bool:
    """May ``user`` decide on these rows (one review row, or both rows of a duplicate pair)?
    A reviewing role, and every row within the user's scope."""
    rows = list(nominations)
    return bool(rows) and can_review(user) and all(can_view_nomination(user, n) for n in rows)


def can_export_batch(user: Any, batch: Any) -> bool:
    """Download a batch's outputs (every row of it): export rights, and for area and OPD operators
    only a batch of their own scope."""
    role = role_of(user)
    if not can_export(role):
        return False
    if role == Role.AREA:
        return in_area(batch.region_id, user.area_id)
    if role == Role.OPD:
        return batch.organisation_id is not None and batch.organisation_id == user.organisation_id
    return True


def verification_level(user: Any) -> int | None:
    """The level of tiered verification (``core.verification``) ``user`` decides at: a desa
    operator 1 (submits), a kecamatan operator and an OPD operator 2 (verifies), the Dinas and
    admins 3 (approves); ``None`` for every other role."""
    role = role_of(user)
    if role in (Role.ADMIN, Role.DINAS):
        return 3
    if role == Role.AREA:
        return 1 if str(user.area_id).count(".") >= 3 else 2  # 74.13.01.2001 is a desa
    if role == Role.OPD:
        return 2
    return None


def can_verify_batch(user: Any, batch: Any) -> bool:
    """May ``user`` decide on the list ``batch`` where it waits now (submit, verify, approve or
    return it)? Their level is the one it waits at, and it is theirs: a desa's own list, a list of
    a desa in the kecamatan, the OPD's own list; the Dinas decides on every list."""
    level = verification_level(user)
    if level is None or level != batch.level:
        return False
    role = role_of(user)
    if role == Role.AREA:
        return in_area(batch.region_id, user.area_id)
    if role == Role.OPD:
        return batch.organisation_id is not None and batch.organisation_id == user.organisation_id
    return True


def can_view_reference_lists(user_or_role: Any) -> bool:
    """The versions of the reference lists (file, count, who, when; no personal data): every role."""
    return _role(user_or_role) is not None


def can_load_reference_lists(user_or_role: Any) -> bool:
    """Load a new version of a reference list (it excludes people regency-wide)."""
    return _role(user_or_role) in REFERENCE_LIST_ROLES


def can_manage_budget(user_or_role: Any) -> bool:
    return _role(user_or_role) in BUDGET_ROLES


def can_view_budget(user_or_role: Any) -> bool:
    """Budget scenarios, their comparison and exports (counts and costs)."""
    return _role(user_or_role) in BUDGET_VIEW_ROLES


def can_record_payment(user_or_role: Any) -> bool:
    """Record an SP2D payment of a bill or an agreement."""
    return _role(user_or_role) in PAYMENT_ROLES


def can_manage_agreements(user_or_role: Any) -> bool:
    """Create, amend, sign, renew PKS agreements; enroll their lists; exchange registration files."""
    return _role(user_or_role) in AGREEMENT_ROLES


def can_see_all_jobs(user_or_role: Any) -> bool:
    """Every background job (others' too); everyone else sees only their own."""
    return _role(user_or_role) == Role.ADMIN


def can_view_audit_log(user_or_role: Any) -> bool:
    return _role(user_or_role) in AUDIT_LOG_ROLES


def can_read_access_log(user_or_role: Any) -> bool:
    """Read, search (by NIK) and export the access log."""
    return _role(user_or_role) in ACCESS_LOG_ROLES


def can_manage_master_data(user_or_role: Any) -> bool:
    return _role(user_or_role) == Role.ADMIN


def lands_on_dashboard(user_or_role: Any) -> bool:
    """Start on the Monev dashboard of one's area instead of the operators' start page."""
    return _role(user_or_role) in DASHBOARD_HOME_ROLES


def can_recompute_figures(user_or_role: Any) -> bool:
    """Order the Monev indicators recomputed by hand (the dashboard's "Hitung ulang")."""
    return _role(user_or_role) in RECOMPUTE_ROLES


def is_read_only(user_or_role: Any) -> bool:
    role = _role(user_or_role)
    return role is None or role in READ_ONLY_ROLES


def role_label(user_or_role: Any) -> str:
    """Display name of the role ("Operator Dinas"), empty when there is none."""
    role = _role(user_or_role)
    return str(Role(role).label) if role else ""


def require(allowed: bool, message: str | Promise = MSG_FORBIDDEN) -> None:
    """Raise :class:`PermissionDenied` with an Indonesian message unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)


def capabilities(user: Any) -> dict[str, bool]:
    """Flags for templates (showing/hiding links only; the services check again)."""
    return {
        "edit": can_edit(user),
        "edit_enrollment": can_edit_enrollment(user),
        "full_nik": can_see_full_nik(user),
        "full_name": can_see_full_name(user),
        "export": can_export(user),
        "upload_bpjs": can_upload_bpjs_files(user),
        "upload_nominations": can_upload_nominations(user),
        "review": can_review(user),
        "reference_lists": can_view_reference_lists(user),
        "budget": can_manage_budget(user),
        "budget_view": can_view_budget(user),
        "audit_log": can_view_audit_log(user),
        "access_log": can_read_access_log(user),
        "crossfund": can_run_crossfund(user),
        "admin": can_manage_master_data(user),
        "read_only": is_read_only(user),
    }
