"""Splink's Spark backend for :mod:`ucjamsostek.core.linkage` (``link(..., engine="spark")``).

The model, the blocking rules and the comparison levels are those of ``core/linkage.py`` (the
shipped ``linkage_model.json``): this module only runs them on Spark SQL. What runs where:

* on **Spark**: the pair generation of the blocking rules and the scoring of every candidate pair
  (Splink's ``predict``) — the part that grows with the number of rows and pairs;
* on the **driver** (this process): the preparation of the comparison columns (Polars, as for
  DuckDB), the exact-NIK groups and the connected components of the scored pairs (one pair per
  ~2 rows at the threshold, so they fit in memory long after the comparisons would not).

The Spark session is made once per process and kept (a JVM takes seconds to start):

* ``UCJAMSOSTEK_SPARK_MASTER`` — the Spark master (``local[N]``, ``spark://host:7077``, ``yarn``,
  ``k8s://…``); default ``--master`` of ``spark-submit`` when run by it, else ``local[*]``;
* ``UCJAMSOSTEK_SPARK_DRIVER_MEMORY`` — the driver's JVM heap (in local mode the memory of all the
  work); default ``--driver-memory`` of ``spark-submit``, else ``4g``.

Settings given to ``spark-submit`` (``--conf``, ``--jars``, ``--driver-memory``) are kept; the
jar of Splink's similarity functions (``damerau_levenshtein``) is added to ``spark.jars`` so the
executors get it (under ``spark-submit`` the driver's JVM is already running, so the jar must be
given with ``--jars``: the README shows how; without it the command says so and stops). No
Python runs on the executors (no Python UDF), so the cluster's nodes need Java and Spark only,
not this package. Intermediate tables are persisted (memory, then the
executors' local disk), never written to a shared file system.

Splink's SQL is the same text for both engines; functions it uses that differ between DuckDB and
Spark (``damerau_levenshtein``: DuckDB's built-in, the Splink jar's on Spark) agree on the one-edit
test the model uses (distance ≤ 1), which is all the model asks of them. Nothing here logs a NIK
or a name.
"""

from __future__ import annotations

import copy
import logging
import os
import tempfile
import threading
import uuid
from importlib import resources
from typing import Any

import polars as pl

from ucjamsostek.core.errors import UserError

MASTER_ENV = "UCJAMSOSTEK_SPARK_MASTER"
DRIVER_MEMORY_ENV = "UCJAMSOSTEK_SPARK_DRIVER_MEMORY"
DEFAULT_MASTER = "local[*]"
DEFAULT_DRIVER_MEMORY = "4g"
#: Spark's log4j2 configuration for the driver: errors only (Spark logs at INFO/WARN otherwise).
LOG_CONFIG = "spark-log4j2.properties"

_session: Any = None
_lock = threading.Lock()


class SparkUnavailable(UserError):
    """Spark cannot run here (pyspark or Java missing, master unreachable); the message is Bahasa."""


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def spark_settings(model: dict[str, Any]) -> dict[str, Any]:
    """The same Splink settings for Spark: the SQL dialect tags of a model trained on DuckDB are
    dropped (the conditions are plain SQL that both engines read the same way)."""
    out = copy.deepcopy(model)
    out.pop("sql_dialect", None)
    for rule in out.get("blocking_rules_to_generate_predictions", []):
        if isinstance(rule, dict):
            rule.pop("sql_dialect", None)
    return out


def session() -> Any:
    """The process's Spark session (made on first use; see the module doc for its settings)."""
    global _session
    with _lock:
        if _session is not None and _session.sparkContext._jsc is not None:
            return _session
        _session = _new_session()
        return _session


def _new_session() -> Any:
    try:
        from pyspark import SparkConf, SparkContext
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        raise SparkUnavailable(
            "mesin spark memerlukan paket pyspark, yang tidak terpasang: pip install -e .[spark]"
        ) from None
    submitted = bool(os.environ.get("PYSPARK_GATEWAY_PORT"))  # spark-submit started the driver's JVM
    if submitted:
        SparkContext._ensure_initialized()  # connect to it, so the conf below holds what it was given
    conf = SparkConf()  # under spark-submit: its --master, --conf, --jars …
    master = _env(MASTER_ENV) or conf.get("spark.master", None) or DEFAULT_MASTER
    local = master.startswith("local")
    jar = similarity_jar_location()
    jars = [j for j in (conf.get("spark.jars", "") or "").split(",") if j]
    has_jar = any(j.rsplit("/", 1)[-1] == os.path.basename(jar) for j in jars)
    if submitted and not has_jar:
        # A jar named now would reach the executors but not the running driver's class path,
        # where Splink registers its SQL functions.
        raise SparkUnavailable(f"jalankan spark-submit dengan --jars {jar} (fungsi kemiripan nama dari Splink)")
    builder = (
        SparkSession.builder.appName("ucjamsostek-linkage")
        .master(master)
        .config("spark.jars", ",".join(jars if has_jar else [*jars, jar]))
        .config("spark.ui.showConsoleProgress", "false")
    )
    if not conf.contains("spark.driver.memory") or _env(DRIVER_MEMORY_ENV):
        builder = builder.config("spark.driver.memory", _env(DRIVER_MEMORY_ENV) or DEFAULT_DRIVER_MEMORY)
    if not conf.contains("spark.driver.extraJavaOptions"):
        log_conf = resources.files("ucjamsostek.core").joinpath("data", LOG_CONFIG)
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_conf}")
    if local:
        # One machine: stay on loopback, no web UI, and few shuffle partitions (the default 200
        # are made for a cluster; on 2 cores they are 200 tiny tasks per stage).
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        builder = builder.config("spark.ui.enabled", "false")
        if not conf.contains("spark.sql.shuffle.partitions"):
            cores = os.cpu_count() or 2
            builder = builder.config("spark.sql.shuffle.partitions", str(max(8, 4 * cores)))
        if not conf.contains("spark.local.dir"):
            builder = builder.config("spark.local.dir", os.path.join(tempfile.gettempdir(), "ucjamsostek-spark"))
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # Java missing, master unreachable: py4j/pyspark raise many types
        raise SparkUnavailable(
            f"Spark tidak dapat dijalankan (master {master}); periksa Java 17 dan {MASTER_ENV}: {type(exc).__name__}"
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)
    return spark


class SparkEngine:
    """Splink on Spark behind the two calls ``core.linkage`` makes: store a frame as a table,
    predict the scored pairs of stored tables. Table names are made unique per engine, so two
    linkages in one session do not meet."""

    def __init__(self) -> None:
        self.spark = session()
        self._prefix = f"ucj_{uuid.uuid4().hex[:8]}_"
        self._views: list[str] = []

    def _name(self, name: str) -> str:
        return self._prefix + name

    def store(self, name: str, frame: pl.DataFrame) -> None:
        """A Polars frame as a Spark temporary view ``name`` (through Arrow)."""
        sdf = self.spark.createDataFrame(frame.to_arrow())
        sdf.createOrReplaceTempView(self._name(name))
        self._views.append(self._name(name))

    def view(self, name: str, source: str, columns: list[str]) -> None:
        """``name``: the ``columns`` of the stored table ``source``."""
        self.spark.table(self._name(source)).select(*columns).createOrReplaceTempView(self._name(name))
        self._views.append(self._name(name))

    def predict(self, tables: list[tuple[str, str]], model: dict[str, Any], threshold: float) -> pl.DataFrame:
        """As ``core.linkage._predict``: scored pairs ≥ ``threshold`` of the stored tables."""
        from splink import Linker, SparkAPI

        db_api = SparkAPI(spark_session=self.spark, break_lineage_method="persist")
        registered = [db_api.register(self._name(table), dataset_display_name=display) for table, display in tables]
        linker = Linker(
            registered if len(registered) > 1 else registered[0],
            spark_settings(model),
            log_level=None,
            validate_settings=False,
        )
        scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        cols = ["unique_id_l", "unique_id_r", "match_probability"]
        if len(tables) > 1:
            cols += ["source_dataset_l", "source_dataset_r"]
        result = pl.from_arrow(scored.as_spark_dataframe().select(*cols).toArrow())
        assert isinstance(result, pl.DataFrame)
        linker.table_management.delete_tables_created_by_splink_from_db()
        self.spark.catalog.clearCache()  # Splink persisted its intermediate tables
        return result.cast({"unique_id_l": pl.Int64, "unique_id_r": pl.Int64, "match_probability": pl.Float64})

    def close(self) -> None:
        for view in self._views:
            self.spark.catalog.dropTempView(view)
        self._views.clear()
