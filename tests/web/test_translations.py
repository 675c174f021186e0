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


# --- the English catalogue is complete, and key pages render in English ---------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]")


def _blocks(lang: str):
    """Every entry of ``lang``'s .po as (flags, msgid, [msgstr, msgstr[1], ...]); obsolete ``#~``
    entries and the header are skipped. Plain stdlib parsing: gettext need not be installed."""
    text = (LOCALE / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in re.split(r"\n\s*\n", text):
        lines = [ln for ln in block.splitlines() if ln and not ln.startswith("#~")]
        flags = {f.strip() for ln in lines if ln.startswith("#,") for f in ln[2:].split(",")}
        fields: dict[str, str] = {}
        key = None
        for ln in lines:
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', ln)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif ln.startswith('"') and key:
                fields[key] += ln[1:-1]
            elif not ln.startswith("#"):
                key = None
        if not fields.get("msgid"):
            continue
        strs = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        yield flags, fields["msgid"], fields.get("msgid_plural"), strs


def test_english_catalogue_has_no_empty_or_fuzzy_entry():
    """Every msgid (and every plural form) has an English msgstr, none marked fuzzy: run
    makemessages and translate the new entries (see locale/README.md)."""
    empty, fuzzy = [], []
    for flags, msgid, _plural, strs in _blocks("en"):
        if not strs or any(not s for s in strs):
            empty.append(msgid)
        if "fuzzy" in flags:
            fuzzy.append(msgid)
    assert not empty, f"{len(empty)} untranslated in en/django.po: {empty[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in en/django.po: {fuzzy[:10]}"


@pytest.mark.parametrize("lang", ["en", "id"])
def test_translations_keep_placeholders(lang):
    """A msgstr uses exactly the placeholders of its msgid (%(n)s, %%, ...), or the page crashes
    or shows the wrong number."""
    bad = []
    for _flags, msgid, plural, strs in _blocks(lang):
        for i, s in enumerate(strs):
            if not s:
                continue
            got = sorted(_PLACEHOLDER.findall(s))
            want = sorted(_PLACEHOLDER.findall(plural if (plural and i > 0) else msgid))
            # a singular may leave out the count ("one row" for "%(n)s rows")
            if got != want and not (plural and set(got) <= set(want)):
                bad.append((msgid, s))
    assert not bad, f"placeholders differ in {lang}/django.po: {bad[:10]}"


def test_bridge_catalogue_has_no_fuzzy_entry():
    fuzzy = [msgid for flags, msgid, _p, _s in _blocks("id") if "fuzzy" in flags]
    assert not fuzzy, f"fuzzy in id/django.po: {fuzzy[:10]}"


# (url name, English text that must be on the page, Indonesian UI text that must not)
ENGLISH_PAGES = [
    ("home", ["Home", "Find a person (NIK or name)", "Workflow", "registered people"], ["Beranda", "Alur kerja"]),
    (
        "budget:index",
        ["Budget scenarios", "Saved scenarios", "Budget ceiling (Rp)", "Save as draft", "Calculate"],
        ["Skenario tersimpan", "Simpan sebagai draf", "Pagu (Rp)"],
    ),
    (
        "agreements:index",
        ["PKS with BPJS Ketenagakerjaan", "New or renewed PKS", "Registration response from BPJS", "Upload"],
        ["PKS baru atau perpanjangan", "Jawaban pendaftaran dari BPJS", "Belum ada PKS."],
    ),
    (
        "screening:upload",
        ["Upload a nomination file", "Upload and screen", "Nomination file (xlsx, xls or csv)"],
        ["Unggah berkas usulan", "Unggah dan validasi", "Berkas usulan (xlsx"],
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "english", "indonesian"), ENGLISH_PAGES, ids=[p[0] for p in ENGLISH_PAGES])
def test_key_pages_render_in_english(client, users, name, english, indonesian):
    """After the EN button (set_language), the page comes in English; Indonesian stays the default."""
    from django.urls import reverse
    from django.utils import translation

    client.force_login(users["dinas"])
    with translation.override("id"):
        url_id = reverse(name)
    body = client.get(url_id).content.decode()
    assert 'lang="id"' in body and all(t in body for t in indonesian[:1]), url_id

    r = client.post(reverse("set_language"), {"language": "en", "next": url_id})
    assert r.status_code == 302
    with translation.override("en"):
        url_en = reverse(name)
    assert r["Location"] == url_en
    r = client.get(url_en)
    assert r.status_code == 200, url_en
    body = r.content.decode()
    assert 'lang="en"' in body, url_en
    missing = [t for t in english if t not in body]
    assert not missing, f"{url_en}: English text missing {missing}"
    left = [t for t in indonesian if t in body]
    assert not left, f"{url_en}: still Indonesian {left}"
