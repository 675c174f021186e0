"""Pages of Monitoring & Evaluation: dashboard, trace, Inpres checklist, meetings and follow-ups,
report downloads. Thin: reads through selectors, writes through services."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ucjamsostek.accounts.permissions import MSG_FORBIDDEN, can_recompute_figures, require
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.errors import attempt, user_message
from ucjamsostek.formtools import DateInput, changed_values
from ucjamsostek.jobs.selectors import get_job
from ucjamsostek.jobs.services import start
from ucjamsostek.monitoring import presenters, reports, selectors, services, yearlist
from ucjamsostek.monitoring.permissions import can_edit_action, can_manage_monev, can_trace, can_view_monev
from ucjamsostek.monitoring.services import REPORT_SETUP_FIELDS


def _period(request: HttpRequest) -> str:
    raw = request.GET.get("period") or selectors.default_period()
    try:
        return ind.parse_period(raw).code
    except ind.PeriodError:
        messages.error(request, _("Periode %(p)s tidak dikenal; ditampilkan bulan ini.") % {"p": raw})
        return selectors.default_period()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(can_view_monev(request.user))
    period = _period(request)
    d = selectors.dashboard(request.user, period, request.GET.get("area"))
    updating = None
    if d is None or selectors.outdated(d.snapshot):
        # not computed yet, or older than the last data change: a job computes it, the page never does
        job = services.start_refresh(request.user, period)
        if job.finished:  # it ran at once (jobs inline): read what it wrote
            d = selectors.dashboard(request.user, period, request.GET.get("area"))
        # queued: the figures shown are the ones read above (no second read nor fingerprint)
        if d is not None and (not job.finished or selectors.outdated(d.snapshot)):
            updating = get_job(request.user, job.pk) or job
    if d is None:
        return render(
            request,
            "monitoring/computing.html",
            {
                "period": ind.parse_period(period),
                "job": get_job(request.user, job.pk),  # None when another user's job computes it
                "periods": selectors.period_choices(),
                "alerts": presenters.alerts(request.user),  # they need no figures
            },
        )
    return render(
        request,
        "monitoring/dashboard.html",
        {
            "d": d,
            "charts": presenters.charts(d),
            "t": presenters.texts(d),
            "periods": selectors.period_choices(),
            "can_manage": can_manage_monev(request.user),
            "can_recompute": can_recompute_figures(request.user),
            "updating": updating,  # the refresh job queued because the data changed
            "can_trace": can_trace(request.user),
            # PKS ending, bills at the BPU 3-month limit, follow-ups past their deadline
            "alerts": presenters.alerts(request.user),
            "earlier_reports": reports.earlier_reports(request.user),
        },
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    require(can_recompute_figures(request.user))
    period = ind.parse_period(request.POST.get("period") or selectors.default_period()).code
    job = services.start_refresh(request.user, period)
    return redirect(reverse("jobs:detail", args=[job.pk]))


@login_required
def trace(request: HttpRequest) -> HttpResponse:
    g = request.GET
    try:
        t = selectors.trace(
            request.user, g.get("indicator", ""), g.get("period", ""), g.get("area", ""), g.get("breakdown", "")
        )
    except ind.PeriodError as exc:
        raise Http404(str(exc)) from exc
    return render(request, "monitoring/trace.html", {"t": t})


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    """The year's list from nomination to BPJS: each step with its count, dates and records."""
    require(can_view_monev(request.user))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    return render(
        request,
        "monitoring/year_list.html",
        {
            "year": year,
            "steps": yearlist.year_steps(year, request.user),
            "years": range(today.year + 1, today.year - 5, -1),
        },
    )


@login_required
def dictionary(request: HttpRequest) -> HttpResponse:
    """The indicator dictionary: every figure's one definition."""
    require(can_view_monev(request.user))
    return render(request, "monitoring/dictionary.html", {"entries": selectors.dictionary_entries()})


# ---- checklist ----------------------------------------------------------------------------------


class ActionForm(forms.Form):
    organisation_id = forms.TypedChoiceField(
        label=gettext_lazy("OPD penanggung jawab"), required=False, coerce=int, empty_value=None, choices=[]
    )
    responsible = forms.CharField(label=gettext_lazy("Penanggung jawab (teks)"), required=False, max_length=200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=services.ACTION_STATUS_CHOICES)
    due_date = forms.DateField(label=gettext_lazy("Batas waktu"), required=False, widget=DateInput())
    evidence_url = forms.URLField(label=gettext_lazy("Tautan bukti (regulasi)"), required=False, assume_scheme="https")
    apbd_line = forms.CharField(label=gettext_lazy("Mata anggaran APBD"), required=False, max_length=255)
    evidence_file = forms.FileField(label=gettext_lazy("Dokumen bukti (PDF/gambar)"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Catatan tindak lanjut"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, manage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if manage:
            self.fields["organisation_id"].choices = selectors.organisation_choices()  # type: ignore[attr-defined]
        else:  # an OPD operator updates progress, not who is responsible
            del self.fields["organisation_id"]
            del self.fields["responsible"]

    def clean_evidence_file(self) -> Any:
        f = self.cleaned_data.get("evidence_file")
        if f and Path(f.name).suffix.lower() not in (".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx"):
            raise ValidationError(_("Jenis berkas tidak diterima (PDF, PNG, JPG, DOCX, XLSX)."))
        return f


@login_required
def checklist(request: HttpRequest) -> HttpResponse:
    require(can_view_monev(request.user))
    years = selectors.action_years()
    year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    items = list(selectors.action_items(year))
    rows = [(i, can_edit_action(request.user, i)) for i in items]
    return render(request, "monitoring/checklist.html", {"rows": rows, "year": year, "years": years})


@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_action(pk)
    if item is None:
        raise Http404
    require(can_edit_action(request.user, item))
    manage = can_manage_monev(request.user)
    initial = {
        "organisation_id": item.organisation_id,
        "responsible": item.responsible,
        "status": item.status,
        "due_date": item.due_date,
        "evidence_url": item.evidence_url,
        "apbd_line": item.apbd_line,
        "notes": item.notes,
    }
    if request.method == "POST":
        form = ActionForm(request.POST, request.FILES, manage=manage, initial=initial)
        if form.is_valid():
            changes = changed_values(form)
            if changes:
                services.update_action(request.user, item, **changes)
                messages.success(request, _("Rencana aksi diperbarui."))
            else:
                messages.info(request, _("Tidak ada perubahan; tidak ada yang disimpan."))
            return redirect(reverse("monitoring:checklist") + f"?year={item.year}")
    else:
        form = ActionForm(manage=manage, initial=initial)
    return render(request, "monitoring/action_edit.html", {"item": item, "form": form})


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponseBase:
    item = selectors.get_action(pk)
    require(can_view_monev(request.user))
    if item is None or not item.evidence_file:
        raise Http404
    return FileResponse(
        item.evidence_file.open("rb"), as_attachment=True, filename=Path(str(item.evidence_file.name)).name
    )


# ---- meetings -------------------------------------------------------------------------------------


class MeetingForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Tanggal rapat"), widget=DateInput())
    period = forms.CharField(label=gettext_lazy("Periode ditinjau (mis. 2025-S1)"), required=False, max_length=8)
    title = forms.CharField(label=gettext_lazy("Judul"), required=False, max_length=200)
    place = forms.CharField(label=gettext_lazy("Tempat"), required=False, max_length=200)

    def clean_period(self) -> str:
        raw = self.cleaned_data.get("period") or ""
        if raw:
            try:
                return ind.parse_period(raw).code
            except ind.PeriodError as exc:
                raise ValidationError(str(exc)) from exc
        return raw


class FollowUpForm(forms.Form):
    action = forms.CharField(label=gettext_lazy("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=gettext_lazy("Penanggung jawab"), max_length=200)
    deadline = forms.DateField(label=gettext_lazy("Batas waktu"), required=False, widget=DateInput())


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    require(can_view_monev(request.user))
    manage = can_manage_monev(request.user)
    form = MeetingForm(request.POST or None, initial={"date": date.today()})
    if request.method == "POST":
        require(manage)
        if form.is_valid():
            m = services.create_meeting(
                request.user,
                form.cleaned_data["date"],
                form.cleaned_data["period"],
                form.cleaned_data["title"],
                form.cleaned_data["place"],
            )
            messages.success(request, _("Rapat dibuat; tindak lanjut yang masih terbuka dibawa ke rapat ini."))
            return redirect("monitoring:meeting", pk=m.pk)
    return render(
        request, "monitoring/meetings.html", {"meetings": selectors.meetings(), "form": form, "manage": manage}
    )


@login_required
def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    require(can_view_monev(request.user))
    m = selectors.get_meeting(pk)
    if m is None:
        raise Http404
    manage = can_manage_monev(request.user)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        require(manage)
        if form.is_valid():
            services.add_follow_up(
                request.user, m, form.cleaned_data["action"], form.cleaned_data["owner"], form.cleaned_data["deadline"]
            )
            messages.success(request, _("Tindak lanjut ditambahkan."))
            return redirect("monitoring:meeting", pk=m.pk)
    return render(
        request,
        "monitoring/meeting.html",
        {
            "m": m,
            "follow_ups": selectors.follow_ups_of(m),
            "form": form,
            "manage": manage,
            "statuses": services.FollowUpStatus.choices,
        },
    )


@login_required
@require_POST
def follow_up_status(request: HttpRequest, pk: int) -> HttpResponse:
    fu = selectors.get_follow_up(pk)
    if fu is None:
        raise Http404
    status, notes = request.POST.get("status", ""), request.POST.get("notes")
    attempt(request, lambda: services.set_follow_up_status(request.user, fu, status, notes))
    return redirect("monitoring:meeting", pk=fu.meeting_id)


# ---- reports --------------------------------------------------------------------------------------


@login_required
@require_POST
def report(request: HttpRequest) -> HttpResponse:
    require(can_view_monev(request.user))
    period = ind.parse_period(request.POST.get("period") or selectors.default_period()).code
    kind = request.POST.get("format", "pdf")
    if kind not in ("pdf", "xlsx", "inpres"):
        raise Http404
    area = selectors.scope_area(request.user, request.POST.get("area"))

    job = start(reports.REPORT_KIND, reports.report_job, period, kind, area, user=request.user)
    return redirect(reverse("jobs:detail", args=[job.pk]))


@login_required
def report_download(request: HttpRequest, job_id: int) -> HttpResponseBase:

    job = get_job(request.user, job_id)
    if job is None or job.kind != reports.REPORT_KIND or job.status != "done":
        raise PermissionDenied(MSG_FORBIDDEN) if job is None else Http404()
    path = reports.stored_report(job.result.get("file", ""))
    if path is None:
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


class ReportSetupForm(forms.Form):
    government = forms.CharField(
        label=gettext_lazy("Nama pemerintah daerah (kop surat)"), required=False, max_length=200
    )
    office = forms.CharField(label=gettext_lazy("Nama dinas (kop surat)"), required=False, max_length=200)
    address = forms.CharField(label=gettext_lazy("Alamat kantor"), required=False, max_length=300)
    place = forms.CharField(label=gettext_lazy("Tempat penandatanganan"), required=False, max_length=100)
    number_format = forms.CharField(
        label=gettext_lazy("Format nomor laporan"),
        max_length=100,
        help_text=gettext_lazy("{urut} diganti nomor urut tahun itu (001, 002, …), {tahun} tahunnya."),
    )
    leader_title = forms.CharField(
        label=gettext_lazy("Jabatan yang mengetahui (mis. Bupati Muna Barat)"), required=False, max_length=200
    )
    leader_name = forms.CharField(label=gettext_lazy("Nama yang mengetahui"), required=False, max_length=200)
    head_title = forms.CharField(
        label=gettext_lazy("Jabatan penanda tangan (mis. Kepala Dinas …)"), required=False, max_length=200
    )
    head_name = forms.CharField(label=gettext_lazy("Nama penanda tangan"), required=False, max_length=200)
    head_nip = forms.CharField(label=gettext_lazy("NIP penanda tangan"), required=False, max_length=30)
    logo = forms.FileField(label=gettext_lazy("Logo (PNG atau JPEG, paling besar 2 MB)"), required=False)
    remove_logo = forms.BooleanField(label=gettext_lazy("Hapus logo"), required=False)

    def clean_number_format(self) -> str:
        value = str(self.cleaned_data.get("number_format") or "").strip()
        if "{urut}" not in value:
            raise ValidationError(_("Format nomor laporan harus memuat {urut} (nomor urut)."))
        return value

    def clean_head_nip(self) -> str:
        value = str(self.cleaned_data.get("head_nip") or "").replace(" ", "")
        if value and not value.isdigit():
            raise ValidationError(_("NIP hanya berisi angka."))
        return value


@login_required
def report_setup(request: HttpRequest) -> HttpResponse:
    """The report's letterhead, logo, number format and signatories (Admin and Dinas)."""
    require(can_manage_monev(request.user))
    row = services.report_setup_row()
    initial = {name: getattr(row, name) for name in REPORT_SETUP_FIELDS}
    form = ReportSetupForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            services.save_report_setup(request.user, **{name: c[name] for name in REPORT_SETUP_FIELDS})
            if c.get("logo"):
                services.store_logo(request.user, c["logo"].read())
            elif c.get("remove_logo"):
                services.remove_logo(request.user)
        except UserError as exc:
            messages.error(request, user_message(exc))
        else:
            messages.success(request, _("Pengaturan laporan disimpan."))
            return redirect("monitoring:report_setup")
    return render(request, "monitoring/report_setup.html", {"form": form, "letter": selectors.letterhead(), "row": row})


@login_required
def report_logo(request: HttpRequest) -> HttpResponseBase:
    require(can_view_monev(request.user))
    logo = selectors.letterhead().logo
    if logo is None:
        raise Http404
    return FileResponse(logo.open("rb"), content_type="image/png" if logo.suffix == ".png" else "image/jpeg")


@login_required
def issued_reports(request: HttpRequest) -> HttpResponse:
    """Issued reports with their number and date: download again, copy the share link."""
    require(can_view_monev(request.user))
    rows = [
        (r, request.build_absolute_uri(reverse("monitoring:report_shared", args=[r.share_token])))
        for r in selectors.issued_reports(request.user)
    ]
    return render(request, "monitoring/issued.html", {"rows": rows, "manage": can_manage_monev(request.user)})


def _report_file(issued: Any, inline: bool = False) -> HttpResponseBase:
    path = reports.stored_report(issued.file)
    if path is None:
        raise Http404
    name = path.name.split("-", 1)[-1]
    return FileResponse(path.open("rb"), as_attachment=not inline, filename=name)


@login_required
def issued_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    require(can_view_monev(request.user))
    issued = selectors.get_issued_report(request.user, pk)
    if issued is None:
        raise PermissionDenied(MSG_FORBIDDEN)
    return _report_file(issued)


@login_required
def report_shared(request: HttpRequest, token: str) -> HttpResponseBase:
    """A read-only share link: the report itself for a logged-in leadership user of its area."""
    issued = selectors.shared_report(request.user, token)
    if issued is None:
        raise PermissionDenied(MSG_FORBIDDEN)
    return _report_file(issued, inline=issued.kind == "pdf")


@login_required
def chart_data(request: HttpRequest, chart: str) -> HttpResponseBase:
    """A dashboard chart's numbers as xlsx (the same figures the chart draws)."""
    require(can_view_monev(request.user))
    if chart not in reports.CHARTS:
        raise Http404
    d = selectors.dashboard(request.user, _period(request), request.GET.get("area"))
    if d is None:
        raise Http404
    name, data = reports.chart_xlsx(d, chart)
    return HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---- targets and denominators -----------------------------------------------------------------------


class TargetForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indikator"), choices=[("ACTIVE", gettext_lazy("Peserta aktif"))])
    year = forms.IntegerField(label=gettext_lazy("Tahun"), min_value=2000, max_value=2100)
    area = forms.ChoiceField(label=gettext_lazy("Wilayah"), choices=[])
    breakdown = forms.ChoiceField(label=gettext_lazy("Rincian"), choices=[], required=False)
    value = forms.IntegerField(label=gettext_lazy("Nilai target"), min_value=0)


class WorkforceForm(forms.Form):
    area = forms.ChoiceField(label=gettext_lazy("Wilayah"), choices=[])
    year = forms.IntegerField(label=gettext_lazy("Tahun"), min_value=2000, max_value=2100)
    breakdown = forms.ChoiceField(label=gettext_lazy("Rincian"), choices=[], required=False)
    workers = forms.IntegerField(label=gettext_lazy("Jumlah pekerja"), min_value=0)
    source = forms.CharField(label=gettext_lazy("Sumber data"), max_length=255)


@login_required
def inputs(request: HttpRequest) -> HttpResponse:
    """Targets and coverage denominators (inputs, with their source); Admin and Dinas edit."""
    require(can_view_monev(request.user))
    manage = can_manage_monev(request.user)
    tform = TargetForm(request.POST if "target" in request.POST else None, prefix="t")
    wform = WorkforceForm(request.POST if "workforce" in request.POST else None, prefix="w")
    areas, breakdowns = selectors.area_choices(), selectors.breakdown_choices()
    for form in (tform, wform):
        form.fields["area"].choices = areas  # type: ignore[attr-defined]
        form.fields["breakdown"].choices = breakdowns  # type: ignore[attr-defined]
    if request.method == "POST":
        require(manage)
        try:
            if "target" in request.POST and tform.is_valid():
                c = tform.cleaned_data
                services.set_target(request.user, c["indicator"], c["year"], c["area"], c["value"], c["breakdown"])
                messages.success(request, _("Target disimpan."))
                return redirect("monitoring:inputs")
            if "workforce" in request.POST and wform.is_valid():
                c = wform.cleaned_data
                services.set_workforce(request.user, c["area"], c["year"], c["workers"], c["source"], c["breakdown"])
                messages.success(
                    request, _("Jumlah pekerja disimpan; hitung ulang indikator untuk melihat cakupannya.")
                )
                return redirect("monitoring:inputs")
        except (UserError, ValidationError) as exc:
            messages.error(request, user_message(exc))
    return render(
        request,
        "monitoring/inputs.html",
        {
            "targets": selectors.all_targets(),
            "workforce": selectors.all_workforce(),
            "tform": tform,
            "wform": wform,
            "manage": manage,
        },
    )
