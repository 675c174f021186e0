"""Every setting is declared once in settings.py and read as ``settings.X`` (no getattr default)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

import ucjamsostek

PACKAGE = Path(ucjamsostek.__file__).parent


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "/migrations/" not in path.as_posix():
            yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def test_no_setting_is_read_with_a_getattr_default():
    found = [
        f"{rel}:{node.lineno}"
        for rel, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "getattr"
        and node.args
        and getattr(node.args[0], "id", "") == "settings"
    ]
    assert found == []


def test_every_setting_read_is_declared():
    read = {
        node.attr
        for _, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "settings" and node.attr.isupper()
    }
    assert read and sorted(name for name in read if not hasattr(settings, name)) == []
    declared = {
        t.id
        for node in ast.parse((PACKAGE / "settings.py").read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    ours = {"AREA_CODE", "PROGRAMME_AGE_MIN", "PROGRAMME_AGE_MAX", "JOBS_RUN_INLINE", "MONEV_SNAPSHOT_MAX_AGE"}
    assert ours <= declared
