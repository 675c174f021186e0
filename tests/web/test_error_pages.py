"""403, 404 and 500 answer a page in Bahasa inside the layout (navigation included), with a way
back, and show nothing of the error itself (issue 10 §6)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_404_in_bahasa_inside_the_layout_with_a_way_back(users):
    r = _client(users["dinas"]).get("/penduduk/99999999/", HTTP_REFERER="http://testserver/penduduk/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "Halaman tidak ditemukan" in html and 'class="flow"' in html
    assert 'href="http://testserver/penduduk/"' in html and "Ke beranda" in html
    assert "Not Found" not in html


def test_403_says_why_in_bahasa(users):
    r = _client(users["area"]).get("/anggaran/")
    html = r.content.decode()
    assert r.status_code == 403
    assert "Akses ditolak" in html and "tidak berwenang" in html and 'class="flow"' in html
    assert "Forbidden" not in html


def test_a_foreign_referer_is_no_way_back(users):
    r = _client(users["dinas"]).get("/tidak-ada/", HTTP_REFERER="https://evil.example/")
    assert r.status_code == 404 and "evil.example" not in r.content.decode()


def test_english_mode_translates_the_error_page(users):
    r = _client(users["dinas"]).get("/en/tidak-ada/")
    assert r.status_code == 404 and "Page not found" in r.content.decode()


def test_500_in_bahasa_shows_nothing_of_the_error(users, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    r = _client(users["dinas"]).get("/rusak/")
    html = r.content.decode()
    assert r.status_code == 500
    assert "Terjadi kesalahan pada server" in html and "Ke beranda" in html
    assert "a defect" not in html and "RuntimeError" not in html


def test_500_without_a_working_layout_still_answers_in_bahasa(users, settings, monkeypatch):
    from ucjamsostek.web.templatetags import web_tags

    def broken_nav(*args, **kwargs):
        raise RuntimeError("database gone")

    settings.ROOT_URLCONF = "tests.web.error_urls"
    monkeypatch.setattr(web_tags, "build_navigation", broken_nav)
    r = _client(users["dinas"]).get("/rusak/")
    assert r.status_code == 500 and "Terjadi kesalahan pada server" in r.content.decode()
