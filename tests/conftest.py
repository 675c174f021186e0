import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by fixtures
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test"))

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the repository (DESIGN.md, samples, region list)."""
    path = REPO.parent / "shared"
    if not path.is_dir():
        pytest.skip("../shared is not beside the repository")
    return path


ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where browser tests leave screenshots and rendered reports (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright (no browser download). Shared by the browser tests."""
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A fresh browser context (no cookies) and page per test, Indonesian locale, phone-friendly size."""
    context = chromium_browser.new_context(locale="id-ID", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _migrated_master_data(request):
    """A transactional test ends with Django's flush, which empties every table, the master data
    the migrations loaded (segments, funders, occupations, assistance programmes) too: a later
    transactional test gets them back here, as the migrations gave them to the first."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        (marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    )
    if not transactional:
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        from ucjamsostek.assistance.services import seed_programmes
        from ucjamsostek.registry.models import Funder
        from ucjamsostek.registry.services import seed_master_data

        if not Funder.objects.exists():
            seed_master_data()
            seed_programmes()


@pytest.fixture
def inline_jobs(settings):
    """Background jobs run at once in the calling thread (``JOBS_RUN_INLINE``)."""
    settings.JOBS_RUN_INLINE = True


@pytest.fixture
def jobs_worker(settings):
    """The real queue: jobs go through django-tasks' database queue and a worker loop (the one
    ``ucjamsostek worker`` runs) takes them in a thread of the test process. Needs committed data:
    use it with ``live_server`` or ``django_db(transaction=True)``."""
    import threading

    from django.db import connection

    from ucjamsostek.jobs.queue import QueueWorker

    settings.JOBS_RUN_INLINE = False
    worker = QueueWorker(worker_id="test-worker", interval=0.05)

    def loop() -> None:
        try:
            worker.run()
        finally:
            connection.close()

    thread = threading.Thread(target=loop, name="jobs-worker", daemon=True)
    thread.start()
    yield worker
    worker.running = False
    thread.join(timeout=30)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, as in production, not Django's shared in-memory
    database (whose table locks fail at once instead of waiting): the test, a worker thread and
    the server and worker processes started by the tests share it. One file per test run (its
    process id); files of runs that died are removed first."""
    from django.conf import settings
    from django.db import connections

    db = connections["default"].settings_dict
    if not db["ENGINE"].endswith("sqlite3"):
        yield
        return
    folder = Path(settings.DATA_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("test-db-*.sqlite3*"):
        pid = old.name.removeprefix("test-db-").split(".")[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            old.unlink(missing_ok=True)
    name = folder / f"test-db-{os.getpid()}.sqlite3"
    db["TEST"]["NAME"] = str(name)
    yield
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{name}{suffix}").unlink(missing_ok=True)
