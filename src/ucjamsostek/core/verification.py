"""Tiered verification of nomination lists (verifikasi berjenjang, issue 10 §3): the levels a
list passes before its rows join the budget pool, and where a decision sends it.

Levels, bottom up: ``DESA`` (1) submits its list, ``KECAMATAN`` (2) verifies it (an OPD verifies
its own list at this level), ``DINAS`` (3) approves it; ``APPROVED`` (4) is a list whose eligible
rows count. A deployment uses the top ``n`` levels (``UCJAMSOSTEK_VERIFICATION_LEVELS``, 1–3):

* ``n = 3`` — desa submits, kecamatan verifies, Dinas approves;
* ``n = 2`` — kecamatan (or OPD) verifies, Dinas approves (a desa's upload is its submission);
* ``n = 1`` — the Dinas approves (every upload is its sender's submission).

A list starts at its sender's level when that level is in use (the sender reviews and submits
it), else at the next level in use above it; a list the Dinas sends itself is approved at once.
Forwarding moves it to the next level in use above (or approves it at the Dinas); returning, with
a reason, moves it to the next level in use below — never below its sender's level, so a list
returned from the lowest level in use goes back to its sender.

Pure functions: no Django (the screening app stores the decisions, ``accounts.permissions`` says
who decides at which level).
"""

from __future__ import annotations

DESA = 1
KECAMATAN = 2
DINAS = 3
APPROVED = 4

MIN_LEVELS = 1
MAX_LEVELS = 3


def check_levels(n: int) -> int:
    """``n`` when it is a valid number of levels (1–3); else ValueError in plain Indonesian."""
    if not MIN_LEVELS <= n <= MAX_LEVELS:
        raise ValueError(f"Jumlah tingkat verifikasi harus 1, 2 atau 3 (bukan {n}).")
    return n


def active_levels(n: int) -> tuple[int, ...]:
    """The levels in use with ``n`` levels, bottom up: ``(3,)``, ``(2, 3)`` or ``(1, 2, 3)``."""
    return tuple(range(DINAS - check_levels(n) + 1, DINAS + 1))


def initial_level(sender: int, n: int) -> int:
    """Where a list sent by ``sender``'s level starts."""
    if sender >= DINAS:
        return APPROVED
    if sender in active_levels(n):
        return sender
    return next_level(sender, n)


def next_level(level: int, n: int) -> int:
    """Where forwarding a list waiting at ``level`` sends it: the next level in use above, or
    ``APPROVED`` from the Dinas."""
    return min((a for a in active_levels(n) if a > level), default=APPROVED)


def return_level(level: int, sender: int, n: int) -> int | None:
    """Where returning a list waiting at ``level`` sends it: the next level in use below, not
    below its ``sender``'s level (the sender's level itself when no level in use lies between);
    ``None`` when it cannot go back (it waits at its sender's level, or is approved)."""
    if level >= APPROVED or level <= sender:
        return None
    below = [a for a in active_levels(n) if sender <= a < level]
    return max(below, default=sender)
