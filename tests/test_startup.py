"""The console script stops with one clear Indonesian message on set-up mistakes, never a traceback."""

import gzip
import os
import subprocess
import sys
from pathlib import Path

import pytest

CLI = [sys.executable, "-m", "ucjamsostek"]


def run_cli(args, tmp_path, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "UCJAMSOSTEK_AREA_CODE")}
    full_env.update({"UCJAMSOSTEK_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(CLI + args, capture_output=True, text=True, env=full_env, timeout=120)


def assert_one_clear_message(proc, *fragments):
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("ucjamsostek: ")
    for fragment in fragments:
        assert fragment in lines[0]


def test_unknown_area_code(tmp_path):
    proc = run_cli(["check"], tmp_path, UCJAMSOSTEK_AREA_CODE="74.99")
    assert_one_clear_message(proc, "74.99", "tidak ada dalam daftar wilayah")


def test_malformed_area_code(tmp_path):
    proc = run_cli(["check"], tmp_path, UCJAMSOSTEK_AREA_CODE="Muna Barat")
    assert_one_clear_message(proc, "UCJAMSOSTEK_AREA_CODE", "bukan kode wilayah")


def test_bad_boolean(tmp_path):
    proc = run_cli(["check"], tmp_path, UCJAMSOSTEK_DEBUG="maybe")
    assert_one_clear_message(proc, "UCJAMSOSTEK_DEBUG")


def test_database_that_cannot_be_opened(tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "db.sqlite3"
    proc = run_cli(["init"], tmp_path, DATABASE_URL=f"sqlite:///{missing}")
    assert_one_clear_message(proc, "basis data", "DATABASE_URL")


def test_database_server_not_running(tmp_path):
    # Nothing listens on port 1 of this machine.
    proc = run_cli(["init"], tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:1/ucj")
    assert_one_clear_message(proc, "basis data", "127.0.0.1:1/ucj")


def test_database_not_initialised(tmp_path):
    proc = run_cli(["screen", "x.csv", "--out", str(tmp_path / "o")], tmp_path)
    assert_one_clear_message(proc, "ucjamsostek init")


@pytest.mark.parametrize(
    "content",
    [b"this is not gzip", gzip.compress(b"{not json"), gzip.compress(b'["a list"]')],
    ids=["not-gzip", "not-json", "not-a-mapping"],
)
def test_corrupt_master_data_file(tmp_path, content):
    bad = tmp_path / "wilayah.json.gz"
    bad.write_bytes(content)
    proc = run_cli(["init", "--regions-file", str(bad)], tmp_path)
    assert_one_clear_message(proc, str(bad))


def test_missing_master_data_file(tmp_path):
    proc = run_cli(["init", "--villages-file", str(tmp_path / "desa.json.gz")], tmp_path)
    assert_one_clear_message(proc, "desa.json.gz")


def test_help_works_without_database(tmp_path):
    proc = run_cli(["help"], tmp_path)
    assert proc.returncode == 0
    assert "init" in proc.stdout


def test_secret_key_is_generated_once_and_private(tmp_path):
    run_cli(["check"], tmp_path)
    key_file = Path(tmp_path / "data" / "secret_key")
    first = key_file.read_text()
    assert len(first) > 40
    assert key_file.stat().st_mode & 0o077 == 0
    run_cli(["check"], tmp_path)
    assert key_file.read_text() == first


def test_sub_command_error_is_one_line(tmp_path):
    # Commands with sub-commands (monev token …) parse their own options: the script's own
    # --traceback must not end up in the sub-command's parser ("unrecognized arguments").
    assert run_cli(["init"], tmp_path).returncode == 0
    proc = run_cli(["monev", "token", "tidak-ada", "uji"], tmp_path)
    assert_one_clear_message(proc, "tidak-ada", "tidak ada")


def test_help_works_before_init(tmp_path):
    proc = run_cli(["billing", "--help"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "usage: ucjamsostek billing" in proc.stdout
