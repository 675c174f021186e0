"""The scenario form: what a budget officer sets, turned into :class:`services.ScenarioParams`."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ucjamsostek.budget import selectors, services
from ucjamsostek.core.budget import BudgetInputError
from ucjamsostek.core.money import MoneyError, parse_rupiah
from ucjamsostek.core.priority import PriorityPolicy
from ucjamsostek.formtools import DateInput
from ucjamsostek.registry.models import Funder, Segment

_DEFAULT_POLICY = PriorityPolicy()


def _choices(model: Any) -> list[tuple[str, str]]:
    return [(str(code), str(name)) for code, name in model.objects.filter(active=True).values_list("code", "name")]


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label=_("Nama skenario"),
        max_length=150,
        required=False,
        help_text=_("Nama untuk mengenali skenario di daftar dan perbandingan."),
    )
    year = forms.IntegerField(label=_("Tahun anggaran"), initial=2026, help_text=_("Tahun APBD yang membiayai iuran."))
    ceiling = forms.CharField(label=_("Pagu (Rp)"), initial="2.016.000.000", help_text=_("Mis. 2.016.000.000"))
    start = forms.DateField(
        label=_("Mulai perlindungan"),
        required=False,
        widget=DateInput(),
        help_text=_("Kosong = 1 Januari tahun anggaran"),
    )
    months = forms.IntegerField(
        label=_("Jumlah bulan"),
        initial=12,
        # the rule of core.rates.coverage_months, in the words of the people who enter a budget
        help_text=_(
            "Bulan kalender yang ditagih BPJS, termasuk bulan mulai: BPJS menagih iuran sebulan penuh "
            "untuk setiap bulan yang tersentuh masa perlindungan, jadi mulai 14 Juli selama 6 bulan "
            "berarti Juli s.d. Desember (6 × iuran bulanan)."
        ),
    )
    funder = forms.ChoiceField(
        label=_("Sumber dana"),
        required=False,
        help_text=_("Iuran dari APBN/APBD tidak mendapat diskon PP 50/2025; sumber lain mendapatkannya."),
    )
    segments = forms.MultipleChoiceField(
        label=_("Segmen"), required=False, widget=forms.CheckboxSelectMultiple, help_text=_("Kosong = semua segmen")
    )
    quota_by = forms.ChoiceField(
        label=_("Kuota"),
        required=False,
        choices=[("", _("Tanpa kuota")), ("desa", _("Per desa/kelurahan")), ("kecamatan", _("Per kecamatan"))],
        help_text=_("Membagi pagu antarwilayah agar tidak habis di satu wilayah saja."),
    )
    quota_mode = forms.ChoiceField(
        label=_("Cara kuota"),
        choices=[
            ("pool", _("Sebanding jumlah calon")),
            ("poverty", _("Sebanding kemiskinan")),
            ("fixed", _("Tetap (isi di bawah)")),
        ],
        initial="pool",
        help_text=_("Cara menghitung jatah tiap wilayah bila kuota dipakai."),
    )
    quotas = forms.CharField(
        label=_("Kuota tetap"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Satu baris per wilayah: kode,kuota — mis. 74.13.01.2001,120"),
    )
    continuity = forms.BooleanField(
        label=_("Peserta tahun lalu dipertahankan"),
        required=False,
        help_text=_("Peserta tahun lalu yang masih layak dipilih lebih dulu, sebelum calon baru."),
    )
    objective = forms.ChoiceField(
        label=_("Tujuan"),
        choices=[
            ("count", _("Sebanyak mungkin orang, lalu prioritas")),
            ("priority", _("Urutan prioritas ketat")),
        ],
        initial="count",
        help_text=_("'Sebanyak mungkin' mengisi pagu dengan jumlah orang terbanyak; 'ketat' mengikuti skor saja."),
    )
    pu_wage = forms.CharField(
        label=_("Upah dasar PU (Rp)"),
        required=False,
        help_text=_("Upah yang menjadi dasar iuran peserta segmen penerima upah (PU, mis. non-ASN)."),
    )
    extreme_poverty_points = forms.IntegerField(
        label=_("Bobot miskin ekstrem"),
        min_value=0,
        initial=_DEFAULT_POLICY.extreme_poverty_points,
        help_text=_("Poin tambahan bagi calon yang tercatat miskin ekstrem (P3KE); makin besar, makin didahulukan."),
    )
    decile_step = forms.IntegerField(
        label=_("Bobot per desil DTKS"),
        min_value=0,
        initial=_DEFAULT_POLICY.decile_step,
        help_text=_("Poin per desil lebih miskin: desil 1 mendapat poin terbanyak, desil 10 paling sedikit."),
    )
    continuity_points = forms.IntegerField(
        label=_("Bobot peserta tahun lalu"),
        min_value=0,
        initial=_DEFAULT_POLICY.continuity_points,
        help_text=_("Poin bagi peserta tahun lalu agar perlindungannya tidak terputus."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        funder = self.fields["funder"]
        segments = self.fields["segments"]
        assert isinstance(funder, forms.ChoiceField) and isinstance(segments, forms.MultipleChoiceField)
        funder.choices = _choices(Funder)
        self.fields["funder"].initial = services.DEFAULT_FUNDER
        segments.choices = _choices(Segment)
        self.fields["segments"].initial = [selectors.DEFAULT_SEGMENT]

    def clean_ceiling(self) -> int:
        try:
            return parse_rupiah(self.cleaned_data["ceiling"])
        except MoneyError as exc:
            raise forms.ValidationError(_("Pagu tidak terbaca; tulis angka Rupiah, mis. 2.016.000.000.")) from exc

    def clean_pu_wage(self) -> int | None:
        text = (self.cleaned_data.get("pu_wage") or "").strip()
        if not text:
            return None
        try:
            return parse_rupiah(text)
        except MoneyError as exc:
            raise forms.ValidationError(_("Upah tidak terbaca.")) from exc

    def clean_quotas(self) -> dict[str, int]:
        rows: dict[str, str] = {}
        for line in (self.cleaned_data.get("quotas") or "").splitlines():
            if not line.strip():
                continue
            code, _sep, value = line.replace(";", ",").partition(",")
            rows[code.strip()] = value.strip()
        try:
            return services.quotas_from_rows(rows)
        except BudgetInputError as exc:
            raise forms.ValidationError(exc.message) from exc

    def params(self) -> services.ScenarioParams:
        d = self.cleaned_data
        policy = PriorityPolicy(
            extreme_poverty_points=d["extreme_poverty_points"],
            decile_step=d["decile_step"],
            continuity_points=d["continuity_points"],
        ).to_dict()
        start: date | None = d.get("start")
        mode = d["quota_mode"]
        return services.ScenarioParams(
            year=d["year"],
            ceiling=d["ceiling"],
            start=start,
            months=d["months"],
            funder=d.get("funder") or None,
            segments=list(d.get("segments") or ["all"]),
            quota_by=d.get("quota_by") or "",
            quota_mode=mode,
            quotas=d.get("quotas") or {},
            continuity=d.get("continuity", False),
            policy=policy,
            objective=d["objective"],
            pu_wage=d.get("pu_wage"),
        )


def initial_from_params(p: services.ScenarioParams, name: str = "") -> dict[str, Any]:
    policy = p.policy or {}
    return {
        "name": name,
        "year": p.year,
        "ceiling": str(p.ceiling),
        "start": p.start,
        "months": p.months,
        "funder": p.funder,
        "segments": [s for s in p.segments if s != "all"],
        "quota_by": p.quota_by,
        "quota_mode": p.quota_mode,
        "quotas": "\n".join(f"{k},{v}" for k, v in p.quotas.items()),
        "continuity": p.continuity,
        "objective": p.objective,
        "pu_wage": str(p.pu_wage) if p.pu_wage else "",
        "extreme_poverty_points": policy.get("extreme_poverty_points", _DEFAULT_POLICY.extreme_poverty_points),
        "decile_step": policy.get("decile_step", _DEFAULT_POLICY.decile_step),
        "continuity_points": policy.get("continuity_points", _DEFAULT_POLICY.continuity_points),
    }
