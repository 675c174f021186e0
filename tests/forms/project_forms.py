"""Every form class of the project, derived from the code (not a hand-kept list): the modules
``ucjamsostek.<app>.forms`` and ``ucjamsostek.<app>.views`` are imported and every subclass of
Django's ``BaseForm`` defined under ``ucjamsostek`` is returned."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import ucjamsostek


def _import_form_modules() -> None:
    for info in pkgutil.iter_modules(ucjamsostek.__path__):
        if not info.ispkg:
            continue
        for leaf in ("forms", "views"):
            try:
                importlib.import_module(f"ucjamsostek.{info.name}.{leaf}")
            except ModuleNotFoundError as exc:
                if exc.name != f"ucjamsostek.{info.name}.{leaf}":
                    raise


def project_forms() -> list[type[forms.BaseForm]]:
    _import_form_modules()
    found: list[type[forms.BaseForm]] = []
    stack: list[type] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("ucjamsostek.") and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def form_name(cls: type) -> str:
    return f"{cls.__module__.removeprefix('ucjamsostek.')}.{cls.__qualname__}"
