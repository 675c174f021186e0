"""Benchmark: 50 logged-in sessions against ``ucjamsostek serve`` for 60 s (issue 12 §6).

    .venv/bin/python benchmarks/bench_load.py                                    # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ucjamsostek_bench_load \\
        .venv/bin/python benchmarks/bench_load.py                                # PostgreSQL

Set-up (kept between runs in ``bench-out/load-<kind>/`` and migrated to the code's models at each
run, ``--rebuild`` to start again): the demo
dataset (``ucjamsostek demo --no-serve``: 12.000 people, 14.000 nominations, bills, claims, BSU,
indicators) in the given database, then the real server and worker of a deployment —
``ucjamsostek serve --bind 127.0.0.1:PORT`` (gunicorn, default workers and threads) and
``ucjamsostek worker`` — as child processes, on loopback only.

Load: ``--sessions`` client threads, each with its own logged-in session (the demo's Dinas user;
the logins happen before the clock starts), loop for ``--seconds`` over the pages people use —
the monitoring dashboard, the start page, the people, nomination-batch, bill, claim, PKS and
budget lists — and, every ``--upload-every`` requests of a session, an upload of a small
nomination file (30 rows; the POST stores the file and queues its screening, which the worker
runs meanwhile). Every request is bounded by a 30 s timeout; the run stops by itself.

Reported (and written to ``bench-out/load-<kind>.json``): requests, requests/s, p50/p95/p99
latency of page requests and of uploads, errors (HTTP ≥ 400 or no answer) by kind, uploads
screened by the worker during the run, the load average before and after (``uptime``), and the
CPU seconds the server (gunicorn's master and workers) and the worker used during the run — per
request, a figure that holds whatever else the machine runs.
Targets: 0 errors, page p95 ≤ 1 s. The client runs on the same 2 cores as the server, so the
figures are a floor of what the server alone would do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("ucjamsostek")
PAGES = ["/monev/", "/", "/penduduk/", "/validasi/", "/tagihan/", "/klaim/", "/pks/", "/anggaran/"]
USER = "dinas"


@dataclass
class Sample:
    kind: str  # "page" | "upload"
    path: str
    status: int  # 0: no answer
    seconds: float


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)


def uptime() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_seconds(root: int) -> float:
    """User + system CPU seconds of process ``root`` and its live children (gunicorn's workers)
    from ``/proc``: the server's own cost per request, whatever else the machine runs."""
    tick = os.sysconf("SC_CLK_TCK")
    pids = [root]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == root:
                pids.append(int(entry.name))
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / tick
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data_dir: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "UCJAMSOSTEK_DATA_DIR": str(data_dir),
        "UCJAMSOSTEK_JOBS_INLINE": "false",
    }


def prepare(data_dir: Path, url: str, rebuild: bool) -> str:
    """Build the demo into the database (once) and return the demo users' password."""
    env = environment(data_dir, url)
    marker = data_dir / "built"
    if rebuild or not marker.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        args = [str(SCRIPT), "demo", "--no-serve", "--no-progress"] + (["--reset"] if rebuild else [])
        started = time.monotonic()
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"demo built in {time.monotonic() - started:.0f} s")
        marker.write_text("ok")
    else:  # a kept database follows the code's migrations (the server refuses an outdated one)
        subprocess.run([str(SCRIPT), "migrate", "--no-input"], env=env, check=True, stdout=subprocess.DEVNULL)
    return (data_dir / "demo" / ".kata-sandi").read_text(encoding="utf-8").strip()


def login(base: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/akun/masuk/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{base}/akun/masuk/",
        data={"csrfmiddlewaretoken": token, "username": USER, "password": password},
        headers={"Referer": f"{base}/akun/masuk/"},
        timeout=60,
    )
    if answer.url != f"{base}/":
        raise SystemExit(f"login failed ({answer.status_code})")
    return session


def nomination_file(data_dir: Path) -> bytes:
    """30 rows of the demo's first nomination file (real names, NIK and villages of the dataset)."""
    source = sorted((data_dir / "demo" / "usulan").glob("*.csv"))
    if source:
        lines = source[0].read_text(encoding="utf-8").splitlines()
        return ("\n".join(lines[:31]) + "\n").encode("utf-8")
    raise SystemExit("no csv nomination file in the demo folder")


def upload(session: requests.Session, base: str, body: bytes) -> requests.Response:
    form = session.get(f"{base}/validasi/unggah/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        f"{base}/validasi/unggah/",
        data={"csrfmiddlewaretoken": token, "source_kind": "desa", "source_name": "Beban uji", "as_of": "2026-01-01"},
        files={"file": ("usulan-beban.csv", body, "text/csv")},
        headers={"Referer": f"{base}/validasi/unggah/"},
        timeout=30,
    )


def client(
    number: int, session: requests.Session, base: str, body: bytes, until: float, every: int, results: Results
) -> None:
    rng = random.Random(number)
    count = 0
    while time.monotonic() < until:
        count += 1
        kind = "upload" if every and count % every == 0 else "page"
        path = "/validasi/unggah/" if kind == "upload" else rng.choice(PAGES)
        started = time.monotonic()
        try:
            if kind == "upload":
                answer = upload(session, base, body)
            else:
                answer = session.get(base + path, timeout=30)
            status = answer.status_code
        except requests.RequestException:
            status = 0
        results.add(Sample(kind, path, status, time.monotonic() - started))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(results: Results, seconds: float) -> dict:
    out: dict = {"requests": len(results.samples), "requests_per_s": round(len(results.samples) / seconds, 1)}
    for kind in ("page", "upload"):
        times = [s.seconds for s in results.samples if s.kind == kind]
        errors = [s for s in results.samples if s.kind == kind and (s.status == 0 or s.status >= 400)]
        out[kind] = {
            "requests": len(times),
            "p50_ms": round(percentile(times, 0.50) * 1000, 1),
            "p95_ms": round(percentile(times, 0.95) * 1000, 1),
            "p99_ms": round(percentile(times, 0.99) * 1000, 1),
            "mean_ms": round(statistics.fmean(times) * 1000, 1) if times else None,
            "errors": len(errors),
            "error_statuses": sorted({s.status for s in errors}),
        }
    per_page = {}
    for path in PAGES:
        times = [s.seconds for s in results.samples if s.kind == "page" and s.path == path]
        per_page[path] = {"n": len(times), "p50_ms": round(percentile(times, 0.5) * 1000, 1),
                          "p95_ms": round(percentile(times, 0.95) * 1000, 1)}  # fmt: skip
    out["pages"] = per_page
    return out


def jobs_done(base: str, session: requests.Session) -> dict:
    return session.get(f"{base}/healthz", timeout=30).json()["checks"]["queue"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--upload-every", type=int, default=25, help="one upload per N requests of a session")
    parser.add_argument("--rebuild", action="store_true", help="build the demo again")
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    data_dir = REPO / "bench-out" / f"load-{kind}"
    if not url:
        url = f"sqlite:///{data_dir / 'ucjamsostek.sqlite3'}"
    print(f"database: {kind}; load before: {uptime()}")
    password = prepare(data_dir, url, args.rebuild)
    body = nomination_file(data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = environment(data_dir, url)
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    with (logs / "serve.log").open("ab") as s_log, (logs / "worker.log").open("ab") as w_log:
        server = subprocess.Popen([str(SCRIPT), "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=s_log,
                                  stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        worker = subprocess.Popen([str(SCRIPT), "worker"], env=env, stdout=w_log, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not become healthy; see " + str(logs / "serve.log"))
            time.sleep(0.5)
        print(f"logging in {args.sessions} sessions …")
        sessions = [login(base, password) for _ in range(args.sessions)]
        for s in sessions:  # warm every gunicorn worker and thread once
            s.get(f"{base}/monev/", timeout=60)
        before = jobs_done(base, sessions[0])
        cpu_before = {"serve": cpu_seconds(server.pid), "worker": cpu_seconds(worker.pid)}
        load_before = uptime()
        results = Results()
        started = time.monotonic()
        until = started + args.seconds
        threads = [
            threading.Thread(target=client, args=(i, s, base, body, until, args.upload_every, results), daemon=True)
            for i, s in enumerate(sessions)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(args.seconds + 60)
        elapsed = time.monotonic() - started
        cpu = {k: cpu_seconds(p.pid) - cpu_before[k] for k, p in (("serve", server), ("worker", worker))}
        report = summary(results, elapsed)
        report.update(
            database=kind,
            sessions=args.sessions,
            seconds=round(elapsed, 1),
            queue_before=before,
            queue_after=jobs_done(base, sessions[0]),
            load_before=load_before,
            load_after=uptime(),
            # CPU the server and the worker used during the run: per request, it does not depend
            # on what else the machine runs (latencies do)
            cpu_serve_s=round(cpu["serve"], 1),
            cpu_worker_s=round(cpu["worker"], 1),
            cpu_serve_ms_per_request=round(cpu["serve"] * 1000 / max(1, report["requests"]), 1),
            cpus=os.cpu_count(),
        )
    finally:
        for proc in (server, worker):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in (server, worker):
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    out = REPO / "bench-out" / f"load-{kind}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    page, up = report["page"], report["upload"]
    print(
        f"{kind}: {report['requests']} requests in {report['seconds']} s = {report['requests_per_s']} req/s; "
        f"pages p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms, p99 {page['p99_ms']} ms, errors {page['errors']}; "
        f"uploads {up['requests']}: p50 {up['p50_ms']} ms, p95 {up['p95_ms']} ms, errors {up['errors']}; "
        f"queue after: {report['queue_after']}; load before/after: {report['load_before']} / {report['load_after']}"
    )
    print(
        f"CPU during the run: server {report['cpu_serve_s']} s ({report['cpu_serve_ms_per_request']} ms per request), "
        f"worker {report['cpu_worker_s']} s, on {report['cpus']} cores"
    )
    for path, figures in report["pages"].items():
        print(f"  {path:<14} n={figures['n']:<5} p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms")
    print(f"written to {out}")


if __name__ == "__main__":
    main()
