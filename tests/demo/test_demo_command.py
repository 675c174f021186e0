"""``ucjamsostek demo --no-serve`` builds its data into the database, twice without duplicates."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

ARGS = ("demo", "--no-serve", "--nominations", "500", "--registry", "400", "--no-progress", "--seed", "7")


def _run(*extra: str) -> str:
    out = io.StringIO()
    call_command(*ARGS, *extra, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    from ucjamsostek.accounts.models import User
    from ucjamsostek.agreements.models import Agreement, Coverage
    from ucjamsostek.budget.models import BudgetScenario
    from ucjamsostek.claims.models import Claim
    from ucjamsostek.monitoring.models import Snapshot
    from ucjamsostek.registry.models import Enrollment, Person
    from ucjamsostek.screening.models import Nomination, NominationBatch, ReferenceList

    return {
        "agreements": Agreement.objects.count(),
        "claims": Claim.objects.count(),
        "coverages": Coverage.objects.count(),
        "snapshots": Snapshot.objects.count(),
        "people": Person.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "batches": NominationBatch.objects.count(),
        "nominations": Nomination.objects.count(),
        "references": ReferenceList.objects.count(),
        "users": User.objects.count(),
        "scenarios": BudgetScenario.objects.count(),
    }


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_demo_no_serve_builds_data_and_is_idempotent(settings: Any, tmp_path: Path) -> None:
    from ucjamsostek.registry.models import Enrollment, Person
    from ucjamsostek.screening.models import NominationBatch

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    first = _run()

    counts = _counts()
    assert counts["people"] == 400
    non_asn = Enrollment.objects.filter(segment_id="non_asn").values("person_id").distinct().count()
    assert non_asn > 0
    assert counts["enrollments"] == 400 + non_asn
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"ended"}
    assert counts["agreements"] == 1
    assert counts["coverages"] == 400  # every period from November 2022 is under the PKS
    assert counts["snapshots"] >= 1
    assert counts["claims"] >= 1
    assert (tmp_path / "demo" / "bpjs" / "klaim-bpjs-2023-2024.csv").exists()
    assert Enrollment.objects.filter(coverage_end__gt="2025-01-01").count() == 0
    assert Person.objects.filter(is_deceased=True).exists()
    assert counts["references"] == 3
    assert counts["nominations"] == 500
    assert counts["batches"] == len(list((tmp_path / "demo" / "usulan").iterdir()))
    assert NominationBatch.objects.filter(source_kind="opd").exists()
    assert counts["users"] >= 9
    assert counts["scenarios"] == 1
    assert (tmp_path / "demo" / "referensi" / "referensi-asn.csv").exists()
    assert any((tmp_path / "demo" / "kunci").iterdir())
    assert "sesuai kunci" in first and "Kata sandi" in first
    assert not re.search(r"\d{16}", first), "no NIK may be printed"

    second = _run()
    assert _counts() == counts
    assert "sudah" in second
    password = re.search(r"Kata sandi semua pengguna demo: (\S+)", first)
    assert password and password.group(1) in second  # the same login every run

    with pytest.raises(CommandError, match="--reset"):  # another seed would mix two datasets
        call_command(
            "demo", "--no-serve", "--nominations", "500", "--registry", "400", "--seed", "8", stdout=io.StringIO()
        )
