"""``ucjamsostek backup`` / ``restore`` on demo data: restored into an empty database, every table
has the same row count and content checksum and every uploaded file comes back; a corrupt or
foreign file and a non-empty target are refused with a clear message and exit code 2."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tests.process_helpers import database_url, run_cli
from ucjamsostek.core.backupfile import table_digest
from ucjamsostek.core.intake import file_sha256

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def backup_of(settings, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("backup") / "cadangan.tar.gz"
    call_command("backup", "--out", str(out), stdout=io.StringIO())
    return {"file": out, "media": Path(settings.MEDIA_ROOT)}


@pytest.fixture
def source_dir(settings, tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("source")
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    return data


@pytest.fixture
def demo_backup(settings, source_dir, tmp_path_factory) -> dict:
    """The demo (small) built in the test database, and its backup."""
    call_command(
        "demo", "--no-serve", "--nominations", "300", "--registry", "400", "--no-progress", stdout=io.StringIO()
    )
    return backup_of(settings, tmp_path_factory)


@pytest.fixture
def small_backup(settings, source_dir, tmp_path_factory, users) -> dict:
    """A few users and one uploaded file, and their backup."""
    upload = source_dir / "media" / "uploads" / "usulan.csv"
    upload.parent.mkdir(parents=True)
    upload.write_text("NIK,Nama\n")
    return backup_of(settings, tmp_path_factory)


@pytest.fixture
def empty_target(tmp_path):
    """An empty database of the same kind as the test database, and its data folder."""
    data = tmp_path / "target"
    data.mkdir()
    if connection.vendor == "sqlite":
        yield data, f"sqlite:///{data / 'pulih.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_restore"
    admin = database_url().rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}"'], check=True)
    subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{name}"'], check=True)
    yield data, database_url().rsplit("/", 1)[0] + f"/{name}"
    subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'], check=True)


def digests(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and content checksum, read straight from the database."""
    if url.startswith("sqlite:///"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        names = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'") if r[0] != "sqlite_sequence"
        ]
        out = {n: table_digest(con.execute(f'SELECT * FROM "{n}" ORDER BY rowid')) for n in names}  # noqa: S608
        con.close()
        return out
    import psycopg

    with psycopg.connect(url) as con:
        names = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {n: table_digest(con.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall()) for n in names}  # noqa: S608


def files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): file_sha256(p) for p in root.rglob("*") if p.is_file()}


def test_backup_restores_into_an_empty_database_with_every_table_and_file(demo_backup, empty_target):
    data, url = empty_target
    done = run_cli(["restore", str(demo_backup["file"])], data, DATABASE_URL=url)
    assert done.returncode == 0, done.stderr
    assert "checksum setiap tabel cocok" in done.stdout
    source, restored = digests(database_url()), digests(url)
    assert source.keys() == restored.keys() and len(source) > 40
    assert {n: v for n, v in source.items() if v != restored[n]} == {}
    assert source["registry_person"][0] >= 400 and source["screening_nomination"][0] >= 300
    assert files(data / "media") == files(demo_backup["media"]) and files(data / "media")


def test_the_manifest_lists_every_member_with_its_checksum(small_backup):
    demo_backup = small_backup
    with tarfile.open(demo_backup["file"]) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = {m.name for m in tar.getmembers()} - {"manifest.json"}
    assert manifest["format"] == "ucjamsostek-backup" and manifest["database"]["vendor"] == connection.vendor
    assert {f["name"] for f in manifest["files"]} == names
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    assert oct(demo_backup["file"].stat().st_mode & 0o777) == "0o600"


def test_a_corrupt_backup_is_refused_and_nothing_is_touched(small_backup, empty_target, tmp_path):
    demo_backup = small_backup
    data, url = empty_target
    raw = tmp_path / "isi"
    with tarfile.open(demo_backup["file"]) as tar:
        tar.extractall(raw, filter="data")
    member = next(p for p in (raw / "media").rglob("*") if p.is_file())
    member.write_bytes(member.read_bytes() + b"x")  # one file changed after the backup
    bad = tmp_path / "rusak.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        for path in sorted(raw.rglob("*")):
            tar.add(path, arcname=path.relative_to(raw).as_posix(), recursive=False)
    done = run_cli(["restore", str(bad)], data, DATABASE_URL=url)
    assert done.returncode == 2
    assert "rusak" in done.stderr and "checksum" in done.stderr and "Traceback" not in done.stderr
    assert not (data / "media").exists()

    truncated = tmp_path / "terpotong.tar.gz"
    truncated.write_bytes(demo_backup["file"].read_bytes()[:5000])
    done = run_cli(["restore", str(truncated)], data, DATABASE_URL=url)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_a_filled_database_is_replaced_only_with_force(small_backup, empty_target):
    data, url = empty_target
    assert run_cli(["restore", str(small_backup["file"])], data, DATABASE_URL=url).returncode == 0
    restored = digests(url)
    again = run_cli(["restore", str(small_backup["file"])], data, DATABASE_URL=url)
    assert again.returncode == 2 and "tidak kosong" in again.stderr and "--force" in again.stderr
    forced = run_cli(["restore", str(small_backup["file"]), "--force"], data, DATABASE_URL=url)
    assert forced.returncode == 0, forced.stderr
    assert digests(url) == restored == digests(database_url())


def test_a_foreign_file_is_refused(empty_target, tmp_path):
    data, url = empty_target
    spreadsheet = tmp_path / "bukan-cadangan.xlsx"
    spreadsheet.write_bytes(b"PK\x03\x04 not a backup")
    done = run_cli(["restore", str(spreadsheet)], data, DATABASE_URL=url)
    assert done.returncode == 2 and "bukan berkas cadangan ucjamsostek" in done.stderr
    other = tmp_path / "arsip-lain.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        body = json.dumps({"format": "lain"}).encode()
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    done = run_cli(["restore", str(other)], data, DATABASE_URL=url)
    assert done.returncode == 2 and "format lain" in done.stderr


def test_restore_needs_an_existing_file(tmp_path):
    done = run_cli(["restore", str(tmp_path / "tidak-ada.tar.gz")], tmp_path, DATABASE_URL=database_url())
    assert done.returncode == 2 and "tidak ditemukan" in done.stderr
