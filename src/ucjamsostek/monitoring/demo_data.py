"""The monitoring part of ``ucjamsostek demo`` (the command finds ``build_demo`` here).

Runs last among the apps' steps, after the operations data: the Inpres checklist of 2025 and
2026, the Rakor Monev of July 2025 with its follow-ups carried to January 2026, and the workforce
denominators marked as demo figures (:func:`ucjamsostek.monitoring.demo.seed_demo_monev`). The
command then computes the indicator snapshots, so they see the bills, claims and BSU. Idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ucjamsostek.demo.generator import DemoData

DEMO_TITLE = "Monev: rencana aksi Inpres, Rakor Monev dan tindak lanjut, angkatan kerja (angka contoh)"
#: After the operations data (agreements, 50).
DEMO_ORDER = 90


def build_demo(data: DemoData, *, say: Callable[[str], None]) -> None:
    from ucjamsostek.monitoring.demo import seed_demo_monev
    from ucjamsostek.monitoring.models import ActionItem, FollowUp

    got = seed_demo_monev()
    workforce = (
        f"angkatan kerja contoh untuk {got['workforce']} wilayah (desa dan kecamatan)"
        if got["workforce"]
        else "angkatan kerja contoh sudah ada"
    )
    say(
        f"  {ActionItem.objects.count()} butir rencana aksi Inpres, {got['meetings']} rapat monev, "
        f"{FollowUp.objects.count()} tindak lanjut; {workforce}"
    )
