"""Cost of the review work queue (issue 10 §2) with about 1.200 rows waiting.

    UCJAMSOSTEK_DATA_DIR=bench-out/queue-db .venv/bin/python benchmarks/bench_review_queue.py [--rows 12000]

Prepares a screened, stored batch (``screened_batch.py``: the demo generator's xlsx, a throw-away
database in ``UCJAMSOSTEK_DATA_DIR``, ``DATABASE_URL`` for PostgreSQL; about one row in ten waits
for review), then prints medians of:

* ``screening.queue.work_queue`` for the Dinas (every waiting row and pair, in risk order);
* the queue page (first page, unfiltered) and filtered to one reason, through the test client;
* a pair page with the model's evidence (``core.linkage.explain_pair``).

No NIK or name is printed. The machine is shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from screened_batch import median_seconds, prepare, screen_and_store  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=12_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    src = prepare(args.rows, "queue")
    from django.test import Client
    from django.urls import reverse

    from ucjamsostek.screening import queue
    from ucjamsostek.screening.models import DuplicatePair

    user, _result, _batch = screen_and_store(src)
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
