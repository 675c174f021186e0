"""Speed of the web upload path: screening job in the background, report, stored batch.

    UCJAMSOSTEK_DATA_DIR=bench-out/upload-db .venv/bin/python benchmarks/bench_upload.py [--rows 14000]

Makes a nomination file with the demo generator (xlsx, with its reference lists) into
``bench-out/``, prepares a throw-away database in ``UCJAMSOSTEK_DATA_DIR`` (``ucjamsostek init``;
set ``DATABASE_URL`` for PostgreSQL), loads the file's reference lists, then runs the upload job
exactly as the upload page starts it (a background thread) and prints the seconds at which each
progress stage was first seen, plus ``save_batch`` alone on the same result. No NIK or name is
printed. The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
EXE = ROOT / ".venv" / "bin" / "ucjamsostek"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=14_000)
    args = parser.parse_args(argv)
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / "upload-db"))
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    stem = f"usulan-upload-{args.rows}"
    src = OUT / f"{stem}.xlsx"
    if not src.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "make_nominations.py"), "--rows", str(args.rows),
             "--fmt", "xlsx", "--out", str(OUT), "--name", stem],
            check=True,
        )  # fmt: skip
    subprocess.run([str(EXE), "init"], check=True, capture_output=True)
    for kind in ("enrolled", "deaths", "asn"):
        ref = OUT / f"{stem}-referensi-{kind}.csv"
        subprocess.run([str(EXE), "reference", "load", kind, str(ref), "--no-progress"], check=True)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    import django

    django.setup()
    from ucjamsostek.accounts.models import User
    from ucjamsostek.core.screen import ScreeningOptions, screen_file
    from ucjamsostek.jobs import services as jobs
    from ucjamsostek.screening import services
    from ucjamsostek.screening.selectors import screening_context

    user, _ = User.objects.get_or_create(username="bench-dinas", defaults={"role": "dinas"})
    as_of = date(2026, 1, 1)
    started = time.perf_counter()
    job = services.start_upload(
        user, None, source_kind="dtks", source_name="Benchmark", segment=None, as_of=as_of,
        stored_path=services.copy_for_upload(src), file_name=src.name,
    )  # fmt: skip
    seen: dict[str, float] = {}
    while True:
        current = jobs.wait(job.pk, timeout=0.2, interval=0.2)
        seen.setdefault(current.stage or "-", time.perf_counter() - started)
        if current.finished:
            break
    total = time.perf_counter() - started
    for stage, at in seen.items():
        print(f"{at:7.2f} s  {stage}")
    print(f"upload job {current.status} in {total:.2f} s: {current.message}")

    result = screen_file(src, screening_context(as_of), ScreeningOptions(as_of=as_of))
    t = time.perf_counter()
    services.save_batch(result, source_name="Benchmark", file_path=src, actor=user, as_of=as_of)
    print(f"save_batch alone: {time.perf_counter() - t:.2f} s for {result.rows.height} rows")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if current.status == "done" else 1


if __name__ == "__main__":
    sys.exit(main())
