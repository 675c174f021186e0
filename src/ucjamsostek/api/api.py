"""The REST API: indicators and dashboard figures, registry look-up by NIK, nomination screening
(submit a file, follow the job, read the batch result). Token authentication; the same role
scoping as the pages (an area operator sees and submits for their area only).

Mounted at ``/monev/api/`` (the root ``urls.py``); the OpenAPI schema is at
``/monev/api/openapi.json`` and the interactive docs at ``/monev/api/docs`` (:func:`docs_view`:
Swagger UI from the django-ninja package's own static files, no CDN, behind the login).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, File, Form, NinjaAPI, Schema, Status
from ninja.files import UploadedFile
from ninja.openapi.views import openapi_view

from ucjamsostek.api.auth import TokenAuth
from ucjamsostek.core import indicators as ind
from ucjamsostek.core.errors import UserError
from ucjamsostek.errors import user_message
from ucjamsostek.jobs import selectors as job_selectors
from ucjamsostek.monitoring import lookups, selectors
from ucjamsostek.monitoring import services as monitoring_services
from ucjamsostek.monitoring.selectors import default_period
from ucjamsostek.screening import services as screening
from ucjamsostek.screening.queries import get_batch, screened_counts

api = NinjaAPI(
    title="UC Jamsostek API",
    version="1.0.0",
    description="Indikator monitoring, pencarian penduduk berdasarkan NIK, dan pengajuan validasi usulan. "
    "Autentikasi: header `Authorization: Bearer <token>` (token dibuat dengan `ucjamsostek monev token`).",
    auth=TokenAuth(),
    urls_namespace="api",  # mounted at /monev/api/ by the root urls.py
    docs_url=None,  # the docs page is served behind the login by the root urls.py (docs_view)
)

T = TypeVar("T")


class ErrorOut(Schema):
    detail: str


class IndicatorOut(Schema):
    """An entry of the indicator dictionary (``/monev/kamus/``), texts in Bahasa Indonesia and English."""

    code: str
    name: str
    name_en: str
    unit: str
    direction: str
    formula: str
    source: str
    definition: str
    definition_en: str
    numerator: str
    denominator: str | None
    as_of: str
    window: str
    level: str
    sources: list[str]
    breakdowns: list[str]


class ValueOut(Schema):
    indicator: str
    period: str
    area_code: str
    breakdown: str
    numerator: int | None
    denominator: int | None
    value: float | None
    text: str


class AreaOut(Schema):
    code: str
    name: str
    active: int
    workers: int | None
    coverage: float | None
    coverage_text: str


class DashboardOut(Schema):
    period: str
    period_label: str
    area_code: str
    area_name: str
    computed_at: str
    active: int
    workers: int | None
    coverage: float | None
    target: int | None
    progress: float | None
    claims_count_total: int | None
    claims_amount_total: int | None
    paid: int | None
    billed: int | None
    arrears: int | None
    gap_exposed: int | None
    trend: list[tuple[str, int]]
    areas: list[AreaOut]
    unavailable: dict[str, str]


class EnrollmentOut(Schema):
    segment: str
    funder: str
    status: str
    coverage_start: date
    coverage_end: date | None = Field(description="Hari pertama tanpa perlindungan (eksklusif), mis. 2025-01-01.")
    coverage_last_day: date | None = Field(description="Hari terakhir terlindungi (inklusif), mis. 2024-12-31.")
    kpj_number: str


class PersonOut(Schema):
    nik: str
    name: str
    sex: str
    village_code: str
    village: str
    is_deceased: bool
    covered_today: bool
    enrollments: list[EnrollmentOut]


class JobOut(Schema):
    id: int
    kind: str
    status: str
    stage: str
    percent: int
    message: str
    finished: bool
    result: dict[str, Any]


class BatchOut(Schema):
    id: int
    file_name: str
    source_name: str
    status: str
    row_count: int
    eligible: int
    review: int
    rejected: int
    created_at: str
    screened: dict[str, int]


def _period(text: str | None) -> str:
    return ind.parse_period(text).code if text else _default_period()


def _default_period() -> str:

    return default_period()


def _f(v: Any) -> float | None:
    return None if v is None else float(v)


# The API's one translator of user errors: a 4xx answer {"detail": message} (errors.py).
@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> Any:
    return api.create_response(request, {"detail": user_message(exc)}, status=403)


@api.exception_handler(UserError)
@api.exception_handler(ValidationError)
def _user_error(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": user_message(exc)}, status=422)


@api.get("/indicators", response=list[IndicatorOut], tags=["indikator"], summary="Kamus indikator")
def list_indicators(request: HttpRequest) -> Any:
    return [
        {
            "code": d.code,
            "name": d.name.id,
            "name_en": d.name.en,
            "unit": str(d.unit),
            "direction": str(d.direction),
            "formula": d.formula,
            "source": d.definition.id,
            "definition": d.definition.id,
            "definition_en": d.definition.en,
            "numerator": d.numerator.id,
            "denominator": d.denominator.id if d.denominator else None,
            "as_of": d.as_of.id,
            "window": str(d.window),
            "level": str(d.level),
            "sources": list(d.sources),
            "breakdowns": list(d.breakdowns),
        }
        for d in ind.INDICATORS
    ]


def _computed(request: HttpRequest, period: str, read: Callable[[], T | None]) -> T | Status:
    """What ``read`` finds for the period's figures; when the period has not been computed, its
    refresh job is queued (a request never computes: the job does, at once when jobs run inline)
    and, still nothing, a 503 names the job."""
    found = read()
    if found is None:
        job = monitoring_services.start_refresh(request.user, period)
        found = read()
        if found is None:
            return Status(
                503,
                {"detail": gettext("Angka periode %(p)s sedang dihitung (pekerjaan #%(job)s); coba lagi sebentar lagi.")
                 % {"p": period, "job": job.pk}},
            )  # fmt: skip
    return found


@api.get(
    "/indicators/values",
    response={200: list[ValueOut], 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    tags=["indikator"],
    summary="Nilai indikator per periode dan wilayah",
)
def indicator_values(
    request: HttpRequest, period: str | None = None, area: str | None = None, indicator: str | None = None
) -> Any:
    p = _period(period)
    code = selectors.scope_area(request.user, area)
    if area and code != area:
        raise PermissionDenied(gettext("Wilayah di luar wilayah kerja Anda."))
    snap = _computed(request, p, lambda: selectors.latest_snapshot(p))
    if isinstance(snap, Status):
        return snap
    return Status(
        200,
        [
            {
                "indicator": v.indicator_id,
                "period": v.period,
                "area_code": v.area_code,
                "breakdown": v.breakdown,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "value": _f(v.value),
                "text": ind.format_value(v.value, ind.INDICATOR_BY_CODE[v.indicator_id].unit)
                if v.indicator_id in ind.INDICATOR_BY_CODE
                else str(v.value),
            }
            for v in selectors.values_for(snap, code, indicator)
        ],
    )


class FigureOut(Schema):
    """One entry of the indicator dictionary for the period and area (``/monev/kamus/``)."""

    code: str
    name: str
    unit: str
    period: str
    area_code: str
    breakdown: str
    numerator: int | None
    denominator: int | None
    value: int | float | None
    text: str
    window: str
    unavailable: str


class FiguresOut(Schema):
    period: str
    area_code: str
    computed_at: str
    figures: list[FigureOut]


@api.get(
    "/indicators/figures",
    response={200: FiguresOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    tags=["indikator"],
    summary="Setiap indikator kamus untuk satu periode dan wilayah",
    description="Angka yang sama dengan dasbor, laporan Rakor Monev dan `ucjamsostek monev show`: "
    "pembilang, penyebut dan nilai (Rupiah dan jumlah sebagai bilangan bulat).",
)
def indicator_figures(request: HttpRequest, period: str | None = None, area: str | None = None) -> Any:
    p = _period(period)
    code = selectors.scope_area(request.user, area)
    if area and code != area:
        raise PermissionDenied(gettext("Wilayah di luar wilayah kerja Anda."))
    lk = _computed(request, p, lambda: selectors.figures_for(request.user, p, code))
    if isinstance(lk, Status):
        return lk
    return Status(
        200,
        {
            "period": lk.period.code,
            "area_code": lk.area,
            "computed_at": lk.snapshot.computed_at.isoformat(),
            "figures": [f.as_dict() for f in lk.figures()],
        },
    )


@api.get(
    "/dashboard",
    response={200: DashboardOut, 403: ErrorOut, 422: ErrorOut, 503: ErrorOut},
    tags=["indikator"],
    summary="Angka dasbor satu wilayah",
)
def dashboard(request: HttpRequest, period: str | None = None, area: str | None = None) -> Any:
    p = _period(period)
    d = _computed(request, p, lambda: selectors.dashboard(request.user, p, area))
    if isinstance(d, Status):
        return d
    h = d.headline
    return Status(
        200,
        {
            "period": d.period.code,
            "period_label": d.period.label,
            "area_code": d.area_code,
            "area_name": d.area_name,
            "computed_at": d.snapshot.computed_at.isoformat(),
            "active": h["active"],
            "workers": h["workers"],
            "coverage": _f(h["coverage"]),
            "target": h["target"],
            "progress": _f(h["progress"]),
            "claims_count_total": d.claims["cumulative"]["count"],
            "claims_amount_total": d.claims["cumulative"]["amount"],
            "paid": d.budget.get("paid"),
            "billed": d.budget.get("billed"),
            "arrears": d.budget.get("arrears"),
            "gap_exposed": d.gap,
            "trend": [(c, n) for c, _, n in d.trend],
            "areas": [
                {
                    "code": b.code,
                    "name": b.name,
                    "active": b.active,
                    "workers": b.workers,
                    "coverage": _f(b.value),
                    "coverage_text": b.text,
                }
                for b in d.ranking
            ],
            "unavailable": d.unavailable,
        },
    )


class NikIn(Schema):
    nik: str


#: The old look-up by path: the NIK landed in every server and proxy log on the way.
LOOKUP_MOVED = (
    "Pencarian NIK lewat alamat (URL) tidak dilayani lagi karena NIK di alamat tercatat di log server "
    'dan proxy. Kirim POST ke /monev/api/registry/people/lookup dengan badan JSON {"nik": "…"}.'
)


@api.post(
    "/registry/people/lookup",
    response={200: PersonOut, 403: ErrorOut, 404: ErrorOut},
    tags=["penduduk"],
    summary="Cari penduduk berdasarkan NIK",
    description='NIK dikirim di badan permintaan (JSON `{"nik": "…"}`), tidak di alamat, agar tidak '
    "tercatat di log server dan proxy. Untuk peran yang boleh melihat NIK lengkap (admin, dinas, operator "
    "wilayah/OPD dalam lingkupnya, BPJS). Pencarian dicatat di log akses tanpa NIK (hanya hash berkunci).",
)
def person_by_nik(request: HttpRequest, body: NikIn) -> Any:
    found = lookups.person_by_nik(request.user, body.nik)
    if found is None:
        return Status(404, {"detail": "Penduduk dengan NIK tersebut tidak ditemukan dalam wilayah kerja Anda."})
    return Status(200, found)


@api.get(
    "/registry/people/{nik}",
    response={410: ErrorOut},
    tags=["penduduk"],
    summary="(dihapus) Cari penduduk dengan NIK di alamat",
    description=LOOKUP_MOVED,
    deprecated=True,
)
def person_by_nik_in_path(request: HttpRequest, nik: str) -> Any:
    return Status(410, {"detail": LOOKUP_MOVED})


@api.post(
    "/screening/batches",
    response={202: JobOut, 403: ErrorOut, 422: ErrorOut},
    tags=["validasi"],
    summary="Kirim berkas usulan untuk divalidasi",
    description="Berkas xlsx/xls/csv (DESIGN.md §5.1). Bagian awal berkas diperiksa seketika: berkas yang "
    "tidak dapat divalidasi (kosong, hanya baris judul, kolom wajib tidak ditemukan, judul kolom ganda, sel "
    "terlalu panjang, rusak) ditolak dengan 422 dan satu pesan yang menyebut berkas, lembar, baris dan kolom; "
    "tidak ada pekerjaan yang dibuat. Validasi berjalan di latar belakang: ikuti `/jobs/{id}`; setelah "
    "selesai `result.batch_id` menunjuk hasilnya.",
)
def submit_batch(
    request: HttpRequest,
    file: UploadedFile = File(...),  # noqa: B008
    source_name: str = Form(...),  # noqa: B008
    source_kind: str = Form("desa"),  # noqa: B008
    segment: str | None = Form(None),  # noqa: B008
    as_of: date | None = Form(None),  # noqa: B008
) -> Any:
    from django.utils import timezone

    job = screening.start_upload(
        request.user,
        file,
        source_kind=source_kind,
        source_name=source_name,
        segment=segment or None,
        as_of=as_of or timezone.localdate(),
        offer_mapping=False,
    )
    return Status(202, _job(job))


def _job(job: Any) -> dict[str, Any]:

    s = job_selectors.job_status(job)
    return {k: s[k] for k in ("id", "kind", "status", "stage", "percent", "message", "finished", "result")}


@api.get("/jobs/{job_id}", response={200: JobOut, 404: ErrorOut}, tags=["validasi"], summary="Status pekerjaan")
def job_status(request: HttpRequest, job_id: int) -> Any:

    job = job_selectors.get_job(request.user, job_id)
    if job is None:
        return Status(404, {"detail": "Pekerjaan tidak ditemukan."})
    return Status(200, _job(job))


@api.get(
    "/screening/batches/{batch_id}",
    response={200: BatchOut, 404: ErrorOut},
    tags=["validasi"],
    summary="Hasil validasi satu berkas",
    description="`eligible`/`review`/`rejected`: keputusan akhir setelah tinjauan (sama dengan halaman berkas, "
    "unduhan hasil-validasi.xlsx dan kumpulan calon anggaran); `screened`: keputusan saat validasi.",
)
def batch(request: HttpRequest, batch_id: int) -> Any:

    b = get_batch(request.user, batch_id)
    if b is None:
        return Status(404, {"detail": "Berkas tidak ditemukan."})
    return Status(
        200,
        {
            "id": b.pk,
            "file_name": b.file_name,
            "source_name": b.source_name,
            "status": b.status,
            "row_count": b.row_count,
            "eligible": b.eligible_count,
            "review": b.review_count,
            "rejected": b.rejected_count,
            "created_at": b.created_at.isoformat(),
            "screened": screened_counts(b),
        },
    )


@login_required
def docs_view(request: HttpRequest) -> Any:
    """The interactive API docs (Swagger UI served from django-ninja's static files: the app works
    offline and its Content-Security-Policy allows nothing else), for logged-in users only."""
    return openapi_view(request, api=api)
