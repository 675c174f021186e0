"""The translators of user errors (pages, API, CLI); the log without personal data is core/logs.py's."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from tests.test_startup import assert_one_clear_message, run_cli
from ucjamsostek.core.errors import UserError
from ucjamsostek.errors import MSG_FORBIDDEN, user_message

NIK = "7413010101800001"


def test_user_message_of_each_kind():
    assert user_message(UserError("tahun salah", row=2)) == "baris 2: tahun salah"
    assert user_message(ValidationError({"period": ["Periode wajib"], "file": ["Berkas wajib"]})) == (
        "Periode wajib Berkas wajib"
    )
    assert user_message(PermissionDenied()) == str(MSG_FORBIDDEN)
    assert user_message(PermissionDenied("Di luar wilayah")) == "Di luar wilayah"


def test_cli_prints_a_user_error_as_one_line_with_exit_code_2(tmp_path):
    run_cli(["migrate", "-v", "0"], tmp_path)
    proc = run_cli(["billing", "reconcile", "--period", "bulan-depan", "--out", str(tmp_path / "o")], tmp_path)
    assert_one_clear_message(proc, "Periode tidak terbaca", "bulan-depan")
