"""Claims import checks what a verifier checks (issue 9 §5): each case built from a real csv and
xlsx file, each flagged claim kept apart from the totals with its row."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.claims.files import claim, write_claims
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.claims import selectors, services
from ucjamsostek.claims.models import Claim
from ucjamsostek.registry.models import Person

FORMATS = ["csv", "xlsx"]
STRANGER = "7403010101800007"  # a valid Muna (74.03) NIK nobody in the registry holds


def _import(tmp_path, name, rows, fmt="csv"):
    return services.import_claims(SYSTEM, write_claims(tmp_path, name, rows, fmt))


def _flags():
    return {(c.nik, c.type, c.incident_date, c.amount): c.flags for c in Claim.objects.all()}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_repeated_line_is_kept_and_flagged_not_merged(people, tmp_path, fmt):
    a = people["p_a"].nik
    res = _import(
        tmp_path,
        "klaim",
        [
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 20), 15_000_000),
        ],
        fmt,
    )
    assert (res.created, res.flagged, res.flagged_rows) == (2, 1, {"DUPLICATE": [3]})
    assert res.flagged_amounts == {"DUPLICATE": 15_000_000}
    assert sorted((c.amount, c.flags) for c in Claim.objects.all()) == [
        (12_500_000, []),
        (15_000_000, ["DUPLICATE"]),
    ]
    stats = selectors.analytics(SYSTEM)
    assert (stats.total_claims, stats.total_amount) == (1, 12_500_000)  # the first, not the last
    assert (stats.flagged_claims, stats.flagged_amount) == (1, 15_000_000)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_claim_paid_again_in_a_later_file_is_a_duplicate(people, tmp_path, fmt):
    a = people["p_a"].nik
    _import(tmp_path, "januari", [claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000)], fmt)
    res = _import(tmp_path, "februari", [claim(a, "JKK", date(2025, 3, 1), date(2025, 5, 1), 12_500_000)], fmt)
    assert (res.created, res.updated, res.flagged_rows) == (1, 0, {"DUPLICATE": [2]})
    first = Claim.objects.get(flagged=False)
    assert (first.paid_on, first.source_name) == (date(2025, 4, 1), f"januari.{fmt}")
    assert selectors.paid_claims().count() == 1 and selectors.flagged_claims().count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_file_again_changes_nothing(people, tmp_path, fmt):
    a, b = people["p_a"].nik, people["p_b"].nik
    rows = [
        claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),
        claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),  # a double line: flagged once
        claim(b, "JKM", date(2025, 6, 1), None, None),
    ]
    _import(tmp_path, "klaim", rows, fmt)
    before = _flags()
    again = _import(tmp_path, "klaim", rows, fmt)
    assert (again.created, again.updated, again.unchanged, again.flagged) == (0, 0, 3, 0)
    assert _flags() == before and Claim.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_claim_in_process_is_completed_by_its_payment(people, tmp_path, fmt):
    b = people["p_b"].nik
    _import(tmp_path, "proses", [claim(b, "JKM", date(2025, 6, 1), None, None, "Wa Ode")], fmt)
    res = _import(tmp_path, "dibayar", [claim(b, "JKM", date(2025, 6, 1), date(2025, 7, 1), 42_000_000, "Wa Ode")], fmt)
    assert (res.created, res.updated, res.flagged) == (0, 1, 0)
    c = Claim.objects.get()
    assert (c.paid_on, c.amount, c.flags, c.status) == (date(2025, 7, 1), 42_000_000, [], "Dibayar")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_second_jkm_for_one_person_is_flagged(people, tmp_path, fmt):
    b = people["p_b"].nik
    _import(tmp_path, "mei", [claim(b, "JKM", date(2025, 5, 2), date(2025, 6, 1), 42_000_000)], fmt)
    res = _import(tmp_path, "juni", [claim(b, "Kematian", date(2025, 6, 9), date(2025, 7, 1), 42_000_000)], fmt)
    assert res.flagged_rows == {"SECOND_JKM": [2]} and res.flagged_amounts == {"SECOND_JKM": 42_000_000}
    assert Claim.objects.get(incident_date=date(2025, 5, 2)).flags == []


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_jkm_amount_is_checked_against_the_dated_benefit_table(people, tmp_path, fmt):
    a, a2, b = people["p_a"].nik, people["p_a2"].nik, people["p_b"].nik
    res = _import(
        tmp_path,
        "klaim",
        [
            claim(a, "JKM", date(2025, 1, 10), date(2025, 2, 1), 42_000_000),  # PP 82/2019: right
            claim(a2, "JKM", date(2025, 1, 10), date(2025, 2, 1), 40_000_000),  # short
            claim(b, "JKM", date(2019, 6, 1), date(2019, 7, 1), 24_000_000),  # PP 44/2015, before PP 82/2019: right
        ],
        fmt,
    )
    assert res.flagged_rows == {"AMOUNT_MISMATCH": [3]}
    assert res.flagged_amounts == {"AMOUNT_MISMATCH": 40_000_000}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_payment_before_the_incident_is_flagged(people, tmp_path, fmt):
    res = _import(
        tmp_path, "klaim", [claim(people["p_a"].nik, "JKK", date(2025, 3, 1), date(2025, 2, 1), 900_000)], fmt
    )
    assert res.flagged_rows == {"PAID_BEFORE_INCIDENT": [2]}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_incident_after_the_recorded_death_is_flagged(people, tmp_path, fmt):
    Person.objects.filter(pk=people["p_a"].pk).update(death_date=date(2025, 3, 1), is_deceased=True)
    a = people["p_a"].nik
    res = _import(
        tmp_path,
        "klaim",
        [
            claim(a, "JKM", date(2025, 3, 1), date(2025, 4, 1), 42_000_000),  # the death itself
            claim(a, "JKK", date(2025, 3, 2), date(2025, 4, 1), 3_000_000),
        ],
        fmt,
    )
    assert res.flagged_rows == {"AFTER_DEATH": [3]}


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_claimant_not_in_the_registry_is_flagged(people, tmp_path, fmt):
    res = _import(tmp_path, "klaim", [claim(STRANGER, "JKK", date(2025, 3, 1), date(2025, 4, 1), 2_000_000)], fmt)
    assert res.flagged_rows == {"NOT_IN_REGISTRY": [2]} and res.unknown_person == [2]
    assert Claim.objects.get().person_id is None
    assert selectors.paid_claims().count() == 0


@pytest.mark.django_db
def test_an_unknown_type_writes_nothing(people, tmp_path):
    a = people["p_a"].nik
    rows = [claim(a, "JKK", date(2025, 3, 1), None, None), claim(a, "JHT", date(2025, 3, 1), None, None)]
    with pytest.raises(Exception, match="baris 3"):
        _import(tmp_path, "klaim", rows)
    assert Claim.objects.count() == 0


@pytest.mark.django_db
def test_the_import_command_lists_each_flag_with_its_rows(people, tmp_path):
    a, b = people["p_a"].nik, people["p_b"].nik
    path = write_claims(
        tmp_path,
        "klaim",
        [
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),
            claim(a, "JKK", date(2025, 3, 1), date(2025, 4, 1), 12_500_000),
            claim(b, "JKM", date(2025, 6, 1), date(2025, 5, 1), 42_000_000),
            claim(STRANGER, "JKK", date(2025, 3, 1), date(2025, 4, 1), 2_000_000),
        ],
    )
    out = io.StringIO()
    call_command("claims", "import", str(path), stdout=out)
    text = out.getvalue()
    assert "Klaim baru 4, diperbarui 0, tidak berubah 0" in text
    assert "ditandai 3 senilai Rp56.500.000 (tidak dihitung dalam total)" in text
    assert (
        "Klaim ganda (NIK, jenis dan tanggal kejadian sama dengan klaim sebelumnya): 1 klaim, Rp12.500.000; baris 3"
        in text
    )
    assert "Tanggal bayar sebelum tanggal kejadian: 1 klaim, Rp42.000.000; baris 4" in text
    assert "NIK tidak ada di data penduduk: 1 klaim, Rp2.000.000; baris 5" in text


@pytest.mark.django_db
def test_the_import_command_refuses_a_bad_file_with_one_line(people, tmp_path):
    path = tmp_path / "klaim.csv"
    path.write_text("NIK;Jenis;Tgl Kejadian\n123;JKK;01-01-2025\n", encoding="utf-8")
    with pytest.raises(CommandError) as err:
        call_command("claims", "import", str(path), stdout=io.StringIO())
    assert err.value.returncode == 2 and "NIK harus 16 angka" in str(err.value)
    assert Claim.objects.count() == 0
