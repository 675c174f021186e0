"""``ucjamsostek budget``: select who is covered under a ceiling and write the list.

    ucjamsostek budget --year 2026 --ceiling 2016000000 [--start 2026-01-01] [--months 12]
                       [--quota-by desa|kecamatan] [--json [FILE]] [--out FILE.xlsx]

Prints ``selected``, ``cost`` and ``remaining`` (or writes them as JSON: to stdout with a bare
``--json``, to FILE otherwise) and writes the selection list to xlsx (default
``seleksi-anggaran-YEAR.xlsx``; ``--no-xlsx`` to skip). ``--save NAME`` stores the scenario,
``--final`` also freezes it as the year's participant list. Bad input stops with one message in
Bahasa Indonesia.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ucjamsostek.accounts.permissions import SYSTEM
from ucjamsostek.budget import exports, selectors, services
from ucjamsostek.core import filelimits
from ucjamsostek.core.budget import BudgetInputError
from ucjamsostek.core.intake import read_records
from ucjamsostek.core.money import MoneyError, parse_count, parse_rupiah
from ucjamsostek.registry.services import log_change


def _int(value: str, what: str) -> int:
    try:
        return parse_count(value)
    except MoneyError:
        raise CommandError(f"{what} harus bilangan bulat (diisi: {value!r}).", returncode=2) from None


def _rupiah(value: str, what: str) -> int:
    try:
        return parse_rupiah(value, label=what)
    except MoneyError as exc:
        raise CommandError(str(exc), returncode=2) from None


def _date(value: str | None, what: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise CommandError(f"{what} harus tanggal YYYY-MM-DD (diisi: {value!r}).") from exc


def read_quota_file(path: Path) -> dict[str, int]:
    """csv (or xlsx) with an area-code column (``kode``/``code``/``wilayah``) and a quota column
    (``kuota``/``quota``), read within the limits of a quota file (``core.filelimits``)."""
    if not path.is_file():
        raise CommandError(f"Berkas kuota {path} tidak dapat dibaca.")
    rows = read_records(path, kind=filelimits.QUOTAS)
    fields = {f.strip().lower(): f for f in (rows[0] if rows else {})}
    code_col = next((fields[k] for k in ("kode", "code", "kode_wilayah", "wilayah", "area") if k in fields), None)
    quota_col = next((fields[k] for k in ("kuota", "quota") if k in fields), None)
    if code_col is None or quota_col is None:
        raise CommandError(f"Berkas kuota {path} harus punya kolom 'kode' dan 'kuota'.")
    return services.quotas_from_rows({row[code_col]: row[quota_col] for row in rows})


class Command(BaseCommand):
    help = "Seleksi peserta dalam batas pagu anggaran: jumlah terpilih, biaya, sisa pagu, dan daftar xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="Tahun anggaran, mis. 2026")
        parser.add_argument("--ceiling", required=True, help="Pagu dalam Rupiah, mis. 2016000000 atau 2.016.000.000")
        parser.add_argument("--start", help="Mulai perlindungan YYYY-MM-DD (bawaan: 1 Januari tahun anggaran)")
        parser.add_argument("--months", default="12", help="Jumlah bulan perlindungan 1–12 (bawaan 12)")
        parser.add_argument("--quota-by", default="", help="Kuota per 'desa' atau 'kecamatan'")
        parser.add_argument(
            "--quota-mode",
            default="",
            help="'pool' (sebanding calon, bawaan), 'poverty' (sebanding kemiskinan) atau 'fixed' (dari --quotas)",
        )
        parser.add_argument("--quotas", type=Path, help="csv kuota tetap: kolom kode, kuota")
        parser.add_argument("--funder", help="Kode sumber dana (bawaan apbd_kab)")
        parser.add_argument(
            "--segment",
            action="append",
            help=f"Segmen calon (boleh berulang; bawaan {selectors.DEFAULT_SEGMENT}; 'all' = semua)",
        )
        parser.add_argument("--continuity", action="store_true", help="Peserta tahun lalu didahulukan")
        parser.add_argument("--objective", default="count", help="'count' (bawaan) atau 'priority'")
        parser.add_argument("--pu-wage", help="Upah dasar peserta PU dalam Rupiah")
        parser.add_argument(
            "--json", nargs="?", const="-", metavar="FILE", help="Hasil sebagai JSON (ke layar atau FILE)"
        )
        parser.add_argument("--out", type=Path, help="Berkas xlsx daftar terpilih")
        parser.add_argument("--no-xlsx", action="store_true", help="Jangan tulis xlsx")
        parser.add_argument("--save", metavar="NAMA", help="Simpan skenario dengan nama ini")
        parser.add_argument("--final", action="store_true", help="Simpan sebagai final (membekukan daftar peserta)")

    def handle(self, *args: Any, **opts: Any) -> None:
        year = _int(opts["year"], "Tahun")
        ceiling = _rupiah(opts["ceiling"], "Pagu (--ceiling)")
        months = _int(opts["months"], "Jumlah bulan")
        quota_by = (opts["quota_by"] or "").strip().lower()
        if quota_by not in ("", "desa", "kecamatan"):
            raise CommandError(f"--quota-by harus 'desa' atau 'kecamatan' (diisi: {quota_by!r}).")
        quotas = read_quota_file(opts["quotas"]) if opts["quotas"] else {}
        mode = (opts["quota_mode"] or ("fixed" if quotas else "pool")).strip().lower()
        if mode not in ("fixed", "pool", "poverty"):
            raise CommandError(f"--quota-mode harus 'fixed', 'pool' atau 'poverty' (diisi: {mode!r}).")
        if quotas and not quota_by:
            raise CommandError("--quotas memerlukan --quota-by desa atau kecamatan.")
        objective = opts["objective"].strip().lower()
        if objective not in ("count", "priority"):
            raise CommandError(f"--objective harus 'count' atau 'priority' (diisi: {objective!r}).")
        if opts["final"] and not opts["save"]:
            raise CommandError("--final memerlukan --save NAMA.")
        params = services.ScenarioParams(
            year=year,
            ceiling=ceiling,
            start=_date(opts["start"], "Tanggal mulai"),
            months=months,
            funder=opts["funder"],
            segments=opts["segment"] or [selectors.DEFAULT_SEGMENT],
            quota_by=quota_by,
            quota_mode=mode,
            quotas=quotas,
            continuity=opts["continuity"],
            objective=objective,
            pu_wage=_rupiah(opts["pu_wage"], "Upah PU (--pu-wage)") if opts["pu_wage"] else None,
        )
        try:
            selection = services.compute(params)
            saved = (
                services.save_scenario(SYSTEM, opts["save"], params, selection, final=opts["final"])
                if opts["save"]
                else None
            )
        except BudgetInputError as exc:
            raise CommandError(exc.message, returncode=2) from exc

        xlsx_path: Path | None = None
        if not opts["no_xlsx"]:
            xlsx_path = opts["out"] or Path(f"seleksi-anggaran-{year}.xlsx")
            self._write_xlsx(xlsx_path, selection)

        result: dict[str, Any] = {
            "selected": selection.count,
            "cost": selection.cost,
            "remaining": selection.remaining,
            **{k: v for k, v in selection.summary().items() if k not in ("selected", "cost", "remaining")},
            "xlsx": str(xlsx_path) if xlsx_path else None,
            "scenario_id": saved.pk if saved else None,
            "status": saved.status if saved else None,
        }
        if opts["json"] == "-":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        if opts["json"]:
            Path(opts["json"]).write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
        self.stdout.write(services.describe(selection))
        if xlsx_path:
            self.stdout.write(f"Daftar terpilih ditulis ke {xlsx_path}")
        if saved:
            self.stdout.write(f"Skenario disimpan (id {saved.pk}, status {saved.get_status_display()}).")

    def _write_xlsx(self, path: Path, selection: Any) -> None:

        villages = selection.selected["village_code"].unique().to_list() if selection.count else []
        villages += selection.left_out["village_code"].unique().to_list() if selection.left_out.height else []
        codes = {c for c in villages if c}
        districts = {".".join(c.split(".")[:3]) for c in codes}
        names = selectors.region_names(codes | districts | set(selection.by_area["area"].to_list()))
        selected = exports.with_region_names(selection.selected, names, "village_code", "village_name")
        if "village_code" in selected.columns:
            selected = selected.with_columns(
                selected["village_code"].str.extract(r"^(\d+\.\d+\.\d+)", 1).alias("_district")
            )
            selected = exports.with_region_names(selected, names, "_district", "district_name")
        left_out = exports.with_region_names(selection.left_out, names, "village_code", "village_name")
        by_area = exports.with_region_names(selection.by_area, names, "area", "area_name")
        try:
            exports.write_workbook(str(path), exports.selection_summary(selection), selected, left_out, by_area)
        except OSError as exc:
            raise CommandError(f"Berkas {path} tidak dapat ditulis: {exc.strerror}.") from exc
        log_change(SYSTEM, "export", "budget.selection", count=selection.count, reason=f"budget xlsx {path.name}")
