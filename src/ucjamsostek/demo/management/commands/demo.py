"""``ucjamsostek demo [--no-serve] [--seed N] [--addr 127.0.0.1:8000] [--reset]``

Builds a realistic Kabupaten Muna Barat dataset into the configured database and serves the web
app under the production server with a background worker (``serve`` + ``worker``): ``init``
(migrate + master data), the registry of 2022–2024 (pekerja rentan and non-ASN, the PKS gap
from January 2025), demo users, the reference lists, the 2026 nomination files of the 86 villages
and a few OPD (written to ``<DATA_DIR>/demo/`` so they can be opened), each screened and stored
as a batch, the expired PKS 2022–2024 with its coverage, a 2026 budget scenario, then the
operations data (the 2025 gap and the PKS that end it, twelve monthly bills reconciled,
payments, 120 claims worth Rp4.960.000.000, 390 BSU recipients: ``demo/operations.py``) and the
monitoring data (Inpres checklist, Rakor Monev, follow-ups: ``demo/monev.py``) — and last the
monitoring indicators, computed over all of it. The demo may import every app; no app imports
the demo (an import-linter contract). Running it again adds nothing twice;
``--reset`` empties the database first.
No NIK or name is printed.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from ucjamsostek.accounts.models import Organisation
from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.accounts.services import ensure_demo_users
from ucjamsostek.agreements.models import Agreement, Coverage
from ucjamsostek.agreements.services import create_agreement, set_status
from ucjamsostek.budget.models import BudgetScenario
from ucjamsostek.budget.services import ScenarioParams, compute, save_scenario
from ucjamsostek.core.intake import file_sha256
from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
from ucjamsostek.demo import generator as gen
from ucjamsostek.demo import monev, operations
from ucjamsostek.monitoring.models import Snapshot
from ucjamsostek.monitoring.services import refresh, seed_monitoring
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Enrollment, Person
from ucjamsostek.registry.services import bulk_import_people
from ucjamsostek.screening.models import NominationBatch, ReferenceList
from ucjamsostek.screening.selectors import screening_context
from ucjamsostek.screening.services import load_reference, outputs_dir, save_batch, source_key

DEFAULT_ADDR = "127.0.0.1:8000"
#: OPD lists of the demo → (organisation code, name). DIKBUD is the demo OPD user's organisation.
OPD_CODES: dict[str, tuple[str, str]] = {
    "Dinas Pendidikan dan Kebudayaan": ("DIKBUD", "Dinas Pendidikan dan Kebudayaan"),
    "Dinas Kesehatan": ("DINKES", "Dinas Kesehatan"),
    "Sekretariat Daerah": ("SETDA", "Sekretariat Daerah"),
    "Dinas Pertanian dan Ketahanan Pangan": ("DISTAN", "Dinas Pertanian dan Ketahanan Pangan"),
}
#: Target of 2026 (DOMAIN.md §7): 10.000 pekerja rentan at Rp16.800 a month for 12 months.
TARGET_2026 = 10_000
SCENARIO_NAME = "Demo: Skenario 2026 (target 10.000 pekerja rentan)"
PKS_NUMBER = "DEMO/PKS-UCJ/MUBAR/XI/2022"
#: Periods whose indicators the demo computes: the last month under the old PKS, the gap (the
#: semester the Rakor Monev of July 2025 reviewed), the month of that meeting (its report:
#: ``report monev --period 2025-07``) and the month that report compares with (2025-06: computed
#: here, so reading the report adds no snapshot), the new PKS and BSU, the first month of 2026.
MONITORING_PERIODS = ("2024-12", "2025-S1", "2025-06", "2025-07", "2025-S2", "2026-01")
ROLE_TEXT = {
    "admin": "Administrator",
    "dinas": "Dinas (Disnakertrans)",
    "area_kecamatan": "Operator kecamatan",
    "area": "Operator desa",
    "opd": "Operator OPD",
    "budget": "Perencana anggaran",
    "bpjs": "Petugas BPJS",
    "leadership": "Pimpinan",
    "auditor": "Pemeriksa",
}


def _rupiah(value: int) -> str:
    return "Rp" + f"{value:,}".replace(",", ".")


class Command(BaseCommand):
    help = (
        "Bangun data demo Kabupaten Muna Barat (registri 2022–2024, usulan 2026 dari 86 desa dan OPD, "
        "daftar rujukan, hasil validasi, skenario anggaran) lalu jalankan aplikasi web."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="bangun data lalu keluar (skrip, benchmark)")
        parser.add_argument("--seed", type=int, default=2026, help="benih acak data demo (bawaan 2026)")
        parser.add_argument("--addr", default=DEFAULT_ADDR, help=f"alamat server web (bawaan {DEFAULT_ADDR})")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="kosongkan basis data (SEMUA data) dan folder demo, lalu bangun ulang",
        )
        parser.add_argument("--nominations", type=int, default=14_000, help="jumlah baris usulan 2026")
        parser.add_argument("--registry", type=int, default=12_000, help="jumlah penduduk di registri 2022–2024")
        parser.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")

    # ----------------------------------------------------------------------------------- helpers
    def _say(self, text: str) -> None:
        self.stdout.write(text)

    @contextmanager
    def _stage(self, title: str) -> Iterator[None]:
        started = time.monotonic()
        self._say(f"» {title}")
        yield
        self._say(f"  selesai ({time.monotonic() - started:.1f} detik)")

    def _bar(self, total: int, desc: str, unit: str = "baris") -> tqdm[Any]:
        return tqdm(total=total, desc=f"  {desc}", unit=unit, leave=False, file=sys.stderr, disable=self._quiet)

    # ------------------------------------------------------------------------------------ handle
    def handle(self, *args: Any, **options: Any) -> None:
        self._quiet = bool(options["no_progress"]) or options["verbosity"] == 0
        started = time.monotonic()
        if options["nominations"] < 50 or options["registry"] < 0:
            raise CommandError("--nominations minimal 50 dan --registry tidak boleh negatif.")
        demo_dir = Path(settings.DATA_DIR) / "demo"
        if options["reset"]:
            self._reset(demo_dir)
        with self._stage("Menyiapkan basis data (init: migrasi, wilayah, data induk)"):
            self._init()
        area = settings.AREA_CODE
        if area != gen.AREA_CODE:
            raise CommandError(
                f"Data demo dibuat untuk Kabupaten Muna Barat ({gen.AREA_CODE}); UCJAMSOSTEK_AREA_CODE saat ini {area}."
            )
        self._check_same_demo(demo_dir, options)
        with self._stage("Membuat data sintetis Muna Barat"):
            data = gen.generate_demo(options["seed"], options["nominations"], options["registry"])
            files = self._write_files(demo_dir, data)
            self._say(
                f"  {data.registry_persons.height} penduduk di registri, {data.nominations} baris usulan "
                f"dalam {len(data.sources)} berkas → {demo_dir}"
            )
        self._step("Registri 2022–2024", lambda: self._registry(data))
        self._step("PKS 2022–2024 (berakhir; jeda sejak Januari 2025)", lambda: self._agreement(data))
        users = self._step("Pengguna demo", lambda: self._users(area, demo_dir))
        self._step("Daftar rujukan (enrolled, deaths, asn)", lambda: self._references(files))
        self._step("Validasi usulan 2026", lambda: self._screen(data, files))
        self._step("Skenario anggaran 2026", lambda: self._budget(data))
        for label, build in self._app_steps():
            self._step(label, partial(build, data, say=self._say))
        self._step("Monitoring (indikator, rencana aksi Inpres, target 2026)", self._monitoring)
        self._say(f"Data demo siap dalam {time.monotonic() - started:.0f} detik.")
        self._print_logins(users, options["addr"])
        if options["no_serve"]:
            return
        self._serve(options["addr"])

    def _serve(self, addr: str) -> None:
        """Serve the app as in production: ``ucjamsostek worker`` in a child process for the
        background jobs, ``ucjamsostek serve`` (gunicorn) here; Ctrl+C or SIGTERM stops both."""
        import subprocess

        worker = subprocess.Popen([sys.executable, "-m", "ucjamsostek", "worker"])
        self._say(f"Pekerja latar belakang berjalan (pid {worker.pid}); server web di {addr}. Ctrl+C menghentikan.")
        try:
            call_command("serve", "--bind", addr)
        finally:
            worker.terminate()
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:
                worker.kill()

    def _check_same_demo(self, demo_dir: Path, options: dict[str, Any]) -> None:
        """Refuse to mix two demo datasets (another seed or size) in one database."""
        wanted = {k: options[k] for k in ("seed", "nominations", "registry")}
        marker = demo_dir / "demo.json"
        if marker.exists():
            try:
                before = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                before = None
            if before is not None and before != wanted and self._has_people():
                raise CommandError(
                    f"Basis data sudah berisi data demo lain ({before}); jalankan 'ucjamsostek demo --reset' "
                    "untuk membangun ulang."
                )
        demo_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(wanted), encoding="utf-8")

    @staticmethod
    def _has_people() -> bool:
        return Person.objects.exists()

    @staticmethod
    def _app_steps() -> list[tuple[str, Callable[..., Any]]]:
        """The operations data (PKS 2025, bills, payments, claims, BSU), then the monitoring data
        (checklist, Rakor Monev, follow-ups, workforce): after the registry, users, screening and
        budget steps, before the indicators are computed. Each step is idempotent."""
        return [(operations.DEMO_TITLE, operations.build_demo), (monev.DEMO_TITLE, monev.build_demo)]

    def _step(self, title: str, func: Callable[[], Any]) -> Any:
        with self._stage(title):
            return func()

    # ----------------------------------------------------------------------------------- stages
    def _init(self) -> None:
        call_command("init", verbosity=0, no_progress=self._quiet)

    def _reset(self, demo_dir: Path) -> None:
        from django.contrib.auth import get_user_model

        demo_names = {"admin", "dinas", "anggaran", "bpjs", "pimpinan", "auditor"}
        try:
            others = [
                u
                for u in get_user_model().objects.values_list("username", flat=True)
                if u not in demo_names and not u.startswith(("kec.", "desa.", "opd."))
            ]
        except DatabaseError:  # no tables yet: nothing to protect
            others = []
        if others:
            raise CommandError(
                f"--reset menolak: basis data berisi {len(others)} pengguna yang bukan pengguna demo. "
                "Gunakan basis data tersendiri untuk demo."
            )
        with self._stage("Mengosongkan basis data dan folder demo"):
            with suppress(DatabaseError):  # a fresh database has no tables to flush
                call_command("flush", interactive=False, verbosity=0)
            shutil.rmtree(demo_dir, ignore_errors=True)

    def _write_files(self, demo_dir: Path, data: gen.DemoData) -> dict[str, Path]:
        out: dict[str, Path] = {}
        usulan = demo_dir / "usulan"
        kunci = demo_dir / "kunci"
        bar = self._bar(len(data.sources), "menulis berkas", "berkas")
        for src in data.sources:
            out[src.name] = gen.write_source(usulan / src.filename, src)
            gen.write_truth(src.truth, kunci / f"{src.name}.expected.csv")
            bar.update(1)
        bar.close()
        for kind, path in gen.write_reference_files(demo_dir / "referensi", data).items():
            out[f"referensi-{kind}"] = path
        (demo_dir / "BACA-SAYA.txt").write_text(
            "Data demo ucjamsostek: sintetis, bukan data penduduk sebenarnya.\n"
            f"Benih acak {data.seed}; tanggal acuan {data.as_of.isoformat()}.\n"
            f"usulan/    {len(data.sources)} berkas usulan 2026 ({data.nominations} baris) dari desa dan OPD\n"
            "referensi/ daftar rujukan: enrolled (sudah aktif), deaths (meninggal), asn (ASN/TNI/Polri)\n"
            "kunci/     keputusan yang diharapkan per baris (row,status,reasons,group,...) untuk uji mutu\n"
            "bpjs/      berkas BPJS yang sudah dimuat: tagihan Des 2025–Nov 2026, klaim, penerima BSU 2025\n",
            encoding="utf-8",
        )
        return out

    def _registry(self, data: gen.DemoData) -> None:
        persons = data.registry_persons
        if persons.height == 0:
            return
        niks = persons["nik"].to_list()
        present = Person.objects.filter(nik__in=niks[:500]).count()
        if present:
            self._say(f"  registri demo sudah ada ({Person.objects.count()} penduduk), tidak dimuat ulang")
            return
        people_rows = [
            {
                "nik": r["nik"],
                "name": r["name"],
                "sex": r["sex"],
                "birth_place": r["birth_place"],
                "birth_date": r["birth_date"],
                "village": r["village_code"],
                "address": r["address"],
                "occupation": r["occupation_code"],
                "occupation_text": r["occupation"],
                "phone": r["phone"],
                "dtks_decile": r["decile"],
                "extreme_poor": bool(r["extreme_poor"]),
                "is_deceased": r["death_date"] is not None,
                "death_date": r["death_date"],
            }
            for r in persons.iter_rows(named=True)
        ]
        enrollment_rows = [
            {
                "nik": r["nik"],
                "segment": r["segment"],
                "funder": r["funder"],
                "jkk": True,
                "jkm": True,
                "jht": False,
                "kpj_number": r["kpj"],
                "coverage_start": r["start"],
                "coverage_end": r["end"],
                "status": "ended",
                "reason": (
                    "PKS UC Jamsostek 2022–2024 (berakhir 31-12-2024)"
                    if r["under_pks"]
                    else "Didaftarkan Pemda sebagai pemberi kerja, Juli 2022 (sebelum PKS)"
                ),
            }
            for r in data.enrollments.iter_rows(named=True)
        ]
        chunk = 2_000
        bar = self._bar(len(people_rows), "memuat penduduk")
        created = enrolled = 0
        by_nik: dict[str, list[dict[str, Any]]] = {}
        for e in enrollment_rows:
            by_nik.setdefault(e["nik"], []).append(e)
        for i in range(0, len(people_rows), chunk):
            part = people_rows[i : i + chunk]
            part_enr = [e for p in part for e in by_nik.get(p["nik"], [])]
            result = bulk_import_people(part, part_enr, SYSTEM, skip_existing=True, reason="data demo")
            created += result.people_created
            enrolled += result.enrollments_created
            bar.update(len(part))
        bar.close()
        self._say(f"  {created} penduduk, {enrolled} masa kepesertaan (berakhir 31-12-2024: jeda PKS sejak 1-1-2025)")

    def _agreement(self, data: gen.DemoData) -> None:
        if data.enrollments.height == 0:
            return
        agreement = Agreement.objects.filter(number=PKS_NUMBER).first()
        if agreement is None:
            pks = data.enrollments.filter(pl.col("under_pks"))
            months = (pl.col("end").dt.year() - pl.col("start").dt.year()) * 12 + (
                pl.col("end").dt.month() - pl.col("start").dt.month()
            )
            value = int(pks.select((months * pl.col("monthly_contribution")).sum()).item())
            agreement = create_agreement(
                SYSTEM,
                {
                    "number": PKS_NUMBER,
                    "title": "Perjanjian kerja sama UC Jamsostek Kabupaten Muna Barat 2022–2024 (data demo)",
                    "parties": "Pemerintah Kabupaten Muna Barat; BPJS Ketenagakerjaan",
                    "signed_on": date(2022, 10, 31),
                    "start": gen.PKS_START,
                    "end": gen.PKS_END,
                    "funder": gen.FUNDER_APBD_KAB,
                    "programmes": "JKK+JKM",
                    "value": value,
                    "quota": int(pks["pid"].n_unique()),
                    "notes": "Berakhir 31-12-2024; PKS baru belum ditandatangani: jeda perlindungan sejak 1-1-2025.",
                },
            )
            for status in ("signed", "active", "ended"):
                agreement = set_status(SYSTEM, agreement, status, reason="data demo")
        linked = set(Coverage.objects.filter(agreement=agreement).values_list("enrollment_id", flat=True))
        niks = data.enrollments["nik"].unique().to_list()
        todo: list[int] = []
        for i in range(0, len(niks), 900):
            todo += list(
                Enrollment.objects.filter(
                    person__nik__in=niks[i : i + 900], coverage_start__gte=gen.PKS_START, coverage_end__lte=gen.PKS_END
                )
                .exclude(pk__in=linked)
                .values_list("pk", flat=True)
            )
        Coverage.objects.bulk_create([Coverage(agreement=agreement, enrollment_id=pk) for pk in todo], batch_size=1000)
        self._say(
            f"  {agreement.number}: {gen.PKS_START:%d-%m-%Y} s.d. 31-12-2024, nilai {_rupiah(agreement.value)}, "
            f"{len(linked) + len(todo)} masa kepesertaan terkait"
        )

    def _monitoring(self) -> None:
        seed_monitoring(2026)
        done = [p for p in MONITORING_PERIODS if not Snapshot.objects.filter(period=p).exists()]
        for period in done:
            refresh(period)
        if done:
            self._say(f"  indikator dihitung untuk {', '.join(done)}")
        if len(done) < len(MONITORING_PERIODS):
            kept = [p for p in MONITORING_PERIODS if p not in done]
            self._say(f"  indikator {', '.join(kept)} sudah ada, tidak dihitung ulang")

    def _users(self, area: str, demo_dir: Path) -> Any:
        secret = demo_dir / ".kata-sandi"
        password = secret.read_text(encoding="utf-8").strip() if secret.exists() else ""
        if not password:
            password = f"demo-{secrets.token_urlsafe(8)}"
            secret.parent.mkdir(parents=True, exist_ok=True)
            secret.write_text(password, encoding="utf-8")
            secret.chmod(0o600)
        users = ensure_demo_users(area, password)
        self._organisations(area)
        return users

    def _organisations(self, area: str) -> None:
        region = Region.objects.filter(code=area).first()
        if region is None:
            return
        for code, name in OPD_CODES.values():
            Organisation.objects.get_or_create(code=code, defaults={"name": name, "region": region})

    def _references(self, files: dict[str, Path]) -> None:
        for kind in gen.REFERENCE_KINDS:
            path = files[f"referensi-{kind}"]
            active = ReferenceList.objects.filter(kind=kind, active=True).first()
            if active is not None and active.sha256 == file_sha256(path):
                self._say(f"  {kind}: sudah dimuat (versi {active.version}, {active.entry_count} baris)")
                continue
            ref = load_reference(kind, path, SYSTEM)
            self._say(f"  {kind}: {ref.entry_count} baris (versi {ref.version})")

    def _screen(self, data: gen.DemoData, files: dict[str, Path]) -> None:
        as_of = data.as_of
        todo = []
        for src in data.sources:
            kind = "opd" if src.kind == "opd" else "desa"
            if NominationBatch.objects.filter(source_key=source_key(kind, src.name), as_of=as_of).exists():
                continue
            todo.append((src, kind))
        if not todo:
            self._say(f"  {len(data.sources)} berkas sudah divalidasi dan disimpan")
            return
        ctx = screening_context(as_of)
        regions = {
            r.code: r for r in Region.objects.filter(code__in=[s.village_code for s, _ in todo if s.village_code])
        }
        orgs = {o.code: o for o in Organisation.objects.all()}
        totals = {"eligible": 0, "review": 0, "rejected": 0}
        agree = rows = 0
        spent = {"validasi": 0.0, "simpan": 0.0, "laporan": 0.0}
        bar = self._bar(sum(s.rows.height for s, _ in todo), "memvalidasi")
        for src, kind in todo:
            path = files[src.name]
            opts = ScreeningOptions(
                as_of=as_of,
                age_min=settings.PROGRAMME_AGE_MIN,
                age_max=settings.PROGRAMME_AGE_MAX,
                segment=src.segment,
            )
            t0 = time.monotonic()
            result = screen_file(path, ctx, opts, source_name=path.name)
            t1 = time.monotonic()
            org = orgs.get(OPD_CODES.get(src.opd or "", ("", ""))[0]) if kind == "opd" else None
            batch = save_batch(
                result,
                source_name=src.name,
                source_kind=kind,
                file_path=path,
                file_name=path.name,
                actor=SYSTEM,
                as_of=as_of,
                segment=src.segment,
                region=regions.get(src.village_code or ""),
                organisation=org,
            )
            t2 = time.monotonic()
            target = outputs_dir(batch.pk)
            target.mkdir(parents=True, exist_ok=True)
            write_outputs(result, target, source_name=path.name)
            spent["validasi"] += t1 - t0
            spent["simpan"] += t2 - t1
            spent["laporan"] += time.monotonic() - t2
            totals["eligible"] += batch.eligible_count
            totals["review"] += batch.review_count
            totals["rejected"] += batch.rejected_count
            got = dict(zip(result.rows["row"].to_list(), result.rows["status"].to_list(), strict=True))
            expected = src.rows.select("row", "status").iter_rows()
            agree += sum(1 for r, s in expected if got.get(r) == s)
            rows += src.rows.height
            bar.update(src.rows.height)
        bar.close()
        self._say(
            f"  {len(todo)} berkas, {rows} baris: {totals['eligible']} layak, {totals['review']} perlu ditinjau, "
            f"{totals['rejected']} ditolak; sesuai kunci {100 * agree / max(rows, 1):.1f}%"
        )
        self._say("  waktu: " + ", ".join(f"{k} {v:.0f} detik" for k, v in spent.items()))

    def _budget(self, data: gen.DemoData) -> None:
        if BudgetScenario.objects.filter(name=SCENARIO_NAME).exists():
            self._say("  skenario demo sudah ada")
            return
        target = max(1, round(TARGET_2026 * data.nominations / 14_000))
        ceiling = target * gen.RATE_RENTAN * 12
        params = ScenarioParams(year=2026, ceiling=ceiling, start=date(2026, 1, 1), months=12)
        selection = compute(params)
        scenario = save_scenario(SYSTEM, SCENARIO_NAME, params, selection, notes="Dibuat oleh perintah demo.")
        self._say(
            f"  pagu {_rupiah(ceiling)}: {scenario.selected_count} peserta terpilih dari "
            f"{scenario.eligible_count} yang memenuhi syarat, biaya {_rupiah(scenario.cost)}"
        )

    def _print_logins(self, users: Any, addr: str) -> None:
        url = f"http://{addr}/"
        self._say("")
        self._say(self.style.SUCCESS(f"Aplikasi: {url}"))
        if users is None:
            return
        self._say(f"Kata sandi semua pengguna demo: {users.password}")
        for key, username in users.usernames.items():
            self._say(f"  {ROLE_TEXT.get(key, key):<22} {username}")
