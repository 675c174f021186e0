"""Screening pages: upload with progress, batches, review of rows and duplicate pairs, column mapping.

Thin: reads come from ``queries`` (scoped to the user), writes from ``services`` (which check
permissions again).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ucjamsostek import listing
from ucjamsostek.accounts import permissions as perms
from ucjamsostek.core import filelimits
from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.linkage import probability_text
from ucjamsostek.core.reasons import DUPLICATE, label_of
from ucjamsostek.core.replacement import ReplacementNeedsConfirmation
from ucjamsostek.jobs import selectors as job_selectors
from ucjamsostek.screening import queries, queue, services
from ucjamsostek.screening.forms import DecisionForm, MappingForm, ReferenceForm, UploadForm
from ucjamsostek.uploads import check_upload

ROWS_PER_PAGE = 50


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    stage, text = request.GET.get("tahap", ""), listing.search_text(request)
    batches = queries.search_batches(queries.batches_for(request.user), stage=stage, text=text)
    return render(
        request,
        "screening/batch_list.html",
        {
            "page": listing.paginate(request, batches, 25),
            "q": text,
            "stage": stage,
            "stages": queries.stage_choices(),
            "can_upload": perms.can_upload_nominations(request.user),
            "running": job_selectors.unfinished_jobs(request.user, "screening.upload"),
            "to_verify": queries.batches_to_verify(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not perms.can_upload_nominations(request.user):
        raise PermissionDenied(perms.MSG_FORBIDDEN)
    user: Any = request.user
    initial = {}
    area, organisation = perms.own_area(user), perms.own_organisation(user)
    if area is not None:
        initial = {"source_kind": "desa", "source_name": area.name}
    elif organisation is not None:
        initial = {"source_kind": "opd", "source_name": organisation.name}
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        senders=queries.upload_senders(user),
        segments=queries.upload_segments(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            job = services.start_upload(
                request.user,
                data["file"],
                source_kind=data["source_kind"],
                source_name=data["source_name"],
                segment=data["segment"] or None,
                as_of=data["as_of"],
                sheet=data["sheet"] or None,
            )
        except services.SameFileUploaded as exc:
            messages.info(request, _errors(exc))
            return redirect("screening:batch", exc.batch.pk)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            return redirect("screening:upload_status", job.pk)
    return render(request, "screening/upload.html", {"form": form}, status=422 if form.errors else 200)


@login_required
def upload_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_selectors.get_job(request.user, job_id)
    if job is None or job.kind != "screening.upload":
        raise Http404
    result = job.result or {}
    if job.status == "done" and result.get("batch_id"):
        return redirect("screening:batch", result["batch_id"])
    return render(
        request,
        "screening/upload_status.html",
        {"job": job, "mapping": result.get("mapping") if job.status == "failed" else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def column_mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """Map the headers of a file that failed intake, keep the mapping for its sender, run again."""
    job = job_selectors.get_job(request.user, job_id)
    mapping = (job.result or {}).get("mapping") if job is not None and job.status == "failed" else None
    if not mapping:
        raise Http404
    try:
        headers, initial_map = services.mapping_choices(mapping)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("screening:upload")
    form = MappingForm(request.POST or None, headers=headers, initial_map=initial_map)
    if request.method == "POST" and form.is_valid():
        try:
            new_job = services.remap_and_restart(request.user, mapping, form.mapping())
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            return redirect("screening:upload_status", new_job.pk)
    return render(
        request,
        "screening/mapping.html",
        {"job": job, "form": form, "mapping": mapping, "message": job.message if job else ""},
    )


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_batch(request.user, pk)
    if batch is None:
        raise Http404
    status = request.GET.get("status") or None
    reason = request.GET.get("reason") or None
    rows = queries.batch_rows(request.user, batch, status=status, reason=reason)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    findings = queries.findings_by_nomination(page.object_list)
    table = [
        {
            "n": n,
            "nik": queries.show_nik(request.user, n.nik),
            "name": queries.show_name(request.user, n.name),
            "findings": findings.get(n.pk, []),
        }
        for n in page.object_list
    ]
    counts = queries.batch_counts(request.user, batch)
    return render(
        request,
        "screening/batch_detail.html",
        {
            "batch": batch,
            "page": page,
            "table": table,
            "counts": counts,
            "status": status or "",
            "reason": reason or "",
            "reasons": queries.reason_choices(),
            "can_export": perms.can_export_batch(request.user, batch),
            "can_review": perms.can_review(request.user),
            "outputs": services.available_outputs(batch),
            **_verification_context(request, batch),
        },
    )


def _verification_context(request: HttpRequest, batch: Any) -> dict[str, Any]:
    outside = int((batch.summary or {}).get("outside_area") or 0)
    return {
        "outside_area": services.outside_area_message(outside) if outside else "",
        "outside_rows": (batch.summary or {}).get("outside_rows") or [],
        "verifications": queries.verification_history(batch),
        "can_verify": perms.can_verify_batch(request.user, batch),
        "forward_label": FORWARD_LABELS[services.forward_action(batch)],
        "can_return": batch.level > batch.sender_level and batch.level < batch.Level.APPROVED,
    }


FORWARD_LABELS = {
    "submit": gettext_lazy("Ajukan ke tingkat berikutnya"),
    "verify": gettext_lazy("Verifikasi dan teruskan"),
    "approve": gettext_lazy("Setujui"),
}


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision of tiered verification on a list: forward it (submit, verify, approve) or return
    it to the level below with a reason."""
    batch = queries.get_batch(request.user, pk)
    if batch is None:
        raise Http404
    try:
        services.verify_batch(request.user, batch, request.POST.get("action", ""), request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("Keputusan verifikasi disimpan."))
    return redirect("screening:batch", pk)


@login_required
def download(request: HttpRequest, pk: int, name: str) -> FileResponse:
    batch = queries.get_batch(request.user, pk)
    if batch is None:
        raise Http404
    try:
        path = services.export_output(request.user, batch, name)
    except ValidationError as exc:
        raise Http404(_errors(exc)) from exc
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{batch.pk}-{name}")


QUEUE_PER_PAGE = 50
BULK_CHOICES = [("accept", gettext_lazy("Terima (layak)")), ("reject", gettext_lazy("Tolak"))]


@login_required
def review_index(request: HttpRequest) -> HttpResponse:
    """One work queue across files: every row and pair of the user's scope waiting for a decision,
    filtered by reason, kecamatan, desa, file and sender, the greatest risk first."""
    filters = queue.QueueFilters.from_query(request.GET)
    work = queue.work_queue(request.user, filters)
    page = Paginator(work.items, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    items = [
        {
            "item": i,
            "url": i.url(filters),
            "nik": queries.show_nik(request.user, i.nomination.nik),
            "name": queries.show_name(request.user, i.nomination.name),
            "other": queries.show_name(request.user, i.pair.left.name) if i.pair is not None else "",
            "probability": probability_text(i.pair.probability) if i.pair is not None else "",
        }
        for i in page.object_list
    ]
    bulk = bool(filters.reason) and filters.reason != DUPLICATE and perms.can_review(request.user)
    return render(
        request,
        "screening/review_index.html",
        {
            "work": work,
            "page": page,
            "items": items,
            "filters": filters,
            "query": filters.querystring(),
            "bulk_rows": len(work.rows()) if bulk else 0,
            "bulk_choices": BULK_CHOICES,
            "first": items[0]["url"] if items else "",
            "batches": queries.batches_to_review(request.user),
        },
    )


@login_required
@require_http_methods(["POST"])
def review_bulk(request: HttpRequest) -> HttpResponse:
    """A decision for every row of the filtered queue with one reason: first a confirmation page
    naming the count, then (confirmed with that count) one attributable decision per row."""
    filters = queue.QueueFilters.from_query(request.POST)
    back = f"{reverse('screening:review')}?{filters.querystring()}"
    if not filters.reason or filters.reason == DUPLICATE:
        messages.error(request, _("Pilih satu alasan dahulu; data ganda diputuskan per pasangan."))
        return redirect(back)
    if not perms.can_review(request.user):
        raise PermissionDenied(perms.MSG_FORBIDDEN)
    rows = queue.work_queue(request.user, filters).rows()
    decision = request.POST.get("decision", "")
    reason = (request.POST.get("reason") or "").strip()
    labels = dict(BULK_CHOICES)
    if decision not in labels or len(reason) < 3:
        messages.error(request, _("Pilih keputusan dan tulis alasannya (wajib)."))
        return redirect(back)
    expected = request.POST.get("expected", "")
    if request.POST.get("confirm") != "1" or not expected.isdigit():
        context = {"filters": filters, "count": len(rows), "decision": decision, "decision_label": labels[decision],
                   "reason": reason, "reason_label": label_of(filters.reason), "rows": rows[:20]}  # fmt: skip
        return render(request, "screening/review_bulk.html", context)
    if int(expected) != len(rows):
        messages.error(
            request,
            _("Antrean berubah: kini %(n)s baris, bukan %(m)s. Periksa lagi sebelum memutuskan.")
            % {"n": len(rows), "m": expected},
        )
        return redirect(back)
    try:
        made = services.decide_many(request.user, rows, decision, reason)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect(back)
    messages.success(
        request, _("%(n)s baris diputuskan: %(decision)s.") % {"n": len(made), "decision": labels[decision]}
    )
    return redirect(back)


def _after_decision(request: HttpRequest, current: str, before: list[str], default: str) -> HttpResponse:
    """Where a saved decision leads: with "Simpan & berikutnya" the next item of the work queue
    (the same filters), else the file's review list."""
    if request.POST.get("next") != "1":
        return redirect(default)
    filters = queue.QueueFilters.from_query(request.GET)
    following = queue.next_item(before, queue.work_queue(request.user, filters), current)
    if following is None:
        messages.info(request, _("Antrean selesai: tidak ada lagi yang menunggu keputusan."))
        return redirect(f"{reverse('screening:review')}?{filters.querystring()}")
    return redirect(following.url(filters))


def _queue_keys(request: HttpRequest) -> list[str]:
    """The work queue's order before a decision (to find what followed the decided item)."""
    if request.POST.get("next") != "1":
        return []
    return queue.work_queue(request.user, queue.QueueFilters.from_query(request.GET)).keys()


def _queue_context(request: HttpRequest, current: str) -> dict[str, Any]:
    """On a row or pair opened from the work queue: its place, the skip link and the filters."""
    if not request.GET.get("antrean"):
        return {"in_queue": False}
    filters = queue.QueueFilters.from_query(request.GET)
    work = queue.work_queue(request.user, filters)
    keys = work.keys()
    following = queue.next_item(keys, work, current)
    return {
        "in_queue": True,
        "queue_position": keys.index(current) + 1 if current in keys else None,
        "queue_count": len(keys),
        "skip_url": following.url(filters) if following is not None else "",
        "queue_url": f"{reverse('screening:review')}?{filters.querystring()}",
        "queue_keys": keys,
    }


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    batch = queries.get_batch(request.user, pk)
    if batch is None:
        raise Http404
    queue = queries.review_queue(request.user, batch)
    rows = [{"n": n, "nik": queries.show_nik(request.user, n.nik), "name": queries.show_name(request.user, n.name)}
            for n in queue.rows]  # fmt: skip
    pairs = [
        {
            "p": p,
            "left": queries.show_name(request.user, p.left.name),
            "right": queries.show_name(request.user, p.right.name),
            "probability": probability_text(p.probability),
        }
        for p in queue.pairs
    ]
    return render(
        request,
        "screening/review.html",
        {"batch": batch, "rows": rows, "pairs": pairs, "can_review": perms.can_review(request.user)},
    )


def _decide(request: HttpRequest, target: Any, form: DecisionForm) -> bool:
    try:
        services.decide(request.user, target, form.cleaned_data["decision"], form.cleaned_data["reason"])
    except ValidationError as exc:
        form.add_error(None, _errors(exc))
        return False
    messages.success(request, _("Keputusan disimpan."))
    return True


ROW_CHOICES = [("accept", gettext_lazy("Terima (layak)")), ("reject", gettext_lazy("Tolak"))]
PAIR_CHOICES = [
    ("merge", gettext_lazy("Orang yang sama (gabung: baris yang kemudian ditolak)")),
    ("distinct", gettext_lazy("Orang berbeda")),
]


@login_required
@require_http_methods(["GET", "POST"])
def review_row(request: HttpRequest, pk: int) -> HttpResponse:
    n = queries.get_nomination(request.user, pk)
    if n is None:
        raise Http404
    form = DecisionForm(request.POST or None, choices=ROW_CHOICES)
    current = f"row-{n.pk}"
    if request.method == "POST":
        if not perms.can_review_nominations(request.user, [n]):
            raise PermissionDenied(perms.MSG_FORBIDDEN)
        before = _queue_keys(request)
        if form.is_valid() and _decide(request, n, form):
            return _after_decision(request, current, before, reverse("screening:batch_review", args=[n.batch_id]))
    findings = queries.findings_by_nomination([n]).get(n.pk, [])
    return render(
        request,
        "screening/review_row.html",
        {
            "n": n,
            "form": form,
            "findings": findings,
            "comparison": queries.compare_with_nik(request.user, n),
            "name": queries.show_name(request.user, n.name),
            "history": queries.decisions_for([n], [n.decision_key]),
            "can_decide": perms.can_review_nominations(request.user, [n]),
            "back": reverse("screening:batch_review", args=[n.batch_id]),
            **_queue_context(request, current),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_pair(request: HttpRequest, pk: int) -> HttpResponse:
    pair = queries.get_pair(request.user, pk)
    if pair is None:
        raise Http404
    form = DecisionForm(request.POST or None, choices=PAIR_CHOICES)
    current = f"pair-{pair.pk}"
    if request.method == "POST":
        if not perms.can_review_nominations(request.user, [pair.left, pair.right]):
            raise PermissionDenied(perms.MSG_FORBIDDEN)
        before = _queue_keys(request)
        if form.is_valid() and _decide(request, pair, form):
            return _after_decision(request, current, before, reverse("screening:batch_review", args=[pair.batch_id]))
    findings = queries.findings_by_nomination([pair.left, pair.right])
    return render(
        request,
        "screening/review_pair.html",
        {
            "pair": pair,
            "form": form,
            "comparison": queries.compare_pair(request.user, pair.left, pair.right),
            "left_findings": findings.get(pair.left_id, []),
            "right_findings": findings.get(pair.right_id, []),
            "history": queries.decisions_for([pair.left, pair.right], [pair.decision_key]),
            "can_decide": perms.can_review_nominations(request.user, [pair.left, pair.right]),
            "back": reverse("screening:batch_review", args=[pair.batch_id]),
            "evidence": queue.explain(request.user, pair),
            **_queue_context(request, current),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def references(request: HttpRequest) -> HttpResponse:
    """Reference lists: every version (the replaced ones kept for audit) and loading a new one."""
    if not perms.can_view_reference_lists(request.user):
        raise PermissionDenied(perms.MSG_FORBIDDEN)
    can_load = perms.can_load_reference_lists(request.user)
    form = ReferenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_load:
            raise PermissionDenied(perms.MSG_FORBIDDEN)
        if form.is_valid():
            ref = _load_reference(request, form)
            if ref is not None:
                messages.success(
                    request,
                    _("Daftar %(kind)s versi %(version)s dimuat: %(n)s entri.")
                    % {"kind": ref.kind, "version": ref.version, "n": ref.entry_count},
                )
                return redirect("screening:references")
    return render(
        request,
        "screening/references.html",
        {"lists": queries.reference_lists(), "form": form, "can_load": can_load},
        status=422 if form.errors else 200,
    )


def _load_reference(request: HttpRequest, form: ReferenceForm) -> Any:
    """Store the upload (after its size check) and load it; a refusal goes on the form, and a list
    that would replace most of the active one asks for the confirmation box, showing both counts."""
    upload_file = form.cleaned_data["file"]
    try:
        name = check_upload(upload_file, filelimits.REFERENCE)
    except IntakeError as exc:
        form.add_error("file", str(exc))
        return None
    stored = services.store_upload(upload_file.chunks(), Path(name).suffix)
    try:
        return services.load_reference(
            form.cleaned_data["kind"], stored, request.user, display_name=name, replace=form.cleaned_data["replace"]
        )
    except ReplacementNeedsConfirmation as exc:
        form.ask_to_replace(exc.active, exc.distinct, exc.rows)
        form.add_error(None, str(exc))
    except IntakeError as exc:
        form.add_error("file", str(exc))
    except ValidationError as exc:
        form.add_error(None, _errors(exc))
    finally:
        stored.unlink(missing_ok=True)
    return None
