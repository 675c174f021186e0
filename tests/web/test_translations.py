"""The English catalogue covers the shell, registry and accounts, and the compiled .mo matches the .po."""

import gettext
import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "ucjamsostek" / "locale"
MINE = ("registry/", "accounts/", "web/")


def _entries(lang: str):
    text = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        m = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not m:
            continue
        msgid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        if not msgid:
            continue
        ctx = re.search(r'^msgctxt "(.*)"', block, re.M)
        refs = " ".join(re.findall(r"^#: (.*)$", block, re.M))
        s = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block, re.M)
        msgstr = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', s.group(1))) if s else ""
        yield (ctx.group(1) if ctx else None), msgid, refs, msgstr, "#, fuzzy" in block


def test_english_covers_shell_registry_and_accounts():
    missing = [
        msgid
        for _, msgid, refs, msgstr, _ in _entries("en")
        if not msgstr and any(r.startswith(MINE) and not r.startswith("web/management/") for r in refs.split())
    ]
    assert not missing, f"untranslated in en/django.po: {missing[:10]}"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_compiled_catalogue_is_up_to_date(lang):
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for ctx, msgid, _, msgstr, fuzzy in _entries(lang):
        if not msgstr or fuzzy:
            continue
        want = msgstr.replace('\\"', '"').replace("\\n", "\n")
        key = msgid.replace('\\"', '"').replace("\\n", "\n")
        got = mo.pgettext(ctx, key) if ctx else mo.gettext(key)
        if got != want and not re.search(r"%\(\w+\)s", key):
            stale.append(key)
    assert not stale, f"recompile {lang} (django-admin compilemessages): {stale[:10]}"
