"""Time of refusing a big nomination file with wrong columns at upload (issue 10 §7: ≤ 2 s).

    UCJAMSOSTEK_DATA_DIR=bench-out/upload-check-db .venv/bin/python benchmarks/bench_upload_check.py \\
        [--rows 1000000] [--repeat 3]

Writes two files of ``--rows`` data rows whose header has none of the required columns (``Nomor``,
``Nama Peserta``, ``Kode``, ``Keterangan``, ``Catatan``): a csv (about 100 MB for a million rows) and
an xlsx of inline strings (under the 64 MB upload limit), then refuses each

* through the check alone (``core.intake.check_nominations``: the size and zip checks, then the
  head of the file streamed), and
* through the whole upload request (``POST /validasi/unggah/`` as a Dinas operator, the Django
  test client in this process: the multipart body parsed, the file stored, hashed and checked), and
  the API (``POST /monev/api/screening/batches``, refused with 422).

Prints the median and worst of ``--repeat`` runs and the machine's load (it is shared). The
upload page answers with the column-mapping page's job (a header that can be mapped is not a
refusal); the API refuses. No personal data is involved.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
EXE = ROOT / ".venv" / "bin" / "ucjamsostek"
sys.path.insert(0, str(ROOT))

from tests.security.badfiles import row_xml, write_sheet_xlsx  # noqa: E402

HEADER = ["Nomor", "Nama Peserta", "Kode", "Keterangan", "Catatan"]


def row(i: int) -> list[str]:
    return [str(i), f"Peserta {i * 7919 % 1_000_003}", f"K{i % 9973:04d}", f"catatan {i % 101}", f"{i % 17}"]


def write_files(folder: Path, rows: int) -> list[Path]:
    csv = folder / "kolom-salah.csv"
    with csv.open("w", encoding="utf-8") as fh:
        fh.write(",".join(HEADER) + "\n")
        for i in range(1, rows + 1):
            fh.write(",".join(row(i)) + "\n")
    xlsx = write_sheet_xlsx(
        folder / "kolom-salah.xlsx",
        (row_xml(1, HEADER) if i == 0 else row_xml(i + 1, row(i)) for i in range(rows + 1)),
    )
    return [csv, xlsx]


def timed(fn) -> tuple[float, str]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    outcome = fn()
    return time.perf_counter() - started, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / "upload-check-db"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    work = OUT / f"upload-check-{args.rows}"
    files = [work / "kolom-salah.csv", work / "kolom-salah.xlsx"]
    if not all(f.exists() for f in files):  # written once per --rows, kept for the next run
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        files = write_files(work, args.rows)
    subprocess.run([str(EXE), "init"], check=True, capture_output=True)

    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from ucjamsostek.accounts.models import User
    from ucjamsostek.core import intake
    from ucjamsostek.jobs.models import Job
    from ucjamsostek.monitoring import services as monitoring

    user, _ = User.objects.get_or_create(username="bench-upload", defaults={"role": "dinas"})
    _, token = monitoring.create_api_token(user, "bench")
    page = Client(HTTP_HOST="localhost")
    page.force_login(user)
    form = {"source_kind": "opd", "source_name": "Bench", "segment": "", "as_of": "2026-01-01"}

    def check(path: Path) -> str:
        try:
            intake.check_nominations(path)
        except intake.IntakeError as exc:
            return str(exc)
        return "diterima"

    def post_page(path: Path) -> str:
        response = page.post(reverse("screening:upload"), {**form, "file": SimpleUploadedFile(path.name, data)})
        job = Job.objects.order_by("-id").first()
        return f"{response.status_code} → pekerjaan {job.status if job else '-'}: {job.message if job else ''}"

    def post_api(path: Path) -> str:
        response = Client(HTTP_HOST="localhost").post(
            "/monev/api/screening/batches",
            {"file": SimpleUploadedFile(path.name, data), "source_name": "Bench", "as_of": "2026-01-01"},
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        return f"{response.status_code}: {response.json().get('detail', '')}"

    worst = 0.0
    print(f"{'berkas':18} {'MB':>6} {'jalur':22} {'median s':>9} {'maks s':>7}  jawaban")
    for path in files:
        data = path.read_bytes()
        size = len(data) / 2**20
        for label, fn in (("pemeriksaan saja", check), ("halaman unggah", post_page), ("API", post_api)):
            runs = [timed(lambda: fn(path)) for _ in range(args.repeat)]  # noqa: B023
            secs = [r[0] for r in runs]
            worst = max(worst, statistics.median(secs))
            print(f"{path.name:18} {size:6.1f} {label:22} {statistics.median(secs):9.2f} {max(secs):7.2f}  "
                  f"{runs[0][1][:110]}")  # fmt: skip
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"terburuk (median): {worst:.2f} s; {args.rows:,} baris; beban mesin {load}".replace(",", "."))
    return 0 if worst <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
