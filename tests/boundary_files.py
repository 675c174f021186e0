"""Generated boundary files for the map tests: a square per kecamatan of the deployment area in a
grid, and inside it a smaller square per desa, with their Kemendagri codes (no real geography)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _square(lon: float, lat: float, size: float) -> dict[str, Any]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def squares(area: str = "74.13", *, digits: bool = False, extra: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A FeatureCollection of the kecamatan and desa of ``area`` as stored (Region table), BIG-style
    properties (``KDCPUM``/``KDEPUM`` with ``digits``, else ``kode``) and ``nama``."""
    from ucjamsostek.regions.models import Region

    features = []
    kec = list(Region.objects.filter(code__startswith=area + ".", level=3).order_by("code"))
    for i, k in enumerate(kec):
        lon, lat = 122.3 + (i % 4) * 0.1, -4.9 + (i // 4) * 0.1
        key = "KDCPUM" if digits else "kode"
        code = k.code.replace(".", "") if digits else k.code
        # a kecamatan's outline has more points than a map needs (simplified on load)
        poly = _square(lon, lat, 0.1)
        ring = poly["coordinates"][0]
        poly["coordinates"][0] = [ring[0], *[[lon + 0.1 * t / 50, lat] for t in range(1, 50)], *ring[1:]]
        features.append({"type": "Feature", "properties": {key: code, "nama": k.name}, "geometry": poly})
        desa = list(Region.objects.filter(parent=k, level=4).order_by("code"))
        for j, d in enumerate(desa):
            step = 0.1 / max(1, len(desa))
            key = "KDEPUM" if digits else "kode"
            code = d.code.replace(".", "") if digits else d.code
            features.append(
                {
                    "type": "Feature",
                    "properties": {key: code, "nama": d.name},
                    "geometry": _square(lon + j * step, lat, step * 0.95),
                }
            )
    return {"type": "FeatureCollection", "features": features + (extra or [])}


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path
