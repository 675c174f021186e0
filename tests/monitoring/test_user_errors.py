"""User errors raised by monitoring services reach the API and the pages as their message."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from ucjamsostek.monitoring import services
from ucjamsostek.monitoring.models import FollowUp


@pytest.mark.django_db
def test_api_answers_a_user_error_with_422_and_its_message(users):
    _, key = services.create_api_token(users["dinas"], "uji")
    r = Client().get("/monev/api/dashboard?period=2025-S9", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert r.status_code == 422
    assert "2025-S9" in r.json()["detail"]


@pytest.mark.django_db
def test_page_shows_a_service_user_error_as_a_message(users):
    meeting = services.create_meeting(users["dinas"], date(2025, 7, 10), "2025-S1")
    fu = services.add_follow_up(users["dinas"], meeting, "Validasi data", "Disnaker")
    c = Client()
    c.force_login(users["dinas"])
    r = c.post(f"/monev/tindak-lanjut/{fu.pk}/status/", {"status": "bukan-status"}, follow=True)
    assert r.status_code == 200
    assert "Status tidak dikenal: bukan-status" in r.content.decode()
    assert FollowUp.objects.get(pk=fu.pk).status == "open"
