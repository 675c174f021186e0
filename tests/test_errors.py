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


def test_option_message_puts_argparse_in_bahasa():
    from ucjamsostek.errors import option_message

    assert option_message("argument --quota: invalid int value: 'abc'", "agreement") == (
        "agreement: pilihan --quota: 'abc' bukan bilangan bulat (lihat ucjamsostek agreement --help)"
    )
    assert "pilihan wajib belum diisi: --year, --ceiling" in option_message(
        "the following arguments are required: --year, --ceiling", "budget"
    )
    assert "argumen action: 'frob' tidak dikenal; pilih salah satu" in option_message(
        "argument action: invalid choice: 'frob' (choose from 'import', 'pay')", "billing"
    )
    assert "pilihan tidak dikenal: --bogus" in option_message("unrecognized arguments: --bogus", "budget")


def test_cli_bad_options_and_numbers_are_one_bahasa_line_with_exit_code_2(tmp_path):
    run_cli(["migrate", "-v", "0"], tmp_path)
    cases = [
        (["budget", "--year", "0", "--ceiling", "2016000000", "--no-xlsx"], ("Tahun anggaran tidak wajar",)),
        (["budget", "--year", "2026", "--ceiling", "1", "--pu-wage", "abc"], ("--pu-wage", "tidak terbaca")),
        (["budget", "--year", "2026", "--ceiling", "2016000,000"], ("--ceiling", "koma adalah tanda desimal")),
        (["budget", "--year", "2026"], ("pilihan wajib belum diisi: --ceiling",)),
        (["agreement", "create", "--number", "X", "--quota", "abc"], ("--quota", "bukan bilangan bulat")),
        (["billing", "bayar"], ("'bayar' tidak dikenal",)),
    ]
    for args, fragments in cases:
        assert_one_clear_message(run_cli(args, tmp_path), *fragments)
