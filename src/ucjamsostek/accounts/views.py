"""Login and logout, and the access-log page. Throttling is django-axes' job: the authentication
backend counts failures per user name and address and refuses further attempts once the limit is
reached."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ucjamsostek.accounts import exports, selectors
from ucjamsostek.accounts.forms import AccessLogFilterForm, LoginForm
from ucjamsostek.accounts.permissions import MSG_FORBIDDEN

#: Entries shown on the page; the export has them all.
SHOWN = 500


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); the logout button in the header is a small form."""


login = LoginView.as_view()
logout = LogoutView.as_view()


def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin's login page is the app's: one form, one django-axes throttle for both. A user
    already logged in who reaches it is not staff: refused rather than sent round in a loop."""
    if request.user.is_authenticated:
        raise PermissionDenied(MSG_FORBIDDEN)
    return redirect_to_login(request.GET.get("next") or reverse("admin:index"))


@login_required
@require_http_methods(["GET", "POST"])
def access_log(request: HttpRequest) -> HttpResponse:
    """Who viewed or downloaded whose data: the newest entries, filtered by a posted form
    (user, kind, days, a NIK), and the same selection as xlsx or csv (button ``unduh``)."""
    form = AccessLogFilterForm(
        request.POST or None, usernames=selectors.access_log_usernames(request.user), kinds=selectors.access_kinds()
    )
    if request.method == "POST" and not form.is_valid():
        return render(request, "accounts/access_log.html", {"form": form, "rows": [], "total": 0})
    entries = selectors.access_log(request.user, form.filters() if form.is_bound else None)
    fmt = request.POST.get("unduh", "")
    if fmt in exports.FORMATS:
        file = exports.access_log_file(selectors.access_log_frame(entries), fmt)
        response = HttpResponse(file.data, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return response
    context = {"form": form, "rows": entries[:SHOWN], "total": entries.count(), "shown": SHOWN}
    return render(request, "accounts/access_log.html", context)
