"""A report made in the background (issue 10 §7): the finished job's page names the job in
Bahasa (the kind code only in a tooltip) and offers the file as a download button; the Monev page
lists the user's earlier reports with their links."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.monitoring.conftest import dataset  # noqa: F401


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_finished_report_job_offers_its_file_and_the_monev_page_lists_it(dataset, users, inline_jobs, settings,  # noqa: F811
                                                                           tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    c = _client(users["dinas"])
    r = c.post("/monev/laporan/", {"period": "2025-S1", "format": "xlsx", "area": ""})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "Laporan Monev" in page and 'title="monitoring.report"' in page
    link = re.search(r'<a class="button" href="([^"]+)" download>Unduh hasil</a>', page)
    assert link, "the finished job shows a download button"
    download = c.get(link.group(1))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    monev = c.get("/monev/?period=2025-S1").content.decode()
    listed = re.search(r'data-testid="earlier-reports">(.*?)</ul>', monev, re.S)
    assert listed and link.group(1) in listed.group(1) and ".xlsx" in listed.group(1)
    # another user's reports are not listed for them
    other = _client(users["leadership"]).get("/monev/?period=2025-S1").content.decode()
    assert link.group(1) not in other


@pytest.mark.django_db
def test_an_unknown_job_kind_shows_a_plain_name(users):
    from ucjamsostek.jobs.models import Job

    job = Job.objects.create(kind="something.new", status="done", created_by=users["dinas"])
    page = _client(users["dinas"]).get(f"/pekerjaan/{job.pk}/").content.decode()
    assert "Pekerjaan latar belakang" in page and ">something.new<" not in page
