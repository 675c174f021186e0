"""Claim import: each claim linked to the person (by NIK) and to the enrollment in force on the
incident date (:func:`ucjamsostek.core.coverage.in_force`); ``uncovered`` when none was.
Re-importing the same claim (NIK, type, incident date) updates it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.selectors import periods_frame
from ucjamsostek.claims.models import Claim
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.claims import TYPE_ALIASES
from ucjamsostek.core.coverage import in_force
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.registry.models import ChangeLog, Person
from ucjamsostek.registry.services import log_change


@dataclass
class ClaimImport:
    created: int = 0
    updated: int = 0
    uncovered: int = 0
    unknown_person: list[int] = field(default_factory=list)  # rows whose NIK is not in the registry


def import_claims(actor: Any, path: str | Path, *, display_name: str | None = None) -> ClaimImport:
    perm.require(perm.can_upload_bpjs_files(actor))
    table = bpjsfiles.read_bpjs_file(path, bpjsfiles.CLAIMS, display_name=display_name)
    frame = table.frame.with_columns(
        pl.col("type").map_elements(lambda t: TYPE_ALIASES.get(nz.header_key(t)), return_dtype=pl.Utf8).alias("code")
    )
    bad = frame.filter(pl.col("code").is_null())
    if bad.height:
        raise IntakeError(
            f"Jenis klaim '{bad['type'][0]}' tidak dikenal (JKK, JKM atau BEASISWA)",
            file=table.source,
            row=int(bad["row"][0]),
            column="Jenis",
        )
    people = dict(Person.objects.filter(nik__in=frame["nik"].unique().to_list()).values_list("nik", "pk"))
    frame = frame.with_columns(
        pl.col("nik").replace_strict(people, default=None, return_dtype=pl.Int64).alias("person_id")
    )
    periods = periods_frame(list(people.values()))
    linked = in_force(frame.rename({"incident_date": "day"}), periods).rename({"day": "incident_date"})
    result = ClaimImport()
    user = perm.recorded_user(actor)
    now = timezone.now()
    keys = {(r["nik"], r["code"], r["incident_date"]) for r in linked.iter_rows(named=True)}
    fields = [
        "person_id",
        "enrollment_id",
        "uncovered",
        "kpj",
        "submitted_on",
        "paid_on",
        "amount",
        "status",
        "heir_name",
        "source_name",
        "source_row",
        "imported_at",
        "imported_by",
    ]
    with transaction.atomic():
        existing = {
            (c.nik, c.type, c.incident_date): c
            for c in Claim.objects.filter(nik__in={k[0] for k in keys}).only("pk", "nik", "type", "incident_date")
        }
        new: dict[tuple[str, str, date], Claim] = {}
        changed: list[Claim] = []
        for r in linked.iter_rows(named=True):
            if r["person_id"] is None:
                result.unknown_person.append(r["row"])
            uncovered = r["enrollment_id"] is None
            result.uncovered += uncovered
            key = (r["nik"], r["code"], r["incident_date"])
            claim = (
                existing.get(key)
                or new.get(key)
                or Claim(nik=r["nik"], type=r["code"], incident_date=r["incident_date"])
            )
            values = {
                "person_id": r["person_id"],
                "enrollment_id": r["enrollment_id"],
                "uncovered": uncovered,
                "kpj": (r["kpj"] or "")[:20],
                "submitted_on": r["submitted_date"],
                "paid_on": r["paid_date"],
                "amount": r["amount"] or 0,
                "status": (r["status"] or "")[:40],
                "heir_name": (r["heir"] or "")[:150],
                "source_name": table.source[:255],
                "source_row": r["row"],
                "imported_at": now,
                "imported_by": user,
            }
            for f, v in values.items():
                setattr(claim, f, v)
            if claim.pk is not None:
                changed.append(claim)
            else:
                new[key] = claim
        Claim.objects.bulk_create(list(new.values()), batch_size=2000)
        Claim.objects.bulk_update(changed, fields, batch_size=2000)
        result.created, result.updated = len(new), len({c.pk for c in changed})
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "claims.claim",
            "",
            count=linked.height,
            changes={"uncovered": [None, result.uncovered]},
            reason=f"Klaim BPJS {table.source}",
        )
    return result
