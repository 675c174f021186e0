"""The backup file: one tar archive with a checksummed manifest (``ucjamsostek backup``/``restore``).

Layout (gzip-compressed tar, mode 600)::

    manifest.json       format, version, when, the database kind and its server version, the
                        last migration of each app, every table's row count and content digest,
                        and every member below with its size and SHA-256
    database.sqlite3    SQLite: a consistent copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: ``pg_dump --format=custom`` of one snapshot
    media/...           the uploaded and generated files (``MEDIA_ROOT``)

:func:`read_archive` refuses, with one Indonesian message (:class:`BackupError`), a file that is
not a tar archive, has no manifest or another format ("foreign"), lacks a listed member, holds an
unlisted one or a path outside the archive, or whose member does not match its size or checksum
("corrupt"). :func:`table_digest` is the content checksum of one table (rows in key order).
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from ucjamsostek.core.errors import UserError
from ucjamsostek.core.intake import file_sha256

FORMAT = "ucjamsostek-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(UserError):
    """The backup file cannot be used; the message (Indonesian) says why."""


@dataclass(frozen=True)
class Member:
    """A file to put in the archive under ``name`` (POSIX path inside it)."""

    name: str
    path: Path


def _value(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bytes | bytearray | memoryview):
        return "x" + bytes(value).hex()
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def table_digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    """Row count and SHA-256 of a table's rows (given in a stable order): equal tables, equal digests."""
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update("\x1f".join(_value(v) for v in row).encode("utf-8"))
        digest.update(b"\x1e")
        count += 1
    return count, digest.hexdigest()


def write_archive(out: Path, manifest: dict[str, Any], members: Sequence[Member]) -> dict[str, Any]:
    """Write the archive to ``out`` (atomically: a temporary file renamed at the end, mode 600) with
    ``manifest`` completed by the format, and each member's size and checksum. Returns the manifest."""
    files = []
    for m in members:
        files.append({"name": m.name, "size": m.path.stat().st_size, "sha256": file_sha256(m.path)})
    manifest = {"format": FORMAT, "version": VERSION, **manifest, "files": files}
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}-", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.chmod(0o600)
        with tarfile.open(tmp, "w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, indent=1, ensure_ascii=False).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), 0o600
            with tempfile.TemporaryFile() as buf:
                buf.write(data)
                buf.seek(0)
                tar.addfile(info, buf)
            for m in members:
                tar.add(m.path, arcname=m.name, recursive=False)
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts


def read_archive(path: Path, into: Path) -> dict[str, Any]:
    """Check ``path`` and extract its members into ``into``; return the manifest (see the module
    docstring for what is refused)."""
    label = path.name
    try:
        tar = tarfile.open(path, "r:*")
    except FileNotFoundError:
        raise BackupError(f"Berkas cadangan {label} tidak ditemukan.") from None
    except (tarfile.TarError, OSError, EOFError):
        raise BackupError(f"{label} bukan berkas cadangan ucjamsostek (bukan arsip tar yang utuh).") from None
    with tar:
        try:
            infos = tar.getmembers()
            manifest = _manifest(tar, infos, label)
            _extract(tar, infos, manifest, into, label)
        except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
            raise BackupError(f"Berkas cadangan {label} rusak ({type(exc).__name__}): buat cadangan baru.") from None
    return manifest


def _manifest(tar: tarfile.TarFile, infos: list[tarfile.TarInfo], label: str) -> dict[str, Any]:
    first = next((i for i in infos if i.name == MANIFEST), None)
    handle = tar.extractfile(first) if first is not None and first.isfile() else None
    if handle is None:
        raise BackupError(f"{label} bukan berkas cadangan ucjamsostek (tidak ada {MANIFEST}).")
    try:
        manifest = json.loads(handle.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(f"Berkas cadangan {label} rusak: {MANIFEST} tidak terbaca.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{label} bukan berkas cadangan ucjamsostek (format lain).")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"Berkas cadangan {label} berformat versi {manifest.get('version')}; versi ini membaca versi {VERSION}."
        )
    if not isinstance(manifest.get("files"), list):
        raise BackupError(f"Berkas cadangan {label} rusak: daftar berkas di {MANIFEST} tidak ada.")
    return manifest


def _extract(
    tar: tarfile.TarFile, infos: list[tarfile.TarInfo], manifest: dict[str, Any], into: Path, label: str
) -> None:
    listed = {str(f["name"]): f for f in manifest["files"]}
    present = {i.name: i for i in infos if i.name != MANIFEST and not (i.isdir() and _safe_name(i.name))}
    for name in present:
        if name not in listed or not _safe_name(name) or not present[name].isfile():
            raise BackupError(f"Berkas cadangan {label} rusak: berisi {name!r} yang tidak tercatat di manifes.")
    for name, entry in listed.items():
        info = present.get(name)
        if info is None:
            raise BackupError(f"Berkas cadangan {label} rusak: {name} hilang dari arsip.")
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(info)
        if source is None:
            raise BackupError(f"Berkas cadangan {label} rusak: {name} tidak terbaca.")
        digest, size = hashlib.sha256(), 0
        with target.open("wb") as fh:
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                fh.write(chunk)
        if size != entry.get("size") or digest.hexdigest() != entry.get("sha256"):
            raise BackupError(f"Berkas cadangan {label} rusak: isi {name} tidak cocok dengan checksum di manifes.")
