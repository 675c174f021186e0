"""Shared fixtures for registry, accounts and web tests: Muna Barat regions, one user per role,
a few people in two villages of two kecamatan and one OPD's staff member."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.regiondata import region_table

PASSWORD = "Rahasia-Uji-2026!"  # noqa: S105
ROLES = ("admin", "dinas", "area", "opd", "budget", "bpjs", "leadership", "auditor", "province")

# Sawerigadi (74.13.01): Wakoila and Waukuni; Barangka (74.13.02): first village of the list.
KEC_A = "74.13.01"
DESA_A = "74.13.01.2001"
DESA_A2 = "74.13.01.2002"
KEC_B = "74.13.02"


@pytest.fixture
def regions(db):
    from ucjamsostek.regions.services import load_regions

    table = region_table().filter(
        (pl.col("code") == "74")
        | (pl.col("code") == "74.13")
        | pl.col("code").str.starts_with("74.13.")
        | (pl.col("code") == "74.03")
        | pl.col("code").str.starts_with("74.03.06")
    )
    load_regions(table)
    from ucjamsostek.regions.models import Region

    desa_b = Region.objects.filter(code__startswith=KEC_B + ".", level=4).order_by("code").first()
    outside = Region.objects.filter(code__startswith="74.03.06.", level=4).order_by("code").first()
    return {"desa_b": desa_b.code, "outside": outside.code}


@pytest.fixture
def organisations(regions):
    from ucjamsostek.accounts.models import Organisation

    a, _ = Organisation.objects.get_or_create(
        code="DISNAKER", defaults={"name": "Dinas Tenaga Kerja", "region_id": "74.13"}
    )
    b, _ = Organisation.objects.get_or_create(code="DINKES", defaults={"name": "Dinas Kesehatan", "region_id": "74.13"})
    return {"own": a, "other": b}


_HASH: dict[str, str] = {}


def password_hash() -> str:
    """Argon2 is slow on purpose: hash the test password once per session."""
    if "h" not in _HASH:
        from django.contrib.auth.hashers import make_password

        _HASH["h"] = make_password(PASSWORD)
    return _HASH["h"]


@pytest.fixture
def users(regions, organisations):
    """One user per role; the area user is the desa operator of DESA_A, plus 'kec' for KEC_A."""
    from ucjamsostek.accounts.models import User

    made = {}
    for role in ROLES:
        u = User(username=f"u_{role}", role=role, is_staff=role == "admin", is_superuser=role == "admin")
        if role == "area":
            u.area_id = DESA_A
        if role == "opd":
            u.organisation = organisations["own"]
        u.password = password_hash()
        u.save()
        made[role] = u
    kec = User(username="u_kec", role="area", area_id=KEC_A)
    kec.password = password_hash()
    kec.save()
    made["kec"] = kec
    return made


def person_data(village: str, serial: int, *, sex: str = "L", name: str = "La Ode Test", **extra):
    born = date(1985, 3, 12)
    return {
        "nik": make_nik(KEC_A, born, sex, serial),
        "name": name,
        "sex": sex,
        "birth_date": born,
        "village": village,
        **extra,
    }


@pytest.fixture
def people(users, regions, organisations):
    """p_a in DESA_A, p_a2 in DESA_A2 (same kecamatan), p_b in another kecamatan, p_opd OPD staff."""
    from ucjamsostek.registry.services import create_person

    admin = users["admin"]
    return {
        "p_a": create_person(admin, person_data(DESA_A, 1, name="Wa Ode Siti Aminah", sex="P")),
        "p_a2": create_person(admin, person_data(DESA_A2, 2, name="La Ode Baharudin")),
        "p_b": create_person(admin, person_data(regions["desa_b"], 3, name="Muhammad Yusuf")),
        "p_opd": create_person(
            admin, person_data(regions["desa_b"], 4, name="Sitti Rahma", sex="P", organisation=organisations["own"].pk)
        ),
    }
