"""The background job facility: a real thread, progress visible while it runs, failures caught."""

from __future__ import annotations

import logging
import threading

import pytest

from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def test_job_runs_in_a_thread_and_reports_progress(users):
    release = threading.Event()
    seen: list[float] = []

    def work(ctx, n):
        assert threading.current_thread().name == f"job-{ctx.job_id}"
        ctx.progress("Tahap satu", 0.4)
        release.wait(10)
        ctx.progress("Tahap dua", 0.9)
        return {"n": n, "message": "beres"}

    job = jobs.start("test.work", work, 7, user=users["dinas"])
    # the job row shows the first stage while the thread waits
    for _ in range(100):
        current = Job.objects.get(pk=job.pk)
        if current.stage == "Tahap satu":
            seen.append(current.progress)
            break
        threading.Event().wait(0.05)
    assert seen == [0.4] and Job.objects.get(pk=job.pk).status == "running"
    release.set()
    done = jobs.wait(job.pk, timeout=20)
    assert (done.status, done.progress, done.result, done.message) == ("done", 1.0, {"n": 7}, "beres")
    assert done.started_at and done.finished_at and done.created_by == users["dinas"]


def test_known_failure_keeps_its_message(users):
    def work(ctx):
        raise jobs.JobError("berkas x.xlsx, baris 4: NIK kosong", result={"hint": 1})

    job = jobs.start("test.fail", work, user=users["dinas"])
    done = jobs.wait(job.pk, timeout=20)
    assert (done.status, done.message, done.result) == ("failed", "berkas x.xlsx, baris 4: NIK kosong", {"hint": 1})


def test_unexpected_failure_is_caught_without_personal_data_in_the_log(users, caplog):
    secret = "La Ode Amir " + "7413011705900011"

    def work(ctx):
        raise ValueError(secret)  # the trace shows this source line, never the value

    with caplog.at_level(logging.ERROR):
        job = jobs.start("test.crash", work, user=users["dinas"])
        done = jobs.wait(job.pk, timeout=20)
    assert done.status == "failed" and f"#{job.pk}" in done.message
    assert "ValueError" in caplog.text
    assert "7413011705900011" not in caplog.text and "La Ode" not in caplog.text


def test_progress_writes_are_throttled(users, django_assert_max_num_queries):
    def work(ctx):
        for i in range(500):
            ctx.progress("Menghitung", i / 500)
        return {}

    job = jobs.start("test.many", work, user=users["dinas"])
    assert jobs.wait(job.pk, timeout=20).status == "done"
    ctx = jobs.JobContext(job_id=job.pk, user_id=None)
    with django_assert_max_num_queries(2):
        for i in range(200):
            ctx.progress("Menghitung", i / 200)


def test_upload_job_in_the_background_reaches_done(users, small_file):
    from tests.screening.conftest import AS_OF
    from ucjamsostek.screening import services
    from ucjamsostek.screening.models import NominationBatch

    job = services.start_upload(
        users["dinas"],
        None,
        source_kind="desa",
        source_name="Wakoila",
        segment=None,
        as_of=AS_OF,
        stored_path=services.copy_for_upload(small_file),
        file_name=small_file.name,
    )
    done = jobs.wait(job.pk, timeout=120)
    assert done.status == "done", done.message
    batch = NominationBatch.objects.get(pk=done.result["batch_id"])
    assert batch.row_count == 6 and batch.file_name == "usulan-kecil.xlsx"
    assert (services.outputs_dir(batch.pk) / "hasil-validasi.xlsx").exists()


def test_staged_progress_moves_forward_only():
    seen: list[tuple[str, float]] = []
    bar = jobs.StagedProgress(
        lambda s, f: seen.append((s, round(f, 3))), [("baca", 1.0), ("cocok", 3.0)], 0.0, 0.8, {"baca": "Membaca"}
    )
    bar("baca", 0.0)
    bar("baca", 1.0)
    bar("cocok", 0.0)
    bar("lain", 0.3)  # unknown stage: the name shows, the bar stays
    bar("cocok", 0.5)
    bar("baca", 0.5)  # a late report of an earlier stage never moves the bar back
    assert seen == [("Membaca", 0.0), ("Membaca", 0.2), ("cocok", 0.2), ("lain", 0.2), ("cocok", 0.5), ("Membaca", 0.5)]


def test_jobs_list_command(users, capsys):
    from django.core.management import call_command

    Job.objects.create(kind="screening.upload", created_by=users["dinas"], status="failed", message="berkas x: rusak")
    call_command("jobs", "list")
    out = capsys.readouterr().out
    assert "screening.upload" in out and "failed" in out and "u_dinas" in out and "berkas x: rusak" in out
