"""The stale-job sweep: a running job whose runner is gone is failed, a live one is left alone."""

from __future__ import annotations

import os
import socket
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone

from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.models import Job, Worker

pytestmark = pytest.mark.django_db

HOST = socket.gethostname()


def running(runner: str) -> Job:
    return Job.objects.create(kind="test.sweep", status="running", runner=runner, started_at=timezone.now())


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def test_a_job_of_a_dead_process_on_this_host_is_failed(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    job = running(f"{HOST}:{dead_pid()}")
    scratch = jobs.scratch_dir(job.pk)
    scratch.mkdir(parents=True)
    (scratch / "half.csv").write_text("x")
    assert jobs.sweep_stale_jobs() == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", jobs.ABANDONED_MESSAGE.format(id=job.pk))
    assert not scratch.exists()


def test_a_job_of_a_live_process_is_left_running():
    job = running(f"{HOST}:{os.getpid()}")
    assert jobs.sweep_stale_jobs() == []
    assert Job.objects.get(pk=job.pk).status == "running"


def test_a_worker_on_another_host_counts_as_dead_without_a_recent_heartbeat(settings):
    settings.JOBS_STALE_SECONDS = 60
    alive = running("other-host:41")
    gone = running("other-host:42")
    Worker.objects.create(runner="other-host:41", heartbeat_at=timezone.now())
    Worker.objects.create(runner="other-host:42", heartbeat_at=timezone.now() - timedelta(seconds=61))
    assert jobs.sweep_stale_jobs() == [gone.pk]
    assert Job.objects.get(pk=alive.pk).status == "running"
    assert list(Worker.objects.values_list("runner", flat=True)) == ["other-host:41"]


def test_a_running_job_without_a_runner_is_failed():
    job = running("")  # left by the thread-based jobs of earlier versions
    assert jobs.sweep_stale_jobs() == [job.pk]


def test_a_swept_job_is_not_run_again_by_its_queue_entry(settings, users):
    job = Job.objects.create(kind="test.sweep", status="failed", message="terhenti")
    jobs.run_job.call(job.pk, "tests.jobs.test_sweep.never", [], {})
    assert Job.objects.get(pk=job.pk).message == "terhenti"


def never(ctx):  # pragma: no cover - must not run
    raise AssertionError("ran")
