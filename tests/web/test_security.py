"""Headers, sessions, passwords and the admin login (issue 12 §5)."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from tests.people_fixtures import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_page_sends_the_security_headers(client, users):
    client.force_login(users["dinas"])
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response  # plain HTTP: no HSTS


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True, SECURE_SSL_REDIRECT=True
)
def test_https_turns_on_hsts_secure_cookies_and_the_redirect(users):
    client = Client()
    assert client.get("/akun/masuk/").status_code == 301  # http → https
    assert client.get("/healthz").status_code in (200, 503)  # monitoring may poll plain http
    response = client.get("/akun/masuk/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies["csrftoken"]["secure"]
    login = client.post("/akun/masuk/", {"username": "u_dinas", "password": PASSWORD}, secure=True)
    assert login.status_code == 302 and login.cookies["sessionid"]["secure"]


def test_https_setting_drives_the_security_settings():
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ucjamsostek.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    env = {**os.environ, "UCJAMSOSTEK_HTTPS": "true"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["31536000", "True", "True", "True"]


def test_a_session_ends_after_inactivity(settings, users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    client.force_login(users["dinas"])
    response = client.get("/")
    assert response.status_code == 200
    from django.contrib.sessions.models import Session

    session = Session.objects.get(session_key=client.session.session_key)
    left = (session.expire_date.timestamp() - time.time()) / 60
    assert 28 < left <= 30  # an active user's session is renewed by the request
    Session.objects.filter(pk=session.pk).update(expire_date=session.expire_date.replace(year=2000))
    assert client.get("/").status_code == 302  # idle past the limit: back to the login page


@pytest.mark.parametrize(
    "password, ok",
    [
        ("Rahasia-Uji-2026!", True),
        ("kabupatenmunabarat", False),  # one class
        ("Kabupaten2026", True),  # lower, upper, digit
        ("Pendek-1", False),  # too short
        ("password1234", False),  # common
    ],
)
def test_the_password_policy(users, password, ok):
    if ok:
        validate_password(password, users["dinas"])
    else:
        with pytest.raises(ValidationError):
            validate_password(password, users["dinas"])


def test_the_admin_logs_in_through_the_throttled_app_login(client, users):
    answer = client.get("/admin/login/?next=/admin/")
    assert answer.status_code == 302 and answer["Location"] == "/akun/masuk/?next=/admin/"
    for _ in range(5):
        client.post("/akun/masuk/", {"username": "u_admin", "password": "salah-salah-salah"})
    locked = client.post("/akun/masuk/", {"username": "u_admin", "password": PASSWORD})
    assert locked.status_code == 429  # django-axes: locked out, even with the right password
    assert client.get("/admin/").status_code == 302  # still not in


def test_a_logged_in_user_who_is_not_staff_gets_403_from_the_admin(client, users):
    client.force_login(users["dinas"])
    assert client.get("/admin/login/?next=/admin/").status_code == 403
