"""No user means no rights; the console passes the explicit system actor (permissions.SYSTEM)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements import selectors as agreement_selectors
from ucjamsostek.agreements import services as agreement_services
from ucjamsostek.assistance import selectors as assistance_selectors
from ucjamsostek.assistance import services as assistance_services
from ucjamsostek.billing import selectors as billing_selectors
from ucjamsostek.billing import services as billing_services
from ucjamsostek.claims import selectors as claims_selectors
from ucjamsostek.claims import services as claims_services
from ucjamsostek.monitoring import services as monitoring_services
from ucjamsostek.registry.models import Person
from ucjamsostek.registry.services import bulk_import_people
from ucjamsostek.screening import services as screening_services
from ucjamsostek.screening.models import ReferenceList

NIK = "7413010101800001"


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "berkas.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize("actor", [None, "anonymous"], ids=["none", "anonymous"])
def test_a_service_called_without_an_actor_is_refused(actor, tmp_path):
    from django.contrib.auth.models import AnonymousUser

    who = AnonymousUser() if actor == "anonymous" else None
    path = _csv(tmp_path, f"NIK;Nama\n{NIK};Wa Ode Test\n")
    calls = {
        "load_reference": lambda: screening_services.load_reference("deaths", path, who),
        "bulk_import_people": lambda: bulk_import_people([], [], who),
        "create_agreement": lambda: agreement_services.create_agreement(who, {"number": "PKS/1"}),
        "import_bill": lambda: billing_services.import_bill(who, path),
        "import_claims": lambda: claims_services.import_claims(who, path),
        "import_recipients": lambda: assistance_services.import_recipients(who, path),
        "load_workforce": lambda: monitoring_services.load_workforce(who, []),
    }
    for name, call in calls.items():
        with pytest.raises(PermissionDenied):
            call()
        assert not ReferenceList.objects.exists(), name


@pytest.mark.django_db
def test_a_read_without_a_user_sees_nothing(people):
    assert Person.objects.exists()
    assert not agreement_selectors.agreements(None).exists()
    assert not billing_selectors.invoices(None).exists()
    assert not claims_selectors.claims_for(None).exists()
    assert not assistance_selectors.programmes(None).exists()


@pytest.mark.django_db
def test_the_system_actor_has_an_administrators_rights_and_is_recorded_as_nobody(tmp_path):
    assert perm.role_of(perm.SYSTEM) == "admin"
    assert perm.role_of(None) is None
    assert perm.recorded_user(perm.SYSTEM) is None
    ref = screening_services.load_reference(
        "deaths", _csv(tmp_path, f"NIK;Nama\n{NIK};Wa Ode Test\n"), perm.SYSTEM
    )
    assert (ref.entry_count, ref.loaded_by) == (1, None)
