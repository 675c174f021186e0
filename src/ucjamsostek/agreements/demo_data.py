"""The operations part of ``ucjamsostek demo`` (the command finds ``build_demo`` here).

Runs after the registry, the expired PKS 2022–2024 and the budget scenario, and adds through
:func:`ucjamsostek.agreements.demo.build_operations_demo`: the 2025 gap and the PKS that end it,
twelve monthly bills reconciled, SP2D payments, the claims (120 worth Rp4.960.000.000 on the full
demo, scaled down with the registry) and the BSU 2025 list (390 recipients, scaled likewise). The
files it reads back stay in ``<DATA_DIR>/demo/bpjs/``. Idempotent: once the 2025 PKS exist the
step adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from ucjamsostek.demo.generator import DemoData

DEMO_TITLE = "Operasional: PKS 2025, jeda perlindungan, tagihan, pembayaran, klaim, BSU"
#: After the registry, the budget scenario and the other apps' data; before monitoring (90).
DEMO_ORDER = 50
#: The full demo registry (``demo --registry``) and its figures (DOMAIN.md §7, Rakor Monev July 2025).
FULL_REGISTRY = 12_000
CLAIMS_COUNT = 120
CLAIMS_TOTAL = 4_960_000_000
BSU_RECIPIENTS = 390


def sizes(registry: int) -> tuple[int, int, int]:
    """``(claims, claims_total, bsu_recipients)`` for a demo registry of ``registry`` people: the
    full figures at 12.000, scaled down (never below a handful) for smaller demos."""
    if registry >= FULL_REGISTRY:
        return CLAIMS_COUNT, CLAIMS_TOTAL, BSU_RECIPIENTS
    scale = registry / FULL_REGISTRY
    claims = max(4, round(CLAIMS_COUNT * scale))  # fewer cannot hold both JKM and JKK claims
    total = CLAIMS_TOTAL * claims // CLAIMS_COUNT // 1_000 * 1_000
    return claims, total, max(5, round(BSU_RECIPIENTS * scale))


def build_demo(data: DemoData, *, say: Callable[[str], None]) -> None:
    from ucjamsostek.agreements.demo import NEW_NUMBER, NON_ASN_NUMBER, OLD_END, build_operations_demo
    from ucjamsostek.agreements.models import Agreement
    from ucjamsostek.core.money import format_rupiah
    from ucjamsostek.registry.models import Enrollment

    made = list(Agreement.objects.filter(number__in=(NON_ASN_NUMBER, NEW_NUMBER)).values_list("number", flat=True))
    if made:
        say(f"  data operasional demo sudah ada (PKS {', '.join(sorted(made))}), tidak dibuat ulang")
        return
    if not Enrollment.objects.filter(coverage_start__lt=OLD_END).exists():
        say("  dilewati: registri demo 2022–2024 kosong")
        return
    n_claims, claims_total, n_bsu = sizes(data.registry_persons.height)
    folder = Path(settings.DATA_DIR) / "demo" / "bpjs"
    res = build_operations_demo(data.seed, n_claims=n_claims, claims_total=claims_total, n_bsu=n_bsu, folder=folder)
    say(f"  PKS {res.agreements[0]} berakhir 31-12-2024; PKS baru: " + ", ".join(res.agreements[1:]))
    say("  kepesertaan baru: " + ", ".join(f"{n} di bawah {number}" for number, n in res.enrolled.items()))
    say(f"  {res.bills} tagihan bulanan ({res.bill_lines} baris) direkonsiliasi, {res.payments} SP2D")
    say(
        f"  {res.claims} klaim dibayar senilai {format_rupiah(res.claims_total)}, "
        f"{res.claims_uncovered} tanpa PKS yang berlaku pada tanggal kejadian"
    )
    say(
        f"  BSU 2025: {res.bsu_disbursed} penerima tersalur ({res.bsu_lines} baris), "
        f"{res.bsu_eligible} memenuhi syarat → {folder}"
    )
