from io import StringIO

import pytest
from django.core.management import call_command

from ucjamsostek.core.regiondata import region_table
from ucjamsostek.regions.models import Region
from ucjamsostek.regions.services import load_regions


def snapshot():
    return list(Region.objects.order_by("code").values_list("code", "name", "level", "kind", "parent_id"))


@pytest.mark.django_db(transaction=True)
def test_init_loads_every_region_and_is_idempotent():
    out = StringIO()
    call_command("init", "--no-progress", stdout=out)
    assert Region.objects.count() == 91_599
    assert Region.objects.filter(level=4).count() == 83_762
    assert Region.objects.filter(level=3).count() == 7_285
    assert Region.objects.filter(level=2).count() == 514
    assert Region.objects.filter(level=1).count() == 38
    first = snapshot()
    out2 = StringIO()
    call_command("init", "--no-progress", stdout=out2)
    assert snapshot() == first
    assert "0 baru, 0 diperbarui" in out2.getvalue()
    # the master data steps write nothing either (DESIGN: running init twice changes nothing)
    for label in (
        "Pekerjaan, segmen, sumber dana",
        "Tarif iuran",
        "Program bantuan (BSU)",
        "Indikator dan rencana aksi Inpres",
    ):
        assert f"{label}: tidak berubah" in out2.getvalue()
    assert "Tarif iuran: tidak berubah" not in out.getvalue()


@pytest.mark.django_db
def test_muna_barat_matches_the_shared_list(shared_dir):
    import csv

    load_regions(region_table())
    with open(shared_dir / "data" / "muna_barat_regions.csv", newline="") as fh:
        expected = {row["code"]: row["name"] for row in csv.DictReader(fh)}
    got = dict(
        Region.objects.filter(code__in=expected).values_list("code", "name"),
    )
    assert got == expected
    assert Region.objects.filter(code__startswith="74.13.", level=4).count() == 86
    assert Region.objects.filter(code__startswith="74.13.", kind="kelurahan").count() == 5
    lakalamba = Region.objects.get(code="74.13.01.2008")
    assert lakalamba.parent_id == "74.13.01"


@pytest.mark.django_db
def test_reload_updates_a_renamed_region_only():
    table = region_table()
    load_regions(table)
    import polars as pl

    renamed = table.with_columns(
        pl.when(pl.col("code") == "74.13.01.2008")
        .then(pl.lit("Lakalamba Baru"))
        .otherwise(pl.col("name"))
        .alias("name")
    )
    report = load_regions(renamed)
    assert (report.created, report.updated) == (0, 1)
    assert Region.objects.get(code="74.13.01.2008").name == "Lakalamba Baru"
