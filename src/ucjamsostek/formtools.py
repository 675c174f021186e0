"""What the app's forms share: the date widget and "what did the user change".

:class:`DateInput` is the one date widget of the app's forms. A browser's ``<input type="date">``
only accepts a value written ``yyyy-mm-dd`` (ISO 8601); Django's own ``DateInput`` writes the
active locale's first input format (``dd-mm-yyyy`` for Indonesian), which Chrome shows as an
empty field, so a stored date vanished when the form was saved unchanged (the Inpres action
item lost its deadline). The field still parses every format of the locale (Django always
accepts ISO too).

:class:`DatalistInput` is a text input that offers the known values (``<datalist>``): the browser
shows them as a picker while typing, and a new value can still be written (a sender that has not
sent a file before).

An edit view passes :func:`changed_values` to its service, not every field: a value the user did
not touch is never written back, and saving an unchanged form writes nothing at all.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """``<input type="date">`` with its value in ISO format, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


def changed_values(form: forms.Form, *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The cleaned values of the fields whose submitted value differs from the form's initial
    value (the stored object), except ``exclude`` (e.g. a reason that is not a stored field)."""
    cleaned = getattr(form, "cleaned_data", {})
    return {name: cleaned[name] for name in form.changed_data if name not in exclude and name in cleaned}


class DatalistInput(forms.TextInput):
    """``<input list=…>`` followed by its ``<datalist>`` of ``options`` (set by the form)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs)
        self.options: list[str] = []

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}-pilihan"
        html = super().render(name, value, {**(attrs or {}), "list": list_id, "autocomplete": "off"}, renderer)
        options = format_html_join("", '<option value="{}">', ((o,) for o in self.options))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)
