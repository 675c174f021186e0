"""Deployment configuration read from environment variables.

Everything a deployment sets lives here, with safe production defaults:

| variable | default | meaning |
|---|---|---|
| ``DATABASE_URL`` | ``sqlite:///<data dir>/ucjamsostek.sqlite3`` | database URL (``postgres://user@host:5432/db``) |
| ``UCJAMSOSTEK_DATA_DIR`` | ``./var`` | where the embedded database, uploads and generated keys live |
| ``UCJAMSOSTEK_SECRET_KEY`` | generated once into ``<data dir>/secret_key`` | Django secret key |
| ``UCJAMSOSTEK_NIK_KEY`` | generated once into ``<data dir>/nik_key`` | key of the keyed NIK hashes (HMAC-SHA256) |
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
        raise ConfigError(
            f"UCJAMSOSTEK_AREA_CODE={code!r} bukan kode wilayah Kemendagri (contoh: 74 atau 74.13)."
        )
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


def nik_key() -> bytes:
    """The key of the keyed NIK hashes (the access log's subjects): held outside the database, so
    a stolen database file cannot be matched against a list of NIKs. At least 32 characters."""
    key = _kept_secret("UCJAMSOSTEK_NIK_KEY", "nik_key", "kunci NIK")
    if len(key) < 32:
        raise ConfigError("UCJAMSOSTEK_NIK_KEY terlalu pendek: paling sedikit 32 karakter acak.")
    return key.encode()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{data_dir() / 'ucjamsostek.sqlite3'}"


def allowed_hosts() -> list[str]:
    raw = os.environ.get("UCJAMSOSTEK_ALLOWED_HOSTS", "localhost,127.0.0.1")
    return [h.strip() for h in raw.split(",") if h.strip()]
