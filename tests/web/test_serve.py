"""``ucjamsostek serve`` and ``ucjamsostek worker`` as real processes (the commands of the systemd
unit and the container in ``deploy/``), on the test database: log in through the real server with
a real HTTP client, see the dashboard, upload a file whose job the real worker runs, and the job
survives a restart (here a SIGKILL) of the web server."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import requests

from tests.core.nomination_files import write_xlsx
from tests.people_fixtures import PASSWORD
from tests.process_helpers import free_port, kill_group, start, stop, wait_for
from tests.screening.conftest import rows_for, villages  # noqa: F401

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def data_dir(settings, tmp_path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def serve(data_dir: Path, port: int, log: Path):
    proc = start(["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2"], data_dir, log)

    def answers() -> bool:
        assert proc.poll() is None, log.read_text()
        try:
            return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code in (200, 503)
        except requests.ConnectionError:
            return False

    wait_for(answers, 120, "the server to answer", 0.2)
    return proc


def login(base: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/akun/masuk/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/akun/masuk/",
        data={"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        headers={"Referer": f"{base}/akun/masuk/"},
        timeout=30,
    )
    assert answer.status_code == 200 and answer.url == f"{base}/", answer.text[:500]
    return session


def csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', session.get(url, timeout=30).text).group(1)


def test_serve_logs_in_shows_the_dashboard_and_a_job_survives_a_server_restart(users, villages, data_dir, tmp_path):  # noqa: F811
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(data_dir, port, tmp_path / "serve.log")
    worker = None
    try:
        # Not healthy yet: no worker runs.
        health = requests.get(f"{base}/healthz", timeout=10)
        assert health.status_code == 503 and health.json()["checks"]["database"]["ok"]
        session = login(base, "u_dinas")
        home = session.get(f"{base}/", timeout=30)
        assert home.status_code == 200 and "<h1>Beranda</h1>" in home.text
        dashboard = session.get(f"{base}/monev/", timeout=60)
        assert dashboard.status_code == 200 and "<h1" in dashboard.text
        session.get(f"{base}/penduduk/7413014501900001/?q=Wa+Ode", timeout=30)  # a NIK in the path
        static = session.get(f"{base}/static/web/app.css", timeout=30)  # whitenoise
        assert static.status_code == 200 and static.headers["Content-Type"].startswith("text/css")

        # Upload through the server: the job is queued (no worker yet).
        upload = write_xlsx(tmp_path / "usulan-kecil.xlsx", rows_for(villages))
        with upload.open("rb") as fh:
            answer = session.post(
                f"{base}/validasi/unggah/",
                data={
                    "csrfmiddlewaretoken": csrf(session, f"{base}/validasi/unggah/"),
                    "source_kind": "desa",
                    "source_name": "Wakoila",
                    "as_of": date(2026, 1, 1).isoformat(),
                },
                files={"file": ("usulan-kecil.xlsx", fh)},
                headers={"Referer": f"{base}/validasi/unggah/"},
                timeout=60,
            )
        job_id = int(re.search(r"/validasi/unggah/(\d+)/", answer.url).group(1))
        status = session.get(f"{base}/pekerjaan/{job_id}/status/", timeout=30).json()
        assert status["status"] == "queued"

        # The web server dies; the queued job does not.
        kill_group(server)
        worker = start(["worker", "--interval", "0.2"], data_dir, tmp_path / "worker.log")
        server = serve(data_dir, port, tmp_path / "serve2.log")

        def finished() -> dict | None:
            state = session.get(f"{base}/pekerjaan/{job_id}/status/", timeout=30).json()
            return state if state["finished"] else None

        done = wait_for(finished, 180, "the worker to finish the upload", 0.5)
        assert done["status"] == "done", (done["message"], (tmp_path / "worker.log").read_text()[-2000:])
        batch = session.get(f"{base}/validasi/unggah/{job_id}/", timeout=30)
        assert batch.status_code == 200 and f"/validasi/berkas/{done['result']['batch_id']}/" in batch.url
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    finally:
        assert stop(server) == 0
        if worker is not None:
            assert stop(worker) == 0

    # Logs are JSON lines, an access line per request, without the password, a NIK or a query.
    import json

    lines = [json.loads(line) for line in (tmp_path / "serve.log").read_text().splitlines() if line.startswith("{")]
    access = [e for e in lines if e["logger"] == "gunicorn.access"]
    assert any(e["path"] == "/akun/masuk/" and e["method"] == "POST" and e["status"] == 302 for e in access)
    assert any(e["path"] == "/penduduk/[NIK]/" for e in access)
    text = (tmp_path / "serve.log").read_text()
    assert PASSWORD not in text and "7413014501900001" not in text and "Wa+Ode" not in text
