from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from ucjamsostek.accounts.selectors import AccessLogFilter
from ucjamsostek.core.nik import clean_nik
from ucjamsostek.formtools import DateInput


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Nama pengguna atau kata sandi salah. Perhatikan huruf besar/kecil."),
        "inactive": _("Akun ini tidak aktif. Hubungi administrator."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")


class AccessLogFilterForm(forms.Form):
    """Filters of the access-log page. Posted, not in the URL: a NIK in a URL would end up in the
    web server's and proxies' logs."""

    username = forms.ChoiceField(label=_("Pengguna"), required=False)
    kind = forms.ChoiceField(label=_("Jenis akses"), required=False)
    start = forms.DateField(label=_("Dari tanggal"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Sampai tanggal"), required=False, widget=DateInput())
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        help_text=_("Siapa yang melihat atau mengunduh data NIK ini (NIK tidak disimpan)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, usernames: list[str], kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everyone = [("", _("Semua"))]
        self.fields["username"].choices = everyone + [(u, u) for u in usernames]  # type: ignore[attr-defined]
        self.fields["kind"].choices = everyone + kinds  # type: ignore[attr-defined]

    def clean_nik(self) -> str:
        raw = self.cleaned_data.get("nik", "")
        if not raw.strip():
            return ""
        nik = clean_nik(raw)
        if len(nik) != 16 or not nik.isdigit():
            raise forms.ValidationError(_("NIK harus 16 digit angka."))
        return nik

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Tanggal akhir sebelum tanggal awal."))
        return data

    def filters(self) -> AccessLogFilter:
        data = self.cleaned_data
        return AccessLogFilter(data["username"], data["kind"], data["start"], data["end"], data["nik"])
