"""Forms of the screening pages (no model forms: writes go through ``services``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ucjamsostek.core import filelimits
from ucjamsostek.core import normalize as nz
from ucjamsostek.core.errors import IntakeError
from ucjamsostek.formtools import DatalistInput, DateInput
from ucjamsostek.uploads import check_upload

SOURCE_KINDS = [
    ("desa", _("Desa/kelurahan")),
    ("opd", _("Perangkat daerah (OPD)")),
    ("dtks", _("DTKS/P3KE")),
    ("other", _("Lainnya")),
]


def table_upload(f: Any, kind: str) -> Any:
    """The upload ``f`` once its extension and size passed the limits of import ``kind``
    (``ucjamsostek.uploads``); else the located refusal as the field's error."""
    try:
        check_upload(f, kind)
    except IntakeError as exc:
        raise forms.ValidationError(str(exc)) from None
    return f


class UploadForm(forms.Form):
    # an empty file is refused by table_upload, naming the file (Django's own message does not)
    file = forms.FileField(
        label=_("Berkas usulan (xlsx, xls atau csv)"),
        allow_empty_file=True,
        help_text=_("Baris judul di atas header boleh ada; kolom dikenali dari namanya (NIK, Nama, Tgl Lahir, Desa…)."),
    )
    source_kind = forms.ChoiceField(
        label=_("Jenis pengirim"),
        choices=SOURCE_KINDS,
        initial="desa",
        help_text=_("Siapa yang mengirim daftar ini."),
    )
    source_name = forms.CharField(
        label=_("Nama pengirim"),
        max_length=200,
        widget=DatalistInput(),
        help_text=_(
            "Pilih dari daftar (desa, OPD, pengirim sebelumnya) agar pemetaan kolom yang disimpan per pengirim "
            "terpakai lagi; pengirim baru boleh diketik."
        ),
    )
    segment = forms.ChoiceField(
        label=_("Segmen (bawaan untuk baris tanpa segmen)"),
        required=False,
        help_text=_("Dipakai untuk baris yang kolom Segmen-nya kosong."),
    )
    as_of = forms.DateField(
        label=_("Tanggal acuan (usia dan kepesertaan)"),
        widget=DateInput(),
        initial=timezone.localdate,
        help_text=_("Usia calon dan kepesertaan aktif dihitung pada tanggal ini."),
    )
    sheet = forms.CharField(
        label=_("Lembar (kosong: lembar pertama)"),
        max_length=100,
        required=False,
        help_text=_("Nama lembar Excel yang berisi daftar, bila bukan lembar pertama."),
    )

    def __init__(self, *args: Any, senders: list[str] | None = None, segments: list[tuple[str, str]] | None = None,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        widget = self.fields["source_name"].widget
        assert isinstance(widget, DatalistInput)
        widget.options = list(senders or [])
        segment = self.fields["segment"]
        assert isinstance(segment, forms.ChoiceField)
        segment.choices = [("", _("— tidak ada (kolom Segmen di berkas) —")), *(segments or [])]

    def clean_file(self) -> Any:
        return table_upload(self.cleaned_data["file"], filelimits.NOMINATIONS)


REFERENCE_KINDS = [
    ("enrolled", _("Sudah terdaftar (BPJS atau skema lain)")),
    ("deaths", _("Meninggal (Dukcapil)")),
    ("asn", _("ASN/TNI/Polri")),
]


class ReferenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis daftar"), choices=REFERENCE_KINDS)
    file = forms.FileField(
        label=_("Berkas (csv atau xlsx dengan kolom NIK, nama, tanggal lahir)"), allow_empty_file=True
    )
    replace = forms.BooleanField(
        label=_("Ganti daftar aktif walaupun daftar baru jauh lebih kecil atau sebagian besar berulang"),
        required=False,
    )

    def ask_to_replace(self, active: int, distinct: int, rows: int) -> None:
        """After a refused replacement: the box names both lists' counts (ticked, the same file is loaded)."""
        self.fields["replace"].label = self["replace"].label = _(
            "Ya, ganti daftar aktif (%(active)s entri) dengan daftar baru (%(distinct)s entri berbeda dari %(rows)s "
            "baris). Pilih berkasnya lagi."
        ) % {"active": intcomma(active), "distinct": intcomma(distinct), "rows": intcomma(rows)}

    def clean_file(self) -> Any:
        return table_upload(self.cleaned_data["file"], filelimits.REFERENCE)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Keputusan"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=3,
        max_length=2000,
        help_text=_("Wajib: mengapa, mis. apa yang dipastikan dari KTP atau kantor desa."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


FIELD_CHOICES: list[tuple[str, str]] = [("", "—")] + [
    (f, nz.FIELD_LABELS[f]) for f in (*nz.FIELDS, nz.TTL) if f in nz.FIELD_LABELS
]


class MappingForm(forms.Form):
    """One select per header of the file: which field the column holds."""

    def __init__(self, *args: Any, headers: list[str], initial_map: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        for i, header in enumerate(headers):
            self.fields[f"h{i}"] = forms.ChoiceField(
                label=header, choices=FIELD_CHOICES, required=False, initial=initial_map.get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(f"h{i}") or "" for i, header in enumerate(self.headers)}
