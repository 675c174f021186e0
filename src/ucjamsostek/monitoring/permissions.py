"""Who may do what in monitoring (on top of ``accounts.permissions``).

* Everyone with a role reads the dashboard, the checklist, the follow-ups and reports, limited to
  their area (area operators) — indicator values are counts and sums, never personal data.
* Admin and Dinas manage the monitoring (targets, denominators, meetings, follow-ups, every
  checklist item); an OPD operator updates the checklist items its OPD is responsible for.
* A report's read-only share link opens for a logged-in leadership user whose area holds the
  report's area; anyone else is refused.
* The row trace (which people are behind a value) follows the registry's person rules.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from ucjamsostek.accounts.models import Role
from ucjamsostek.accounts.permissions import role_of

MANAGE_ROLES = frozenset({Role.ADMIN, Role.DINAS})
TRACE_ROLES = frozenset({Role.ADMIN, Role.DINAS, Role.AREA, Role.AUDITOR, Role.LEADERSHIP, Role.BUDGET, Role.BPJS})


def can_view_monev(user: Any) -> bool:
    return role_of(user) is not None


def can_manage_monev(user: Any) -> bool:
    return role_of(user) in MANAGE_ROLES


def can_edit_action(user: Any, item: Any) -> bool:
    role = role_of(user)
    if role in MANAGE_ROLES:
        return True
    return role == Role.OPD and item.organisation_id is not None and item.organisation_id == user.organisation_id


def owns_follow_up(user: Any, follow_up: Any) -> bool:
    """Is the follow-up ``user``'s work ("Tugas saya")? Every follow-up for the Dinas and admins,
    who run the meetings; an OPD operator's own OPD's; nobody else's."""
    role = role_of(user)
    if role in MANAGE_ROLES:
        return True
    return (
        role == Role.OPD and follow_up.organisation_id is not None and follow_up.organisation_id == user.organisation_id
    )


def can_trace(user: Any) -> bool:
    return role_of(user) in TRACE_ROLES


def area_of(user: Any) -> str | None:
    """The area whose figures ``user`` sees: their own for area operators, the deployment otherwise."""
    role = role_of(user)
    if role is None:
        return None
    if role == Role.AREA:
        return str(user.area_id)
    return str(settings.AREA_CODE)


def can_open_shared_report(user: Any, issued: Any) -> bool:
    """A share link works for leadership only, and only for a report of their area."""
    if role_of(user) != Role.LEADERSHIP:
        return False
    own = str(user.area_id) if getattr(user, "area_id", None) else str(settings.AREA_CODE)
    code = str(issued.area_code)
    return code == own or code.startswith(own + ".")
