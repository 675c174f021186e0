"""Whose work a follow-up past its deadline is ("Tugas saya", issue 10 §5): every follow-up for
the Dinas and admins, an OPD operator's own OPD's, nobody else's; the landing page counts them."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from tests.people_fixtures import organisations, regions, users  # noqa: F401
from ucjamsostek.monitoring.permissions import owns_follow_up


@pytest.mark.django_db
def test_a_late_follow_up_is_the_task_of_the_dinas_and_of_its_own_opd(users, organisations):  # noqa: F811
    from ucjamsostek.monitoring.models import FollowUp, Meeting

    meeting = Meeting.objects.create(date=date(2025, 7, 10), title="Rakor Monev")
    own = FollowUp.objects.create(meeting=meeting, number=1, action="Data pekerja OPD", owner="Disnaker",
                                  organisation=organisations["own"], deadline=date(2025, 8, 1))  # fmt: skip
    other = FollowUp.objects.create(meeting=meeting, number=2, action="Data guru honorer", owner="Dinkes",
                                    organisation=organisations["other"], deadline=date(2025, 8, 1))  # fmt: skip
    assert owns_follow_up(users["dinas"], own) and owns_follow_up(users["admin"], other)
    assert owns_follow_up(users["opd"], own) and not owns_follow_up(users["opd"], other)
    for role in ("area", "budget", "bpjs", "leadership", "auditor"):
        assert not owns_follow_up(users[role], own), role

    counts = {}
    for role in ("dinas", "opd"):
        client = Client()
        client.force_login(users[role])
        html = client.get(reverse("home")).content.decode()
        task = html[html.index('data-task="follow-ups"') :]
        counts[role] = int(task.split('data-testid="count">')[1].split("<")[0])
        assert reverse("monitoring:meeting", args=[meeting.pk]) in task
    assert counts == {"dinas": 2, "opd": 1}
