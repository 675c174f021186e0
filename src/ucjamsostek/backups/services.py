"""Backups of the whole service and their restore (``ucjamsostek backup`` / ``restore``).

A backup is one archive (``core/backupfile.py``): the database — on SQLite a copy made with
SQLite's online backup API (pages keep being readable and writable meanwhile), on PostgreSQL
``pg_dump --format=custom`` of one exported snapshot — and the files under ``MEDIA_ROOT``
(uploads, screening outputs, reports), with a manifest of checksums, the applied migrations, and
every table's row count and content digest taken from the same snapshot.

A restore checks the archive first (a corrupt or foreign file is refused before anything is
touched), refuses a backup of the other database kind or of a newer version, refuses to overwrite
a database or media folder that holds data unless ``force``, then replaces the database and the
files and compares every table's row count and digest with the manifest. The secret key (and any
encryption key) is never in a backup: keep it apart.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from ucjamsostek.core.backupfile import BackupError, Member, read_archive, table_digest, write_archive

SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
#: Rows written by ``migrate`` itself: a database holding only these is empty.
SCHEMA_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})

Say = Callable[[str], None]


def _quiet(text: str) -> None:
    return None


# ------------------------------------------------------------------------------------ backup
def create_backup(out: Path, *, say: Say = _quiet) -> dict[str, Any]:
    """Write the backup of the configured database and media files to ``out``; return its manifest."""
    out = out.resolve()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=out.parent if out.parent.exists() else None) as tmp:
        work = Path(tmp)
        if connection.vendor == "sqlite":
            database, tables, server = _sqlite_snapshot(work / SQLITE_MEMBER), None, sqlite3.sqlite_version
            tables = _sqlite_tables(database)
        elif connection.vendor == "postgresql":
            database, tables, server = _pg_snapshot(work / PG_MEMBER)
        else:  # pragma: no cover - settings allow only these two
            raise BackupError(f"Basis data {connection.vendor} tidak didukung untuk cadangan.")
        say(f"basis data: {len(tables)} tabel, {sum(t['rows'] for t in tables.values())} baris")
        members = [Member(database.name, database), *_media_members()]
        manifest = {
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": connection.vendor, "server_version": server, "member": database.name},
            "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()),
            "tables": tables,
        }
        manifest = write_archive(out, manifest, members)
    say(f"{len(members) - 1} berkas unggahan/hasil; {time.monotonic() - started:.1f} detik")
    return manifest


def _sqlite_snapshot(target: Path) -> Path:
    source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        copy.close()
        source.close()
    return target


def _sqlite_tables(path: Path) -> dict[str, dict[str, Any]]:
    """Row count and digest of every table of a SQLite file (plain sqlite3: values as stored)."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        out = {}
        for name in names:
            if name.startswith("sqlite_"):
                continue
            columns = con.execute(f'PRAGMA table_info("{name}")').fetchall()
            keys = [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]] or [c[1] for c in columns]
            order = ", ".join(f'"{k}"' for k in keys)
            rows, digest = table_digest(con.execute(f'SELECT * FROM "{name}" ORDER BY {order}'))  # noqa: S608
            out[name] = {"rows": rows, "sha256": digest}
        return out
    finally:
        con.close()


def _pg_tables() -> dict[str, dict[str, Any]]:
    """Row count and digest of every table, read in the current transaction (server-side cursor)."""
    quote = connection.ops.quote_name
    out = {}
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        keys = {n: connection.introspection.get_primary_key_columns(cursor, n) or [] for n in names}
    for name in names:
        with connection.chunked_cursor() as cursor:
            order = ", ".join(quote(k) for k in keys[name]) or "1"
            cursor.execute(f"SELECT * FROM {quote(name)} ORDER BY {order}")  # noqa: S608
            rows, digest = table_digest(_fetch(cursor))
        out[name] = {"rows": rows, "sha256": digest}
    return out


def _fetch(cursor: Any) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(5000):
        yield from batch


def _pg_snapshot(target: Path) -> tuple[Path, dict[str, dict[str, Any]], str]:
    """pg_dump of one exported snapshot, and the tables' digests read from the same snapshot."""
    pg_dump = _pg_tool("pg_dump")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        command = [pg_dump, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}", "-f", str(target)]
        _run(command + _pg_target())
        tables = _pg_tables()
    return target, tables, _pg_server_version()


def _media_members() -> list[Member]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            found.append(Member(MEDIA_PREFIX + path.relative_to(root).as_posix(), path))
    return found


# ----------------------------------------------------------------------------------- restore
def restore_backup(path: Path, *, force: bool = False, say: Say = _quiet) -> dict[str, Any]:
    """Restore the backup ``path`` into the configured database and media folder (see the module
    docstring); returns its manifest. Raises :class:`BackupError` with the reason."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as tmp:
        work = Path(tmp)
        manifest = read_archive(path, work)
        _check_compatible(manifest, path.name)
        filled = _filled_tables()
        media = Path(settings.MEDIA_ROOT)
        has_media = media.is_dir() and any(p.is_file() for p in media.rglob("*"))
        if (filled or has_media) and not force:
            what = f"{len(filled)} tabel berisi data" if filled else "folder berkas unggahan berisi berkas"
            raise BackupError(
                f"Basis data tujuan tidak kosong ({what}); pemulihan akan menggantinya seluruhnya. "
                "Ulangi dengan --force bila memang itu yang dimaksud."
            )
        database = work / manifest["database"]["member"]
        if connection.vendor == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_pg(database, drop=bool(filled) or _has_tables())
        say("basis data dipulihkan")
        _restore_media(work / "media", media)
        say(f"{sum(1 for f in manifest['files'] if f['name'].startswith(MEDIA_PREFIX))} berkas dipulihkan")
    _verify(manifest)
    return manifest


def _check_compatible(manifest: dict[str, Any], label: str) -> None:
    vendor = manifest.get("database", {}).get("vendor")
    if vendor != connection.vendor:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{label} adalah cadangan {names.get(vendor, vendor)}, sedangkan basis data tujuan "
            f"{names.get(connection.vendor, connection.vendor)}: pulihkan ke basis data sejenis."
        )
    known = {f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations}
    newer = sorted(set(manifest.get("migrations", [])) - known)
    if newer:
        raise BackupError(
            f"{label} dibuat oleh versi ucjamsostek yang lebih baru (migrasi {newer[0]} tidak dikenal): "
            "perbarui aplikasi terlebih dahulu."
        )


def _has_tables() -> bool:
    with connection.cursor() as cursor:
        return bool(connection.introspection.table_names(cursor))


def _filled_tables() -> list[str]:
    quote = connection.ops.quote_name
    filled = []
    with connection.cursor() as cursor:
        for name in connection.introspection.table_names(cursor):
            if name in SCHEMA_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(name)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                filled.append(name)
    return filled


def _restore_sqlite(source_path: Path) -> None:
    target = settings.DATABASES["default"]["NAME"]
    connections.close_all()
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=WAL")
    finally:
        dest.close()
        source.close()


def _restore_pg(dump: Path, *, drop: bool) -> None:
    pg_restore = _pg_tool("pg_restore")
    if drop:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    connections.close_all()
    _run([pg_restore, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction", *_pg_target(), str(dump)])


def _restore_media(extracted: Path, media: Path) -> None:
    media.parent.mkdir(parents=True, exist_ok=True)
    old = media.with_name(f".{media.name}-old-{os.getpid()}")
    if media.exists():
        media.rename(old)
    try:
        if extracted.is_dir():
            shutil.move(str(extracted), media)
        else:
            media.mkdir()
    except BaseException:
        if old.exists() and not media.exists():
            old.rename(media)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _verify(manifest: dict[str, Any]) -> None:
    """Every table of the manifest has, in the restored database, its row count and digest."""
    if connection.vendor == "sqlite":
        got = _sqlite_tables(Path(settings.DATABASES["default"]["NAME"]))
    else:
        with transaction.atomic():
            got = _pg_tables()
    for name, expected in manifest["tables"].items():
        if got.get(name) != expected:
            raise BackupError(
                f"Pemulihan tidak cocok dengan cadangan: tabel {name} berisi {got.get(name, {}).get('rows', 0)} "
                f"baris, seharusnya {expected['rows']} (atau isinya berbeda). Periksa log basis data."
            )


# -------------------------------------------------------------------------------- PostgreSQL
def _pg_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``, refused when missing or older than the server."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} tidak ditemukan: pasang paket postgresql-client (versi sama dengan server).")
    answer = subprocess.run([found, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", answer)
    server_major = int(_pg_server_version().split(".")[0])
    if match is None or int(match.group(1)) < server_major:
        raise BackupError(
            f"{name} versi {match.group(1) if match else '?'} lebih lama dari server PostgreSQL {server_major}: "
            f"pasang postgresql-client-{server_major}."
        )
    return found


def _pg_server_version() -> str:
    version = connection.cursor().connection.info.server_version  # e.g. 150020
    return f"{version // 10000}.{version % 10000}"


def _pg_target() -> list[str]:
    db = settings.DATABASES["default"]
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    return [*args, "-d", str(db["NAME"])]


def _run(command: list[str]) -> None:
    env = {**os.environ}
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        env["PGPASSWORD"] = str(password)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["?"])[0]
        raise BackupError(f"{Path(command[0]).name} gagal: {first}")
