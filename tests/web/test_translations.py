"""The English catalogue covers the shell, registry and accounts, and the compiled .mo matches the .po."""

import gettext
import re
from pathlib import Path

import pytest

from tests.monitoring.conftest import dataset  # noqa: F401  (the monitoring data set, for the dashboard)

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


# --- texts made in Python (flash messages, charts, periods) follow the language too ---------------


def _english_client(client, user):
    from django.urls import reverse

    client.force_login(user)
    r = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert r.status_code == 302
    return client


def _url(name: str, *args) -> str:
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return reverse(name, args=args)


@pytest.mark.django_db
def test_monitoring_dashboard_and_inputs_in_english(client, users, dataset, inline_jobs):  # noqa: F811
    c = _english_client(client, users["dinas"])
    body = c.get(_url("monitoring:index") + "?period=2025-07").content.decode()
    english = [
        'data-testid="period-label">July 2025<',  # period label (core's label is "Juli 2025")
        '<option value="2025-S2">Semester II 2025</option>',
        "Coverage per kecamatan",  # chart title; kecamatan stays untranslated
        "Active participants per month",
        "Jul 25",  # short month on the trend chart
        "no data",  # kecamatan B has no workers figure
        "returned to residents through",  # claims sentence
        "participants of",  # ranking tooltips
    ]
    missing = [t for t in english if t not in body]
    assert not missing, f"dashboard: English text missing {missing}"
    left = [
        t for t in ("Juli 2025", "Cakupan per", "tidak ada data", "dikembalikan kepada warga", "Agu 25") if t in body
    ]
    assert not left, f"dashboard: still Indonesian {left}"

    body = c.get(_url("monitoring:inputs")).content.decode()
    missing = [
        t
        for t in ("Breakdown", "Target value", "Number of workers", "Data source", "Active participants")
        if t not in body
    ]
    assert not missing, f"inputs: English text missing {missing}"
    assert "Kode wilayah" not in body and "Nilai target" not in body


@pytest.mark.django_db
def test_rakor_monev_report_stays_indonesian_under_english(users, dataset):  # noqa: F811
    """The PDF is an official document in Bahasa Indonesia, whoever asks for it."""
    import shutil
    import subprocess
    import tempfile

    from django.utils import translation

    from ucjamsostek.monitoring import reports

    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing (poppler-utils)")
    with translation.override("en"):
        _name, data = reports.build("2025-07", "pdf")
        assert translation.get_language() == "en"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        text = " ".join(
            subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, text=True, check=True).stdout.split()
        )
    assert "Juli 2025" in text and "Cakupan per kecamatan" in text
    assert "July 2025" not in text and "Coverage per" not in text


@pytest.mark.django_db
def test_agreement_page_and_flash_messages_in_english(client, users):
    from datetime import date

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ucjamsostek.agreements.models import Agreement

    pks = Agreement.objects.create(
        number="PKS/EN/1",
        start=date(2025, 1, 1),
        end=date(2026, 1, 1),
        funder_id="apbd_kab",
        value=1_000_000,
        quota=10,
        status="active",
    )
    c = _english_client(client, users["dinas"])
    action = _url("agreements:action", pks.pk)
    body = c.post(action, {"action": "amend", "quota": "20", "reason": "Tambah kuota"}, follow=True).content.decode()
    assert "Addendum recorded." in body and "Addendum dicatat" not in body
    assert "Quota: 10 → 20" in body and "Kuota:" not in body  # the amendment's change label
    pdf = SimpleUploadedFile("pks.pdf", b"%PDF-1.7\n", content_type="application/pdf")
    body = c.post(action, {"action": "attach", "file": pdf, "title": "PKS 2025"}, follow=True).content.decode()
    assert "Document attached." in body and "9 bytes" in body and " bita" not in body
    body = c.post(action, {"action": "attach"}, follow=True).content.decode()
    assert "Choose a file first." in body
    body = c.post(action, {"action": "amend", "last_day": "31/12/2026"}, follow=True).content.decode()
    assert "The last day in force must be a date YYYY-MM-DD." in body
    assert ">Amount<" in body  # payments column: "Jumlah" in the sense of an amount

    c.force_login(users["leadership"])  # may read, not change: the forbidden message in English
    body = c.post(action, {"action": "status", "status": "ended"}, follow=True).content.decode()
    assert "You are not authorised to do this." in body, body[body.find("messages") : body.find("messages") + 400]
