"""Cost of the web download hasil-validasi.xlsx with the final decisions (issue 10 §1).

    UCJAMSOSTEK_DATA_DIR=bench-out/final-db .venv/bin/python benchmarks/bench_final_report.py [--rows 14000]

Prepares a screened, stored batch (``screened_batch.py``: the demo generator's xlsx, a throw-away
database in ``UCJAMSOSTEK_DATA_DIR``, ``DATABASE_URL`` for PostgreSQL), accepts
up to 50 of its review rows, then prints medians of:

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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from screened_batch import median_seconds, prepare, screen_and_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=14_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    src = prepare(args.rows, "final")
    from ucjamsostek.core.report import write_report
    from ucjamsostek.screening import services
    from ucjamsostek.screening.models import Nomination

    user, result, batch = screen_and_store(src)
    with tempfile.TemporaryDirectory() as tmp:
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
