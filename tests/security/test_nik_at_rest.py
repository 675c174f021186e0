"""NIK encrypted at rest (issue 12 §4): a stolen database file alone reveals no NIK.

After the demo is stored, neither the raw bytes of the SQLite database nor any table's rows read
by plain SQL on PostgreSQL contain a NIK of the dataset; the ORM still reads the clear NIK, exact
look-ups and joins between tables answer as before; ``ucjamsostek nik rotate-key`` keeps every
value and the old key no longer opens them; a world-readable or missing key file is refused with
one Bahasa line."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from ucjamsostek import nikcrypt
from ucjamsostek.assistance.models import Recipient
from ucjamsostek.billing.models import InvoiceLine
from ucjamsostek.claims.models import Claim
from ucjamsostek.registry.models import Person
from ucjamsostek.screening.models import Nomination, ReferenceEntry, ReviewDecision

NIK_RE = re.compile(rb"(?<![0-9])[0-9]{16}(?![0-9])")
MODELS = [Person, InvoiceLine, Claim, Recipient, Nomination, ReferenceEntry]


def test_cipher_round_trip_and_format():
    c = nikcrypt.NIKCipher(b"k" * 40)
    nik = "7413011204960001"
    stored = c.encrypt(nik)
    assert re.fullmatch(r"[0-9a-f]{32}", stored) and c.encrypt(nik) == stored  # deterministic: the index
    assert c.decrypt(stored) == nik
    odd = ["", "123", "74130112049600011", "'7413 0112 0496 0001", "7413011204960001|1996-04-12"]
    for value in odd:
        assert c.decrypt(c.encrypt(value)) == value
    assert c.encrypt("123").startswith("~")
    many = [f"{7413011204960000 + i:016d}" for i in range(1000)]
    assert c.encrypt_many(many) == [c.encrypt(n) for n in many]
    assert c.decrypt_many(c.encrypt_many(many)) == many
    assert c.decrypt_many(c.encrypt_many([*many[:3], None, "12"])) == [*many[:3], None, "12"]
    other = nikcrypt.NIKCipher(b"o" * 40)
    for wrong in (stored, c.encrypt("123")):
        with pytest.raises(nikcrypt.NIKKeyError):
            other.decrypt(wrong)
    with pytest.raises(nikcrypt.NIKKeyError):
        other.decrypt_many(c.encrypt_many(many))


@pytest.fixture
def demo(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command(
        "demo", "--no-serve", "--nominations", "300", "--registry", "400", "--no-progress", stdout=io.StringIO()
    )


def dataset_niks() -> set[bytes]:
    """Every 16-digit NIK the stored demo holds, read through the ORM (which decrypts)."""
    out: set[str] = set()
    for model in MODELS:
        out |= set(model.objects.values_list("nik", flat=True))
    out |= {n for n in Nomination.objects.values_list("nik_raw", flat=True)}
    return {n.encode() for n in out if n and len(n) == 16 and n.isdigit()}


def clear_niks_in_database(niks: set[bytes]) -> dict[str, int]:
    """Per table, how many of ``niks`` appear in clear in its rows read by plain SQL; on SQLite
    also in the raw bytes of the database (pages, free pages, WAL folded in)."""
    found: dict[str, int] = {}
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            if connection.vendor == "postgresql":
                cur.execute(f"SELECT t::text FROM {q(table)} t")  # noqa: S608
            else:
                cur.execute(f"SELECT * FROM {q(table)}")  # noqa: S608
            text = "\n".join(str(row) for row in cur.fetchall()).encode()
            hits = {m for m in NIK_RE.findall(text) if m in niks}
            if hits:
                found[table] = len(hits)
    if connection.vendor == "sqlite":
        raw = connection.connection.serialize()  # the database file's bytes, free pages included
        hits = {m for m in NIK_RE.findall(raw) if m in niks}
        if hits:
            found["<sqlite file>"] = len(hits)
    return found


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_no_nik_in_clear_at_rest_and_lookups_work(demo):
    niks = dataset_niks()
    assert len(niks) > 300
    assert InvoiceLine.objects.exists() and Nomination.objects.exists() and ReferenceEntry.objects.exists()
    assert clear_niks_in_database(niks) == {}

    # the ORM reads clear NIKs; exact, in and joins across tables work on the stored values
    person = Person.objects.order_by("pk").first()
    assert person is not None and len(person.nik) == 16 and person.nik.isdigit()
    assert Person.objects.get(nik=person.nik) == person
    assert Person.objects.filter(nik__in=[person.nik, "0000000000000000"]).count() == 1
    billed = set(InvoiceLine.objects.values_list("nik", flat=True))
    joined = set(InvoiceLine.objects.filter(nik__in=Person.objects.values("nik")).values_list("nik", flat=True))
    assert joined == billed & set(Person.objects.values_list("nik", flat=True)) and joined
    with connection.cursor() as cur:
        cur.execute(f"SELECT nik FROM {Person._meta.db_table} WHERE id = %s", [person.pk])  # noqa: S608
        (stored,) = cur.fetchone()
    assert stored == nikcrypt.encrypt_nik(person.nik) != person.nik
    with pytest.raises(FieldError):
        Person.objects.filter(nik__startswith=person.nik[:6]).count()


@pytest.mark.django_db
def test_rotation_keeps_every_value_and_retires_the_old_key(settings, tmp_path, monkeypatch, people):
    monkeypatch.delenv("UCJAMSOSTEK_NIK_KEY", raising=False)
    monkeypatch.setenv("UCJAMSOSTEK_NIK_KEY_FILE", str(tmp_path / "nik_key"))
    nik = people["p_a"].nik
    ReviewDecision.objects.create(kind="row", key=f"{nik}|1996-04-12", decision="accept", reason="ok")
    old_key = settings.NIK_KEY
    before = sorted(Person.objects.values_list("pk", "nik"))
    new_file = tmp_path / "baru"
    out = io.StringIO()
    call_command("nik", "rotate-key", "--new-key-file", str(new_file), stdout=out)
    assert "dienkripsi ulang" in out.getvalue()
    assert stat.S_IMODE(new_file.stat().st_mode) == 0o600
    new_key = new_file.read_text().strip().encode()
    assert settings.NIK_KEY == new_key != old_key
    assert (tmp_path / "nik_key").read_text().strip().encode() == new_key
    assert stat.S_IMODE((tmp_path / "nik_key").stat().st_mode) == 0o600
    assert sorted(Person.objects.values_list("pk", "nik")) == before
    assert ReviewDecision.objects.get(key=f"{nik}|1996-04-12").decision == "accept"
    with connection.cursor() as cur:
        cur.execute(f"SELECT nik FROM {Person._meta.db_table}")  # noqa: S608
        stored = [r[0] for r in cur.fetchall()]
    old = nikcrypt.NIKCipher(old_key)
    for value in stored:
        with pytest.raises(nikcrypt.NIKKeyError):
            old.decrypt(value)


CLI = [sys.executable, "-m", "ucjamsostek"]


def cli(args: list[str], data: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "UCJAMSOSTEK_NIK_KEY", "UCJAMSOSTEK_NIK_KEY_FILE") and not k.startswith("PYTEST")
    }
    full.update({"UCJAMSOSTEK_DATA_DIR": str(data), **env})
    return subprocess.run(CLI + args, capture_output=True, text=True, env=full, timeout=300)


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.mark.slow
def test_key_file_readable_by_others_or_missing_is_refused(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    key = data / "nik_key"
    key.write_text("x" * 50)
    key.chmod(0o644)
    assert "dapat dibaca pengguna lain" in one_line(cli(["check"], data))
    key.chmod(0o600)
    url = f"sqlite:///{data / 'db.sqlite3'}"
    init = cli(["migrate", "--no-input"], data, DATABASE_URL=url)
    assert init.returncode == 0, init.stderr
    # a NIK stored encrypted under this key (written as the app writes it)
    con = sqlite3.connect(data / "db.sqlite3")
    stored = nikcrypt.NIKCipher(b"x" * 50).encrypt("7413011204960001")
    con.execute("INSERT INTO screening_referenceentry (reference_list_id, nik, name) VALUES (1, ?, '')", [stored])
    con.commit()
    con.close()
    assert cli(["jobs", "list"], data, DATABASE_URL=url).returncode == 0
    key.unlink()
    line = one_line(cli(["jobs", "list"], data, DATABASE_URL=url))
    assert "kunci NIK" in line and "tidak ada" in line and "terenkripsi" in line
    assert not key.exists()  # the key made in its place is removed again: every start refuses
    line = one_line(cli(["jobs", "list"], data, DATABASE_URL=url, UCJAMSOSTEK_NIK_KEY="y" * 40))
    assert "tidak dapat dibuka" in line
