"""The demo data (``ucjamsostek demo --no-serve``, small) and its users, for browser tests that
walk the app as each demo role does. Register with ``pytest_plugins`` or import the fixture."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

#: Every demo user gets this password (the demo command reads it from ``demo/.kata-sandi``).
DEMO_PASSWORD = "Demo-Uji-Formulir-2026!"  # noqa: S105
DEMO_ARGS = ("--nominations", "400", "--registry", "600", "--no-progress", "--seed", "11")


@dataclass(frozen=True)
class Demo:
    dir: Path
    usernames: dict[str, str]  # demo role key ("dinas", "area", "area_kecamatan", …) → user name
    password: str = DEMO_PASSWORD

    def user(self, role: str) -> Any:
        from ucjamsostek.accounts.models import User

        return User.objects.get(username=self.usernames[role])


@pytest.fixture
def small_demo(settings: Any, tmp_path: Path) -> Demo:
    """The demo dataset, built small into the test database (needs ``transaction=True`` when a
    live server reads it)."""
    from ucjamsostek.accounts.services import ensure_demo_users

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    secret = tmp_path / "demo" / ".kata-sandi"
    secret.parent.mkdir(parents=True, exist_ok=True)
    secret.write_text(DEMO_PASSWORD, encoding="utf-8")
    call_command("demo", "--no-serve", *DEMO_ARGS, stdout=io.StringIO())
    users = ensure_demo_users(settings.AREA_CODE, DEMO_PASSWORD)  # hashes nothing: the same password
    return Demo(dir=tmp_path / "demo", usernames=dict(users.usernames))


def login(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page and wait for the landing page."""
    page.goto(base + "/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert "/akun/masuk/" not in page.url, f"login of {username} failed"
