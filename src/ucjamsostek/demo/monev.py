"""Demo content for monitoring (called by ``ucjamsostek demo``; idempotent).

* the indicator definitions, the Inpres checklist of 2025 and 2026 and the 2026 target (seed);
* the Rakor Monev of July 2025 (DOMAIN.md §7) with its follow-ups, and a next meeting that
  carries the open ones;
* workforce denominators per desa and kecamatan **marked as demo figures** (the real figures are an input:
  no official source was found, DOMAIN.md §8), so the coverage bars have something to show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Count

from ucjamsostek.demo.generator import DemoData
from ucjamsostek.monitoring.models import ActionItem, FollowUp, FollowUpStatus, Meeting, WorkforceDenominator
from ucjamsostek.monitoring.services import seed_monitoring
from ucjamsostek.regions.models import Region
from ucjamsostek.registry.models import Person

DEMO_SOURCE = "Angka contoh untuk demo (bukan data resmi)"
MEETING_TITLE = "Rapat Koordinasi Monev UC Jamsostek"
FOLLOW_UPS_2025 = (
    (
        "Selesaikan validasi data calon peserta pekerja rentan 2026 dari desa dan DTKS",
        "Dinas Tenaga Kerja",
        date(2025, 9, 30),
    ),
    ("Usulkan anggaran iuran 10.000 pekerja rentan dalam RAPBD 2026", "BPKAD; Bappeda", date(2025, 10, 31)),
    ("Siapkan PKS baru dengan BPJS Ketenagakerjaan untuk 2026", "Dinas Tenaga Kerja; Bagian Hukum", date(2025, 12, 15)),
    ("Sosialisasi manfaat klaim JKK/JKM kepada kepala desa", "BPJS Ketenagakerjaan Cabang Raha", date(2025, 8, 31)),
)


def seed_demo_monev(workers_per_person: int = 3) -> dict[str, Any]:
    """Idempotent demo content; ``workers_per_person`` scales the demo denominators."""
    seed_monitoring(2025)
    seed_monitoring(2026)
    ActionItem.objects.filter(year=2025, code="INPRES-1", status="not_started").update(
        status="done", notes="Perbup tentang UC Jamsostek (contoh demo)"
    )
    ActionItem.objects.filter(year=2025, code="INPRES-5", status="not_started").update(status="in_progress")
    july, _ = Meeting.objects.get_or_create(
        date=date(2025, 7, 15), title=MEETING_TITLE, defaults={"period": "2025-S1", "place": "Aula Kantor Bupati"}
    )
    if not july.follow_ups.exists():
        for i, (action, owner, deadline) in enumerate(FOLLOW_UPS_2025, start=1):
            FollowUp.objects.create(meeting=july, number=i, action=action, owner=owner, deadline=deadline)
        FollowUp.objects.filter(meeting=july, number=4).update(status=FollowUpStatus.DONE, closed_at=date(2025, 8, 20))
    january, created = Meeting.objects.get_or_create(
        date=date(2026, 1, 20), title=MEETING_TITLE, defaults={"period": "2025-S2", "place": "Aula Kantor Bupati"}
    )
    if created:
        open_ones = list(july.follow_ups.filter(status=FollowUpStatus.OPEN).order_by("number"))
        for i, fu in enumerate(open_ones, start=1):
            FollowUp.objects.create(
                meeting=january, number=i, action=fu.action, owner=fu.owner, deadline=fu.deadline, carried_from=fu
            )
        july.follow_ups.filter(pk__in=[f.pk for f in open_ones]).update(status=FollowUpStatus.CARRIED)
    root = settings.AREA_CODE
    # Per desa (so the dashboard can rank desa by coverage), and each kecamatan the sum of its desa.
    per_village = dict(
        Person.objects.filter(village__code__startswith=root + ".")
        .values("village__code")
        .annotate(n=Count("id"))
        .values_list("village__code", "n")
    )
    made = 0
    per_kecamatan: dict[str, int] = {}
    for code in Region.objects.filter(code__startswith=root + ".", level=4).values_list("code", flat=True):
        workers = max(30, per_village.get(code, 0) * workers_per_person)
        kecamatan = code.rsplit(".", 1)[0]
        per_kecamatan[kecamatan] = per_kecamatan.get(kecamatan, 0) + workers
        _, new = WorkforceDenominator.objects.get_or_create(
            area_id=code, year=2024, defaults={"workers": workers, "source": DEMO_SOURCE}
        )
        made += new
    for code, workers in per_kecamatan.items():
        _, new = WorkforceDenominator.objects.get_or_create(
            area_id=code, year=2024, defaults={"workers": workers, "source": DEMO_SOURCE}
        )
        made += new
    return {"meetings": Meeting.objects.count(), "workforce": made}


DEMO_TITLE = "Monev: rencana aksi Inpres, Rakor Monev dan tindak lanjut, angkatan kerja (angka contoh)"


def build_demo(data: DemoData, *, say: Callable[[str], None]) -> None:
    """The monitoring step of ``ucjamsostek demo``, after the operations data: the Inpres checklist,
    the Rakor Monev of July 2025 with its follow-ups, the workforce denominators (demo figures).
    The command then computes the indicator snapshots, so they see the bills, claims and BSU."""
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
