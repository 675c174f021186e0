"""When a new list may replace the active one without asking (issue 15): a list that replaces
another must not quietly throw most of it away.

A reference list (enrolled, deaths, ASN) or a programme's recipient list replaces the active one
whole. :func:`check_replacement` refuses, unless the user confirmed (``--replace`` on the command
line, a checkbox on the page), a new list that

* is empty,
* holds fewer than :data:`SMALLER_RATIO` of the active list's entries (a 1-row file replacing a
  2.276-entry list), or
* is mostly repeats: fewer than :data:`DISTINCT_RATIO` of its rows are distinct (a 70 MB file of
  one NIK repeated), whether or not a list was active before.

The refusal is a :class:`ReplacementNeedsConfirmation` carrying both counts, so each interface
can ask in its own way.
"""

from __future__ import annotations

from ucjamsostek.core.errors import UserError

SMALLER_RATIO = 0.5
DISTINCT_RATIO = 0.5


def _count(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class ReplacementNeedsConfirmation(UserError):
    """A replacement that would throw most of the active list away; ``active`` and ``distinct``
    (and ``rows``) are the counts the confirmation shows."""

    def __init__(self, message: str, *, active: int, rows: int, distinct: int, file: str | None = None) -> None:
        super().__init__(message, file=file)
        self.active, self.rows, self.distinct = active, rows, distinct


def check_replacement(*, label: str, active: int, rows: int, distinct: int, file: str | None = None) -> None:
    """Refuse (see the module docstring) replacing ``active`` entries by a list of ``rows`` rows with
    ``distinct`` different entries; ``label`` names the list in the message (``daftar asn``)."""
    why = None
    if distinct == 0:
        why = f"{label} baru kosong"
    elif distinct < rows * DISTINCT_RATIO:
        why = f"{label} baru sebagian besar berulang: {_count(rows)} baris, hanya {_count(distinct)} entri berbeda"
    elif distinct < active * SMALLER_RATIO:
        why = f"{label} baru jauh lebih kecil: {_count(distinct)} entri, daftar aktif {_count(active)} entri"
    if why is not None:
        raise ReplacementNeedsConfirmation(
            f"{why[0].upper()}{why[1:]}. Tidak ada yang diganti; bila memang benar, muat ulang dengan konfirmasi "
            "penggantian.",
            active=active,
            rows=rows,
            distinct=distinct,
            file=file,
        )
