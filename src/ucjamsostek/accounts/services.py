"""Account writes: the access log (who viewed or downloaded whose personal data) and the demo
users of the demonstration deployment."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import polars as pl
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction

from ucjamsostek import bulk
from ucjamsostek.accounts import permissions as perm
from ucjamsostek.accounts.models import AccessLog, AccessLogSubject, Organisation, Role, User
from ucjamsostek.core import nikscan
from ucjamsostek.core.logs import scrub
from ucjamsostek.regions.models import Region

#: The name recorded for a request without a user (the console's actor is "sistem").
ANONYMOUS = "(anonim)"
_SUBJECTS = {"entry_id": pl.Int64, "nik_hash": pl.String}


def record_access(
    actor: Any, kind: str, what: str, *, niks: Iterable[str], target: str = "", rows: int | None = None
) -> AccessLog:
    """Append one entry to the access log (``AccessLog``): ``actor`` (the console's
    ``permissions.SYSTEM`` is recorded as nobody, named "sistem"), ``kind`` (an
    ``AccessLog.Kind``), ``what`` (a route name or export kind), ``target`` (which object: ids, a
    file name; any NIK-like number in it is masked) and the people, as keyed hashes of ``niks``.
    ``rows`` (rows shown or written) defaults to the number of distinct NIKs.

    Called by the pages and the API that show one person and, for every download, by
    ``accounts.middleware.AccessLogMiddleware`` through :func:`record_download`."""
    hashes = sorted(set(AccessLogSubject.hashes_of(nik for nik in niks if nik)))
    with transaction.atomic():
        entry = AccessLog.objects.create(
            user=perm.recorded_user(actor),
            username=str(getattr(actor, "username", "") or ANONYMOUS)[:150],
            kind=kind,
            what=what[:100],
            target=scrub(target)[:200],
            rows=len(hashes) if rows is None else rows,
            people=len(hashes),
        )
        bulk.insert_frame(
            AccessLogSubject,
            pl.DataFrame({"entry_id": [entry.pk] * len(hashes), "nik_hash": hashes}, schema=_SUBJECTS),
        )
    return entry


def record_view(actor: Any, what: str, nik: str, *, target: str = "") -> AccessLog:
    """Record that a page showed ``actor`` one person's data (the person page)."""
    return record_access(actor, AccessLog.Kind.VIEW, what, niks=[nik], target=target)


def record_download(actor: Any, what: str, file: IO[bytes], *, target: str = "") -> AccessLog:
    """Record that ``actor`` downloaded ``file`` (a seekable binary file, read from its current
    position and put back there): the NIKs it discloses and the rows holding them
    (``core.nikscan``)."""
    start = file.tell()
    try:
        found = nikscan.scan(file)
    finally:
        file.seek(start)
    return record_access(actor, AccessLog.Kind.DOWNLOAD, what, niks=found.niks, target=target, rows=found.rows)


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
