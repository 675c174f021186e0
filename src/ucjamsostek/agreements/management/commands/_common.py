"""Shared helpers of the operations commands: one clear Indonesian line on bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.management.base import CommandError

from ucjamsostek.core.money import format_rupiah
from ucjamsostek.errors import USER_ERRORS, user_message

T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """Call ``fn``; turn a user error into a :class:`CommandError` (exit code 2), for callers of
    ``call_command``; the console script (``cli.main``) prints the same message either way."""
    try:
        return fn()
    except USER_ERRORS as exc:
        raise CommandError(user_message(exc), returncode=2) from None


def parse_date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{label}: tanggal harus YYYY-MM-DD, bukan {text!r}", returncode=2) from None


def rp(value: Any) -> str:
    return format_rupiah(int(value or 0))
