"""The shipped master-data lists (segments, funders, occupations) and a loader that works on any
model classes, so both :func:`ucjamsostek.registry.services.seed_master_data` and the data
migration use it; :func:`sync_rows` is the idempotent upsert the apps' seeds share."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

from ucjamsostek.core.occupations import occupation_table


def read_data_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("ucjamsostek.registry").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def sync_rows(model: Any, key: tuple[str, ...], rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Create the rows that are missing and update those whose values differ, by ``key`` (field
    names); rows already equal are not written at all. Fields not named in a row keep what people
    set (e.g. the admin's ``active`` flag). Returns ``{"created": n, "updated": m}``."""
    existing = {tuple(getattr(obj, f) for f in key): obj for obj in model.objects.all()}
    created = updated = 0
    for row in rows:
        values = {name: model._meta.get_field(name).to_python(value) for name, value in row.items()}
        obj = existing.get(tuple(values[f] for f in key))
        if obj is None:
            obj = model.objects.create(**values)
            existing[tuple(values[f] for f in key)] = obj
            created += 1
            continue
        changed = [name for name, value in values.items() if name not in key and getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=changed)
            updated += 1
    return {"created": created, "updated": updated}


def seed(segment_model: Any, funder_model: Any, occupation_model: Any) -> dict[str, int]:
    """Create or update (only what differs) every shipped row by code; the admin's ``active`` flag
    is kept. Returns how many rows were created and updated."""
    segments = [
        {
            "code": r["code"],
            "name": r["name"],
            "category": r["category"],
            "sort_order": int(r["sort_order"]),
            "description": r["description"],
        }
        for r in read_data_csv("segments.csv")
    ]
    funders = [
        {
            "code": r["code"],
            "name": r["name"],
            "payer_kind": r["payer_kind"],
            "sort_order": int(r["sort_order"]),
            "description": r["description"],
        }
        for r in read_data_csv("funders.csv")
    ]
    occupations = [
        {"code": occ.code, "name": occ.name, "risk": occ.risk, "aliases": "|".join(occ.aliases), "sort_order": i * 10}
        for i, occ in enumerate(occupation_table(), start=1)
    ]
    counts = {"created": 0, "updated": 0}
    for model, rows in ((segment_model, segments), (funder_model, funders), (occupation_model, occupations)):
        for k, n in sync_rows(model, ("code",), rows).items():
            counts[k] += n
    return counts
