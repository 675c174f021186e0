"""Helpers for tests that start the real console script in a child process (server, worker) on the
test database: its environment, a free loopback port, and waiting for a condition."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings

SCRIPT = Path(sys.executable).with_name("ucjamsostek")


def database_url() -> str:
    """The URL of the database the tests use now (the test database, not the configured one)."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def child_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        DATABASE_URL=database_url(),
        UCJAMSOSTEK_DATA_DIR=str(data_dir),
        UCJAMSOSTEK_SECRET_KEY="test-secret-key-for-child-processes-0123456789",
        # the test database's NIKs are encrypted under the test process's key (nikcrypt)
        UCJAMSOSTEK_NIK_KEY=settings.NIK_KEY.decode(),
        UCJAMSOSTEK_JOBS_INLINE="false",
    )
    env.update(extra)
    return env


def start(args: list[str], data_dir: Path, log: Path, **extra: str) -> subprocess.Popen[bytes]:
    """Start ``ucjamsostek ARGS`` on the test database, its output in ``log``, in a process group
    of its own (:func:`kill_group` ends it with the processes it forked)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(SCRIPT), *args],
            env=child_env(data_dir, **extra),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and every process it started (a crash, a power cut)."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(30)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 30) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        return -signal.SIGKILL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def run_cli(args: list[str], data_dir: Path, timeout: float = 600, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``ucjamsostek ARGS`` to its end on the test database (or ``DATABASE_URL=`` given)."""
    return subprocess.run(
        [str(SCRIPT), *args], env=child_env(data_dir, **extra), capture_output=True, text=True, timeout=timeout
    )
