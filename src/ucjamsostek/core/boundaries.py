"""Kecamatan and desa boundaries from a GeoJSON file, checked against the Kemendagri table, and
their choropleth map as server-rendered SVG (no JavaScript library, no tiles, no internet).

Pemda hold their boundaries from BIG / Ina-Geoportal. :func:`read_geojson` reads a
``FeatureCollection`` whose features carry the Kemendagri code in a property (``kode``, ``code``,
``kode_wilayah``, or BIG's ``KDEPUM`` for a desa and ``KDCPUM`` for a kecamatan; dotted
``74.13.01.2001`` or digits ``7413012001``) and a ``Polygon`` or ``MultiPolygon`` in longitude and
latitude. Each feature is matched against the region table (``core.regiondata``): a code the table
does not hold, or one outside the deployment's area, is *unmatched* and reported with its place in
the file; anything unreadable is a :class:`BoundaryError` (the whole file is refused). Geometry is
simplified (Douglas–Peucker) before it is stored: a map of a regency needs metres, not centimetres.

Shapefiles are not read: convert them to GeoJSON first (e.g. ``ogr2ogr -f GeoJSON out.geojson
in.shp``, or QGIS "Export → Save Features As").

:func:`choropleth` draws stored boundaries with an equirectangular projection scaled by the
cosine of the mean latitude (exact enough for one regency), each area a link.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from ucjamsostek.core.errors import UserError

#: Properties that may hold the Kemendagri code, in the order they are tried.
CODE_PROPERTIES = ("kode", "code", "kode_wilayah", "kode_kemendagri", "KDEPUM", "KDCPUM", "kdepum", "kdcpum")
#: Properties that may hold the area's name (shown when a code is unmatched).
NAME_PROPERTIES = ("nama", "name", "WADMKD", "WADMKC", "wadmkd", "wadmkc")
#: Douglas–Peucker tolerance in degrees (≈ 50 m at the equator).
TOLERANCE = 0.0005

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # outer ring first, then holes


class BoundaryError(UserError):
    """The boundary file cannot be read; the message (Bahasa Indonesia) says where."""


@dataclass(frozen=True)
class Feature:
    code: str
    level: int  # 3 kecamatan, 4 desa
    polygons: list[Polygon]


@dataclass(frozen=True)
class Unmatched:
    number: int  # the feature's place in the file, from 1
    code: str
    name: str
    reason: str


@dataclass
class BoundaryFile:
    features: list[Feature] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def normalise_code(raw: object) -> str:
    """``7413012001`` → ``74.13.01.2001``; ``741301`` → ``74.13.01``; dotted codes as they are."""
    text = str(raw if raw is not None else "").strip()
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        parts = [text[:2], text[2:4], text[4:6], text[6:]]
        return ".".join(p for p in parts if p)
    return text


def _ring(raw: object, where: str) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise BoundaryError(f"{where}: cincin poligon harus berisi sedikitnya 4 titik.")
    out: Ring = []
    for point in raw:
        if not (isinstance(point, list) and len(point) >= 2 and all(isinstance(v, int | float) for v in point[:2])):
            raise BoundaryError(f"{where}: titik {point!r} bukan [bujur, lintang].")
        lon, lat = float(point[0]), float(point[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise BoundaryError(f"{where}: titik {lon}, {lat} di luar bujur/lintang (harus WGS84, EPSG:4326).")
        out.append((lon, lat))
    return out


def _polygons(geometry: object, where: str) -> list[Polygon]:
    if not isinstance(geometry, dict):
        raise BoundaryError(f"{where}: tidak ada geometri.")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list):
        return [[_ring(r, where) for r in coords]]
    if kind == "MultiPolygon" and isinstance(coords, list):
        return [[_ring(r, where) for r in poly] for poly in coords if isinstance(poly, list)]
    raise BoundaryError(f"{where}: geometri {kind!r} tidak didukung (hanya Polygon atau MultiPolygon).")


def _simplify(points: Ring, tolerance: float) -> Ring:
    """Douglas–Peucker (iterative); the ring stays closed and keeps at least 4 points."""
    if len(points) <= 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(a + 1, b):
            x, y = points[i]
            d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm if norm else math.hypot(x - x1, y - y1)
            if d > best:
                best, index = d, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack += [(a, index), (index, b)]
    out = [p for p, k in zip(points, keep, strict=True) if k]
    return out if len(out) >= 4 else points


def simplify(polygons: list[Polygon], tolerance: float = TOLERANCE) -> list[Polygon]:
    """Every ring simplified and rounded to 5 decimals (≈ 1 m)."""
    return [[[(round(x, 5), round(y, 5)) for x, y in _simplify(ring, tolerance)] for ring in poly] for poly in polygons]


def read_geojson(data: bytes, regions: Mapping[str, int], area: str, *, tolerance: float = TOLERANCE) -> BoundaryFile:
    """The kecamatan and desa features of ``data`` that lie in ``area``, simplified.

    ``regions``: Kemendagri code → level (``core.regiondata.region_table``). Raises
    :class:`BoundaryError` when the file is not a GeoJSON FeatureCollection, a feature has no code
    property or its geometry cannot be read, or no feature matches at all."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BoundaryError(f"Berkas batas wilayah bukan GeoJSON yang sah: {exc}.") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise BoundaryError("Berkas batas wilayah harus GeoJSON FeatureCollection (daftar fitur).")
    out = BoundaryFile()
    seen: dict[str, int] = {}
    for number, feature in enumerate(doc["features"], start=1):
        props = feature.get("properties") if isinstance(feature, dict) else None
        props = props if isinstance(props, dict) else {}
        key = next((k for k in CODE_PROPERTIES if props.get(k) not in (None, "")), None)
        where = f"Fitur ke-{number}"
        if key is None:
            raise BoundaryError(
                f"{where}: tidak ada kode wilayah Kemendagri "
                f"(properti {', '.join(CODE_PROPERTIES[:4])} atau KDEPUM/KDCPUM)."
            )
        code = normalise_code(props[key])
        name = str(next((props[k] for k in NAME_PROPERTIES if props.get(k)), ""))
        where = f"{where} ({code})"
        polygons = _polygons(feature.get("geometry"), where)
        level = regions.get(code)
        if level is None:
            out.unmatched.append(Unmatched(number, code, name, "kode tidak ada di tabel wilayah Kemendagri"))
        elif level not in (3, 4):
            out.unmatched.append(Unmatched(number, code, name, "bukan kecamatan atau desa/kelurahan"))
        elif not code.startswith(area + "."):
            out.unmatched.append(Unmatched(number, code, name, f"di luar wilayah {area}"))
        elif code in seen:
            out.unmatched.append(Unmatched(number, code, name, f"kode sudah ada pada fitur ke-{seen[code]}"))
        else:
            seen[code] = number
            out.features.append(Feature(code, level, simplify(polygons, tolerance)))
    if not out.features:
        raise BoundaryError(
            f"Tidak ada fitur berkas batas wilayah yang cocok dengan kecamatan atau desa wilayah {area} "
            f"({len(out.unmatched)} fitur tidak cocok)."
        )
    return out


# --------------------------------------------------------------------------------------------------
# Choropleth
# --------------------------------------------------------------------------------------------------

#: Coverage classes (percent, upper bound exclusive except the last) and their colours, light to dark.
CLASSES: tuple[tuple[float, float, str], ...] = (
    (0.0, 25.0, "#edf8e9"),
    (25.0, 50.0, "#bae4b3"),
    (50.0, 75.0, "#74c476"),
    (75.0, 100.0, "#31a354"),
    (100.0, math.inf, "#006d2c"),
)
NO_DATA_FILL = "#d9d9d9"


def fill_of(percent: float | None) -> str:
    if percent is None:
        return NO_DATA_FILL
    return next(colour for lo, hi, colour in CLASSES if lo <= percent < hi)


@dataclass(frozen=True)
class MapArea:
    code: str
    name: str
    polygons: list[Polygon]
    percent: float | None  # coverage ×100, None when there is no denominator
    tip: str
    url: str = ""


def choropleth(areas: Sequence[MapArea], *, title: str, width: int = 480) -> str:
    """The areas filled by coverage class, each a link (``url``) with its tooltip."""
    points = [p for a in areas for poly in a.polygons for ring in poly[:1] for p in ring]
    if not points:
        return ""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    span_x = max((max(lons) - min(lons)) * k, 1e-9)
    span_y = max(max(lats) - min(lats), 1e-9)
    pad = 4
    scale = (width - 2 * pad) / span_x
    height = int(span_y * scale + 2 * pad)
    height = max(height, 60)

    def xy(lon: float, lat: float) -> str:
        return f"{pad + (lon - min(lons)) * k * scale:.1f},{pad + (max(lats) - lat) * scale:.1f}"

    out = [
        f'<svg class="chart chart-map" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title, quote=True)}"><title>{escape(title)}</title>'
    ]
    for a in areas:
        d = " ".join("M" + " L".join(xy(x, y) for x, y in ring) + " Z" for poly in a.polygons for ring in poly)
        tip = escape(a.tip, quote=True)
        path = (
            f'<path d="{d}" fill="{fill_of(a.percent)}" fill-rule="evenodd" class="mark area" tabindex="0" '
            f'data-code="{escape(a.code, quote=True)}" data-tip="{tip}"><title>{escape(a.tip)}</title></path>'
        )
        out.append(f'<a href="{escape(a.url, quote=True)}">{path}</a>' if a.url else path)
    out.append("</svg>")
    return "".join(out)


def legend(no_data: str) -> list[tuple[str, str]]:
    """(colour, text) per class for the map's legend, then "no data"."""
    texts = [f"{lo:.0f}–{hi:.0f}%" if hi != math.inf else f"≥ {lo:.0f}%" for lo, hi, _ in CLASSES]
    return [(c, t) for (_, _, c), t in zip(CLASSES, texts, strict=True)] + [(NO_DATA_FILL, no_data)]
