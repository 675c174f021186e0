"""Time and peak memory of refusing the red team's zip bomb (issue 15: ≤ 5 s, ≤ 500 MB).

    UCJAMSOSTEK_DATA_DIR=bench-out/bad-files-db .venv/bin/python benchmarks/bench_bad_files.py \\
        [--rows 3000000] [--repeat 3]

Builds the bomb of issue 15 (``tests/security/badfiles.write_bomb``: a header and one row repeated
``--rows`` times, about 8 MB on disk and 350 MB of XML inflated) once with honest zip headers and
once with headers that lie about the sheet's size, then refuses it through

* every import command of the console script, each in its own process (``ucjamsostek …``: the
  whole command, Django's start-up included), its peak resident memory read from the process's
  own rusage (``os.wait4``);
* the check every upload page and the API run before a file is stored or queued
  (``uploads.check_upload`` then ``core.intake.check_file``, for nominations
  ``core.intake.check_nominations``), in this process, peak memory as
  the growth of this process's peak RSS and as Python's own allocations (``tracemalloc``).

Prints the median of ``--repeat`` runs per path, the worst figure, and the machine's load
average (the machine is shared). A command's time is also given beyond its process's start-up
(the same command refusing an empty file at once): the refusal itself, which the limit is about.
Needs a database for the commands (``ucjamsostek init`` is run into ``UCJAMSOSTEK_DATA_DIR``, or
``DATABASE_URL``). No personal data is involved.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
EXE = ROOT / ".venv" / "bin" / "ucjamsostek"
sys.path.insert(0, str(ROOT))

from tests.security.badfiles import lie_about_sizes, write_bomb  # noqa: E402

HEADER = ["NIK", "Nama", "Tanggal Lahir", "Desa", "Kecamatan"]
ROW = ["7413011204960001", "La Ode Uji", "12-04-1996", "Desa Uji", "Kecamatan Uji"]

#: Every import command with the bomb in place of FILE (the same list as the matrix test's).
COMMANDS = {
    "screen": ["screen", "FILE", "--out", "OUT", "--no-progress"],
    "reference load": ["reference", "load", "asn", "FILE", "--no-progress"],
    "billing import": ["billing", "import", "FILE"],
    "claims import": ["claims", "import", "FILE"],
    "assistance import": ["assistance", "import", "FILE", "--programme", "BSU2025"],
    "agreement registration-import": ["agreement", "registration-import", "FILE"],
    "monev workforce": ["monev", "workforce", "FILE"],
    "budget --quotas": ["budget", "--year", "2026", "--ceiling", "1000000000", "--quota-by", "kecamatan",
                        "--quotas", "FILE", "--out", "OUT/seleksi.xlsx"],
    "crossfund": ["crossfund", "FILE", "FILE", "--out", "OUT", "--no-progress"],
}  # fmt: skip

#: The import kind each upload page and the API check an upload as.
UPLOAD_KINDS = ("nominations", "reference", "bill", "claims", "assistance", "registration", "roster")


def run_command(argv: list[str]) -> tuple[float, float, int, str]:
    """Seconds, peak RSS (MB), exit code and stderr's last line of one command in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen([str(EXE), *argv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    last = err.strip().splitlines()[-1] if err.strip() else ""
    return seconds, usage.ru_maxrss / 1024, proc.returncode, last


def upload_check(path: Path, kind: str) -> tuple[float, float, float, str]:
    """Seconds, growth of this process's peak RSS (MB), Python's peak allocations (MB) and the
    message of refusing ``path`` as an upload of ``kind``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ucjamsostek.core import intake
    from ucjamsostek.core.errors import IntakeError
    from ucjamsostek.uploads import check_upload

    data = path.read_bytes()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    message = ""
    try:
        upload = SimpleUploadedFile(path.name, data)
        name = check_upload(upload, kind)
        if kind == "nominations":  # the nomination upload checks the file's head too (issue 10 §7)
            intake.check_nominations(path, display_name=name)
        else:
            intake.check_file(path, kind=kind, display_name=name)
    except IntakeError as exc:
        message = str(exc)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    return seconds, grown, peak, message


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / "bad-files-db"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ucjamsostek.settings")
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    work = OUT / "bad-files"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    honest = write_bomb(work / "bom.xlsx", HEADER, ROW, rows=args.rows)
    lying = lie_about_sizes(shutil.copy(honest, work / "bom-bohong.xlsx"))
    print(f"bom: {args.rows:,} baris, {honest.stat().st_size / 2**20:.1f} MB di disk".replace(",", "."))
    subprocess.run([str(EXE), "init"], check=True, capture_output=True)

    import django

    django.setup()
    worst_s, worst_mb = 0.0, 0.0
    empty = work / "kosong.csv"
    empty.write_bytes(b"")
    print(f"{'jalur':40} {'berkas':16} {'median s':>9} {'maks s':>7} {'puncak MB':>10}  pesan")
    for label, template in COMMANDS.items():
        start_up = 0.0
        for bomb in (empty, honest, lying):
            runs = []
            for _ in range(args.repeat):
                cmd = [a.replace("FILE", str(bomb)).replace("OUT", str(work / "keluaran")) for a in template]
                runs.append(run_command(cmd))
            assert all(code == 2 for _, _, code, _ in runs), runs
            secs, mbs = [r[0] for r in runs], [r[1] for r in runs]
            if bomb is empty:  # refused at once: the process's start-up (Django, the database check)
                start_up = statistics.median(secs)
                print(f"{'CLI ' + label:40} {bomb.name:16} {start_up:9.2f} {max(secs):7.2f} "
                      f"{statistics.median(mbs):10.0f}  (mulai proses)")  # fmt: skip
                continue
            beyond = statistics.median(secs) - start_up
            worst_s, worst_mb = max(worst_s, beyond), max(worst_mb, *mbs)
            print(f"{'CLI ' + label:40} {bomb.name:16} {statistics.median(secs):9.2f} {max(secs):7.2f} "
                  f"{statistics.median(mbs):10.0f}  +{beyond:.2f} s; {runs[0][3][:70]}")  # fmt: skip
    for kind in UPLOAD_KINDS:
        for bomb in (honest, lying):
            runs2 = [upload_check(bomb, kind) for _ in range(args.repeat)]
            assert all(r[3] for r in runs2), runs2
            secs = [r[0] for r in runs2]
            worst_s = max(worst_s, *secs)
            print(f"{'unggahan ' + kind:40} {bomb.name:16} {statistics.median(secs):9.2f} {max(secs):7.2f} "
                  f"{statistics.median(r[2] for r in runs2):10.1f}  (tracemalloc; RSS +"
                  f"{max(r[1] for r in runs2):.0f} MB) {runs2[0][3][:60]}")  # fmt: skip
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"terburuk: {worst_s:.2f} s untuk menolak (median, di luar mulai proses CLI atau pemeriksaan unggahan), "
          f"{worst_mb:.0f} MB puncak proses CLI utuh; beban mesin {load}")  # fmt: skip
    return 0 if worst_s <= 5 and worst_mb <= 500 else 1


if __name__ == "__main__":
    sys.exit(main())
