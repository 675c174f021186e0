"""``/healthz``: database, queue and disk as JSON for monitoring, 200 when healthy, 503 otherwise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ucjamsostek.jobs.models import Job, Worker
from ucjamsostek.jobs.selectors import runner_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_worker(settings):
    settings.JOBS_RUN_INLINE = False
    Worker.objects.create(runner=runner_id(), heartbeat_at=timezone.now())


def test_healthy_with_a_live_worker(client, live_worker):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["problems"] == []
    assert body["checks"]["database"]["ok"] and body["checks"]["disk"]["free_bytes"] > 0
    assert body["checks"]["queue"] | {"workers": 1, "queued": 0, "ok": True} == body["checks"]["queue"]
    assert response["Cache-Control"].startswith("max-age=0")


def test_no_worker_is_unhealthy(client, settings):
    settings.JOBS_RUN_INLINE = False
    response = client.get("/healthz")
    assert response.status_code == 503
    problems = response.json()["problems"]
    assert problems == ["Tidak ada pekerja latar belakang yang berjalan: jalankan `ucjamsostek worker`."]


def test_a_job_waiting_too_long_is_unhealthy(client, live_worker, settings):
    settings.HEALTH_QUEUE_MAX_AGE_SECONDS = 300
    job = Job.objects.create(kind="screening.upload")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=400))
    body = client.get("/healthz").json()
    assert body["status"] == "fail" and body["checks"]["queue"]["queued"] == 1
    assert body["checks"]["queue"]["oldest_queued_seconds"] >= 400
    assert "menunggu di antrean" in body["problems"][0]


def test_low_disk_space_is_unhealthy(client, live_worker, settings):
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    assert response.status_code == 503 and not response.json()["checks"]["disk"]["ok"]


def test_inline_mode_needs_no_worker(client, inline_jobs):
    assert client.get("/healthz").status_code == 200
