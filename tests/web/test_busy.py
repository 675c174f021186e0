"""A page that meets a database busy with a long write answers 503 "sedang sibuk, coba lagi" in
Bahasa Indonesia, never a 500; other database errors stay errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from ucjamsostek.web.middleware import is_busy

pytestmark = pytest.mark.django_db


def _locked(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise OperationalError("database is locked")


def test_a_save_behind_a_long_write_gets_the_busy_page(client, users, monkeypatch):
    monkeypatch.setattr("ucjamsostek.billing.services.import_bill", _locked)
    client.force_login(users["bpjs"])
    data = b"NIK,Periode,Iuran\n7413011204960001,2026-01,16800\n"
    page = client.post(reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", data)})
    assert page.status_code == 503 and page["Retry-After"] == "30"
    text = page.content.decode()
    assert "Sedang sibuk, coba lagi" in text and "tidak disimpan" in text and "Traceback" not in text


def test_the_busy_page_speaks_english_for_english_users(client, users, monkeypatch):
    monkeypatch.setattr("ucjamsostek.billing.services.import_bill", _locked)
    client.force_login(users["bpjs"])
    page = client.post(
        "/en" + reverse("billing:upload"), {"file": SimpleUploadedFile("t.csv", b"NIK,Periode,Iuran\n")}
    )
    assert page.status_code == 503 and "Busy, try again" in page.content.decode()


def test_only_busy_errors_count():
    assert is_busy(OperationalError("database is locked"))
    assert is_busy(OperationalError("canceling statement due to lock timeout"))
    assert is_busy(OperationalError("deadlock detected"))
    assert not is_busy(OperationalError("no such table: x"))
    assert not is_busy(ValueError("database is locked"))
