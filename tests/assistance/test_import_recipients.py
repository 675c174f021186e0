"""BSU recipient lists check what a verifier checks (issue 9 §5): tahap 2 is added to tahap 1, a
person paid twice, an ASN or BPU recipient, a recipient not active PU on the cut-off date —
each flagged with the amount at stake; recipients are distinct people. Real csv and xlsx files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.assistance.files import failed, paid, write_list
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.assistance import selectors, services
from ucjamsostek.assistance.models import Recipient, RecipientList

FORMATS = ["csv", "xlsx"]
STRANGER = "7403010101800007"
NO_LISTS = {"asn": set(), "pkh": set()}


def _import(tmp_path, name, rows, fmt="csv", **kw):
    kw.setdefault("lists", NO_LISTS)
    return services.import_recipients(SYSTEM, write_list(tmp_path, name, rows, fmt), programme="BSU2025", **kw)


def _reasons(nik):
    return [(r.batch.number, r.reasons) for r in Recipient.objects.filter(nik=nik).order_by("batch__number", "line")]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_tahap_2_is_added_to_tahap_1(schemes, tmp_path, fmt):
    a, a2, opd = (schemes[k].nik for k in ("p_a", "p_a2", "p_opd"))
    one = _import(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1)), paid(a2, date(2025, 7, 2))], fmt)
    two = _import(tmp_path, "tahap-2", [paid(opd, date(2025, 8, 5))], fmt)
    assert (one.batch.number, two.batch.number) == (1, 2)
    assert (two.lines, two.eligible, two.payments, two.people) == (1, 1, 1, 1)
    assert Recipient.objects.count() == 3
    t = selectors.totals(programme="BSU2025")
    assert (t.payments, t.people, t.amount, t.flagged_amount) == (3, 3, 1_800_000, 0)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_person_paid_in_tahap_1_and_again_in_tahap_2_is_flagged_with_the_amount(schemes, tmp_path, fmt):
    a, a2 = schemes["p_a"].nik, schemes["p_a2"].nik
    _import(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1)), failed(a2)], fmt)
    two = _import(tmp_path, "tahap-2", [paid(a, date(2025, 8, 1)), paid(a2, date(2025, 8, 1))], fmt)
    assert _reasons(a) == [(1, []), (2, ["DUPLICATE"])]
    assert _reasons(a2) == [(1, []), (2, [])]  # tahap 1 failed to pay out: paid once, in tahap 2
    assert [(r.code, r.lines, r.people, r.amount) for r in two.at_stake] == [("DUPLICATE", 1, 1, 600_000)]
    t = selectors.totals(programme="BSU2025")
    assert (t.payments, t.people, t.double_payments, t.flagged_amount) == (3, 2, 1, 600_000)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_person_twice_in_one_list_is_flagged(schemes, tmp_path, fmt):
    a = schemes["p_a"].nik
    res = _import(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1)), paid(a, date(2025, 7, 9))], fmt)
    assert (res.payments, res.people, res.reasons) == (2, 1, {"DUPLICATE": 1})
    assert res.at_stake[0].amount == 600_000


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_asn_bpu_and_not_active_pu_recipients_are_flagged_with_the_amount(schemes, tmp_path, fmt):
    a, a2, b, late = (schemes[k].nik for k in ("p_a", "p_a2", "p_b", "p_late"))
    res = _import(
        tmp_path,
        "tahap-1",
        [
            paid(a, date(2025, 7, 1)),  # right
            paid(a2, date(2025, 7, 1)),  # appointed PPPK: on the ASN list
            paid(b, date(2025, 7, 1)),  # a BPU pekerja rentan
            paid(late, date(2025, 7, 1)),  # PU only from June: not active on 30 April
            paid(STRANGER, date(2025, 7, 1)),
        ],
        fmt,
        lists={"asn": {a2}, "pkh": set()},
    )
    stake = {r.code: (r.lines, r.amount) for r in res.at_stake}
    assert stake == {
        "NOT_FOUND": (1, 600_000),
        "NOT_ACTIVE": (1, 600_000),
        "WRONG_CATEGORY": (1, 600_000),
        "ASN": (1, 600_000),
    }
    assert (res.eligible, res.payments, res.people) == (1, 5, 5)
    t = selectors.totals(programme="BSU2025")
    assert (t.eligible_people, t.flagged_payments, t.flagged_amount) == (1, 4, 2_400_000)


@pytest.mark.django_db
def test_the_same_file_twice_is_refused_and_writes_nothing(schemes, tmp_path):
    path = write_list(tmp_path, "tahap-1", [paid(schemes["p_a"].nik, date(2025, 7, 1))])
    services.import_recipients(SYSTEM, path, programme="BSU2025", lists=NO_LISTS)
    with pytest.raises(ValidationError, match="sudah diimpor sebagai tahap 1"):
        services.import_recipients(SYSTEM, path, programme="BSU2025", lists=NO_LISTS)
    assert (Recipient.objects.count(), RecipientList.objects.count()) == (1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_replace_makes_the_file_the_only_list(schemes, tmp_path, fmt):
    a, a2 = schemes["p_a"].nik, schemes["p_a2"].nik
    _import(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1))], fmt)
    _import(tmp_path, "tahap-2", [paid(a2, date(2025, 8, 1))], fmt)
    res = _import(tmp_path, "koreksi", [paid(a, date(2025, 7, 1)), paid(a2, date(2025, 8, 1))], fmt, replace=True)
    assert (res.batch.number, res.replaced, res.reasons) == (1, 2, {})  # nothing left to repeat
    assert list(RecipientList.objects.values_list("number", "source_name")) == [(1, f"koreksi.{fmt}")]
    assert Recipient.objects.count() == 2


@pytest.mark.django_db
def test_the_command_adds_tahap_2_and_prints_the_amounts_at_stake(schemes, tmp_path):
    a, a2, b = schemes["p_a"].nik, schemes["p_a2"].nik, schemes["p_b"].nik
    asn = tmp_path / "asn.csv"
    asn.write_text(f"NIK,Nama\n{a2},La Ode Baharudin\n", encoding="utf-8")
    call_command("reference", "load", "asn", str(asn), stdout=io.StringIO())  # the real ASN list
    one = write_list(tmp_path, "tahap-1", [paid(a, date(2025, 7, 1)), paid(a2, date(2025, 7, 1))])
    two = write_list(tmp_path, "tahap-2", [paid(a, date(2025, 8, 1)), paid(b, date(2025, 8, 1)), failed(STRANGER)])
    call_command("assistance", "import", str(one), "--programme", "BSU2025", stdout=io.StringIO())
    out = io.StringIO()
    call_command("assistance", "import", str(two), "--programme", "BSU2025", stdout=out)
    text = out.getvalue()
    assert "BSU 2025 (Bantuan Subsidi Upah) tahap 2: 3 baris, memenuhi syarat 0, tidak 3;" in text
    assert "tersalur 2 pembayaran kepada 2 orang, Rp1.200.000." in text
    assert "  Dibayar/tercantum lebih dari sekali: 1 baris, 1 orang; tersalur Rp600.000" in text
    assert "  Kategori kepesertaan tidak memenuhi syarat: 1 baris, 1 orang; tersalur Rp600.000" in text
    assert "  NIK tidak ada di data penduduk: 1 baris, 1 orang; tersalur Rp0" in text  # not paid out
    listing = io.StringIO()
    call_command("assistance", "list", stdout=listing)
    assert "penerima 3 orang (4 pembayaran)\ttersalur Rp2.400.000\t" in listing.getvalue()
    assert "tidak memenuhi syarat 3 pembayaran, Rp1.800.000" in listing.getvalue()  # ASN, twice, BPU
    with pytest.raises(CommandError) as err:
        call_command("assistance", "import", str(two), "--programme", "BSU2025", stdout=io.StringIO())
    assert err.value.returncode == 2 and "sudah diimpor sebagai tahap 2" in str(err.value)
