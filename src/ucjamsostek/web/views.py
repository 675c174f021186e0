from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ucjamsostek.accounts.permissions import lands_on_dashboard
from ucjamsostek.registry import selectors as registry
from ucjamsostek.web import selectors, tasks
from ucjamsostek.web.navigation import build_navigation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: the user's tasks ("Tugas saya", :mod:`ucjamsostek.web.tasks`), where they stand
    in the flow and a few counts within their scope; leadership starts on the dashboard of their area."""
    if lands_on_dashboard(request.user):
        return redirect("monitoring:index")
    context = {
        "tasks": tasks.my_tasks(request.user),
        "summary": registry.registry_summary(request.user),
        "flow": build_navigation(request.user, request.path)["stages"],
    }
    return render(request, "web/home.html", context)


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The service's health for monitoring (no login, no personal data): 200 when healthy, else 503."""
    report = selectors.health()
    return JsonResponse(report, status=200 if report["ok"] else 503)


# --- Error pages (issue 10 §6): in Bahasa, inside the layout, with a way back ------------------

_ERRORS = {
    403: (
        gettext_lazy("Akses ditolak"),
        gettext_lazy("Peran Anda tidak berwenang membuka halaman ini atau melakukan tindakan ini."),
    ),
    404: (
        gettext_lazy("Halaman tidak ditemukan"),
        gettext_lazy("Alamat ini tidak ada, atau data yang dicari sudah dihapus atau di luar wilayah Anda."),
    ),
    500: (
        gettext_lazy("Terjadi kesalahan pada server"),
        gettext_lazy(
            "Permintaan Anda tidak dapat diselesaikan. Kesalahan ini sudah dicatat untuk petugas teknis; "
            "coba lagi nanti atau hubungi administrator."
        ),
    ),
}


def _back_url(request: HttpRequest) -> str | None:
    """The page the user came from, when it is on this site and not the failing page itself."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return None if referer.endswith(request.get_full_path()) else referer


def _error_page(request: HttpRequest, status: int, detail: str = "") -> HttpResponse:
    title, message = _ERRORS[status]
    context = {"status": status, "title": title, "message": message, "detail": detail}
    try:
        context["back"] = _back_url(request)
        return HttpResponse(render_to_string("web/error.html", context, request=request), status=status)
    except Exception:  # the layout itself failed (e.g. the database is down): the page without it
        return HttpResponse(render_to_string("web/error_plain.html", context), status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403: the refusal's own message (Bahasa, from ``accounts.permissions``) when it has one."""
    detail = str(exception) if isinstance(exception, PermissionDenied) and str(exception) else ""
    return _error_page(request, 403, detail)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """404: the exception's text is Django's English (or a path): never shown."""
    return _error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: nothing of the error is shown (it is logged by Django with its traceback)."""
    return _error_page(request, 500)
