"""Login and logout. Throttling is django-axes' job: the authentication backend counts failures
per user name and address and refuses further attempts once the limit is reached."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from ucjamsostek.accounts.forms import LoginForm
from ucjamsostek.accounts.permissions import MSG_FORBIDDEN


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
