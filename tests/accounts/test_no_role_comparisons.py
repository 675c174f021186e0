"""Who may do what is decided in ``accounts/permissions.py`` (or ``<app>/permissions.py`` built on
it) and nowhere else: no other module compares role names or keeps a role set. The source is
parsed, so no formatting, alias or line break hides a comparison."""

from __future__ import annotations

import ast
from pathlib import Path

import ucjamsostek
from ucjamsostek.accounts.models import Role

PACKAGE = Path(ucjamsostek.__file__).parent
ROLE_NAMES = frozenset(Role.values)
# Where roles are defined: the model validates its own role field (an area operator needs an area).
ALLOWED = {"accounts/models.py"}


def _is_permissions_module(rel: str) -> bool:
    return rel.endswith("/permissions.py") or rel in ALLOWED


def _roleish(node: ast.AST) -> bool:
    """An expression that stands for a role: ``role_of(…)``, ``x.role``, ``Role.X``, ``*_ROLES``."""
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in ("role_of", "_role")
    if isinstance(node, ast.Attribute):
        if node.attr == "role":
            return True
        if isinstance(node.value, ast.Name) and node.value.id == "Role":
            return True
        return node.attr.endswith("_ROLES")
    if isinstance(node, ast.Name):
        return node.id.endswith("_ROLES")
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_roleish(e) or _role_name(e) for e in node.elts)
    if isinstance(node, ast.Starred):
        return _roleish(node.value)
    return False


def _role_name(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLE_NAMES


def violations(source: str, rel: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_roleish(o) for o in operands):
                found.append(f"{rel}:{node.lineno}: compares a role")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name) and t.id.endswith("_ROLES"):
                    found.append(f"{rel}:{node.lineno}: defines a role set {t.id}")
    return found


def test_no_module_outside_the_permissions_modules_compares_role_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/migrations/" in rel or _is_permissions_module(rel):
            continue
        found += violations(path.read_text(encoding="utf-8"), rel)
    assert found == []


def test_the_check_sees_the_usual_shapes():
    shapes = [
        'if perm.role_of(user) == "area": pass',
        'ok = "opd" == role_of(\n    user\n)',
        "ok = perm.role_of(u) in (*perm.EDIT_ENROLLMENT_ROLES, 'budget')",
        'ok = getattr(user, "role", "") == "admin" or user.role == "admin"',
        "ok = user.role is Role.ADMIN",
        'VIEW_ROLES = frozenset({"admin", "dinas"})',
    ]
    for code in shapes:
        assert violations(code, "x.py"), code
    assert violations('if source_kind == "opd": pass', "x.py") == []
