"""Every date field of every form renders its value ISO (``yyyy-mm-dd``) in a ``type=date``
input, in Indonesian and in English: Chrome shows any other value as an empty field."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.utils import translation

from tests.forms.project_forms import form_name, project_forms
from ucjamsostek.formtools import DateInput, changed_values

DAY = date(2025, 7, 14)


def _date_fields() -> list[tuple[str, str, forms.Field]]:
    out = []
    for cls in project_forms():
        for name, field in cls.base_fields.items():
            if isinstance(field, forms.DateField):
                out.append((form_name(cls), name, field))
    return out


def test_the_forms_have_date_fields():
    names = {f"{form}.{field}" for form, field, _ in _date_fields()}
    assert {"monitoring.views.ActionForm.due_date", "registry.forms.PersonForm.birth_date"} <= names


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("form", "name", "field"), _date_fields(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_prefilled_date_renders_iso(lang, form, name, field):
    with translation.override(lang):
        html = field.widget.render(name, DAY)
    assert isinstance(field.widget, DateInput), f"{form}.{name}: use ucjamsostek.formtools.DateInput"
    assert 'type="date"' in html and 'value="2025-07-14"' in html, f"{form}.{name}: {html}"


@pytest.mark.parametrize("typed", ["2025-07-14", "14-07-2025"])
def test_a_date_field_reads_iso_and_the_indonesian_format(typed):
    class F(forms.Form):
        day = forms.DateField(widget=DateInput())

    with translation.override("id"):
        form = F({"day": typed})
        assert form.is_valid() and form.cleaned_data["day"] == DAY


def test_changed_values_keeps_only_what_the_user_changed():
    class F(forms.Form):
        day = forms.DateField(widget=DateInput(), required=False)
        note = forms.CharField(required=False)

    initial = {"day": DAY, "note": "lama"}
    unchanged = F({"day": "2025-07-14", "note": "lama"}, initial=initial)
    assert unchanged.is_valid() and changed_values(unchanged) == {}
    one = F({"day": "2025-07-14", "note": "baru"}, initial=initial)
    assert one.is_valid() and changed_values(one) == {"note": "baru"}
    cleared = F({"day": "", "note": "lama"}, initial=initial)
    assert cleared.is_valid() and changed_values(cleared) == {"day": None}
