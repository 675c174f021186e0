"""Registry look-up by NIK for the API, through the registry's own scoping and masking rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts import services as access
from ucjamsostek.accounts.models import AccessLog
from ucjamsostek.core.coverage import Period
from ucjamsostek.core.nik import clean_nik
from ucjamsostek.monitoring import queries
from ucjamsostek.registry.models import Person


def person_by_nik(user: Any, nik: str) -> dict[str, Any] | None:
    """The person with ``nik`` inside the user's scope, or None. Only roles that may see full NIKs
    may look up by NIK (a masked-NIK role searching by NIK would learn the NIK anyway). Every
    look-up of a well-formed NIK is recorded in the access log, found or not (trying NIKs is
    looking for someone)."""
    if not perm.can_see_full_nik(user):
        raise PermissionDenied(gettext("Peran Anda tidak boleh mencari penduduk berdasarkan NIK."))

    key = clean_nik(nik)
    if len(key) != 16:
        return None
    # The one scoping rule (area: inside the area; OPD: own staff): outside it, not found.
    person = perm.scope_people(user, Person.objects.select_related("village")).filter(nik=key).first()
    access.record_access(user, AccessLog.Kind.LOOKUP, "api:person_by_nik", niks=[key], rows=int(person is not None))
    if person is None:
        return None
    today = timezone.localdate()
    enrollments = list(person.enrollments.order_by("-coverage_start"))
    covered = person.enrollments.filter(queries.active_on_q(today)).exists()
    return {
        "nik": person.nik,
        "name": person.name,
        "sex": person.sex,
        "village_code": person.village_id,
        "village": person.village.name,
        "is_deceased": person.is_deceased,
        "covered_today": covered,
        "enrollments": [
            {
                "segment": e.segment_id,
                "funder": e.funder_id,
                "status": e.status,
                "coverage_start": e.coverage_start,
                "coverage_end": e.coverage_end,
                "coverage_last_day": Period(e.coverage_start, e.coverage_end).last_day,
                "kpj_number": e.kpj_number,
            }
            for e in enrollments
        ],
    }
