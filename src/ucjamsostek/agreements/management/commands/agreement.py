"""``ucjamsostek agreement ACTION …``: PKS with BPJS, addenda, documents, enrolment, registration
batch and BPJS's answer, warnings and the coverage gap report.

Actions: ``list``, ``show NUMBER``, ``create``, ``renew NUMBER``, ``status NUMBER STATUS``,
``amend NUMBER``, ``attach NUMBER FILE.pdf``, ``enroll NUMBER [--year Y | --scenario ID]`` (also
``enroll --scenario ID --agreement NUMBER``: the frozen list of a final budget scenario becomes
coverage periods under the PKS in one step),
``registration-export NUMBER FILE.xlsx``, ``registration-import FILE``, ``warnings``, ``gaps``.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.agreements import selectors, services
from ucjamsostek.agreements.management.commands._common import parse_date, rp, run
from ucjamsostek.agreements.models import Agreement

ACTIONS = (
    "list",
    "show",
    "create",
    "renew",
    "status",
    "amend",
    "attach",
    "enroll",
    "registration-export",
    "registration-import",
    "warnings",
    "gaps",
)


class Command(BaseCommand):
    help = "PKS (perjanjian kerja sama) dengan BPJS Ketenagakerjaan: " + ", ".join(ACTIONS)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("params", nargs="*", help="NOMOR PKS, STATUS atau BERKAS sesuai tindakan")
        parser.add_argument("--number", help="nomor PKS baru (create/renew) atau nomor addendum (amend)")
        parser.add_argument("--title", default="")
        parser.add_argument("--signed", help="tanggal tanda tangan YYYY-MM-DD")
        parser.add_argument("--parties", default="")
        parser.add_argument("--start", help="mulai berlaku YYYY-MM-DD")
        parser.add_argument("--last-day", help="hari terakhir berlaku YYYY-MM-DD (inklusif)")
        parser.add_argument("--programmes", default="JKK+JKM")
        parser.add_argument("--funder", default="apbd_kab")
        parser.add_argument("--value", help="nilai kontrak (Rp)")
        parser.add_argument("--quota", type=int)
        parser.add_argument("--wage-base", help="upah dasar peserta PU (Rp)")
        parser.add_argument("--reason", default="", help="alasan (amend/status)")
        parser.add_argument("--year", type=int, help="tahun skenario anggaran final (enroll)")
        parser.add_argument("--scenario", type=int, help="id skenario anggaran final (enroll)")
        parser.add_argument("--agreement", help="nomor PKS (enroll; sama dengan menyebut NOMOR)")
        parser.add_argument("--as-of", help="gaps: hitung juga yang belum terlindungi sampai tanggal ini")
        parser.add_argument("--today", help="warnings: tanggal acuan")

    def _agreement(self, args: list[str]) -> Agreement:
        if not args:
            raise CommandError("nomor PKS wajib disebut", returncode=2)
        agr = selectors.get_agreement_by_number(args[0])
        if agr is None:
            raise CommandError(f"PKS nomor {args[0]!r} tidak ditemukan", returncode=2)
        return agr

    def _data(self, o: dict[str, Any]) -> dict[str, Any]:
        last = parse_date(o["last_day"], "--last-day")
        data: dict[str, Any] = {
            "number": o["number"],
            "title": o["title"],
            "parties": o["parties"],
            "signed_on": parse_date(o["signed"], "--signed"),
            "start": parse_date(o["start"], "--start"),
            "end": last + timedelta(days=1) if last else None,
            "programmes": o["programmes"],
            "funder": o["funder"],
            "value": o["value"],
            "quota": o["quota"],
            "wage_base": o["wage_base"],
        }
        return {k: v for k, v in data.items() if v not in (None, "")}

    def handle(self, *args: Any, **o: Any) -> None:
        action, rest = o["action"], list(o["params"])
        out = self.stdout.write
        if action == "list":
            for a in selectors.agreements(SYSTEM):
                out(
                    f"{a.number}\t{a.status}\t{a.start:%d-%m-%Y} s.d. {a.end - timedelta(days=1):%d-%m-%Y}\t"
                    f"{rp(a.value)}\tkuota {a.quota}\tpeserta {getattr(a, 'participants', 0)}"
                    + (f"\tlanjutan dari {a.predecessor.number}" if a.predecessor else "")
                )
        elif action == "show":
            a = self._agreement(rest)
            out(
                f"{a.number} ({a.status}) {a.start:%d-%m-%Y} s.d. {a.end - timedelta(days=1):%d-%m-%Y}, "
                f"{'+'.join(a.programmes)}, {rp(a.value)}, kuota {a.quota}"
            )
            for m in selectors.amendments(a):
                out(f"  addendum {m.seq} {m.number} {m.reason}: {m.changes}")
            for d in selectors.documents(a):
                out(f"  dokumen: {d.title} ({d.size} bita)")
        elif action == "create":
            a = run(lambda: services.create_agreement(SYSTEM, self._data(o)))
            out(f"PKS {a.number} dibuat (draf).")
        elif action == "renew":
            prev = self._agreement(rest)
            a = run(lambda: services.renew_agreement(SYSTEM, prev, self._data(o)))
            out(f"PKS {a.number} dibuat sebagai lanjutan {prev.number}.")
        elif action == "status":
            a = self._agreement(rest)
            if len(rest) < 2:
                raise CommandError("gunakan: agreement status NOMOR signed|active|ended", returncode=2)
            run(lambda: services.set_status(SYSTEM, a, rest[1], reason=o["reason"]))
            out(f"Status PKS {a.number}: {rest[1]}.")
        elif action == "amend":
            a = self._agreement(rest)
            changes = {k: v for k, v in self._data(o).items() if k in services.AMENDABLE}
            m = run(
                lambda: services.amend(
                    SYSTEM,
                    a,
                    changes,
                    reason=o["reason"],
                    number=o["number"] or "",
                    signed_on=parse_date(o["signed"], "--signed"),
                )
            )
            out(f"Addendum {m.seq} PKS {a.number} dicatat: {m.changes}")
        elif action == "attach":
            a = self._agreement(rest)
            if len(rest) < 2:
                raise CommandError("gunakan: agreement attach NOMOR BERKAS.pdf", returncode=2)
            path = Path(rest[1])
            if not path.is_file():
                raise CommandError(f"berkas {path.name} tidak ditemukan", returncode=2)
            with path.open("rb") as fh:
                d = run(lambda: services.attach_document(SYSTEM, a, path.name, fh, title=o["title"]))
            out(f"Dokumen {d.title} dilampirkan pada PKS {a.number}.")
        elif action == "enroll":
            a = self._agreement(rest or ([o["agreement"]] if o["agreement"] else []))
            r = run(lambda: services.enroll_scenario(SYSTEM, a, year=o["year"], scenario_id=o["scenario"]))
            out(
                f"{r.created} kepesertaan dibuat di bawah PKS {a.number}; sudah terlindungi {r.already_covered}, "
                f"belum di data penduduk {r.not_in_registry}, melebihi kuota {r.over_quota}, "
                f"segmen tidak dikenal {r.unknown_segment}."
            )
        elif action == "registration-export":
            a = self._agreement(rest)
            if len(rest) < 2:
                raise CommandError("gunakan: agreement registration-export NOMOR BERKAS.xlsx", returncode=2)
            n = run(lambda: services.export_registration(SYSTEM, a, rest[1]))
            run(lambda: services.submit_registration(SYSTEM, a))
            out(f"{n} peserta ditulis ke {rest[1]} (status: didaftarkan ke BPJS).")
        elif action == "registration-import":
            if not rest:
                raise CommandError("gunakan: agreement registration-import BERKAS", returncode=2)
            res = run(lambda: services.import_registration(SYSTEM, rest[0]))
            out(f"Diterima {res.accepted}, ditolak {res.rejected}, tidak cocok {len(res.unmatched)}.")
            for row, why in res.unmatched:
                out(f"  baris {row}: {why}")
        elif action == "warnings":
            w = selectors.warnings(SYSTEM, parse_date(o["today"], "--today"))
            for e in w.ending:
                if e["ended"]:
                    out(
                        f"PKS {e['number']} sudah berakhir {e['last_day']:%d-%m-%Y} ({e['days_ago']} hari lalu) "
                        "tanpa PKS lanjutan."
                    )
                else:
                    out(
                        f"PKS {e['number']} berakhir {e['last_day']:%d-%m-%Y} ({e['days_left']} hari) "
                        "tanpa PKS lanjutan."
                    )
            for e in w.late_successor:
                out(
                    f"PKS {e['number']} berakhir {e['last_day']:%d-%m-%Y}, PKS lanjutan {e['successor']} baru "
                    f"berlaku {e['successor_start']:%d-%m-%Y}: {e['gap_days']} hari tanpa perlindungan."
                )
            for problem, n in w.without_agreement.items():
                out(f"{n} kepesertaan: {problem}")
            if not w.ending and not w.late_successor and not w.without_agreement:
                out("Tidak ada peringatan.")
        elif action == "gaps":
            rep = selectors.coverage_gaps(SYSTEM, as_of=parse_date(o["as_of"], "--as-of"))
            out(f"{rep.people} orang pernah tidak terlindungi di antara PKS, {rep.person_days} orang-hari.")
            for v in rep.by_village:
                out(f"  {v['village']}: {v['people']} orang, {v['person_days']} orang-hari")
            out(f"Klaim dengan tanggal kejadian di masa tanpa perlindungan: {len(rep.claims_in_gap)}")
            if rep.claims_in_gap:
                out(f"  senilai {rp(sum(c['amount'] or 0 for c in rep.claims_in_gap))}")
            out(
                f"Perlindungan berakhir dan tidak dilanjutkan (sampai {rep.ended_as_of:%d-%m-%Y}): "
                f"{rep.ended_people} orang."
            )
