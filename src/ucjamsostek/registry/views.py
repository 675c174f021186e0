"""Registry pages: search, person detail with enrollments and history, edit, audit log.

Thin: selectors read (scoped), services write (permission-checked). A person outside the user's
scope answers 404 on every page, so a desa operator cannot probe other villages by URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ucjamsostek import listing
from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts import services as access
from ucjamsostek.formtools import changed_values
from ucjamsostek.registry import selectors, services
from ucjamsostek.registry.forms import EnrollmentForm, PersonForm


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """The search form posts its query: a NIK in a URL would end up in web-server and proxy logs."""
    query = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    result = selectors.search_people(request.user, query)
    return render(
        request,
        "registry/search.html",
        {"result": result, "can": perm.capabilities(request.user), "full_nik": perm.can_see_full_nik(request.user)},
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    d = selectors.person_detail(request.user, pk)
    if d is None:
        raise Http404(_("Penduduk tidak ditemukan di wilayah Anda."))
    access.record_view(request.user, "registry:detail", d.person.nik, target=f"pk={pk}")
    return render(request, "registry/detail.html", {"d": d, "p": d.person})


def _person_form(request: HttpRequest, *, require_reason: bool, **kwargs: Any) -> PersonForm:
    return PersonForm(
        request.POST or None,
        villages=selectors.village_choices(request.user, settings.AREA_CODE),
        occupations=selectors.occupation_choices(),
        organisations=selectors.organisation_choices(request.user),
        require_reason=require_reason,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    perm.require(perm.can_edit(request.user), perm.MSG_READ_ONLY)
    form = _person_form(request, require_reason=False)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(request.user, form.service_data(), reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Penduduk tersimpan."))
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(request.user, pk)
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan di wilayah Anda."))
    perm.require(perm.can_edit_person(request.user, person), perm.MSG_READ_ONLY)
    initial = {
        "nik": person.nik,
        "name": person.name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date,
        "village": person.village_id,
        "address": person.address,
        "occupation": person.occupation_id or "",
        "occupation_text": person.occupation_text,
        "phone": person.phone,
        "organisation": str(person.organisation_id or ""),
        "dtks_decile": person.dtks_decile,
        "extreme_poor": person.extreme_poor,
        "is_deceased": person.is_deceased,
        "death_date": person.death_date,
    }
    form = _person_form(request, require_reason=True, initial=initial)
    if request.method == "GET":  # the form shows the NIK and every field
        access.record_view(request.user, "registry:edit", person.nik, target=f"pk={pk}")
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Tidak ada perubahan; tidak ada yang disimpan."))
            return redirect("registry:detail", pk=person.pk)
        try:
            services.update_person(request.user, person.pk, changes, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Perubahan tersimpan dan tercatat di riwayat."))
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/person_form.html", {"form": form, "creating": False, "p": person})


def _enrollment_form(request: HttpRequest, **kwargs: Any) -> EnrollmentForm:
    return EnrollmentForm(
        request.POST or None,
        segments=selectors.segment_choices(),
        funders=selectors.funder_choices(),
        statuses=selectors.enrollment_status_choices(),
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(request.user, pk)
    if person is None:
        raise Http404(_("Penduduk tidak ditemukan di wilayah Anda."))
    perm.require(perm.can_edit_enrollment(request.user, person))
    form = _enrollment_form(request, initial={"jkk": True, "jkm": True, "status": "proposed"})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_enrollment(request.user, person.pk, form.cleaned_data, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Kepesertaan tersimpan."))
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/enrollment_form.html", {"form": form, "p": person})


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enrollment = selectors.get_enrollment(request.user, pk)
    if enrollment is None:
        raise Http404(_("Kepesertaan tidak ditemukan di wilayah Anda."))
    person = enrollment.person
    full = perm.can_edit_enrollment(request.user, person)
    limited = perm.can_edit_enrollment(request.user, person, set(perm.BPJS_ENROLLMENT_FIELDS))
    perm.require(full or limited)
    initial = {f: getattr(enrollment, f) for f in ("jkk", "jkm", "jht", "kpj_number", "coverage_start",
                                                   "coverage_end", "status", "reason")}  # fmt: skip
    initial.update(segment=enrollment.segment_id, funder=enrollment.funder_id)
    form = _enrollment_form(request, initial=initial, only=None if full else perm.BPJS_ENROLLMENT_FIELDS)
    if request.method == "POST" and form.is_valid():
        changes = changed_values(form)
        if not changes:
            messages.info(request, _("Tidak ada perubahan; tidak ada yang disimpan."))
            return redirect("registry:detail", pk=person.pk)
        try:
            services.update_enrollment(request.user, enrollment.pk, changes, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Kepesertaan tersimpan."))
            return redirect("registry:detail", pk=person.pk)
    return render(request, "registry/enrollment_form.html", {"form": form, "p": person, "editing": True})


@login_required
def changelog(request: HttpRequest) -> HttpResponse:
    # audit_log raises PermissionDenied (403) for roles other than admin and auditor
    action, text = request.GET.get("action", ""), listing.search_text(request)
    entries = selectors.audit_entries(request.user, action=action, model=request.GET.get("model", ""), text=text)
    page = listing.paginate(request, entries)
    context = {
        "rows": selectors.history_rows(request.user, page.object_list),
        "page": page,
        "q": text,
        "action": action,
        "actions": selectors.changelog_action_choices(),
    }
    return render(request, "registry/changelog.html", context)
