from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ucjamsostek.accounts.permissions import lands_on_dashboard
from ucjamsostek.registry import selectors as registry
from ucjamsostek.web import selectors
from ucjamsostek.web.navigation import build_navigation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: where the user stands in the flow and a few counts within their scope;
    leadership starts on the dashboard of their area."""
    if lands_on_dashboard(request.user):
        return redirect("monitoring:index")
    context = {
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
