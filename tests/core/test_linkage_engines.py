"""One linkage, two engines (issue 13 §1): Splink on Spark gives what Splink on DuckDB gives.

Against a real Spark: local mode in this process (``local[2]``), and a standalone master and
worker started here on loopback (``spark://127.0.0.1:…``) driven from a child process, as
``UCJAMSOSTEK_SPARK_MASTER`` points a deployment at a cluster. The 200k-row comparison is
``benchmarks/bench_engines.py``; here a 5 000-row generated nomination file is screened by both.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from ucjamsostek.core import linkage_spark
from ucjamsostek.core.linkage import LinkageResult, link
from ucjamsostek.core.regiondata import region_table
from ucjamsostek.core.screen import ScreeningContext, ScreeningOptions, rows_csv_frame, screen_file

from .linkage_sample import sample_batch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("java") is None and os.environ.get("CI") != "true",
        reason="Java 17 is not installed (.ci/run installs it; CI fails instead of skipping)",
    ),
    # The engines read files and frames, never the database: CI runs them once, in its SQLite pass.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="no database involved: run in the SQLite pass only",
    ),
]

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module", autouse=True)
def local_spark() -> Iterator[None]:
    """Two local cores and a modest heap: the machine is shared."""
    mp = pytest.MonkeyPatch()
    mp.setenv(linkage_spark.MASTER_ENV, "local[2]")
    mp.setenv(linkage_spark.DRIVER_MEMORY_ENV, "1g")
    yield
    mp.undo()


def _same_links(a: LinkageResult, b: LinkageResult) -> None:
    """The same clusters, pairs and registry matches; probabilities equal to float rounding."""
    for name in ("clusters", "pairs", "registry_matches"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.drop("probability").equals(y.drop("probability")), name
        assert ((x["probability"] - y["probability"]).abs().max() or 0.0) <= 1e-9, name


def test_link_on_spark_equals_duckdb_with_a_registry() -> None:
    batch = sample_batch()
    registry = (
        batch.filter(pl.col("row") % 3 == 0)
        .select(person_id=pl.col("row") + 1000, nik="nik", name="name", birth_date="birth_date", sex="sex",
                village_code="village_code")
    )  # fmt: skip
    # Some registry people under a mistyped NIK: probable matches, not exact ones.
    registry = registry.with_columns(
        nik=pl.when(pl.col("person_id") % 2 == 0).then(pl.col("nik").str.slice(0, 15) + "9").otherwise("nik")
    )
    duck = link(batch, registry, engine="duckdb")
    spark = link(batch, registry, engine="spark")
    assert duck.clusters.height > 50 and (duck.registry_matches["kind"] == "probable").sum() > 10
    _same_links(duck, spark)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown linkage engine"):
        link(sample_batch(), engine="postgres")


def _pairs(rows: pl.DataFrame) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for members in rows.filter(pl.col("cluster").is_not_null()).group_by("cluster").agg("row")["row"].to_list():
        out |= set(itertools.combinations(sorted(members), 2))
    return out


def _screen(path: Path, engine: str) -> pl.DataFrame:
    """rows.csv of the screening (reason codes joined by ";")."""
    ctx = ScreeningContext.from_reference_files(
        region_table(),
        "74.13",
        {k: path.parent / f"{path.stem}-referensi-{k}.csv" for k in ("enrolled", "deaths", "asn")},
    )
    result = screen_file(path, ctx, ScreeningOptions(as_of=AS_OF, engine=engine))
    return rows_csv_frame(result).select("row", "status", "reasons", "cluster").sort("row")


@pytest.fixture(scope="module")
def nominations(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from ucjamsostek.demo.generator import write_nomination_file

    path = tmp_path_factory.mktemp("engines") / "usulan-5000.csv"
    write_nomination_file(path, 5000, seed=13)
    return path


def test_screening_5000_rows_same_statuses_reasons_and_clusters(nominations: Path) -> None:
    duck, spark = _screen(nominations, "duckdb"), _screen(nominations, "spark")
    assert duck.height == spark.height == 5000
    assert duck.filter(pl.col("cluster").is_not_null()).height > 100  # duplicates exist to be found
    differ = duck.join(spark, on="row", suffix="_spark").filter(
        (pl.col("status") != pl.col("status_spark"))
        | (pl.col("reasons").fill_null("") != pl.col("reasons_spark").fill_null(""))
        | (pl.col("cluster").fill_null("") != pl.col("cluster_spark").fill_null(""))
    )
    assert differ.height == 0, differ.head(10)
    a, b = _pairs(duck), _pairs(spark)
    tp = len(a & b)
    f1 = 2 * tp / (len(a) + len(b)) if a or b else 1.0
    assert f1 >= 0.999


# ------------------------------------------------------------------------------ standalone cluster

CHILD = """
import sys, polars as pl
sys.path.insert(0, {tests!r})
from linkage_sample import sample_batch
from ucjamsostek.core.linkage import link
from ucjamsostek.core import linkage_spark
spark = link(sample_batch(), engine="spark")
duck = link(sample_batch(), engine="duckdb")
assert spark.clusters.drop("probability").equals(duck.clusters.drop("probability"))
print("master", linkage_spark.session().sparkContext.master, "clusters", spark.clusters.height)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(log: Path, text: str, proc: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            pytest.fail(f"{log.name}: exited {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(1)
    pytest.fail(f"{log.name}: no {text!r} after {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def test_standalone_master_and_worker_on_loopback(tmp_path: Path) -> None:
    import pyspark

    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    port = _free_port()
    master_url = f"spark://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_DAEMON_MEMORY": "256m",
        "SPARK_WORKER_DIR": str(tmp_path / "work"),
        "SPARK_LOG_DIR": str(tmp_path / "logs"),
    }
    procs: list[subprocess.Popen[bytes]] = []
    try:
        master_log = tmp_path / "master.log"
        with master_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                 "--port", str(port), "--webui-port", "0"],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        _wait_for(master_log, "I have been elected leader", procs[0], 180)
        worker_log = tmp_path / "worker.log"
        with worker_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.worker.Worker", master_url, "--host", "127.0.0.1",
                 "--cores", "1", "--memory", "1g", "--webui-port", "0", "--work-dir", str(tmp_path / "work")],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            ))  # fmt: skip
        _wait_for(worker_log, "Successfully registered with master", procs[1], 180)
        child = subprocess.run(
            [sys.executable, "-c", CHILD.format(tests=str(Path(__file__).resolve().parent))],
            env={**env, linkage_spark.MASTER_ENV: master_url, linkage_spark.DRIVER_MEMORY_ENV: "1g"},
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert child.returncode == 0, child.stderr[-3000:]
        assert f"master {master_url} clusters" in child.stdout
        # the work ran on the worker's executor, not in the driver
        assert any((tmp_path / "work").glob("app-*/*/stderr"))
    finally:
        for proc in reversed(procs):
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
