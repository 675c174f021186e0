"""Cost of the web download hasil-validasi.xlsx with the final decisions (issue 10 §1).

    UCJAMSOSTEK_DATA_DIR=bench-out/final-db .venv/bin/python benchmarks/bench_final_report.py [--rows 14000]

Makes a nomination file with the demo generator (xlsx, with its reference lists) into
``bench-out/``, prepares a throw-away database in ``UCJAMSOSTEK_DATA_DIR`` (``ucjamsostek init``;
set ``DATABASE_URL`` for PostgreSQL), screens the file and stores it as a batch with its outputs
(as the upload does), accepts up to 50 of its review rows, then prints medians of:

* the screening-time report alone (``core.report.write_report`` on the screening result, what
  the upload writes once);
* the final report written from the database (``screening.services.final_report``: rows,
  findings and decisions read back, then the same writer) — what a download costs after a new
  decision;
* a download when nothing changed since (the kept copy, only the freshness check).

No NIK or name is printed. The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
EXE = ROOT / ".venv" / "bin" / "ucjamsostek"


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=14_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / "final-db"))
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    stem = f"usulan-final-{args.rows}"
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
        subprocess.run([str(EXE), "reference", "load", kind, str(ref), "--no-progress", "--replace"], check=True)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    import django

    django.setup()
    from ucjamsostek.accounts.models import User
    from ucjamsostek.core.report import write_report
    from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
    from ucjamsostek.screening import services
    from ucjamsostek.screening.models import Nomination
    from ucjamsostek.screening.selectors import screening_context

    user, _ = User.objects.get_or_create(username="bench-dinas", defaults={"role": "dinas"})
    as_of = date(2026, 1, 1)
    result = screen_file(src, screening_context(as_of), ScreeningOptions(as_of=as_of))
    with tempfile.TemporaryDirectory() as tmp:
        written = write_outputs(result, tmp, source_name=src.name)
        batch = services.save_batch_with_outputs(
            result, written.values(), source_name="Benchmark", file_path=src, file_name=src.name, actor=user,
            as_of=as_of,
        )  # fmt: skip
        screening_time = median_seconds(lambda: write_report(result, Path(tmp) / "r.xlsx"), args.repeat)
    waiting = list(Nomination.objects.filter(batch=batch, status="review", reviewed_status="").order_by("row")[:50])
    for n in waiting:
        services.decide(user, n, "accept", "diperiksa (benchmark)")
    stamp = services.outputs_dir(batch.pk) / ".hasil-validasi-akhir"

    def cold() -> None:
        stamp.unlink(missing_ok=True)
        services.final_report(batch)

    written_again = median_seconds(cold, args.repeat)
    kept = median_seconds(lambda: services.final_report(batch), args.repeat)
    print(f"{batch.row_count} rows, {len(waiting)} decided in review")
    print(f"screening-time report (write_report on the result): median {screening_time:.2f} s")
    print(f"final report from the database (after a new decision): median {written_again:.2f} s")
    print(f"final report unchanged since (kept copy): median {kept * 1000:.1f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
