"""Fixtures of the screening app tests: regions and one user per role (shared), a small nomination
file whose rows fall in two desa, and the shared sample beside the repository."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.core.nomination_files import write_xlsx
from tests.people_fixtures import DESA_A, KEC_A, organisations, regions, users  # noqa: F401
from ucjamsostek.core.nik import make_nik

AS_OF = date(2026, 1, 1)
SAMPLE_NAME = "usulan-contoh.xlsx"
REPO = Path(__file__).resolve().parents[2]


def sample_path() -> Path | None:
    path = REPO.parent / "shared" / "samples" / SAMPLE_NAME
    return path if path.exists() else None


@pytest.fixture
def sample_file() -> Path:
    path = sample_path()
    if path is None:
        pytest.skip("../shared/samples/usulan-contoh.xlsx is not beside the repository")
    return path


@pytest.fixture
def villages(regions):  # noqa: F811
    from ucjamsostek.regions.models import Region

    a = Region.objects.get(code=DESA_A)
    b = Region.objects.get(code=regions["desa_b"])
    return {"a": a, "b": b}


def rows_for(villages) -> list[list[object]]:
    """Six rows: in desa A an eligible one, a NIK/birth-date mismatch (review) and two rows of one
    person under different NIKs (probable duplicate, review); in desa B a NIK/sex mismatch (review)
    and an eligible one."""
    a, b = villages["a"], villages["b"]
    kec_a, kec_b = a.parent.name, b.parent.name
    kb = b.parent.code
    born = date(1990, 5, 17)
    d1, d2, d3, d4 = date(1979, 8, 9), date(1995, 1, 20), date(1992, 7, 7), date(1988, 3, 2)
    return [
        [1, make_nik(KEC_A, born, "L", 11), "La Ode Amir", "L", "Raha", born, a.name, kec_a],
        [2, make_nik(KEC_A, date(1988, 2, 3), "P", 12), "Wa Ode Sitti", "P", "Raha", d4, a.name, kec_a],
        [3, make_nik(KEC_A, d1, "L", 13), "Muhammad Rusdin", "L", "Lawa", d1, a.name, kec_a],
        [4, make_nik(KEC_A, d1, "L", 14), "Muhamad Rusdin", "L", "Lawa", d1, a.name, kec_a],
        [5, make_nik(kb, d2, "P", 15), "Hasna", "L", "Lawa", d2, b.name, kec_b],
        [6, make_nik(kb, d3, "L", 16), "La Basri", "L", "Lawa", d3, b.name, kec_b],
    ]


@pytest.fixture
def small_file(tmp_path, villages) -> Path:
    return write_xlsx(tmp_path / "usulan-kecil.xlsx", rows_for(villages))


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def default_language():
    """A page fetched under /en/ leaves English active in the thread (LocaleMiddleware does not
    reset it): put the default back so the next test, of any app, starts in Bahasa Indonesia."""
    yield
    from django.utils import translation

    translation.deactivate()
