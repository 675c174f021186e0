"""Start-up checks shared by the console script: a clear message for the usual set-up mistakes."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, OperationalError

from ucjamsostek.config import ConfigError
from ucjamsostek.core.regiondata import region_code_known
from ucjamsostek.nikcrypt import check_key

# Commands that work before the database exists or is migrated.
_NO_DB_COMMANDS = {"", "help", "--help", "-h", "version", "--version", "migrate", "init", "demo",
                   "makemigrations", "check", "collectstatic", "compilemessages", "makemessages",
                   "shell", "test", "dbshell", "showmigrations", "sqlmigrate", "restore"}  # fmt: skip


def check_deployment(command: str) -> None:
    """Checks that need no database: the area code must exist in the region master data."""
    if not region_code_known(settings.AREA_CODE):  # no Polars here: see region_code_known
        raise ConfigError(
            f"UCJAMSOSTEK_AREA_CODE={settings.AREA_CODE} tidak ada dalam daftar wilayah Kemendagri "
            "(Kepmendagri 300.2.2-2138/2025). Contoh yang benar: 74.13 untuk Kabupaten Muna Barat."
        )
    if command not in _NO_DB_COMMANDS:
        _check_database()


def _check_database() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise ConfigError(_database_message(exc)) from exc
    if pending:
        raise ConfigError(
            "basis data belum disiapkan atau belum mutakhir: jalankan `ucjamsostek init` terlebih dahulu."
        )
    check_key(connection)  # the NIKs stored are readable with the key in use


def _database_message(exc: Exception) -> str:
    db = settings.DATABASES["default"]
    where = db.get("NAME") if "sqlite" in db["ENGINE"] else f"{db.get('HOST')}:{db.get('PORT')}/{db.get('NAME')}"
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return (
        f"basis data {where} tidak dapat dibuka ({first_line}). "
        "Periksa DATABASE_URL dan apakah server basis data berjalan."
    )


def explain(exc: BaseException) -> str | None:
    """A one-line message for errors a user can fix, or None to show the traceback."""
    if isinstance(exc, OperationalError | DatabaseError):
        return _database_message(exc)
    if isinstance(exc, ConfigError):
        return f"konfigurasi salah: {exc}"
    return None
