"""Forms of the registry pages. They only shape input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ucjamsostek.formtools import DateInput, changed_values

BLANK = [("", "—")]


class PersonForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=32, help_text=_("16 digit sesuai KTP/KK."))
    name = forms.CharField(label=_("Nama lengkap"), max_length=150)
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("L", _("Laki-laki")), ("P", _("Perempuan"))])
    birth_place = forms.CharField(label=_("Tempat lahir"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Tanggal lahir"), widget=DateInput())
    village = forms.ChoiceField(label=_("Desa/kelurahan"))
    address = forms.CharField(label=_("Alamat"), max_length=255, required=False)
    occupation = forms.ChoiceField(label=pgettext_lazy("occupation", "Pekerjaan"), required=False)
    occupation_text = forms.CharField(label=_("Pekerjaan (sesuai usulan)"), max_length=120, required=False)
    phone = forms.CharField(label=_("Nomor HP"), max_length=20, required=False)
    organisation = forms.ChoiceField(label=_("OPD (tenaga non-ASN)"), required=False)
    dtks_decile = forms.IntegerField(label=_("Desil DTKS"), min_value=1, max_value=10, required=False)
    extreme_poor = forms.BooleanField(label=_("Miskin ekstrem"), required=False)
    is_deceased = forms.BooleanField(label=_("Meninggal dunia"), required=False)
    death_date = forms.DateField(label=_("Tanggal meninggal"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        max_length=255,
        required=False,
        help_text=_("Wajib bila ada yang diubah, mis. pemutakhiran data KK."),
    )

    def __init__(
        self,
        *args: Any,
        villages: list[tuple[str, str]],
        occupations: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        require_reason: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = BLANK + villages  # type: ignore[attr-defined]
        self.fields["occupation"].choices = BLANK + occupations  # type: ignore[attr-defined]
        self.fields["organisation"].choices = BLANK + organisations  # type: ignore[attr-defined]
        self.require_reason = require_reason

    def clean(self) -> dict[str, Any]:
        """A change needs its reason (for the history); saving an unchanged form needs none."""
        cleaned = super().clean() or {}
        if self.require_reason and self.changes() and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tulis alasan perubahan; alasan dicatat di riwayat."))
        return cleaned

    def changes(self) -> dict[str, Any]:
        """What the user changed, in the service's shape (see :meth:`service_data`)."""
        data = self.service_data()
        return {k: data[k] for k in changed_values(self, exclude=frozenset({"reason"})) if k in data}

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        data["occupation"] = data.get("occupation") or None
        data["organisation"] = int(data["organisation"]) if data.get("organisation") else None
        return data


class EnrollmentForm(forms.Form):
    segment = forms.ChoiceField(label=_("Segmen"))
    funder = forms.ChoiceField(label=_("Sumber dana"))
    jkk = forms.BooleanField(label=_("JKK"), required=False, initial=True)
    jkm = forms.BooleanField(label=_("JKM"), required=False, initial=True)
    jht = forms.BooleanField(label=_("JHT"), required=False)
    kpj_number = forms.CharField(label=_("Nomor KPJ"), max_length=20, required=False)
    coverage_start = forms.DateField(label=_("Mulai perlindungan"), widget=DateInput())
    coverage_end = forms.DateField(
        label=_("Akhir perlindungan"),
        required=False,
        widget=DateInput(),
        help_text=_("Tanggal pertama tidak terlindungi; kosongkan bila belum ditentukan."),
    )
    status = forms.ChoiceField(label=_("Status"))
    reason = forms.CharField(label=_("Alasan"), max_length=255, required=False)

    def __init__(
        self,
        *args: Any,
        segments: list[tuple[str, str]],
        funders: list[tuple[str, str]],
        statuses: list[tuple[str, str]],
        only: frozenset[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segment"].choices = segments  # type: ignore[attr-defined]
        self.fields["funder"].choices = funders  # type: ignore[attr-defined]
        self.fields["status"].choices = statuses  # type: ignore[attr-defined]
        if only is not None:  # e.g. BPJS staff: KPJ number, status and reason only
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]
