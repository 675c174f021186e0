"""NIK encrypted at rest: the one cipher and the one model field every NIK column uses.

A stolen database file alone reveals no NIK; the key is held outside the database
(``settings.NIK_KEY``: ``UCJAMSOSTEK_NIK_KEY`` or the key file, see ``config.nik_key``).

The stored value is a *deterministic* encryption of the NIK, so it is itself the keyed blind
index: SQL equality, ``__in`` and joins between tables (bill line ↔ registry person ↔ reference
list) keep working on the stored values, and no second column is needed.

* A cleaned NIK is 16 ASCII digits: exactly one AES block. It is encrypted as that one block
  under AES-256 (a keyed pseudo-random permutation of the 128-bit value: what deterministic
  encryption of a one-block message is, leaking only equality), stored as 32 hex digits.
  Decryption must give 16 digits again, else the key is wrong (a random block passes with
  probability (10/256)^16 ≈ 3·10^-23): a wrong or damaged key is refused, never read as data.
  One block per NIK lets a million-row column be encrypted or decrypted in one call of the
  block cipher (:func:`encrypt_many`, :func:`decrypt_many`).
* Any other text (an invalid NIK as typed in a nominated row, the raw cell) is encrypted with
  AES-SIV (RFC 5297, deterministic authenticated encryption), stored as ``~`` + base64url.
* The empty string stays empty (nothing personal in it); NULL stays NULL.

A prefix of an encrypted NIK cannot be searched: :class:`NIKField` answers only ``exact``,
``in`` and ``isnull`` and refuses any other lookup loudly instead of comparing ciphertext.

Keys: the AES and AES-SIV keys are derived from ``settings.NIK_KEY`` by HMAC-SHA256 with their
own labels (the access log's keyed hashes use yet another label). ``ucjamsostek nik rotate-key``
re-encrypts every NIK column under a new key (``nik.services.rotate_key``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.signals import setting_changed
from django.db import models

_DIGITS16 = re.compile(r"\A[0-9]{16}\Z")
_SIV_MARK = "~"
#: Lookups a deterministic ciphertext can answer.
ALLOWED_LOOKUPS = frozenset({"exact", "in", "isnull"})


class NIKKeyError(Exception):
    """A stored NIK does not decrypt under the key in use (another key, or damaged data)."""


def _derive(key: bytes, label: bytes) -> bytes:
    return hmac.new(key, b"ucjamsostek nik at rest: " + label, hashlib.sha256).digest()


class NIKCipher:
    """Encrypts and decrypts NIKs under one key (see the module text for the format).

    The block-cipher contexts are kept per thread: ECB has no state between blocks, so one
    context serves every call of its thread."""

    def __init__(self, key: bytes) -> None:
        self._aes = algorithms.AES(_derive(key, b"aes-256 block"))
        self._siv = AESSIV(_derive(key, b"aes-siv 1") + _derive(key, b"aes-siv 2"))
        self._local = threading.local()

    def _ctx(self) -> tuple[Any, Any]:
        local = self._local
        try:
            return local.enc, local.dec
        except AttributeError:
            local.enc = Cipher(self._aes, modes.ECB()).encryptor()  # noqa: S305 -- one block per message, see module text
            local.dec = Cipher(self._aes, modes.ECB()).decryptor()  # noqa: S305
            return local.enc, local.dec

    # ------------------------------------------------------------------- one value
    def encrypt(self, value: str) -> str:
        if not value:
            return value
        if _DIGITS16.match(value):
            return str(self._ctx()[0].update(value.encode()).hex())
        return _SIV_MARK + base64.urlsafe_b64encode(self._siv.encrypt(value.encode(), None)).decode()

    def decrypt(self, stored: str) -> str:
        if len(stored) == 32:  # a one-block NIK (the block context must only ever see whole blocks)
            try:
                clear = self._ctx()[1].update(bytes.fromhex(stored)).decode("ascii")
            except ValueError as exc:
                raise NIKKeyError(_WRONG_KEY) from exc
            if not (clear.isdigit() and clear.isascii()):
                raise NIKKeyError(_WRONG_KEY)
            return clear
        if not stored:
            return stored
        if stored[0] != _SIV_MARK:
            raise NIKKeyError(_WRONG_KEY)
        try:
            return self._siv.decrypt(base64.urlsafe_b64decode(stored[1:]), None).decode()
        except (InvalidTag, ValueError, binascii.Error) as exc:
            raise NIKKeyError(_WRONG_KEY) from exc

    # ------------------------------------------------------------------- columns
    def encrypt_many(self, values: Sequence[str | None]) -> list[str | None]:
        """:meth:`encrypt` of each value; 16-digit ones all together in one call of the block cipher."""
        joined = "".join(v for v in values if v is not None)
        if not (len(joined) == 16 * len(values) and joined.isdigit() and joined.isascii()) or any(
            v is None or len(v) != 16 for v in values
        ):
            return [None if v is None else self.encrypt(v) for v in values]
        return _split(self._ctx()[0].update(joined.encode()).hex(), 32)

    def decrypt_many(self, stored: Sequence[str | None]) -> list[str | None]:
        """:meth:`decrypt` of each value; one-block ones all together in one call of the block cipher."""
        joined = "".join(v for v in stored if v is not None)
        if len(joined) != 32 * len(stored) or any(v is None or len(v) != 32 for v in stored):
            return [None if v is None else self.decrypt(v) for v in stored]
        return self._decrypt_joined(joined)

    def _decrypt_joined(self, joined: str) -> list[str | None]:
        try:
            clear = self._ctx()[1].update(bytes.fromhex(joined)).decode("ascii")
        except ValueError as exc:  # not hex, not ASCII (UnicodeDecodeError)
            raise NIKKeyError(_WRONG_KEY) from exc
        if clear and not clear.isdigit():
            raise NIKKeyError(_WRONG_KEY)
        return _split(clear, 16)

    def encrypt_series(self, series: pl.Series) -> pl.Series:
        """:meth:`encrypt_many` of a text column, the checks and the joining done by Polars."""
        text = series.cast(pl.Utf8)
        if text.null_count() == 0 and text.len() and bool((text.str.len_bytes() == 16).all()):
            joined = str(text.str.join("").item())
            if joined.isdigit() and joined.isascii():
                hexed = self._ctx()[0].update(joined.encode()).hex().encode()
                return _column(series.name, hexed, 32)
        return pl.Series(series.name, self.encrypt_many(text.to_list()), dtype=pl.Utf8)

    def decrypt_series(self, series: pl.Series) -> pl.Series:
        """:meth:`decrypt_many` of a stored text column, the checks and the joining done by Polars."""
        text = series.cast(pl.Utf8)
        if text.null_count() == 0 and text.len() and bool((text.str.len_bytes() == 32).all()):
            try:
                clear = self._ctx()[1].update(bytes.fromhex(str(text.str.join("").item())))
            except ValueError as exc:
                raise NIKKeyError(_WRONG_KEY) from exc
            if not clear.isdigit():
                raise NIKKeyError(_WRONG_KEY)
            return _column(series.name, clear, 16)
        return pl.Series(series.name, self.decrypt_many(text.to_list()), dtype=pl.Utf8)


def _column(name: str, data: bytes, width: int) -> pl.Series:
    """``data`` (ASCII, no NUL) cut into a text column of ``width``-byte values, without a Python
    object per value."""
    return pl.Series(name, np.frombuffer(data, dtype=f"S{width}")).cast(pl.Utf8)


def _split(text: str, width: int) -> list[str | None]:
    return [text[i : i + width] for i in range(0, len(text), width)]


_WRONG_KEY = (
    "NIK tersimpan tidak dapat dibuka dengan kunci NIK yang dipakai (UCJAMSOSTEK_NIK_KEY atau berkas "
    "kunci NIK): pakai kunci yang sama dengan saat data disimpan."
)


@lru_cache(maxsize=4)
def _cipher_for(key: bytes) -> NIKCipher:
    return NIKCipher(key)


_current: list[NIKCipher] = []  # the cipher of settings.NIK_KEY, once looked up


def cipher() -> NIKCipher:
    """The cipher of the key in use (``settings.NIK_KEY``)."""
    if not _current:
        _current.append(_cipher_for(settings.NIK_KEY))
    return _current[0]


def key_changed(**kwargs: Any) -> None:
    """Forget the cipher in use: ``settings.NIK_KEY`` changed (a test's ``settings``, a rotation)."""
    if kwargs.get("setting", "NIK_KEY") == "NIK_KEY":
        _current.clear()


setting_changed.connect(key_changed)


def encrypt_nik(value: str) -> str:
    return cipher().encrypt(value)


def decrypt_nik(stored: str) -> str:
    return cipher().decrypt(stored)


def encrypt_niks(values: Iterable[str]) -> list[str]:
    return cipher().encrypt_many(list(values))  # type: ignore[return-value]


def encrypt_series(series: pl.Series) -> pl.Series:
    """A text column encrypted (nulls stay null), for writers that bypass the ORM."""
    return cipher().encrypt_series(series)


def decrypt_series(series: pl.Series) -> pl.Series:
    """A stored text column decrypted (nulls stay null), for readers that bypass the ORM."""
    return cipher().decrypt_series(series)


class NIKField(models.CharField):
    """A NIK (or any personal identifier text) stored encrypted (:class:`NIKCipher`).

    Python and ORM reads see the clear value (``from_db_value``); queries compare the encrypted
    value, so ``exact``, ``in``, ``isnull`` and joins to another NIK column work and other
    lookups (``startswith``, ``contains``, comparisons) are refused. ``max_length`` is the width
    of the stored column: a 16-digit NIK takes 32 characters, other text 1 + 4·⌈(16 + n)/3⌉."""

    description = "NIK, encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return encrypt_nik(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return value
        return (_current[0] if _current else cipher()).decrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.name} is encrypted: only exact, in and isnull look-ups can be answered, not {lookup_name!r}"
            )
        return super().get_lookup(lookup_name)

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(f"{self.name} is encrypted: no {lookup_name!r} transform")


def nik_fields() -> list[NIKField]:
    """Every encrypted column of the installed models (what key rotation re-encrypts)."""
    from django.apps import apps

    return [f for m in apps.get_models() for f in m._meta.concrete_fields if isinstance(f, NIKField)]


# ----------------------------------------------------------------------------- stored columns
#: Rows per UPDATE when a column is re-encoded (migration, key rotation).
RECODE_ROWS = 50_000


def recode_column(connection: Any, table: str, pk: str, column: str, recode: Any) -> int:
    """Replace every non-empty value of ``table.column`` by ``recode(values)`` (a list → list
    function: encrypt, decrypt, re-encrypt), set-based in chunks of :data:`RECODE_ROWS`, inside
    the caller's transaction. Returns the rows changed."""
    q = connection.ops.quote_name
    t, p, c = q(table), q(pk), q(column)
    changed = 0
    with connection.cursor() as cur:
        cur.execute(f"SELECT {p}, {c} FROM {t} WHERE {c} IS NOT NULL AND {c} <> '' ORDER BY {p}")  # noqa: S608
        rows = cur.fetchall()
        for start in range(0, len(rows), RECODE_ROWS):
            part = rows[start : start + RECODE_ROWS]
            ids = [r[0] for r in part]
            new = recode([r[1] for r in part])
            if connection.vendor == "postgresql":
                cur.execute(
                    f"UPDATE {t} SET {c} = v.val FROM (SELECT unnest(%s::bigint[]) AS id, "  # noqa: S608
                    f"unnest(%s::text[]) AS val) v WHERE {t}.{p} = v.id",
                    [ids, new],
                )
            else:
                cur.executemany(f"UPDATE {t} SET {c} = %s WHERE {p} = %s", list(zip(new, ids, strict=True)))  # noqa: S608
            changed += len(part)
    return changed


def encrypt_columns_operation(model_label: str, *columns: str) -> Any:
    """A migration operation encrypting the existing clear values of ``columns`` of
    ``model_label`` under the key in use (reversed: decrypting them)."""
    from django.db import migrations

    def run(forward: bool) -> Any:
        def apply(apps: Any, schema_editor: Any) -> None:
            model = apps.get_model(model_label)
            c = cipher()
            recode = c.encrypt_many if forward else c.decrypt_many
            for name in columns:
                field = model._meta.get_field(name)
                recode_column(
                    schema_editor.connection, model._meta.db_table, model._meta.pk.column, str(field.column), recode
                )

        return apply

    return migrations.RunPython(run(True), run(False), elidable=False)


def _stored_sample(connection: Any) -> str | None:
    """One stored NIK value of the database, or None when it holds none."""
    q = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cur:
        for field in nik_fields():
            table = field.model._meta.db_table
            if table not in tables:
                continue
            c = q(field.column)
            cur.execute(f"SELECT {c} FROM {q(table)} WHERE {c} IS NOT NULL AND {c} <> '' LIMIT 1")  # noqa: S608
            row = cur.fetchone()
            if row:
                return str(row[0])
    return None


def check_key(connection: Any) -> None:
    """Refuse to run when the database holds NIKs the key in use does not open: the key file was
    missing (this process has just made a new one: it is removed again) or is another key."""
    from ucjamsostek import config

    sample = _stored_sample(connection)
    if sample is None:
        return
    created = config.nik_key_created
    if created is not None:
        created.unlink(missing_ok=True)
        config.nik_key_created = None
        raise config.ConfigError(
            f"berkas kunci NIK {created} tidak ada, padahal basis data sudah berisi NIK terenkripsi: "
            "pulihkan berkas kunci dari salinannya (atau setel UCJAMSOSTEK_NIK_KEY / "
            "UCJAMSOSTEK_NIK_KEY_FILE). Tanpa kunci itu NIK tidak dapat dibaca."
        )
    try:
        cipher().decrypt(sample)
    except NIKKeyError as exc:
        raise config.ConfigError(str(exc)) from exc


def rotate_key(new_key: bytes, using: str = "default") -> dict[str, int]:
    """Re-encrypt every NIK column (:func:`nik_fields`) from the key in use to ``new_key``, in one
    transaction: all or nothing. Returns the rows changed per ``table.column``. The caller then
    makes ``new_key`` the key in use (``ucjamsostek nik rotate-key``)."""
    from django.db import connections, transaction

    old, new = cipher(), NIKCipher(new_key)

    def recode(values: Sequence[str | None]) -> list[str | None]:
        return new.encrypt_many(old.decrypt_many(values))

    connection = connections[using]
    changed: dict[str, int] = {}
    with transaction.atomic(using=using):
        for field in nik_fields():
            meta = field.model._meta
            changed[f"{meta.db_table}.{field.column}"] = recode_column(
                connection, meta.db_table, str(meta.pk.column), str(field.column), recode
            )
    return changed
