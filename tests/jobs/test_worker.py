"""``ucjamsostek worker`` as a real process on the test database: it runs queued jobs, and a worker
killed with SIGKILL mid-job leaves the job failed (never running forever) with its files removed."""

from __future__ import annotations

import signal
from datetime import date
from pathlib import Path

import pytest

from tests.core.nomination_files import write_csv
from tests.people_fixtures import DESA_A, KEC_A
from tests.process_helpers import start, stop, wait_for
from ucjamsostek.core.nik import make_nik
from ucjamsostek.jobs import services as jobs
from ucjamsostek.jobs.models import Job, Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

FIRST = ["La Ode", "Wa Ode", "Muhammad", "Siti", "Andi", "Nur", "Hasna", "Rusdin", "Basri", "Amir"]
LAST = ["Amir", "Sitti", "Rusdin", "Hasan", "Kadir", "Salim", "Tamrin", "Jumadi", "Saleh", "Rahman"]


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_RUN_INLINE = False
    return tmp_path


def nomination_csv(path: Path, rows: int) -> Path:
    from ucjamsostek.regions.models import Region

    desa = Region.objects.get(code=DESA_A)
    lines = ["NIK,Nama,JK,Tanggal Lahir,Desa,Kecamatan"]
    for i in range(rows):
        born = date(1970 + i % 35, 1 + i % 12, 1 + i % 28)
        sex = "L" if i % 2 else "P"
        name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]} {chr(65 + (i // 100) % 26)}{chr(65 + (i // 2600) % 26)}"
        lines.append(
            f"{make_nik(KEC_A, born, sex, 1 + i % 9000)},{name},{sex},{born:%d-%m-%Y},{desa.name},{desa.parent.name}"
        )
    return write_csv(path, lines)


def start_upload(user, path: Path):
    from ucjamsostek.screening import services

    return services.start_upload(
        user,
        None,
        source_kind="desa",
        source_name="Wakoila",
        segment=None,
        as_of=date(2026, 1, 1),
        stored_path=services.copy_for_upload(path),
        file_name=path.name,
    )


def test_the_worker_runs_a_queued_upload(users, data_dir, tmp_path):
    from ucjamsostek.screening.models import NominationBatch

    job = start_upload(users["dinas"], nomination_csv(tmp_path / "usulan.csv", 50))
    assert Job.objects.get(pk=job.pk).status == "queued"
    worker = start(["worker", "--interval", "0.1"], data_dir, tmp_path / "worker.log")
    try:
        done = jobs.wait(job.pk, timeout=120)
        assert done.status == "done", (done.message, (tmp_path / "worker.log").read_text())
        assert NominationBatch.objects.get(pk=done.result["batch_id"]).row_count == 50
        assert Worker.objects.filter(runner=done.runner).exists()  # its heartbeat row, while it runs
    finally:
        assert stop(worker) == 0  # SIGTERM: a clean stop
    assert not Worker.objects.exists()
    assert not (data_dir / "jobs" / str(job.pk)).exists()


def test_a_worker_killed_mid_job_leaves_it_failed_and_its_files_removed(users, data_dir, tmp_path):
    from ucjamsostek.screening import services
    from ucjamsostek.screening.models import NominationBatch

    job = start_upload(users["dinas"], nomination_csv(tmp_path / "besar.csv", 6000))
    upload = Path(Job.objects.get(pk=job.pk).temp_paths[0])
    first = start(["worker", "--interval", "0.1"], data_dir, tmp_path / "worker1.log")
    try:
        # Freeze the worker once it writes the outputs into the job's scratch folder, then kill it.
        wait_for(lambda: jobs.scratch_dir(job.pk).exists(), 300, "the job to write its outputs", 0.01)
        first.send_signal(signal.SIGSTOP)
        running = Job.objects.get(pk=job.pk)
        assert running.status == "running", running.message
        assert upload.exists() and jobs.scratch_dir(job.pk).exists()
    finally:
        first.kill()
        first.wait(30)
    assert Job.objects.get(pk=job.pk).status == "running"  # nothing recorded the death yet

    second = start(["worker", "--interval", "0.1"], data_dir, tmp_path / "worker2.log")
    try:
        failed = wait_for(lambda: Job.objects.filter(pk=job.pk, status="failed").first(), 60, "the sweep")
    finally:
        assert stop(second) == 0
    assert failed.message == jobs.ABANDONED_MESSAGE.format(id=job.pk)
    assert "terhenti" in failed.message and failed.finished_at
    assert not upload.exists() and not jobs.scratch_dir(job.pk).exists()
    assert not list(services.uploads_dir().iterdir())
    assert not NominationBatch.objects.exists()  # nothing half-written
