"""Assistance recipient lists (BSU and others): import, check against the registry with the
programme's rules (:mod:`ucjamsostek.core.assistance`), disbursement status, totals.

Importing a list for a programme replaces the programme's previous list (the change is logged)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.assistance.models import AssistanceProgramme, Recipient
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.assistance import AssistanceRules, check_recipients, default_programmes, programme_record
from ucjamsostek.registry.masterdata import sync_rows
from ucjamsostek.registry.models import ChangeLog, Enrollment, Person
from ucjamsostek.registry.services import log_change
from ucjamsostek.screening.queries import reference_frames

DISBURSED_WORDS = ("tersalur", "salur", "disalurkan", "cair", "sudahcair", "dibayar", "berhasil", "sukses", "selesai")


def seed_programmes() -> dict[str, int]:
    """The shipped programmes (BSU 2025, …) with their rules, as the data migration loads them:
    missing ones created, changed ones updated, equal ones not written (``init`` runs it, so a
    flushed database gets them back). Returns created/updated counts."""
    rows = [programme_record(p) for p in default_programmes()]
    with transaction.atomic():
        return sync_rows(AssistanceProgramme, ("code",), rows)


def rules_of(p: AssistanceProgramme) -> AssistanceRules:
    return AssistanceRules(
        code=p.code,
        name=p.name,
        amount_per_month=p.amount_per_month,
        months=p.months,
        legal_basis=p.legal_basis,
        category=p.category or None,
        active_on=p.active_on,
        max_wage=p.max_wage,
        excluded_lists=tuple(x for x in p.excluded_lists.replace(" ", "").split(";") if x),
    )


def _find_programme(code: str | None, frame: pl.DataFrame) -> AssistanceProgramme:
    wanted = code or next((p for p in frame["programme"].to_list() if p), None)
    if not wanted:
        raise ValidationError({"programme": "Program bantuan tidak disebut (kolom Program kosong); pilih programnya."})
    key = nz.header_key(wanted)
    for p in AssistanceProgramme.objects.all():
        if key in (nz.header_key(p.code), nz.header_key(p.name)) or nz.header_key(p.name).startswith(key):
            return p
    raise ValidationError({"programme": f"Program bantuan '{wanted}' tidak dikenal."})


def people_frame(niks: list[str], on: date | None, category_required: bool) -> pl.DataFrame:
    """Per NIK in the registry: death date, category and PU wage base of the coverage in force on ``on``."""
    people = list(Person.objects.filter(nik__in=niks).values_list("pk", "nik", "death_date"))
    cat: dict[int, tuple[str, int | None]] = {}
    if on is not None or category_required:
        qs = Enrollment.objects.filter(
            person_id__in=[p[0] for p in people], status__in=(Enrollment.Status.ACTIVE, Enrollment.Status.ENDED)
        )
        if on is not None:
            qs = qs.filter(coverage_start__lte=on).exclude(coverage_end__lte=on)
        for pid, c, wage in qs.order_by("coverage_start").values_list(
            "person_id", "segment__category", "coverage__agreement__wage_base"
        ):
            cat[pid] = (c, wage if c == "PU" else None)
    return pl.DataFrame(
        {
            "nik": [p[1] for p in people],
            "person_id": [p[0] for p in people],
            "death_date": [p[2] for p in people],
            "category": [cat.get(p[0], (None, None))[0] for p in people],
            "wage": [cat.get(p[0], (None, None))[1] for p in people],
        },
        schema={"nik": pl.Utf8, "person_id": pl.Int64, "death_date": pl.Date, "category": pl.Utf8, "wage": pl.Int64},
    )


def exclusion_lists(names: tuple[str, ...]) -> dict[str, set[str]]:
    """NIK sets of the exclusion lists: ``asn`` from the screening reference list; others empty
    until a list of that kind exists."""
    out: dict[str, set[str]] = {n: set() for n in names}
    if "asn" in names:
        out["asn"] = set(reference_frames().get("asn", pl.DataFrame({"nik": []}))["nik"].to_list())
    return out


@dataclass
class AssistanceImport:
    programme: AssistanceProgramme
    lines: int
    eligible: int
    not_eligible: int
    reasons: dict[str, int]
    disbursed_total: int


def import_recipients(
    actor: Any,
    path: str | Path,
    *,
    programme: str | None = None,
    display_name: str | None = None,
    lists: dict[str, set[str]] | None = None,
) -> AssistanceImport:
    perm.require(perm.can_upload_bpjs_files(actor))
    table = bpjsfiles.read_bpjs_file(path, bpjsfiles.ASSISTANCE, display_name=display_name)
    prog = _find_programme(programme, table.frame)
    rules = rules_of(prog)
    frame = table.frame.rename({"row": "line", "paid_date": "paid_on"})
    people = people_frame(frame["nik"].unique().to_list(), rules.active_on, rules.category is not None)
    checked = check_recipients(
        frame.select("line", "nik", "amount", "paid_on", "status"),
        people,
        rules,
        lists if lists is not None else exclusion_lists(rules.excluded_lists),
    )
    status_key = pl.col("status").fill_null("").str.to_lowercase().str.replace_all(r"[^a-z]", "")
    checked = checked.with_columns(status_key.is_in(list(DISBURSED_WORDS)).alias("disbursed"))
    user = perm.recorded_user(actor)
    now = timezone.now()
    with transaction.atomic():
        replaced = Recipient.objects.filter(programme=prog).count()
        Recipient.objects.filter(programme=prog).delete()
        Recipient.objects.bulk_create(
            [
                Recipient(
                    programme=prog,
                    line=r["line"],
                    nik=r["nik"],
                    person_id=r["person_id"],
                    amount=r["amount"],
                    paid_on=r["paid_on"],
                    status=(r["status"] or "")[:40],
                    disbursed=r["disbursed"],
                    eligible=r["eligible"],
                    reasons=r["reasons"],
                    source_name=table.source[:255],
                    imported_at=now,
                    imported_by=user,
                )
                for r in checked.iter_rows(named=True)
            ],
            batch_size=5000,
        )
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "assistance.recipient",
            prog.pk,
            count=checked.height,
            changes={"replaced": [replaced, checked.height]},
            reason=f"Daftar penerima {prog.code}: {table.source}",
        )
    reasons: dict[str, int] = {}
    for rs in checked["reasons"].to_list():
        for code in rs:
            reasons[code] = reasons.get(code, 0) + 1
    disbursed = checked.filter(pl.col("disbursed"))
    return AssistanceImport(
        programme=prog,
        lines=checked.height,
        eligible=int(checked["eligible"].sum()),
        not_eligible=int((~checked["eligible"]).sum()),
        reasons=reasons,
        disbursed_total=int(disbursed["amount"].fill_null(0).sum()),
    )
