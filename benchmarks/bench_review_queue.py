"""Cost of the review work queue (issue 10 §2) with about 1.200 rows waiting.

    UCJAMSOSTEK_DATA_DIR=bench-out/queue-db .venv/bin/python benchmarks/bench_review_queue.py [--rows 12000]

Makes a nomination file with the demo generator (xlsx, with its reference lists) into
``bench-out/``, prepares a throw-away database in ``UCJAMSOSTEK_DATA_DIR`` (``ucjamsostek init``;
set ``DATABASE_URL`` for PostgreSQL), screens the file and stores it as a batch (about one row in
ten waits for review), then prints medians of:

* ``screening.queue.work_queue`` for the Dinas (every waiting row and pair, in risk order);
* the queue page (first page, unfiltered) and filtered to one reason, through the test client;
* a pair page with the model's evidence (``core.linkage.explain_pair``).

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
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / "queue-db"))
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    stem = f"usulan-queue-{args.rows}"
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
    from django.test import Client
    from django.urls import reverse

    from ucjamsostek.accounts.models import User
    from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
    from ucjamsostek.screening import queue, services
    from ucjamsostek.screening.models import DuplicatePair
    from ucjamsostek.screening.selectors import screening_context

    user, _ = User.objects.get_or_create(username="bench-dinas", defaults={"role": "dinas"})
    as_of = date(2026, 1, 1)
    result = screen_file(src, screening_context(as_of), ScreeningOptions(as_of=as_of))
    with tempfile.TemporaryDirectory() as tmp:
        written = write_outputs(result, tmp, source_name=src.name)
        services.save_batch_with_outputs(
            result, written.values(), source_name="Benchmark", file_path=src, file_name=src.name, actor=user,
            as_of=as_of,
        )  # fmt: skip
    work = queue.work_queue(user)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)

    def get(path: str, query: dict[str, str] | None = None) -> None:
        response = client.get(path, query or {})
        assert response.status_code == 200, response.status_code

    url = reverse("screening:review")
    selector = median_seconds(lambda: queue.work_queue(user), args.repeat)
    page = median_seconds(lambda: get(url), args.repeat)
    reason = work.reasons[-1][0] if work.reasons else ""
    filtered = median_seconds(lambda: get(url, {"alasan": reason}), args.repeat)
    pair = DuplicatePair.objects.filter(kind="probable").first()
    pair_page = (
        median_seconds(lambda: get(reverse("screening:review_pair", args=[pair.pk])), args.repeat)
        if pair is not None
        else float("nan")
    )
    print(
        f"{args.rows} rows screened, {work.total} waiting "
        f"({len(work.rows())} rows, {work.total - len(work.rows())} pairs)"
    )
    print(f"work_queue (selector): median {selector * 1000:.0f} ms")
    print(
        f"queue page, first page: median {page * 1000:.0f} ms; filtered to one reason: median {filtered * 1000:.0f} ms"
    )
    print(f"pair page with the model's evidence: median {pair_page * 1000:.0f} ms")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
