"""Assistance recipient lists (BSU and others): import, check against the registry with the
programme's rules (:mod:`ucjamsostek.core.assistance`), disbursement status, totals.

A list imported for a programme is ADDED to its earlier lists as the next tahap (BSU is paid in
stages: tahap 2 does not undo tahap 1), and its lines are checked against them: a person an
earlier tahap already paid is DUPLICATE. The same file twice is refused. Only an explicit
``replace`` removes the programme's earlier lists (the change is logged with both counts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.assistance.models import AssistanceProgramme, Recipient, RecipientList
from ucjamsostek.bulk import datetime_value, insert_frame, json_codes
from ucjamsostek.core import bpjsfiles
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.assistance import (
    AssistanceRules,
    ReasonTotal,
    check_recipients,
    default_programmes,
    programme_record,
    reason_totals,
)
from ucjamsostek.core.intake import file_sha256
from ucjamsostek.registry.masterdata import sync_rows
from ucjamsostek.registry.models import COVERED_STATUSES, ChangeLog, Enrollment, Person
from ucjamsostek.registry.services import log_change
from ucjamsostek.screening.queries import reference_frames
from ucjamsostek.screening.selectors import death_dates

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
    """Per NIK in the registry: death date (the earliest known anywhere:
    ``screening.selectors.death_dates``), category and PU wage base of the coverage in force on ``on``."""
    people = list(Person.objects.filter(nik__in=niks).values_list("pk", "nik"))
    cat: dict[int, tuple[str, int | None]] = {}
    if on is not None or category_required:
        qs = Enrollment.objects.filter(person_id__in=[p[0] for p in people], status__in=COVERED_STATUSES)
        if on is not None:
            qs = qs.filter(coverage_start__lte=on).exclude(coverage_end__lte=on)
        for pid, c, wage in qs.order_by("coverage_start").values_list(
            "person_id", "segment__category", "coverage__agreement__wage_base"
        ):
            cat[pid] = (c, wage if c == "PU" else None)
    frame = pl.DataFrame(
        {
            "nik": [p[1] for p in people],
            "person_id": [p[0] for p in people],
            "category": [cat.get(p[0], (None, None))[0] for p in people],
            "wage": [cat.get(p[0], (None, None))[1] for p in people],
        },
        schema={"nik": pl.Utf8, "person_id": pl.Int64, "category": pl.Utf8, "wage": pl.Int64},
    )
    died = death_dates().select("person_id", "death_date")
    return frame.join(died, on="person_id", how="left", maintain_order="left").select(
        "nik", "person_id", "death_date", "category", "wage"
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
    batch: RecipientList
    lines: int
    eligible: int
    not_eligible: int
    reasons: dict[str, int]  # reason code -> lines
    disbursed_total: int
    payments: int = 0  # disbursed lines
    people: int = 0  # distinct NIKs among the disbursed lines
    at_stake: list[ReasonTotal] = field(default_factory=list)  # per reason: lines, people, rupiah disbursed
    replaced: int = 0  # lines of earlier lists removed by ``replace``


def _refuse_same_file(prog: AssistanceProgramme, sha: str) -> None:
    seen = RecipientList.objects.filter(programme=prog, sha256=sha).first()
    if seen is not None:
        raise ValidationError(
            {
                "file": f"Berkas ini sudah diimpor sebagai tahap {seen.number} {prog.name} "
                f"({seen.source_name}, {timezone.localtime(seen.imported_at):%d-%m-%Y}); tidak ditambahkan lagi. "
                "Untuk mengganti seluruh daftar program, pilih ganti (--replace)."
            }
        )


def _store(prog: AssistanceProgramme, batch: RecipientList, checked: pl.DataFrame, source: str, user: Any) -> None:
    """The checked lines as the list's recipients, in bulk (``bulk.insert_frame``)."""
    insert_frame(
        Recipient,
        checked.select(
            pl.lit(prog.pk, dtype=pl.Int64).alias("programme"),
            pl.lit(batch.pk, dtype=pl.Int64).alias("batch"),
            pl.col("line").cast(pl.Int64),
            "nik",
            "person_id",
            pl.col("amount").cast(pl.Int64),
            "paid_on",
            pl.col("status").fill_null("").str.slice(0, 40),
            "disbursed",
            "eligible",
            json_codes("reasons"),
            pl.lit(source[:255]).alias("source_name"),
            pl.lit(datetime_value(Recipient, batch.imported_at)).alias("imported_at"),
            pl.lit(getattr(user, "pk", None), dtype=pl.Int64).alias("imported_by"),
        ),
    )


def import_recipients(
    actor: Any,
    path: str | Path,
    *,
    programme: str | None = None,
    display_name: str | None = None,
    lists: dict[str, set[str]] | None = None,
    replace: bool = False,
) -> AssistanceImport:
    """Add the file as the programme's next list (tahap), or with ``replace`` make it the only one."""
    perm.require(perm.can_upload_bpjs_files(actor))
    table = bpjsfiles.read_bpjs_file(path, bpjsfiles.ASSISTANCE, display_name=display_name)
    prog = _find_programme(programme, table.frame)
    sha = file_sha256(Path(path))
    if not replace:
        _refuse_same_file(prog, sha)
    rules = rules_of(prog)
    frame = table.frame.rename({"row": "line", "paid_date": "paid_on"})
    status_key = pl.col("status").fill_null("").str.to_lowercase().str.replace_all(r"[^a-z]", "")
    frame = frame.with_columns(status_key.is_in(list(DISBURSED_WORDS)).alias("disbursed"))
    people = people_frame(frame["nik"].unique().to_list(), rules.active_on, rules.category is not None)
    user = perm.recorded_user(actor)
    with transaction.atomic():
        AssistanceProgramme.objects.select_for_update().filter(pk=prog.pk).first()  # one import at a time
        earlier = Recipient.objects.filter(programme=prog)
        replaced = earlier.count() if replace else 0
        if replace:
            earlier.delete()
            RecipientList.objects.filter(programme=prog).delete()
        paid_before = set(earlier.filter(disbursed=True).values_list("nik", flat=True))
        checked = check_recipients(
            frame.select("line", "nik", "amount", "paid_on", "status", "disbursed"),
            people,
            rules,
            lists if lists is not None else exclusion_lists(rules.excluded_lists),
            paid_before=paid_before,
        )
        number = (RecipientList.objects.filter(programme=prog).aggregate(n=Max("number"))["n"] or 0) + 1
        batch = RecipientList.objects.create(
            programme=prog,
            number=number,
            source_name=table.source[:255],
            sha256=sha,
            lines=checked.height,
            imported_by=user,
        )
        _store(prog, batch, checked, table.source, user)
        log_change(
            actor,
            ChangeLog.Action.IMPORT,
            "assistance.recipient",
            prog.pk,
            count=checked.height,
            changes={"tahap": [None, number], "replaced": [replaced, checked.height] if replace else [None, None]},
            reason=f"Daftar penerima {prog.code} tahap {number}: {table.source}",
        )
    return _result(prog, batch, checked, replaced)


def _result(prog: AssistanceProgramme, batch: RecipientList, checked: pl.DataFrame, replaced: int) -> AssistanceImport:
    reasons: dict[str, int] = {}
    for rs in checked["reasons"].to_list():
        for code in rs:
            reasons[code] = reasons.get(code, 0) + 1
    disbursed = checked.filter(pl.col("disbursed"))
    return AssistanceImport(
        programme=prog,
        batch=batch,
        lines=checked.height,
        eligible=int(checked["eligible"].sum()),
        not_eligible=int((~checked["eligible"]).sum()),
        reasons=reasons,
        disbursed_total=int(disbursed["amount"].fill_null(0).sum()),
        payments=disbursed.height,
        people=disbursed["nik"].n_unique(),
        at_stake=reason_totals(checked.select("nik", "reasons", "disbursed", "amount").iter_rows()),
        replaced=replaced,
    )
