"""NIK (Nomor Induk Kependudukan) parsing and validation, DOMAIN.md §5.

A NIK is 16 digits ``PP KK CC DDMMYY SSSS``: province, regency and kecamatan **of first
registration**, the birth date with the day + 40 for women, and a 4-digit serial. The prefix says
where the card was first issued, never where the person lives: a prefix that is no longer in the
current region list (Muna 74.03 before Muna Barat 74.13 split off in 2014) is still valid.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import polars as pl

# Province codes of Kemendagri (Kepmendagri 300.2.2-2138/2025), including the Papua provinces
# formed in 2022. Old prefixes inside a province stay valid, so only the province is checked.
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
        "31", "32", "33", "34", "35", "36",
        "51", "52", "53",
        "61", "62", "63", "64", "65",
        "71", "72", "73", "74", "75", "76",
        "81", "82",
        "91", "92", "93", "94", "95", "96",
    }
)  # fmt: skip

_NOISE = re.compile(r"[\s.\-'’`_/]")
_SCI = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_FEMALE_OFFSET = 40


class NikProblem(StrEnum):
    """Why a NIK is invalid; values are stable codes."""

    EMPTY = "EMPTY"
    NOT_DIGITS = "NOT_DIGITS"
    SCIENTIFIC = "SCIENTIFIC"
    LENGTH = "LENGTH"
    PROVINCE = "PROVINCE"
    REGENCY = "REGENCY"
    DISTRICT = "DISTRICT"
    DAY = "DAY"
    MONTH = "MONTH"
    DATE = "DATE"
    SERIAL = "SERIAL"


NIK_PROBLEM_TEXT: dict[NikProblem, str] = {
    NikProblem.EMPTY: "NIK kosong",
    NikProblem.NOT_DIGITS: "NIK berisi karakter selain angka",
    NikProblem.SCIENTIFIC: "NIK tersimpan sebagai angka berformat ilmiah (digit hilang)",
    NikProblem.LENGTH: "NIK tidak 16 digit",
    NikProblem.PROVINCE: "Kode provinsi pada NIK tidak dikenal",
    NikProblem.REGENCY: "Kode kabupaten/kota pada NIK 00",
    NikProblem.DISTRICT: "Kode kecamatan pada NIK 00",
    NikProblem.DAY: "Tanggal lahir pada NIK di luar 1–31 (perempuan +40)",
    NikProblem.MONTH: "Bulan lahir pada NIK di luar 1–12",
    NikProblem.DATE: "Tanggal lahir pada NIK tidak ada di kalender",
    NikProblem.SERIAL: "Nomor urut NIK 0000",
}


@dataclass(frozen=True, slots=True)
class NikInfo:
    """A parsed, valid NIK."""

    nik: str
    province: str
    regency: str  # "PP.KK"
    district: str  # "PP.KK.CC"
    sex: str  # "L" or "P"
    birth_date: date
    serial: str

    @property
    def district_code(self) -> str:
        return self.district


@dataclass(frozen=True, slots=True)
class NikResult:
    """Outcome of :func:`parse_nik`: ``info`` when valid, else ``problem``."""

    cleaned: str
    info: NikInfo | None
    problem: NikProblem | None

    @property
    def valid(self) -> bool:
        return self.info is not None


def clean_nik(raw: object) -> str:
    """Strip the noise that spreadsheets add to a NIK (spaces, dots, dashes, a leading apostrophe).

    Integers are turned into their digits; a float that holds a whole number too (Excel stores a
    typed NIK as a number). The result may still be invalid; :func:`parse_nik` decides.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            return ""
        # Above 2**53 a float cannot hold 16 digits exactly: keep the tell-tale scientific form.
        if raw.is_integer() and abs(raw) < 2**53:
            return str(int(raw))
        return repr(raw)
    text = str(raw).strip()
    if _SCI.match(text.replace(",", ".")):
        return text
    return _NOISE.sub("", text)


def century_year(yy: int, today: date, stated: date | None = None) -> int:
    """Full year for a two-digit NIK year: ``YY <= today's YY`` → 20YY, else 19YY, unless the
    stated birth date has the same two digits, in which case its century is taken."""
    if stated is not None and stated.year % 100 == yy:
        return stated.year
    return 2000 + yy if yy <= today.year % 100 else 1900 + yy


def parse_nik(raw: object, *, today: date | None = None, stated_birth_date: date | None = None) -> NikResult:
    """Validate a NIK and read its parts. Never raises on bad input."""
    cleaned = clean_nik(raw)
    if not cleaned:
        return NikResult(cleaned, None, NikProblem.EMPTY)
    if _SCI.match(cleaned.replace(",", ".")) or (isinstance(raw, float) and not cleaned.isdigit()):
        return NikResult(cleaned, None, NikProblem.SCIENTIFIC)
    if not cleaned.isdigit() or not cleaned.isascii():
        return NikResult(cleaned, None, NikProblem.NOT_DIGITS)
    if len(cleaned) != 16:
        return NikResult(cleaned, None, NikProblem.LENGTH)
    pp, kk, cc = cleaned[0:2], cleaned[2:4], cleaned[4:6]
    dd, mm, yy, serial = int(cleaned[6:8]), int(cleaned[8:10]), int(cleaned[10:12]), cleaned[12:16]
    if pp not in PROVINCE_CODES:
        return NikResult(cleaned, None, NikProblem.PROVINCE)
    if kk == "00":
        return NikResult(cleaned, None, NikProblem.REGENCY)
    if cc == "00":
        return NikResult(cleaned, None, NikProblem.DISTRICT)
    sex = "L"
    if dd > _FEMALE_OFFSET:
        sex, dd = "P", dd - _FEMALE_OFFSET
    if not 1 <= dd <= 31:
        return NikResult(cleaned, None, NikProblem.DAY)
    if not 1 <= mm <= 12:
        return NikResult(cleaned, None, NikProblem.MONTH)
    year = century_year(yy, today or date.today(), stated_birth_date)
    try:
        born = date(year, mm, dd)
    except ValueError:
        return NikResult(cleaned, None, NikProblem.DATE)
    if serial == "0000":
        return NikResult(cleaned, None, NikProblem.SERIAL)
    info = NikInfo(cleaned, pp, f"{pp}.{kk}", f"{pp}.{kk}.{cc}", sex, born, serial)
    return NikResult(cleaned, info, None)


def is_valid_nik(raw: object, *, today: date | None = None) -> bool:
    return parse_nik(raw, today=today).valid


def make_nik(district_code: str, birth_date: date, sex: str, serial: int) -> str:
    """Compose a NIK from its parts (used by the demo generator and tests).

    ``district_code`` is the dotted kecamatan code of first registration, e.g. ``74.13.01``.
    """
    parts = district_code.split(".")
    if len(parts) != 3 or not all(len(p) == 2 and p.isdigit() for p in parts):
        raise ValueError(f"kode kecamatan tidak sah: {district_code!r}")
    if sex not in ("L", "P"):
        raise ValueError("jenis kelamin harus L atau P")
    if not 1 <= serial <= 9999:
        raise ValueError("nomor urut harus 1–9999")
    day = birth_date.day + (_FEMALE_OFFSET if sex == "P" else 0)
    return f"{''.join(parts)}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def mask_nik(nik: str | None) -> str:
    """``7413011204960001`` → ``741301********01``: region prefix and last two digits only.

    The one NIK mask of every page, export and report for roles that may not see full NIKs
    (``accounts/permissions.py``). Six + two, the stricter of the two masks the code once had
    (budget exports showed six + four, which with the birth date of a list is enough to single
    someone out). Short or empty values are masked whole."""
    if not nik:
        return ""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:6] + "*" * (len(nik) - 8) + nik[-2:]


#: Hex digits kept of a keyed NIK hash: 128 bits of HMAC-SHA256 (RFC 2104 truncation, as
#: HMAC-SHA-256-128 of RFC 4868), ample against collisions between a country's NIKs.
KEYED_HASH_HEX = 32


def keyed_nik_hashes(niks: Iterable[str], key: bytes) -> list[str]:
    """HMAC-SHA256 of each cleaned NIK under ``key``, hex, truncated to :data:`KEYED_HASH_HEX`.

    A stored keyed hash tells whether two records name the same NIK without storing the NIK: who
    has only the database cannot recompute it from a list of NIKs (a plain SHA-256 of a 16-digit
    number with a known structure falls to a brute force in minutes). The keyed state is made
    once and copied per NIK (half the time of a fresh HMAC each)."""
    keyed = hmac.new(key, digestmod=hashlib.sha256)
    out = []
    for nik in niks:
        h = keyed.copy()
        h.update((nik if len(nik) == 16 and nik.isdigit() else clean_nik(nik)).encode())
        out.append(h.hexdigest()[:KEYED_HASH_HEX])
    return out


def keyed_nik_hash(nik: str, key: bytes) -> str:
    """:func:`keyed_nik_hashes` of one NIK."""
    return keyed_nik_hashes([nik], key)[0]


def mask_nik_expr(nik: pl.Expr) -> pl.Expr:
    """:func:`mask_nik` on a column (nulls stay null)."""
    n = nik.str.len_chars()
    return (
        pl.when(n <= 8)
        .then(pl.lit("*").repeat_by(n).list.join(""))
        .otherwise(pl.concat_str([nik.str.head(6), pl.lit("*").repeat_by(n - 8).list.join(""), nik.str.tail(2)]))
    )
