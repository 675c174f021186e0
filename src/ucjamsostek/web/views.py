from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ucjamsostek.registry import selectors as registry
from ucjamsostek.web.navigation import build_navigation


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Start page: where the user stands in the flow and a few counts within their scope."""
    context = {
        "summary": registry.registry_summary(request.user),
        "flow": build_navigation(request.user, request.path)["stages"],
    }
    return render(request, "web/home.html", context)
