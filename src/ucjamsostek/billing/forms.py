"""Billing forms: an SP2D payment and a credit (kelebihan bayar) set against a later bill. Amounts
are read by the one rupiah reader (``core.money.parse_rupiah``): ``16.800``, ``Rp16.800``,
``16.800,-``; ``16,000`` is refused saying why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core.money import MoneyError, parse_rupiah
from ucjamsostek.formtools import DateInput


class _RupiahField(forms.CharField):
    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_rupiah(text)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None


class _Form(forms.Form):
    def error_text(self) -> str:
        """Every error, each after its field's label, on one line."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else ""
            text = " ".join(str(e) for e in errors)
            parts.append(f"{label}: {text}" if label else text)
        return " ".join(parts)


class PaymentForm(_Form):
    sp2d_number = forms.CharField(label=_("Nomor SP2D"), max_length=120)
    paid_on = forms.DateField(label=_("Tanggal SP2D"), input_formats=["%Y-%m-%d", "%d-%m-%Y"], widget=DateInput())
    amount = _RupiahField(label=_("Jumlah (Rp)"))


class CreditForm(_Form):
    amount = _RupiahField(
        label=_("Jumlah (Rp)"), required=False, help_text=_("Kosong = sebanyak kredit yang tersisa dan tunggakannya.")
    )
