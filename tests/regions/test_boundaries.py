"""``ucjamsostek regions boundaries load FILE`` (issue 11 §2): GeoJSON checked against the
Kemendagri table, unmatched features reported, a bad file stores nothing (exit 2)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.boundary_files import _square, squares, write
from tests.people_fixtures import DESA_A, KEC_A, regions  # noqa: F401
from ucjamsostek.core import boundaries
from ucjamsostek.regions.models import Boundary


def _load(path) -> str:
    out = io.StringIO()
    call_command("regions", "boundaries", "load", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loads_kecamatan_and_desa_and_reports_unmatched_features(regions, tmp_path):  # noqa: F811
    extra = [
        {"type": "Feature", "properties": {"kode": "74.13.99", "nama": "Kec. Khayalan"}, "geometry": _square(1, 1, 1)},
        {"type": "Feature", "properties": {"kode": regions["outside"]}, "geometry": _square(2, 2, 1)},
    ]
    doc = squares(digits=True, extra=extra)
    said = _load(write(tmp_path / "batas.geojson", doc))
    kec = sum(1 for f in doc["features"] if "KDCPUM" in f["properties"])
    desa = len(doc["features"]) - kec - 2
    assert f"Batas wilayah dimuat: {kec} kecamatan, {desa} desa/kelurahan." in said
    assert "2 fitur tidak cocok (tidak dimuat):" in said
    n = len(doc["features"])
    assert f"fitur ke-{n - 1}: 74.13.99 Kec. Khayalan — kode tidak ada di tabel wilayah Kemendagri" in said
    assert f"fitur ke-{n}: {regions['outside']} — di luar wilayah 74.13" in said
    assert Boundary.objects.filter(level=3).count() == kec and Boundary.objects.filter(level=4).count() == desa
    kec_a = Boundary.objects.get(region_id=KEC_A)
    assert len(kec_a.polygons[0][0]) == 5  # the 54-point outline simplified to its corners
    assert Boundary.objects.get(region_id=DESA_A).source == "batas.geojson"
    _load(write(tmp_path / "batas.geojson", doc))  # loading again replaces, nothing doubled
    assert Boundary.objects.count() == kec + desa


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"PK\x03\x04 not json", "bukan GeoJSON yang sah"),
        (json.dumps({"type": "Feature"}).encode(), "harus GeoJSON FeatureCollection"),
        (None, "Fitur ke-2: tidak ada kode wilayah Kemendagri"),
        (None, "Fitur ke-3 (74.13.01.2002): geometri 'Point' tidak didukung"),
        (json.dumps({"type": "FeatureCollection", "features": []}).encode(), "Tidak ada fitur berkas batas wilayah"),
    ],
)
def test_a_bad_file_is_refused_with_where_and_nothing_is_stored(regions, tmp_path, content, said):  # noqa: F811
    if content is None:
        doc = squares()
        doc["features"] = doc["features"][:3]
        if "kode wilayah" in said:
            doc["features"][1]["properties"] = {"nama": "tanpa kode"}
        else:
            doc["features"][2]["geometry"] = {"type": "Point", "coordinates": [122.0, -4.0]}
        content = json.dumps(doc).encode()
    path = tmp_path / "batas.geojson"
    path.write_bytes(content)
    with pytest.raises(CommandError) as exc:
        _load(path)
    assert exc.value.returncode == 2 and said in str(exc.value)
    assert not Boundary.objects.exists()


def test_codes_as_digits_and_the_legend():
    assert boundaries.normalise_code("7413012001") == "74.13.01.2001"
    assert boundaries.normalise_code(741301) == "74.13.01"
    assert boundaries.fill_of(None) == boundaries.NO_DATA_FILL
    assert boundaries.fill_of(100.0) == boundaries.CLASSES[-1][2]
    assert [t for _, t in boundaries.legend("tidak ada data")][0] == "0–25%"
