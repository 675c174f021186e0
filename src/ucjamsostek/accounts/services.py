"""Account writes: demo users for the demonstration deployment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction

from ucjamsostek.accounts.models import Organisation, Role, User
from ucjamsostek.regions.models import Region

DEMO_OPD_CODE = "DIKBUD"
DEMO_OPD_NAME = "Dinas Pendidikan dan Kebudayaan"


@dataclass(frozen=True)
class DemoUsers:
    usernames: dict[str, str]  # role → user name ("area" is the desa operator, "area_kecamatan" the kecamatan one)
    password: str
    organisation_code: str
    kecamatan_code: str
    desa_code: str


class DemoUserError(Exception):
    """The area is not loaded; run ``ucjamsostek init`` first."""


def _first_child(code: str, level: int) -> Region:
    region = (
        Region.objects.filter(level=level)
        .filter(code__startswith=code + ".")
        .order_by("code")
        .first()
    )
    if region is None:
        raise DemoUserError(f"Wilayah di bawah {code} belum dimuat; jalankan 'ucjamsostek init' dahulu.")
    return region


@transaction.atomic
def ensure_demo_users(area_code: str, password: str | None = None) -> DemoUsers:
    """One user per role for a demonstration (idempotent: users are updated, not duplicated).

    The kecamatan operator works in the area's first kecamatan (74.13.01 Sawerigadi for Muna
    Barat), the desa operator in that kecamatan's first village, the OPD operator for the
    "Dinas Pendidikan dan Kebudayaan" (created when missing). Every call makes ``password`` (a
    random one when not given) the password of all of them and returns it for printing.

    Hashing is slow on purpose (Argon2, about half a second), so the password is hashed at most
    once per call and shared by the users that need it (new users, and users whose stored hash
    does not verify ``password`` or is due for an upgrade); a stored hash is verified once even
    when several users share it. A second run with the same password hashes nothing.
    """
    area = Region.objects.filter(code=area_code).first()
    if area is None:
        raise DemoUserError(f"Wilayah {area_code} belum dimuat; jalankan 'ucjamsostek init' dahulu.")
    kecamatan = area if area.level == Region.Level.DISTRICT else _first_child(area_code, Region.Level.DISTRICT)
    desa = _first_child(kecamatan.code, Region.Level.VILLAGE)
    org, _ = Organisation.objects.get_or_create(
        code=DEMO_OPD_CODE, defaults={"name": DEMO_OPD_NAME, "region": area}
    )
    password = password or f"demo-{secrets.token_urlsafe(8)}"
    slug = desa.name.lower().replace(" ", "")
    specs: list[tuple[str, str, dict[str, object]]] = [
        ("admin", "admin", {"is_staff": True, "is_superuser": True}),
        ("dinas", "dinas", {}),
        ("area_kecamatan", f"kec.{kecamatan.name.lower().replace(' ', '')}", {"area": kecamatan}),
        ("area", f"desa.{slug}", {"area": desa}),
        ("opd", f"opd.{DEMO_OPD_CODE.lower()}", {"organisation": org}),
        ("budget", "anggaran", {}),
        ("bpjs", "bpjs", {}),
        ("leadership", "pimpinan", {}),
        ("auditor", "auditor", {}),
    ]
    names: dict[str, str] = {}
    verified: dict[str, bool] = {}  # stored hash → does it verify ``password``?
    fresh: list[str] = []  # the one new hash of this call, made when first needed

    def password_hash(current: str) -> str:
        if current and current not in verified:
            try:
                due = identify_hasher(current).must_update(current)
            except ValueError:  # unusable or unknown hash
                due = True
            verified[current] = not due and check_password(password, current)
        if current and verified[current]:
            return current
        if not fresh:
            fresh.append(make_password(password))
        return fresh[0]

    for key, username, extra in specs:
        role = Role.AREA if key.startswith("area") else Role(key)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.role = role
        user.is_active = True
        user.is_staff = bool(extra.get("is_staff", False))
        user.is_superuser = bool(extra.get("is_superuser", False))
        user.area = extra.get("area")  # type: ignore[assignment]
        user.organisation = extra.get("organisation")  # type: ignore[assignment]
        user.first_name = str(role.label)
        user.password = password_hash(user.password)
        user.save()
        names[key] = username
    return DemoUsers(names, password, org.code, kecamatan.code, desa.code)
