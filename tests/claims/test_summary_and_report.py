"""``claims summary`` and the Rakor Monev figures count the same claims for the same period, across
imports of real files (a clean claim, one in process then paid, a duplicate, a claim not in the
registry)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.core.management import call_command

from tests.claims.files import claim, write_claims
from ucjamsostek.monitoring import services as monev
from ucjamsostek.monitoring.models import IndicatorValue

STRANGER = "7403010101800007"


def _summary(*args: str) -> str:
    out = io.StringIO()
    call_command("claims", "summary", *args, stdout=out)
    return out.getvalue()


def _headline(text: str, label: str) -> tuple[int, int]:
    m = re.search(rf"Klaim dibayar {re.escape(label)}: (\d+) klaim senilai Rp([\d.]+);", text)
    assert m, text
    return int(m.group(1)), int(m.group(2).replace(".", ""))


def _value(snap, code, period):
    return IndicatorValue.objects.get(
        snapshot=snap, indicator_id=code, period=period, area_code="74.13", breakdown=""
    ).numerator


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_summary_and_report_agree_across_imports(people, tmp_path, fmt):
    a, a2, b = people["p_a"].nik, people["p_a2"].nik, people["p_b"].nik
    first = write_claims(
        tmp_path,
        "klaim-juni",
        [
            claim(a, "JKK", date(2025, 3, 1), date(2025, 6, 20), 12_500_000),
            claim(b, "JKM", date(2025, 6, 1), None, None, "Wa Ode"),
            claim(STRANGER, "JKK", date(2025, 6, 2), date(2025, 7, 3), 2_000_000),
        ],
        fmt,
    )
    second = write_claims(
        tmp_path,
        "klaim-juli",
        [
            claim(b, "JKM", date(2025, 6, 1), date(2025, 7, 10), 42_000_000, "Wa Ode"),  # paid now
            claim(a, "JKK", date(2025, 3, 1), date(2025, 7, 15), 12_500_000),  # paid again: duplicate
            claim(a2, "BEASISWA", date(2025, 7, 1), date(2025, 7, 20), 1_500_000),
        ],
        fmt,
    )
    call_command("claims", "import", str(first), stdout=io.StringIO())
    call_command("claims", "import", str(second), stdout=io.StringIO())

    text = _summary("--period", "2025-07")
    cumulative = _headline(text, "sejak awal program s.d. 31-07-2025")
    in_july = _headline(text, "periode 2025-07")
    assert cumulative == (3, 12_500_000 + 42_000_000 + 1_500_000)
    assert in_july == (2, 42_000_000 + 1_500_000)
    assert "Ditandai, tidak dihitung: 2 klaim senilai Rp14.500.000" in text

    snap = monev.refresh("2025-07")
    assert (_value(snap, "CLAIMS_COUNT_TOTAL", "2025-07"), _value(snap, "CLAIMS_AMOUNT_TOTAL", "2025-07")) == cumulative
    assert (_value(snap, "CLAIMS_COUNT", "2025-07"), _value(snap, "CLAIMS_AMOUNT", "2025-07")) == in_july
    assert _headline(_summary(), "sejak awal program") == cumulative  # nothing paid after July
