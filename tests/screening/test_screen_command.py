"""``ucjamsostek screen`` against the Django test database."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ucjamsostek.accounts.permissions import SYSTEM

SAMPLES = Path("/work/shared/samples")
if not SAMPLES.exists():
    SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
SAMPLE = SAMPLES / "usulan-contoh.xlsx"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not available"),
]


def test_screen_writes_the_three_outputs(tmp_path: Path) -> None:
    out = tmp_path / "hasil"
    call_command("screen", str(SAMPLE), "--out", str(out), "--as-of", "2026-01-01", "--no-progress")
    assert sorted(p.name for p in out.iterdir()) == ["hasil-validasi.xlsx", "rows.csv", "summary.json"]
    header = (out / "rows.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "row,status,reasons,cluster,region_code"
    rows = pl.read_csv(out / "rows.csv", infer_schema=False)
    assert rows.height == 600
    assert set(rows["status"]) <= {"eligible", "review", "rejected"}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["input_rows"] == 600 and summary["as_of"] == "2026-01-01"


def test_screen_uses_loaded_reference_lists(tmp_path: Path) -> None:
    services = pytest.importorskip("ucjamsostek.screening.services")
    services.load_reference("deaths", SAMPLES / "referensi-deaths.csv", actor=SYSTEM)
    out = tmp_path / "hasil"
    call_command("screen", str(SAMPLE), "--out", str(out), "--as-of", "2026-01-01", "--no-progress")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["reasons"].get("DECEASED") == 9


def test_bad_file_is_one_message_and_exit_code_2(tmp_path: Path) -> None:
    bad = tmp_path / "rusak.xlsx"
    bad.write_bytes(b"PK\x03\x04 bukan excel")
    out = tmp_path / "hasil"
    with pytest.raises(CommandError) as err:
        call_command("screen", str(bad), "--out", str(out), "--no-progress")
    assert err.value.returncode == 2
    assert "rusak.xlsx" in str(err.value) and "rusak" in str(err.value)
    assert not out.exists() or not any(out.iterdir())


def test_bad_as_of(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as err:
        call_command("screen", str(SAMPLE), "--out", str(tmp_path), "--as-of", "01-01-2026", "--no-progress")
    assert err.value.returncode == 2


def test_save_stores_the_batch(tmp_path: Path) -> None:
    models = pytest.importorskip("ucjamsostek.screening.models")
    out = tmp_path / "hasil"
    call_command("screen", str(SAMPLE), "--out", str(out), "--as-of", "2026-01-01", "--save", "--no-progress")
    batch = models.NominationBatch.objects.get()
    assert batch.row_count == 600
    assert models.Nomination.objects.filter(batch=batch).count() == 600


def test_regions_come_from_the_database_when_loaded() -> None:
    from ucjamsostek.regions.models import Region
    from ucjamsostek.screening.selectors import regions_frame, screening_context

    assert regions_frame().height > 90_000  # nothing loaded: the packaged list
    province = Region.objects.create(code="74", name="Sulawesi Tenggara", level=1, kind="provinsi")
    regency = Region.objects.create(
        code="74.13", name="Kabupaten Muna Barat", level=2, kind="kabupaten", parent=province
    )
    district = Region.objects.create(code="74.13.01", name="Sawerigadi", level=3, kind="kecamatan", parent=regency)
    Region.objects.create(code="74.13.01.2001", name="Marobea", level=4, kind="desa", parent=district)
    frame = regions_frame()
    assert frame["code"].to_list() == ["74", "74.13", "74.13.01", "74.13.01.2001"]
    assert frame.filter(frame["code"] == "74.13.01.2001")["parent_code"][0] == "74.13.01"
    ctx = screening_context()
    assert ctx.area_code == "74.13" and ctx.regions.height == 4 and ctx.registry is None


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("java") is None and os.environ.get("CI") != "true",
    reason="Java 17 is not installed (.ci/run installs it; CI fails instead of skipping)",
)
def test_engine_spark_writes_the_same_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UCJAMSOSTEK_SPARK_MASTER", "local[2]")
    monkeypatch.setenv("UCJAMSOSTEK_SPARK_DRIVER_MEMORY", "1g")
    for engine in ("duckdb", "spark"):
        call_command(
            "screen", str(SAMPLE), "--out", str(tmp_path / engine), "--as-of", "2026-01-01", "--no-progress",
            "--report", "no", "--engine", engine,
        )  # fmt: skip
    duck, spark = ((tmp_path / e / "rows.csv").read_text(encoding="utf-8") for e in ("duckdb", "spark"))
    assert spark == duck


def test_engine_spark_that_cannot_start_is_one_message_and_exit_code_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ucjamsostek.core import linkage_spark

    monkeypatch.setattr(linkage_spark, "_session", None)
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as where the [spark] extra is not installed
    out = tmp_path / "hasil"
    with pytest.raises(CommandError) as err:
        call_command("screen", str(SAMPLE), "--out", str(out), "--no-progress", "--engine", "spark")
    assert err.value.returncode == 2
    assert "pyspark" in str(err.value) and "pip install -e .[spark]" in str(err.value)
    assert not out.exists() or not any(out.iterdir())


def test_unknown_engine_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("screen", str(SAMPLE), "--out", str(tmp_path), "--engine", "postgres", "--no-progress")
