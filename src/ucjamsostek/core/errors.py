"""One kind of user error: :class:`UserError`, the base of every error a user can fix.

Every error class of ``core`` derives from it (``IntakeError``, ``MoneyError``, ``RateError``,
``ReconcileError``, ``PeriodError``, ``BudgetInputError``, ``PolicyError``, ``ProjectionError``,
``AssistanceError``, ``OccupationDataError``, ``RegionDataError``), so each interface catches one
type and shows its message in one place:

- pages: ``ucjamsostek.errors.attempt`` (a flash message),
- the API: one exception handler in ``api/api.py`` (a 4xx answer ``{"detail": message}``),
- the CLI: ``ucjamsostek.cli.main`` (one line on stderr, exit code 2).

The message is in Bahasa Indonesia; ``file``, ``sheet``, ``row`` and ``column`` locate it and
``str()`` puts them in front of it (``berkas tagihan.xlsx, lembar 'Data', baris 12, kolom 'NIK':
…``). It never carries more personal data than the user typed into the file they gave us, and
it is not logged. Anything else that escapes (``ValueError``, ``KeyError``…) is a defect: the
user gets a generic message and the log gets the type and stack only (``core/logs.py``).
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; ``str()`` is the located Indonesian message."""

    message: str
    file: str | None
    sheet: str | None
    row: int | None
    column: str | None

    def __init__(
        self,
        message: str,
        file: str | None = None,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column

    def location(self) -> str:
        """``berkas X, lembar 'S', baris 3, kolom 'C'`` (the parts that are known), or ``""``."""
        where = []
        if self.file:
            where.append(f"berkas {self.file}")
        if self.sheet:
            where.append(f"lembar '{self.sheet}'")
        if self.row is not None:
            where.append(f"baris {self.row}")
        if self.column:
            where.append(f"kolom '{self.column}'")
        return ", ".join(where)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class IntakeError(UserError):
    """A file that cannot be read (a nomination file, a reference list, a BPJS file, any imported
    table); ``str()`` is the located Indonesian message. Raised by :mod:`ucjamsostek.core.intake`
    and :mod:`ucjamsostek.core.filelimits`, re-exported by the intake."""
