"""Benchmark: the CPU one request of each page of ``bench_load.py`` costs the server (issue 12 §6).

    .venv/bin/python benchmarks/bench_pages.py                                   # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucjamsostek_bench_load \\
        .venv/bin/python benchmarks/bench_pages.py                               # PostgreSQL

Reads the database ``bench_load.py`` built (run it first: ``bench-out/load-<kind>/``) and asks
each of its pages ``--repeat`` times as the demo's Dinas user through Django's test client, in
this one process, after one warm-up request. Reported per page: the process's CPU time per
request (user + system, every thread: the figure that holds on a shared machine, where wall time
depends on what else runs), the wall time, SQL queries and bytes. With 2 cores, ``2000 / mean CPU
ms`` bounds the requests per second the server can answer; 50 sessions that ask without pause then
wait about ``50 / that`` seconds per request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_load import PAGES, USER, uptime  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    data_dir = REPO / "bench-out" / f"load-{kind}"
    if not (data_dir / "built").exists():
        raise SystemExit(f"run benchmarks/bench_load.py first (no {data_dir})")
    os.environ["DATABASE_URL"] = url or f"sqlite:///{data_dir / 'ucjamsostek.sqlite3'}"
    os.environ["UCJAMSOSTEK_DATA_DIR"] = str(data_dir)
    os.environ["UCJAMSOSTEK_JOBS_INLINE"] = "false"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=USER))
    cpu_ms: list[float] = []
    print(f"database: {kind}; {args.repeat} requests per page, after one warm-up")
    for path in PAGES:
        client.get(path, follow=True)
        cpu, wall = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            for _ in range(args.repeat):
                answer = client.get(path, follow=True)
        per_cpu = (time.process_time() - cpu) * 1000 / args.repeat
        per_wall = (time.perf_counter() - wall) * 1000 / args.repeat
        cpu_ms.append(per_cpu)
        print(
            f"  {path:<12} {answer.status_code}  CPU {per_cpu:6.1f} ms  wall {per_wall:7.1f} ms  "
            f"queries {len(queries) / args.repeat:5.1f}  {len(answer.content) / 1024:5.1f} KB"
        )
    mean = statistics.fmean(cpu_ms)
    cores = os.cpu_count() or 1
    print(
        f"mean CPU per page {mean:.1f} ms: at most {cores * 1000 / mean:.0f} pages/s on {cores} idle cores "
        f"(the client's own CPU not counted); load average now {uptime()}"
    )


if __name__ == "__main__":
    main()
