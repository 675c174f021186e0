"""The navigation: the flow of DESIGN.md §2 as stages, then the reference pages.

An entry whose URL name does not resolve yet is shown greyed with "segera" (coming soon) instead
of a broken link, so a stage lights up as soon as its app adds the URL. Convention for the apps:
each app's landing page is ``<app>:index``. An entry with a capability (see
:func:`ucjamsostek.accounts.permissions.capabilities`) is hidden from roles without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ucjamsostek.accounts import permissions as perm


@dataclass(frozen=True)
class Entry:
    label: str | Promise
    url_name: str
    capability: str = ""


@dataclass(frozen=True)
class Stage:
    number: int
    label: str | Promise
    entries: tuple[Entry, ...]


FLOW: tuple[Stage, ...] = (
    Stage(
        1,
        _("Usulan & Validasi"),
        (
            Entry(_("Unggah usulan"), "screening:upload", "upload_nominations"),
            Entry(_("Hasil validasi"), "screening:index"),
        ),
    ),
    Stage(2, _("Tinjauan"), (Entry(_("Tinjau baris & duplikat"), "screening:review", "review"),)),
    Stage(3, _("Seleksi & Anggaran"), (Entry(_("Skenario anggaran"), "budget:index", "budget_view"),)),
    Stage(
        4,
        _("Kepesertaan & PKS"),
        (Entry(_("Penduduk & kepesertaan"), "registry:search"), Entry(_("PKS"), "agreements:index")),
    ),
    Stage(
        5,
        _("Tagihan, Klaim, Bantuan"),
        (
            Entry(_("Tagihan & rekonsiliasi"), "billing:index"),
            Entry(_("Klaim"), "claims:index"),
            Entry(_("Bantuan (BSU)"), "assistance:index"),
        ),
    ),
    Stage(
        6,
        _("Monitoring"),
        (
            Entry(_("Indikator & target"), "monitoring:index"),
            Entry(_("Kamus indikator"), "monitoring:dictionary"),
            Entry(_("Dana ganda antarsumber"), "crossfund:index", "crossfund"),
        ),
    ),
)

REFERENCE: tuple[Entry, ...] = (
    Entry(_("Cari penduduk"), "registry:search"),
    Entry(_("Wilayah"), "regions:browse"),
    Entry(_("Daftar rujukan"), "screening:references", "reference_lists"),
    Entry(_("Riwayat perubahan"), "registry:changelog", "audit_log"),
    Entry(_("Log akses data pribadi"), "access_log", "access_log"),
    Entry(_("Data induk (admin)"), "admin:index", "admin"),
)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _item(entry: Entry, caps: dict[str, bool], current: str) -> dict[str, Any] | None:
    if entry.capability and not caps.get(entry.capability, False):
        return None
    url = _url(entry.url_name)
    return {
        "label": entry.label,
        "url": url,
        "active": url is not None and (current == url or (url != "/" and current.startswith(url))),
    }


def build_navigation(user: Any, current_path: str) -> dict[str, Any]:
    caps = perm.capabilities(user)
    stages = []
    for stage in FLOW:
        items = [i for i in (_item(e, caps, current_path) for e in stage.entries) if i is not None]
        if items:
            stages.append({"number": stage.number, "label": stage.label, "items": items,
                           "active": any(i["active"] for i in items)})  # fmt: skip
    reference = [i for i in (_item(e, caps, current_path) for e in REFERENCE) if i is not None]
    return {"stages": stages, "reference": reference}
