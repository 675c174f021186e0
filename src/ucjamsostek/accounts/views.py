"""Login and logout. Throttling is django-axes' job: the authentication backend counts failures
per user name and address and refuses further attempts once the limit is reached."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from ucjamsostek.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5); the logout button in the header is a small form."""


login = LoginView.as_view()
logout = LogoutView.as_view()
