"""The province monitor's comparison page in a real browser: two rosters uploaded, the job's
progress followed to the run, the summary on the page."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.browser_helpers import wait_until
from tests.crossfund.test_crossfund_app import _enrol, _province_roster
from ucjamsostek.crossfund.models import CrossfundRun


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_province_uploads_two_rosters_and_reads_the_overlap(
    live_server, jobs_worker, browser_page, artifacts_dir, users, people, tmp_path
):
    from datetime import date

    _enrol(people["p_a"], date(2025, 1, 1), date(2026, 1, 1), status="ended")
    kab = tmp_path / "roster-7413.csv"
    call_command("roster", "export", "--out", str(kab))
    prov = _province_roster(tmp_path, people)
    client = Client()
    client.force_login(users["province"])
    page = browser_page
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + reverse("crossfund:index"))
    page.fill("input[name=as_of]", "2025-12-31")
    page.set_input_files("input[name=files]", [str(kab), str(prov)])
    page.click("#crossfund-form button[type=submit]")
    wait_until(page, "/\\/dana-ganda\\/\\d+\\/$/.test(location.pathname)", timeout=180)
    run = CrossfundRun.objects.get()
    assert (run.people, run.months, run.rupiah_twice) == (1, 6, 100_800)
    totals = page.inner_text("#crossfund-totals")
    assert "1 orang" in totals and "Rp100.800" in totals
    assert "apbd_kab@74.13" in page.inner_text("#crossfund-summary")
    page.screenshot(path=str(artifacts_dir / "crossfund-run.png"), full_page=True)
