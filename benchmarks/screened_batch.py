"""Set-up shared by the benchmarks that need one screened, stored nomination batch.

:func:`prepare` makes a nomination file with the demo generator (xlsx, with its reference lists)
into ``bench-out/``, prepares a throw-away database in ``UCJAMSOSTEK_DATA_DIR`` (``ucjamsostek
init``; set ``DATABASE_URL`` for PostgreSQL), loads the reference lists and starts Django;
:func:`screen_and_store` screens the file and stores it as a batch with its outputs, as the upload
does. No NIK or name is printed.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
EXE = ROOT / ".venv" / "bin" / "ucjamsostek"
AS_OF = date(2026, 1, 1)


def median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def prepare(rows: int, name: str) -> Path:
    """The nomination file ``bench-out/usulan-<name>-<rows>.xlsx`` and a database ready to screen it
    (in ``bench-out/<name>-db`` unless ``UCJAMSOSTEK_DATA_DIR`` says otherwise); Django is set up."""
    os.environ.setdefault("UCJAMSOSTEK_DATA_DIR", str(OUT / f"{name}-db"))
    Path(os.environ["UCJAMSOSTEK_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    stem = f"usulan-{name}-{rows}"
    src = OUT / f"{stem}.xlsx"
    if not src.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "make_nominations.py"), "--rows", str(rows),
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
    return src


def screen_and_store(src: Path) -> tuple[Any, Any, Any]:
    """Screen ``src`` as of :data:`AS_OF` and store it as a batch of a Dinas user: (user, result, batch)."""
    from ucjamsostek.accounts.models import User
    from ucjamsostek.core.screen import ScreeningOptions, screen_file, write_outputs
    from ucjamsostek.screening import services
    from ucjamsostek.screening.selectors import screening_context

    user, _ = User.objects.get_or_create(username="bench-dinas", defaults={"role": "dinas"})
    result = screen_file(src, screening_context(AS_OF), ScreeningOptions(as_of=AS_OF))
    with tempfile.TemporaryDirectory() as tmp:
        written = write_outputs(result, tmp, source_name=src.name)
        batch = services.save_batch_with_outputs(
            result, written.values(), source_name="Benchmark", file_path=src, file_name=src.name, actor=user,
            as_of=AS_OF,
        )  # fmt: skip
    return user, result, batch
