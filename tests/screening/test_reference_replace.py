"""A reference list much smaller than the active one, empty, or mostly repeats does not replace it
without a confirmation: ``--replace`` on the command line, a box naming both counts on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.replacement import ReplacementNeedsConfirmation, check_replacement
from ucjamsostek.screening import services
from ucjamsostek.screening.models import ReferenceEntry, ReferenceList

pytestmark = pytest.mark.django_db

BORN = __import__("datetime").date(1990, 5, 17)


def nik(i: int) -> str:
    return make_nik("74.13.01", BORN, "L", i)


def write(tmp_path: Path, name: str, niks: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("nik,nama\n" + "".join(f"{n},Orang {i}\n" for i, n in enumerate(niks)), encoding="utf-8")
    return path


def counts() -> tuple[int, int]:
    return ReferenceList.objects.count(), ReferenceEntry.objects.count()


@pytest.fixture
def active(tmp_path):
    return services.load_reference("deaths", write(tmp_path, "awal.csv", [nik(i) for i in range(1, 41)]), SYSTEM)


def test_the_rule_in_figures():
    check_replacement(label="daftar asn", active=100, rows=50, distinct=50)  # half: fine
    check_replacement(label="daftar asn", active=0, rows=1, distinct=1)  # a first list of one
    for active, rows, distinct, said in (
        (100, 49, 49, "jauh lebih kecil: 49 entri, daftar aktif 100 entri"),
        (2276, 1, 1, "jauh lebih kecil: 1 entri, daftar aktif 2.276 entri"),
        (0, 500_000, 1, "sebagian besar berulang: 500.000 baris, hanya 1 entri berbeda"),
        (10, 0, 0, "kosong"),
    ):
        with pytest.raises(ReplacementNeedsConfirmation) as err:
            check_replacement(label="daftar deaths", active=active, rows=rows, distinct=distinct)
        assert said in str(err.value) and (err.value.active, err.value.distinct) == (active, distinct)


def test_a_much_smaller_list_needs_confirmation_then_replaces(active, tmp_path):
    small = write(tmp_path, "kecil.csv", [nik(1)])
    before = counts()
    with pytest.raises(ReplacementNeedsConfirmation, match="1 entri, daftar aktif 40 entri"):
        services.load_reference("deaths", small, SYSTEM)
    assert counts() == before and ReferenceList.objects.get(active=True) == active
    ref = services.load_reference("deaths", small, SYSTEM, replace=True)
    assert (ref.active, ref.version, ref.entry_count) == (True, 2, 1)


def test_a_list_of_one_nik_repeated_never_becomes_active_unasked(tmp_path):
    repeated = write(tmp_path, "ulang.csv", [nik(7)] * 500)
    with pytest.raises(ReplacementNeedsConfirmation, match="500 baris, hanya 1 entri berbeda"):
        services.load_reference("deaths", repeated, SYSTEM)
    assert counts() == (0, 0)


def test_the_command_asks_for_replace(active, tmp_path):
    small = write(tmp_path, "kecil.csv", [nik(1), nik(2)])
    with pytest.raises(CommandError, match="Tambahkan --replace") as err:
        call_command("reference", "load", "deaths", str(small), "--no-progress")
    assert err.value.returncode == 2 and "2 entri, daftar aktif 40 entri" in str(err.value)
    call_command("reference", "load", "deaths", str(small), "--no-progress", "--replace")
    assert ReferenceList.objects.get(active=True).entry_count == 2


def test_the_page_shows_both_counts_and_a_box_to_confirm(active, client, users, tmp_path):
    client.force_login(users["dinas"])
    url = reverse("screening:references")
    small = write(tmp_path, "kecil.csv", [nik(1)])
    with small.open("rb") as fh:
        page = client.post(url, {"kind": "deaths", "file": fh})
    text = page.content.decode()
    assert page.status_code == 422
    assert "1 entri, daftar aktif 40 entri" in text and "Ya, ganti daftar aktif (40 entri)" in text
    assert ReferenceList.objects.get(active=True) == active
    with small.open("rb") as fh:
        assert client.post(url, {"kind": "deaths", "file": fh, "replace": "on"}).status_code == 302
    assert ReferenceList.objects.get(active=True).entry_count == 1
