"""The shipped master-data lists (segments, funders, occupations) and a loader that works on any
model classes, so both :func:`ucjamsostek.registry.services.seed_master_data` and the data
migration use it."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any

from ucjamsostek.core.occupations import occupation_table


def read_data_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ucjamsostek.registry").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def seed(segment_model: Any, funder_model: Any, occupation_model: Any) -> dict[str, int]:
    """``update_or_create`` on code for every shipped row; the admin's ``active`` flag is kept."""
    counts: dict[str, int] = {}
    rows = read_data_csv("segments.csv")
    for r in rows:
        segment_model.objects.update_or_create(
            code=r["code"],
            defaults={
                "name": r["name"],
                "category": r["category"],
                "sort_order": int(r["sort_order"]),
                "description": r["description"],
            },
        )
    counts["segments"] = len(rows)
    rows = read_data_csv("funders.csv")
    for r in rows:
        funder_model.objects.update_or_create(
            code=r["code"],
            defaults={
                "name": r["name"],
                "payer_kind": r["payer_kind"],
                "sort_order": int(r["sort_order"]),
                "description": r["description"],
            },
        )
    counts["funders"] = len(rows)
    table = occupation_table()
    for i, occ in enumerate(table, start=1):
        occupation_model.objects.update_or_create(
            code=occ.code,
            defaults={"name": occ.name, "risk": occ.risk, "aliases": "|".join(occ.aliases), "sort_order": i * 10},
        )
    counts["occupations"] = len(table)
    return counts
