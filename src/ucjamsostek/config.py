"""Deployment configuration read from environment variables.

Everything a deployment sets lives here, with safe production defaults:

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | ``sqlite:///<data dir>/ucjamsostek.sqlite3`` | database URL (``postgres://user@host:5432/db``) |
| ``UCJAMSOSTEK_DATA_DIR`` | ``./var`` | where the embedded database, uploads and generated keys live |
| ``UCJAMSOSTEK_SECRET_KEY`` | generated once into ``<data dir>/secret_key`` | Django secret key |
| ``UCJAMSOSTEK_NIK_KEY`` | read from the NIK key file | key of the NIK encryption at rest and of the keyed NIK hashes |
| ``UCJAMSOSTEK_NIK_KEY_FILE`` | ``<data dir>/nik_key`` (made once, mode 600) | NIK key file (without the variable) |
| ``UCJAMSOSTEK_DEBUG`` | ``false`` | debug pages; never on in production |
| ``UCJAMSOSTEK_AREA_CODE`` | ``74.13`` | Kemendagri code of the deployment's area (regency or province) |
| ``UCJAMSOSTEK_ALLOWED_HOSTS`` | ``localhost,127.0.0.1`` | comma-separated host names |
| ``UCJAMSOSTEK_AGE_MIN`` / ``UCJAMSOSTEK_AGE_MAX`` | ``15`` / ``65`` | programme age limits at the as-of date |
| ``UCJAMSOSTEK_MONEV_SNAPSHOT_MAX_AGE`` | ``900`` | seconds a monitoring snapshot counts as fresh |
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

_TRUE = {"1", "true", "yes", "on", "ya"}
_FALSE = {"0", "false", "no", "off", "tidak", ""}
_AREA = re.compile(r"^\d{2}(\.\d{2}){0,2}$")


class ConfigError(Exception):
    """A configuration value is wrong; the message says which and how to fix it."""


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} bukan nilai ya/tidak (gunakan true atau false).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} bukan bilangan bulat.") from None


def env_str(name: str, default: str) -> str:
    raw = os.environ.get(name)
    return default if raw is None or not raw.strip() else raw.strip()


def data_dir() -> Path:
    return Path(os.environ.get("UCJAMSOSTEK_DATA_DIR", "var")).resolve()


def area_code() -> str:
    """The deployment's area (syntax only; that it exists is checked against the region table)."""
    code = os.environ.get("UCJAMSOSTEK_AREA_CODE", "74.13").strip()
    if not _AREA.match(code):
        raise ConfigError(f"UCJAMSOSTEK_AREA_CODE={code!r} bukan kode wilayah Kemendagri (contoh: 74 atau 74.13).")
    return code


def _kept_secret(variable: str, file_name: str, what: str) -> str:
    """The value of ``variable``, else the one kept in ``<data dir>/file_name`` (made on first use,
    mode 600: readable by the service user only)."""
    value = os.environ.get(variable)
    if value:
        return value
    path = data_dir() / file_name
    try:
        if path.exists():
            return path.read_text().strip()
        path.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(50)
        path.touch(mode=0o600)
        path.chmod(0o600)
        path.write_text(value)
        return value
    except OSError as exc:
        raise ConfigError(
            f"Tidak dapat membaca/menulis {what} di {path}: {exc}. Setel {variable} atau UCJAMSOSTEK_DATA_DIR."
        ) from exc


def secret_key() -> str:
    return _kept_secret("UCJAMSOSTEK_SECRET_KEY", "secret_key", "kunci rahasia")


#: The NIK key file this process generated (it did not exist): a database that already holds
#: encrypted NIKs is then refused at start-up (``nikcrypt.check_key``), and the file removed.
nik_key_created: Path | None = None


def nik_key_file() -> Path:
    raw = os.environ.get("UCJAMSOSTEK_NIK_KEY_FILE", "").strip()
    return Path(raw).resolve() if raw else data_dir() / "nik_key"


def read_key_file(path: Path) -> str:
    """The key kept in ``path``, refused when other users may read the file (it must be mode 600)."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            f"berkas kunci NIK {path} dapat dibaca pengguna lain (mode {mode:o}): jalankan "
            f"`chmod 600 {path}` agar hanya pengguna layanan yang dapat membacanya."
        )
    key = path.read_text().strip()
    if len(key) < 32:
        raise ConfigError(f"kunci NIK di {path} terlalu pendek: paling sedikit 32 karakter acak.")
    return key


def nik_key() -> bytes:
    """The NIK key: encrypts every NIK at rest (``nikcrypt``) and keys the access log's NIK
    hashes. Held outside the database, so a stolen database file reveals no NIK. At least 32
    characters: ``UCJAMSOSTEK_NIK_KEY``, else the key file (``UCJAMSOSTEK_NIK_KEY_FILE``,
    default ``<data dir>/nik_key``), made on first use with mode 600 and refused when others
    may read it."""
    global nik_key_created
    value = os.environ.get("UCJAMSOSTEK_NIK_KEY")
    if value:
        if len(value) < 32:
            raise ConfigError("UCJAMSOSTEK_NIK_KEY terlalu pendek: paling sedikit 32 karakter acak.")
        return value.encode()
    path = nik_key_file()
    try:
        if path.exists():
            return read_key_file(path).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        write_key_file(path, key)
        nik_key_created = path
        return key.encode()
    except OSError as exc:
        raise ConfigError(
            f"Tidak dapat membaca/menulis kunci NIK di {path}: {exc}. Setel UCJAMSOSTEK_NIK_KEY atau "
            "UCJAMSOSTEK_NIK_KEY_FILE."
        ) from exc


def write_key_file(path: Path, key: str) -> None:
    """Write ``key`` to ``path`` (mode 600) through a temporary file in the same folder, so the
    file is never seen half written or readable by others."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'ucjamsostek.sqlite3'}"


def allowed_hosts() -> list[str]:
    raw = os.environ.get("UCJAMSOSTEK_ALLOWED_HOSTS", "localhost,127.0.0.1")
    return [h.strip() for h in raw.split(",") if h.strip()]
