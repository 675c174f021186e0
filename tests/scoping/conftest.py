"""A demo-like world in two kecamatan for the scoping crawl: every kind of object the app keeps
(people, enrollments under two PKS with the 2025 gap between them, a monthly bill reconciled and
paid, claims, BSU recipients, nomination batches of three uploaders, a budget scenario, indicator
snapshots, a Rakor Monev with a follow-up, a report, jobs, API tokens), each with people of both
kecamatan and of an OPD, plus NIKs the registry does not hold.

Every person, heir and nominated row is an :class:`Identity` (NIK + name) with where it lives and
which OPD list or batch it came through; :func:`forbidden` says, independently of the code under
test, which identities a role must never see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.core.nomination_files import write_xlsx
from tests.people_fixtures import DESA_A, DESA_A2, KEC_A, KEC_B, organisations, password_hash, regions  # noqa: F401
from ucjamsostek.core.nik import make_nik

AS_OF = date(2026, 1, 1)
PERIOD = "2026-01"


@dataclass(frozen=True)
class Identity:
    key: str
    nik: str
    name: str
    sex: str
    born: date
    village: str  # desa code
    organisation: str = ""  # "own" / "other": the OPD the person works for
    registry: bool = True  # a person of the registry (else a NIK only a file carries)
    batch: str = ""  # the uploader whose nomination file carries this row


def _nik(village: str, born: date, sex: str, serial: int) -> str:
    return make_nik(village[:8], born, sex, serial)


def identities(desa_b: str) -> dict[str, Identity]:
    """People of the world. Serial numbers differ, so no two NIKs share their masked form."""
    rows = [
        # key, village, name, sex, organisation, registry, batch
        ("A1", DESA_A, "Wa Ode Rosmiati Kadir", "P", "", True, ""),
        ("A2", DESA_A2, "La Ode Syahrun Mbaru", "L", "", True, ""),
        ("AO", DESA_A, "Andi Makkasau Pawennari", "L", "other", True, ""),
        ("B1", desa_b, "Muhammad Yasin Tamburaka", "L", "", True, ""),
        ("O1", desa_b, "Sitti Nurhaliza Bombana", "P", "own", True, ""),
        ("X1", desa_b, "Abdul Gafur Lakidende", "L", "", False, ""),  # billed, claimed, paid: not in the registry
        ("NA", DESA_A, "Laode Kaimuddin Rahmatu", "L", "", False, "kec"),
        ("NB", desa_b, "Wa Ode Fitriani Lasalimu", "P", "", False, "kec_b"),
        ("NO", desa_b, "Ruslan Tamalaki Bontoa", "L", "", False, "opd"),
        ("HB", desa_b, "Hajjah Marlina Tosugi", "P", "", False, ""),  # heir of B1's claim
    ]
    out = {}
    for i, (key, village, name, sex, org, registry, batch) in enumerate(rows, start=1):
        born = date(1970 + 2 * i, 1 + i, 3 + i)
        out[key] = Identity(key, _nik(village, born, sex, 40 + i), name, sex, born, village, org, registry, batch)
    return out


def forbidden(role: str, user: Any, people: dict[str, Identity]) -> list[Identity]:
    """The identities ``role`` must not see, from the world's own facts (not the code's rules):
    an area operator sees the people living in its area and the nominated rows resolved there; an
    OPD operator its own staff and the rows of its own lists; the regency-wide roles everyone. A
    NIK the registry does not hold lies in no area. An heir goes with the claimant (B1)."""
    if role in ("area", "kec", "kec_b"):
        area = user.area_id

        def visible(p: Identity) -> bool:
            if p.key == "HB":
                return visible(people["B1"])
            if not p.registry and not p.batch:
                return False
            return p.village == area or p.village.startswith(area + ".")

    elif role == "opd":

        def visible(p: Identity) -> bool:
            if p.key == "HB":
                return visible(people["B1"])
            return p.organisation == "own" or p.batch == "opd"

    else:
        return []
    return [p for p in people.values() if not visible(p)]


# ---------------------------------------------------------------------------------------- the world
def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def world(regions, organisations, tmp_path, settings):  # noqa: F811
    """Build the world; returns users (one per role, plus ``kec`` of KEC_A and ``kec_b`` of KEC_B),
    their API tokens and the identities."""
    from ucjamsostek.accounts.models import User

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.JOBS_RUN_INLINE = True
    users: dict[str, Any] = {}
    for role in ("admin", "dinas", "area", "opd", "budget", "bpjs", "leadership", "auditor", "kec", "kec_b"):
        u = User(username=f"s_{role}", role="area" if role.startswith("kec") else role)
        u.is_staff = u.is_superuser = role == "admin"
        u.area_id = {"area": DESA_A, "kec": KEC_A, "kec_b": KEC_B}.get(role)
        if role == "opd":
            u.organisation = organisations["own"]
        u.password = password_hash()
        u.save()
        users[role] = u
    people = identities(regions["desa_b"])
    _registry(users, people, organisations)
    _agreements(users, people)
    _billing(users, people, tmp_path)
    _claims_and_aid(users, people, tmp_path)
    _screening(users, people, tmp_path, regions)
    _budget(users)
    _monitoring(users)
    tokens = _tokens(users)
    return {"users": users, "tokens": tokens, "people": people}


def _registry(users: dict[str, Any], people: dict[str, Identity], organisations: dict[str, Any]) -> None:  # noqa: F811
    from ucjamsostek.registry.services import create_person

    for p in people.values():
        if not p.registry:
            continue
        data: dict[str, Any] = {
            "nik": p.nik,
            "name": p.name,
            "sex": p.sex,
            "birth_date": p.born,
            "village": p.village,
        }
        if p.organisation:
            data["organisation"] = organisations[p.organisation].pk
        create_person(users["admin"], data)


def _person(p: Identity) -> Any:
    from ucjamsostek.registry.models import Person

    return Person.objects.get(nik=p.nik)


def _agreements(users: dict[str, Any], people: dict[str, Identity]) -> None:
    """The PKS of 2022–2024, the gap from January 2025, the PKS from 14 July 2025 (as the demo)."""
    import io

    from ucjamsostek.agreements import services as agr
    from ucjamsostek.registry.models import Enrollment

    admin = users["admin"]
    old = agr.create_agreement(
        admin,
        {
            "number": "PKS/2022/SCOPE",
            "signed_on": date(2022, 10, 20),
            "parties": "Pemkab Muna Barat; BPJS TK Raha",
            "start": date(2022, 11, 1),
            "end": date(2025, 1, 1),
            "funder": "apbd_kab",
            "programmes": "JKK+JKM",
            "value": 2_000_000_000,
            "quota": 10,
        },
    )
    agr.set_status(admin, old, "signed")
    agr.set_status(admin, old, "active")
    agr.enroll_people(
        admin,
        old,
        [(_person(people[k]).pk, "pekerja_rentan") for k in ("A1", "A2", "B1", "AO")],
        status=Enrollment.Status.ACTIVE,
    )
    new = agr.renew_agreement(
        admin,
        old,
        {
            "number": "PKS/2025/SCOPE",
            "signed_on": date(2025, 7, 10),
            "start": date(2025, 7, 14),
            "end": date(2027, 1, 1),
            "value": 2_016_000_000,
        },
    )
    agr.set_status(admin, new, "signed")
    agr.set_status(admin, new, "active")
    agr.enroll_people(
        admin,
        new,
        [(_person(people[k]).pk, "pekerja_rentan") for k in ("A1", "B1", "O1", "AO")],
        status=Enrollment.Status.ACTIVE,
    )
    agr.attach_document(admin, new, "pks.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"), title="PKS 2025")


def _billing(users: dict[str, Any], people: dict[str, Identity], tmp_path: Path) -> None:
    from ucjamsostek.billing import services as bil

    lines = "".join(
        f"{people[k].nik},{i},{people[k].name},2026-01,JKK+JKM,16800\n"
        for i, k in enumerate(("A1", "A2", "AO", "B1", "O1", "X1"), start=1)
    )
    f = _write(tmp_path / "tagihan-2026-01.csv", "NIK,No KPJ,Nama,Periode,Program,Iuran\n" + lines)
    inv, _ = bil.import_bill(users["bpjs"], f)
    bil.reconcile_invoice(inv)
    bil.record_payment(users["dinas"], inv, sp2d_number="SP2D/SCOPE/1", paid_on=date(2026, 2, 10), amount=16800)


def _claims_and_aid(users: dict[str, Any], people: dict[str, Identity], tmp_path: Path) -> None:
    from ucjamsostek.assistance import services as asv
    from ucjamsostek.claims import services as cls

    a, b, o, x = (people[k].nik for k in ("A1", "B1", "O1", "X1"))
    heir = people["HB"].name
    claims = _write(
        tmp_path / "klaim.csv",
        "NIK;No KPJ;Jenis;Tgl Kejadian;Tgl Pengajuan;Tgl Bayar;Nominal;Status;Nama Ahli Waris\n"
        f"{a};1;JKK;15-03-2024;20-03-2024;30-04-2024;Rp12.500.000;Dibayar;\n"
        f"{b};2;JKM;02-02-2025;10-02-2025;01-03-2025;42.000.000;Dibayar;{heir}\n"
        f"{o};3;JKK;20-08-2025;25-08-2025;01-10-2025;2.000.000;Dibayar;\n"
        f"{x};;JKK;01-09-2025;;;1.000.000;Proses;\n",
    )
    cls.import_claims(users["bpjs"], claims)
    aid = _write(
        tmp_path / "bsu.csv",
        "NIK;Nama;Program;Nominal;Tgl Salur;Status\n"
        + "".join(
            f"{people[k].nik};{people[k].name};BSU 2025;600.000;01-08-2025;Tersalur\n" for k in ("A1", "B1", "O1", "X1")
        ),
    )
    asv.import_recipients(users["bpjs"], aid, lists={"asn": set(), "pkh": set()})


def _screening(users: dict[str, Any], people: dict[str, Identity], tmp_path: Path, regions: dict[str, str]) -> None:  # noqa: F811
    """Three uploads through the job (inline): the KEC_A and KEC_B operators' desa lists and the
    OPD's list, each with one person of the registry and one new name."""
    from ucjamsostek.regions.models import Region
    from ucjamsostek.screening import services

    def row(i: int, p: Identity) -> list[Any]:
        village = Region.objects.select_related("parent").get(code=p.village)
        return [i, p.nik, p.name, p.sex, "Raha", p.born, village.name, village.parent.name]

    uploads = (
        ("kec", "desa", "Desa Wakoila", ("NA", "A1")),
        ("kec_b", "desa", "Desa di Barangka", ("NB", "B1")),
        ("opd", "opd", "Dinas Tenaga Kerja", ("NO", "O1")),
    )
    for who, kind, source, keys in uploads:
        path = write_xlsx(tmp_path / f"usulan-{who}.xlsx", [row(i, people[k]) for i, k in enumerate(keys, 1)])
        stored = services.copy_for_upload(path)
        job = services.start_upload(
            users[who], None, source_kind=kind, source_name=source, segment=None, as_of=AS_OF,
            stored_path=stored, file_name=path.name,
        )  # fmt: skip
        assert job.status == "done", (who, job.message)


def _budget(users: dict[str, Any]) -> None:
    from ucjamsostek.budget import services

    params = services.ScenarioParams(year=2026, ceiling=2_016_000_000, start=date(2026, 1, 1))
    services.save_scenario(users["dinas"], "Skenario uji wilayah", params, services.compute(params))


def _monitoring(users: dict[str, Any]) -> None:
    from ucjamsostek.jobs.services import start
    from ucjamsostek.monitoring import reports, services

    services.seed_monitoring(2025)
    services.seed_monitoring(2026)
    services.refresh(PERIOD)
    services.refresh("2025-S1")
    meeting = services.create_meeting(users["dinas"], date(2025, 7, 15), period="2025-S1")
    services.add_follow_up(users["dinas"], meeting, "Perpanjang PKS", "Disnakertrans", deadline=date(2025, 8, 1))
    for who, area in (("admin", "74.13"), ("kec", KEC_A)):
        job = start("monitoring.report", reports.report_job, PERIOD, "xlsx", area, user=users[who])
        assert job.status == "done", job.message


def _tokens(users: dict[str, Any]) -> dict[str, str]:
    from ucjamsostek.monitoring.services import create_api_token

    return {role: create_api_token(u, "crawl")[1] for role, u in users.items()}
