"""Shared helpers of the operations commands: one clear Indonesian line on bad input."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from ucjamsostek.core.intake import IntakeError
from ucjamsostek.core.money import format_rupiah

T = TypeVar("T")


def run(fn: Callable[[], T]) -> T:
    """Call ``fn``; turn the errors users cause into a :class:`CommandError` (exit code 2)."""
    try:
        return fn()
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages), returncode=2) from None
    except (IntakeError, PermissionDenied, ValueError) as exc:
        raise CommandError(str(exc), returncode=2) from None


def parse_date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{label}: tanggal harus YYYY-MM-DD, bukan {text!r}", returncode=2) from None


def rp(value: Any) -> str:
    return format_rupiah(int(value or 0))
