"""One kind of user error: every error class of core is a UserError with a located message."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import ucjamsostek.core
from ucjamsostek.core.errors import UserError
from ucjamsostek.core.intake import IntakeError


def _core_error_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.iter_modules(ucjamsostek.core.__path__):
        module = importlib.import_module(f"ucjamsostek.core.{info.name}")
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, BaseException) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def test_every_core_error_class_is_a_user_error():
    classes = _core_error_classes()
    assert len(classes) >= 11  # IntakeError, MoneyError, RateError, … and UserError itself
    assert [c.__name__ for c in classes if not issubclass(c, UserError)] == []


def test_core_errors_are_not_value_errors():
    """A view catching ValueError must not be able to show a core message by accident, nor the
    other way round: every interface catches UserError."""
    assert [c.__name__ for c in _core_error_classes() if issubclass(c, ValueError)] == []


def test_message_is_located_by_the_parts_that_are_known():
    exc = UserError("NIK harus 16 angka", file="usulan.xlsx", sheet="Data", row=12, column="NIK")
    assert str(exc) == "berkas usulan.xlsx, lembar 'Data', baris 12, kolom 'NIK': NIK harus 16 angka"
    assert str(UserError("baris kosong", row=3)) == "baris 3: baris kosong"
    assert str(UserError("tanpa lokasi")) == "tanpa lokasi"


def test_intake_error_keeps_its_fields():
    exc = IntakeError("kolom hilang", file="a.csv", row=1)
    assert (exc.message, exc.file, exc.sheet, exc.row, exc.column) == ("kolom hilang", "a.csv", None, 1, None)
    assert isinstance(exc, UserError)
