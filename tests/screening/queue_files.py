"""Two nomination files from two senders for the review work queue tests (real xlsx files)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.urls import reverse

from tests.core.nomination_files import write_xlsx
from tests.people_fixtures import KEC_A
from tests.screening.conftest import AS_OF, rows_for
from ucjamsostek.core.nik import make_nik


def second_rows(villages) -> list[list[object]]:
    """Three rows of desa A from another sender: a birth date one day off its NIK's (review), a
    desa nobody knows (review) and an eligible one."""
    a = villages["a"]
    kec = a.parent.name
    d1, d2, d3 = date(1985, 4, 4), date(1991, 9, 30), date(1993, 2, 14)
    return [
        [1, make_nik(KEC_A, d1, "P", 21), "Wa Ode Hasni", "P", "Raha", date(1985, 4, 5), a.name, kec],
        [2, make_nik(KEC_A, d2, "L", 22), "La Udin", "L", "Raha", d2, "Antah Berantah", kec],
        [3, make_nik(KEC_A, d3, "L", 23), "La Ode Safar", "L", "Raha", d3, a.name, kec],
    ]


def upload(client, path: Path, sender: str) -> None:
    data = {"source_kind": "desa", "source_name": sender, "segment": "", "as_of": AS_OF.isoformat()}
    with path.open("rb") as fh:
        response = client.post(reverse("screening:upload"), {**data, "file": fh})
    assert response.status_code == 302, response.content.decode()[:500]


def two_files(client, user, villages, folder: Path) -> None:
    """The small file (Desa Wakoila) and the second one (Desa Lailangga), uploaded by ``user``."""
    client.force_login(user)
    upload(client, write_xlsx(folder / "usulan-wakoila.xlsx", rows_for(villages)), "Desa Wakoila")
    upload(client, write_xlsx(folder / "usulan-lailangga.xlsx", second_rows(villages)), "Desa Lailangga")
    client.logout()
