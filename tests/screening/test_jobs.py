"""The background job facility: jobs go through the durable queue to a worker, progress is
visible while they run, failures are caught, the files a job owns are removed."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest

from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

RELEASE = threading.Event()
SECRET = "La Ode Amir " + "7413011705900011"


# Job bodies are module-level functions: the worker imports them by name.
def slow_work(ctx, n):
    assert threading.current_thread().name == "jobs-worker"
    ctx.progress("Tahap satu", 0.4)
    RELEASE.wait(10)
    ctx.progress("Tahap dua", 0.9)
    return {"n": n, "message": "beres"}


def known_failure(ctx):
    raise jobs.JobError("berkas x.xlsx, baris 4: NIK kosong", result={"hint": 1})


def crash(ctx):
    raise ValueError(SECRET)  # the trace shows this source line, never the value


def many_progress_writes(ctx):
    for i in range(500):
        ctx.progress("Menghitung", i / 500)
    return {}


def leaves_files(ctx, owned):
    (ctx.scratch_dir() / "partial.xlsx").write_bytes(b"half")
    assert Path(owned).exists()
    raise jobs.JobError("gagal")


def test_job_runs_in_the_worker_and_reports_progress(users, jobs_worker):
    RELEASE.clear()
    seen: list[float] = []
    job = jobs.start("test.work", slow_work, 7, user=users["dinas"])
    assert job.task_id  # its entry in the durable queue
    # the job row shows the first stage while the worker waits
    for _ in range(200):
        current = Job.objects.get(pk=job.pk)
        if current.stage == "Tahap satu":
            seen.append(current.progress)
            break
        threading.Event().wait(0.05)
    assert seen == [0.4] and Job.objects.get(pk=job.pk).status == "running"
    RELEASE.set()
    done = jobs.wait(job.pk, timeout=20)
    assert (done.status, done.progress, done.result, done.message) == ("done", 1.0, {"n": 7}, "beres")
    assert done.started_at and done.finished_at and done.created_by == users["dinas"]
    assert done.runner == jobs.runner_id()


def test_a_queued_job_waits_for_a_worker(users):
    job = jobs.start("test.work", many_progress_writes, user=users["dinas"])
    assert Job.objects.get(pk=job.pk).status == "queued"


def test_a_job_body_must_be_importable(users):
    def local(ctx):
        return {}

    with pytest.raises(TypeError, match="module-level"):
        jobs.start("test.local", local, user=users["dinas"])
    assert not Job.objects.exists()


def test_known_failure_keeps_its_message(users, jobs_worker):
    job = jobs.start("test.fail", known_failure, user=users["dinas"])
    done = jobs.wait(job.pk, timeout=20)
    assert (done.status, done.message, done.result) == ("failed", "berkas x.xlsx, baris 4: NIK kosong", {"hint": 1})


def test_unexpected_failure_is_caught_without_personal_data_in_the_log(users, jobs_worker, caplog):
    from django_tasks_db.models import DBTaskResult

    with caplog.at_level(logging.ERROR):
        job = jobs.start("test.crash", crash, user=users["dinas"])
        done = jobs.wait(job.pk, timeout=20)
    assert done.status == "failed" and f"#{job.pk}" in done.message
    assert "ValueError" in caplog.text
    assert "7413011705900011" not in caplog.text and "La Ode" not in caplog.text
    queued = DBTaskResult.objects.get(pk=done.task_id)  # the queue keeps no exception text either
    assert "La Ode" not in queued.traceback and "7413011705900011" not in str(queued.args_kwargs)


def test_progress_writes_are_throttled(users, jobs_worker, django_assert_max_num_queries):
    job = jobs.start("test.many", many_progress_writes, user=users["dinas"])
    assert jobs.wait(job.pk, timeout=20).status == "done"
    ctx = jobs.JobContext(job_id=job.pk, user_id=None)
    with django_assert_max_num_queries(2):
        for i in range(200):
            ctx.progress("Menghitung", i / 200)


def test_the_files_a_job_owns_are_removed_when_it_fails(users, settings, tmp_path, jobs_worker):
    settings.DATA_DIR = tmp_path
    owned = tmp_path / "media" / "uploads" / "upload.xlsx"
    owned.parent.mkdir(parents=True)
    owned.write_bytes(b"data")
    job = jobs.start("test.files", leaves_files, str(owned), user=users["dinas"], owns=[owned])
    done = jobs.wait(job.pk, timeout=20)
    assert done.status == "failed"
    assert not owned.exists() and not jobs.scratch_dir(job.pk).exists()


def test_upload_job_in_the_background_reaches_done(users, small_file, jobs_worker):
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
    assert not list(services.uploads_dir().iterdir())  # the upload and the job's scratch files are gone
    assert not jobs.scratch_dir(job.pk).exists()


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


def test_staged_progress_counts_the_rows_of_each_stage():
    seen: list[tuple] = []
    bar = jobs.StagedProgress(lambda *a: seen.append(a), [("baca", 1.0), ("tulis", 1.0)], counted=["tulis"])
    bar("baca", 0.0)  # rows not known yet: none shown
    bar.rows = 1000
    bar("baca", 1.0)
    bar("tulis", 0.0)
    bar("tulis", 0.25)  # a counted stage: its fraction is its share of rows
    bar("lain", 0.5)  # a stage done in one step shows its rows when it ends
    assert seen == [("baca", 0.0), ("baca", 0.5, (1000, 1000)), ("tulis", 0.5, (0, 1000)),
                    ("tulis", 0.625, (250, 1000)), ("lain", 0.625, (0, 1000))]  # fmt: skip


def test_the_job_shows_n_of_m_rows_of_its_stage(users):
    job = Job.objects.create(kind="screening.upload", created_by=users["dinas"], status="running")
    ctx = jobs.JobContext(job_id=job.pk, user_id=None)
    ctx.progress("Menulis laporan", 0.8, (12_500, 1_000_000))
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.rows_text) == (12_500, 1_000_000, "12.500 dari 1.000.000 baris")
    ctx.progress("Menulis laporan", 0.81, (1_000_000, 1_000_000))  # the last rows are always written
    job.refresh_from_db()
    assert job.rows_done == 1_000_000
    ctx.progress("Menyiapkan data rujukan", 0.9)  # a stage without rows shows none
    job.refresh_from_db()
    assert (job.rows_total, job.rows_text) == (0, "")


def test_an_upload_job_reports_rows_done_of_total_per_stage(users, small_file, monkeypatch, settings):
    from tests.screening.conftest import AS_OF
    from ucjamsostek.screening import services

    settings.JOBS_RUN_INLINE = True
    seen: list[tuple] = []
    real = jobs.JobContext.progress

    def spy(self, stage, fraction, rows=None):
        seen.append((stage, rows))
        real(self, stage, fraction, rows)

    monkeypatch.setattr(jobs.JobContext, "progress", spy)
    job = services.start_upload(users["dinas"], None, source_kind="desa", source_name="Wakoila", segment=None,
                                as_of=AS_OF, stored_path=services.copy_for_upload(small_file),
                                file_name=small_file.name)  # fmt: skip
    assert Job.objects.get(pk=job.pk).status == "done"
    stages = {stage: rows for stage, rows in seen}  # the last report of each stage
    assert stages["Membaca berkas"] == (6, 6)
    for stage in ("Memeriksa aturan", "Mencocokkan desa/kelurahan", "Mencari data ganda", "Menulis laporan",
                  "Menyimpan hasil"):  # fmt: skip
        assert stages[stage] == (6, 6), (stage, seen)
    assert ("Menyimpan hasil", (0, 6)) in seen
