"""Cross-funder overlap (issue 13 §2): export this deployment's roster, compare funders' rosters.

The file format and the computation are :mod:`ucjamsostek.core.crossfund`; this module reads the
database for the export (the roster reconciliation uses: ``billing.services.roster_frame``, priced
by the one rate table), runs a comparison for the command line or as a background job for the
page, and stores a run (its summary in the database, its files under ``outputs_dir``) in one step.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop

from ucjamsostek.accounts import permissions as perm
from ucjamsostek.billing.services import query_frame, rate_table, roster_frame
from ucjamsostek.core import crossfund as cf
from ucjamsostek.core import filelimits
from ucjamsostek.core.errors import UserError
from ucjamsostek.crossfund.models import CrossfundRun
from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.services import JobContext, JobError, StagedProgress
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import COVERED_STATUSES, Enrollment
from ucjamsostek.registry.services import record_export
from ucjamsostek.screening.services import store_upload
from ucjamsostek.uploads import check_upload

JOB_KIND = "crossfund.compare"

_PEOPLE_FIELDS: dict[str, tuple[str, pl.DataType | type[pl.DataType]]] = {
    "enrollment_id": ("pk", pl.Int64),
    "funder_code": ("funder_id", pl.Utf8),
    "name": ("person__name", pl.Utf8),
    "birth_date": ("person__birth_date", pl.Date),
    "village_code": ("person__village_id", pl.Utf8),
    "segment": ("segment_id", pl.Utf8),
}


def roster(actor: Any) -> pl.DataFrame:
    """This deployment's roster file rows (:data:`ucjamsostek.core.crossfund.ROSTER_COLUMNS`): every
    enrollment BPJS accepted, cut where its monthly contribution changes."""
    perm.require(perm.can_export_roster(actor), "Peran Anda tidak boleh mengekspor daftar peserta.")
    qs = (
        Enrollment.objects.filter(status__in=COVERED_STATUSES)
        .order_by()
        .values_list(*(lookup for lookup, _ in _PEOPLE_FIELDS.values()))
    )
    people = query_frame(qs, {c: t for c, (_, t) in _PEOPLE_FIELDS.items()})
    enrollments = roster_frame().join(people, on="enrollment_id").sort("enrollment_id")
    # the funder as the file names it: its code and this deployment's area (apbd_kab@74.13)
    enrollments = enrollments.with_columns(funder=pl.col("funder_code") + pl.lit(f"@{settings.AREA_CODE}"))
    try:
        return cf.roster_rows(enrollments, rate_table())
    except UserError as exc:
        raise ValidationError(str(exc)) from exc


def export_roster(actor: Any, out: str | Path) -> int:
    """Write the roster file to ``out`` (written beside it, then renamed in); record the export.
    Returns the number of rows."""
    rows = roster(actor)
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        cf.write_roster(rows, tmp)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    record_export(actor, "crossfund.roster", rows.height, reason=target.name)
    return rows.height


# ------------------------------------------------------------------------------- comparing

STAGES = [("membaca", 1.0), ("prepare", 0.2), ("exact", 0.2), ("predict", 4.0), ("cluster", 0.5), ("registry", 0.1),
          ("done", 0.1), ("overlap", 1.0), ("menulis", 0.5)]  # fmt: skip
STAGE_LABELS = {
    "membaca": gettext_noop("Membaca daftar peserta"),
    "prepare": gettext_noop("Mencocokkan orang"),
    "exact": gettext_noop("Mencocokkan orang"),
    "predict": gettext_noop("Mencocokkan orang"),
    "cluster": gettext_noop("Mencocokkan orang"),
    "registry": gettext_noop("Mencocokkan orang"),
    "done": gettext_noop("Mencocokkan orang"),
    "overlap": gettext_noop("Menghitung bulan tumpang tindih"),
    "menulis": gettext_noop("Menulis hasil"),
}


def region_names(codes: Sequence[str]) -> dict[str, str]:
    """Names of the regions this database knows, by code."""
    return dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))


def compare(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    as_of: date,
    names: Sequence[str] | None = None,
    progress: cf.Progress | None = None,
) -> cf.CrossfundResult:
    """Read every roster (all must be good before anything is computed), find the overlaps and
    write the csv and xlsx into ``out_dir``. Raises the core's located user errors."""
    say = progress or (lambda stage, fraction: None)
    say("membaca", 0.0)
    rosters = cf.read_rosters(paths, display_names=names)
    result = cf.find_overlaps(rosters, as_of=as_of, progress=say)
    say("menulis", 0.0)
    cf.write_outputs(result, out_dir, region_names=region_names(result.summary["region"].unique().to_list()))
    say("menulis", 1.0)
    return result


def outputs_dir(run_id: int) -> Path:
    """Where a stored run's csv and xlsx live."""
    return Path(settings.MEDIA_ROOT) / "crossfund" / str(run_id)


def save_run(
    actor: Any, result: cf.CrossfundResult, written: Path, *, files: Sequence[str], as_of: date, seconds: float
) -> CrossfundRun:
    """Store a run: its summary row by row and its files moved from ``written`` into its folder."""
    perm.require(perm.can_run_crossfund(actor))
    totals = result.totals()
    with transaction.atomic():
        run = CrossfundRun.objects.create(
            created_by=perm.recorded_user(actor),
            as_of=as_of,
            files=list(files),
            inputs=result.inputs.to_dicts(),
            summary=result.summary.to_dicts(),
            people=totals["people"],
            pairs=totals["pairs"],
            months=totals["months"],
            rupiah_twice=totals["rupiah_twice"],
            seconds=round(seconds, 3),
        )
        target = outputs_dir(run.pk)
        target.mkdir(parents=True, exist_ok=True)
        for name in (cf.PAIRS_CSV, cf.SUMMARY_XLSX):
            shutil.copyfile(written / name, target / name)
    return run


def start_run(actor: Any, uploads: Sequence[Any], *, as_of: date) -> Any:
    """Store the uploaded roster files and start their comparison as a job; returns the Job."""
    perm.require(perm.can_run_crossfund(actor))
    if len(uploads) < 2:
        raise ValidationError("Unggah paling sedikit dua daftar peserta (satu per sumber dana atau daerah).")
    stored: list[Path] = []
    names: list[str] = []
    try:
        for upload in uploads:
            name = check_upload(upload, filelimits.ROSTER)
            path = store_upload(upload.chunks(), Path(name).suffix)
            stored.append(path)
            names.append(name)
            cf.check_roster(path, display_name=name)
    except UserError as exc:
        for path in stored:
            path.unlink(missing_ok=True)
        raise ValidationError(str(exc)) from exc
    return jobs.start(
        JOB_KIND,
        run_compare,
        [str(p) for p in stored],
        names,
        as_of.isoformat(),
        user=actor,
        owns=stored,
    )


def run_compare(ctx: JobContext, paths: list[str], names: list[str], as_of: str) -> dict[str, Any]:
    """Background job: compare the stored rosters and store the run (or fail with the located message)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    actor = get_user_model().objects.get(pk=ctx.user_id) if ctx.user_id else None
    bar = StagedProgress(ctx.progress, STAGES, labels=STAGE_LABELS)
    t0 = time.monotonic()
    scratch = ctx.scratch_dir()
    day = date.fromisoformat(as_of)
    try:
        result = compare(paths, scratch, as_of=day, names=names, progress=bar)
    except UserError as exc:
        raise JobError(str(exc)) from exc
    run = save_run(actor, result, scratch, files=names, as_of=day, seconds=time.monotonic() - t0)
    return {
        "run_id": run.pk,
        "url": reverse("crossfund:detail", args=[run.pk]),
        "message": f"{run.people} orang dibiayai lebih dari satu sumber dana.",
    }
