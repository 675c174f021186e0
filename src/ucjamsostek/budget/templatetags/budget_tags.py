"""Template filters for money and counts in Indonesian style."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from ucjamsostek.core.money import format_number, format_rupiah

register = template.Library()


@register.filter
def rupiah(value: Any) -> str:
    """2016000000 → ``Rp2.016.000.000``; anything not an integer is shown as it is."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_rupiah(value)
    return "" if value is None else str(value)


@register.filter
def angka(value: Any) -> str:
    """10000 → ``10.000``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    return "" if value is None else str(value)


@register.filter
def alasan(code: str) -> str:
    return {"OUTSIDE_CEILING": _("di luar pagu"), "QUOTA_FULL": _("kuota penuh")}.get(code, code)
