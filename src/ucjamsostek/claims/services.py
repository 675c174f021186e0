"""Claim import: every line checked as a verifier would (:func:`ucjamsostek.core.claims.check_claims`:
duplicates, a second JKM, the JKM amount against the dated benefit table, payment before the
incident, an incident after the recorded death, a claimant not in the registry), linked to the
person (by NIK) and to the enrollment in force on the incident date
(:func:`ucjamsostek.core.coverage.in_force`); ``uncovered`` when none was.

Importing the same file again changes nothing (its lines are UNCHANGED); a line completes a
stored claim of the same NIK, type and incident date only while that claim is unpaid; any other
repeat is stored as a claim of its own, flagged DUPLICATE, and shown apart from the totals —
never merged with the last amount winning."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from django.db import transaction
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.agreements.selectors import periods_frame
from ucjamsostek.bulk import datetime_value, insert_frame, json_codes
from ucjamsostek.claims.models import Claim
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core import claims as cc
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.coverage import in_force
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.registry.models import ChangeLog, Person
from ucjamsostek.registry.services import log_change

_WRITTEN = (
    "person_id",
    "enrollment_id",
    "uncovered",
    "flags",
    "flagged",
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
)


@dataclass
class ClaimImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    uncovered: int = 0
    #: flag code → the file rows that carry it, and the rupiah those rows paid
    flagged_rows: dict[str, list[int]] = field(default_factory=dict)
    flagged_amounts: dict[str, int] = field(default_factory=dict)
    flagged: int = 0  # lines with at least one flag
    flagged_total: int = 0  # rupiah paid on those lines

    @property
    def unknown_person(self) -> list[int]:
        """Rows whose NIK is not in the registry."""
        return self.flagged_rows.get("NOT_IN_REGISTRY", [])


def registry_people(niks: list[str]) -> pl.DataFrame:
    """``nik``, ``person_id``, ``death_date`` of the registry people among ``niks`` (the death
    date the registry records)."""
    rows = list(Person.objects.filter(nik__in=niks).values_list("nik", "pk", "death_date"))
    return pl.DataFrame(rows, schema={"nik": pl.Utf8, "person_id": pl.Int64, "death_date": pl.Date}, orient="row")


def _stored(niks: list[str]) -> pl.DataFrame:
    rows = list(
        Claim.objects.filter(nik__in=niks).values_list("pk", "nik", "type", "incident_date", "paid_on", "amount")
    )
    schema = {
        "claim_id": pl.Int64,
        "nik": pl.Utf8,
        "type": pl.Utf8,
        "incident_date": pl.Date,
        "paid_date": pl.Date,
        "amount": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _with_type_codes(table: bpjsfiles.BpjsTable) -> pl.DataFrame:
    """The file's ``type`` spellings → ``code`` (JKK, JKM, BEASISWA); an unknown one is refused
    with its row."""
    spellings = {t: cc.TYPE_ALIASES.get(nz.header_key(t)) for t in table.frame["type"].unique().drop_nulls()}
    frame = table.frame.with_columns(
        pl.col("type").replace_strict(spellings, default=None, return_dtype=pl.Utf8).alias("code")
    )
    bad = frame.filter(pl.col("code").is_null())
    if bad.height:
        raise IntakeError(
            f"Jenis klaim '{bad['type'][0] or ''}' tidak dikenal (JKK, JKM atau BEASISWA)",
            file=table.source,
            row=int(bad["row"][0]),
            column="Jenis",
        )
    return frame


def _summarise(checked: pl.DataFrame, result: ClaimImport) -> None:
    live = checked.filter(pl.col("action") != "UNCHANGED")
    result.created = int((live["action"] == "NEW").sum())
    result.updated = int((live["action"] == "UPDATE").sum())
    result.unchanged = checked.height - live.height
    result.uncovered = int(live["enrollment_id"].is_null().sum())
    flagged = live.filter(pl.col("flags").list.len() > 0)
    result.flagged = flagged.height
    result.flagged_total = int(flagged["amount"].fill_null(0).sum())
    per_flag = (
        flagged.explode("flags")
        .group_by("flags")
        .agg(pl.col("row").sort(), pl.col("amount").fill_null(0).sum().alias("total"))
    )
    order = list(cc.FLAG_LABELS)
    for code, rows, total in sorted(per_flag.iter_rows(), key=lambda r: order.index(r[0])):
        result.flagged_rows[code] = [int(r) for r in rows]
        result.flagged_amounts[code] = int(total)


def _text(column: str, limit: int) -> pl.Expr:
    return pl.col(column).fill_null("").str.slice(0, limit)


def _insert_new(rows: pl.DataFrame, source: str, user: Any, now: datetime) -> None:
    """The NEW lines as claims, in bulk (``bulk.insert_frame``: no model instance per line)."""
    frame = rows.select(
        "nik",
        "person_id",
        "enrollment_id",
        "uncovered",
        json_codes("flags"),
        "flagged",
        _text("kpj", 20).alias("kpj"),
        "type",
        "incident_date",
        pl.col("submitted_date").alias("submitted_on"),
        pl.col("paid_date").alias("paid_on"),
        pl.col("amount").fill_null(0),
        _text("status", 40).alias("status"),
        _text("heir", 150).alias("heir_name"),
        pl.lit(source[:255]).alias("source_name"),
        pl.col("row").cast(pl.Int64).alias("source_row"),
        pl.lit(datetime_value(Claim, now)).alias("imported_at"),
        pl.lit(getattr(user, "pk", None), dtype=pl.Int64).alias("imported_by"),
    )
    insert_frame(Claim, frame)


def _update_open(rows: pl.DataFrame, source: str, user: Any, now: datetime) -> None:
    """The UPDATE lines complete the unpaid claims they repeat."""
    changed = []
    for r in rows.iter_rows(named=True):
        changed.append(
            Claim(
                pk=r["claim_id"],
                nik=r["nik"],
                type=r["type"],
                incident_date=r["incident_date"],
                person_id=r["person_id"],
                enrollment_id=r["enrollment_id"],
                uncovered=r["uncovered"],
                flags=list(r["flags"]),
                flagged=r["flagged"],
                kpj=(r["kpj"] or "")[:20],
                submitted_on=r["submitted_date"],
                paid_on=r["paid_date"],
                amount=r["amount"] or 0,
                status=(r["status"] or "")[:40],
                heir_name=(r["heir"] or "")[:150],
                source_name=source[:255],
                source_row=r["row"],
                imported_at=now,
                imported_by=user,
            )
        )
    Claim.objects.bulk_update(changed, list(_WRITTEN), batch_size=2000)


def import_claims(actor: Any, path: str | Path, *, display_name: str | None = None) -> ClaimImport:
    perm.require(perm.can_upload_bpjs_files(actor))
    table = bpjsfiles.read_bpjs_file(path, bpjsfiles.CLAIMS, display_name=display_name)
    frame = _with_type_codes(table)
    niks = frame["nik"].unique().to_list()
    user = perm.recorded_user(actor)
    now = timezone.now()
    result = ClaimImport()
    with transaction.atomic():
        people = registry_people(niks)
        lines = frame.select("row", "nik", pl.col("code").alias("type"), "incident_date", "paid_date", "amount")
        checked = cc.check_claims(lines, _stored(niks), people.select("nik", "death_date"))
        checked = checked.join(people.select("nik", "person_id"), on="nik", how="left", maintain_order="left")
        periods = periods_frame(people["person_id"].to_list())
        checked = in_force(checked.rename({"incident_date": "day"}), periods).rename({"day": "incident_date"})
        extra = frame.select("row", "kpj", "submitted_date", "status", "heir")
        checked = checked.join(extra, on="row", how="left", maintain_order="left")
        rows = checked.filter(pl.col("action") != "UNCHANGED").with_columns(
            pl.col("enrollment_id").is_null().alias("uncovered"),
            (pl.col("flags").list.len() > 0).alias("flagged"),
        )
        _insert_new(rows.filter(pl.col("action") == "NEW"), table.source, user, now)
        _update_open(rows.filter(pl.col("action") == "UPDATE"), table.source, user, now)
        _summarise(checked, result)
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "claims.claim",
            "",
            count=checked.height,
            changes={"uncovered": [None, result.uncovered], "flagged": [None, result.flagged]},
            reason=f"Klaim BPJS {table.source}",
        )
    return result
