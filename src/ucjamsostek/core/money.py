"""Integer Rupiah: arithmetic helpers and Indonesian formatting.

Money is always an ``int`` number of Rupiah. Rates are exact fractions (parts per million, parsed
from decimal text), never binary floating point, and every rounding is explicit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import polars as pl

from ucjamsostek.core.errors import UserError

Rupiah = int

PPM = 1_000_000  # parts per million: 1% = 10_000 ppm, 0,24% = 2_400 ppm


class MoneyError(UserError):
    """A text cannot be read as an amount or a rate."""


def percent_to_ppm(text: str | int | Decimal) -> int:
    """``"0.24"`` or ``"0,24"`` (percent) → 2400 ppm, exactly; more than 4 decimals is an error."""
    raw = str(text).strip().replace(",", ".")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise MoneyError(f"Persentase tidak terbaca: {text!r}") from exc
    ppm = value * 10_000
    if ppm != ppm.to_integral_value():
        raise MoneyError(f"Persentase {text!r} terlalu rinci (paling banyak 4 angka desimal)")
    return int(ppm)


def apply_ppm(amount: Rupiah, ppm: int) -> Rupiah:
    """``amount × ppm / 1.000.000`` rounded down to a whole Rupiah (truncation, as BPJS bills).

    Rounding down matches Muna Barat's 2022 non-ASN figure: a wage base of Rp2.552.000 gives
    JKK 0,24% = Rp6.124 and JKM 0,30% = Rp7.656, together Rp13.780.
    """
    if amount < 0 or ppm < 0:
        raise MoneyError("Jumlah dan tarif tidak boleh negatif")
    return (amount * ppm) // PPM


def split_evenly(total: Rupiah, parts: int) -> list[Rupiah]:
    """Split ``total`` into ``parts`` integers that differ by at most 1 and sum to ``total``."""
    if parts <= 0:
        raise MoneyError("Jumlah bagian harus positif")
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def _group_thousands(digits: str) -> str:
    out: list[str] = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_number(value: int) -> str:
    """10000 → ``"10.000"`` (Indonesian thousands separator)."""
    sign = "-" if value < 0 else ""
    return sign + _group_thousands(str(abs(value)))


def format_rupiah(amount: Rupiah) -> str:
    """2016000000 → ``"Rp2.016.000.000"``; negative amounts as ``"-Rp1.000"``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise MoneyError(f"Jumlah uang harus bilangan bulat Rupiah, bukan {type(amount).__name__}")
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{_group_thousands(str(abs(amount)))}"


def format_decimal(value: Fraction | int, places: int = 1) -> str:
    """An exact fraction as Indonesian decimal text, rounded half up: Fraction(39, 10) → ``"3,9"``."""
    frac = Fraction(value)
    scale = 10**places
    scaled = frac * scale
    sign = -1 if scaled < 0 else 1
    rounded = sign * ((abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator))
    whole, rest = divmod(abs(rounded), scale)
    text = _group_thousands(str(whole))
    if places:
        text += "," + str(rest).rjust(places, "0")
    return ("-" if rounded < 0 else "") + text


#: the scale words of :func:`format_rupiah_short`, largest first (a page may pass translated ones)
SCALE_WORDS = ("triliun", "miliar", "juta")


def format_rupiah_short(amount: Rupiah, places: int = 1, words: Sequence[str] = SCALE_WORDS) -> str:
    """Large amounts the way reports say them: 2016000000 → ``"Rp2,0 miliar"`` (``places`` decimals;
    ``words`` for 10¹², 10⁹ and 10⁶); under a million the full amount."""
    for size, word in zip((10**12, 10**9, 10**6), words, strict=True):
        if abs(amount) >= size:
            return f"Rp{format_decimal(Fraction(amount, size), places)} {word}"
    return format_rupiah(amount)


def round_half_up(value: Fraction) -> int:
    """Nearest integer, halves away from zero."""
    sign = -1 if value < 0 else 1
    v = abs(value)
    return sign * ((v.numerator * 2 + v.denominator) // (2 * v.denominator))


# --------------------------------------------------------------------------- reading numbers
#: How Indonesians write an amount (issue 9 §6): ``.`` groups thousands, ``,`` starts decimals.
#: A money amount may carry an ``Rp``/``Rp.`` prefix and a zero decimal part (``,00``, ``,0``)
#: or the ``,-`` that closes an amount on a receipt; any other decimal part is refused, because
#: ``16,000`` (an English thousands comma) or ``2016000,000`` would otherwise lose three digits.
#: The same pattern serves :func:`parse_rupiah` (one value) and :func:`rupiah_expr` (a column).
_RUPIAH_PREFIX = r"(?i:rp\.?)?"
_INTEGER = r"(\d{1,3}(?:\.\d{3})+|\d+)"
_ZERO_DECIMALS = r"(?:,(?:00?|-))?"
RUPIAH_PATTERN = rf"^{_RUPIAH_PREFIX}(-?){_INTEGER}{_ZERO_DECIMALS}$"
COUNT_PATTERN = rf"^(-?){_INTEGER}$"
_BLANKS = re.compile(r"[\s\u00a0]+")
_RUPIAH_RE = re.compile(RUPIAH_PATTERN)
_COUNT_RE = re.compile(COUNT_PATTERN)
_DECIMALS = re.compile(r",(\d+)$")

MONEY_EXAMPLE = "contoh: 16.800, Rp16.800 atau 16.800,00"


def _compact(text: str) -> str:
    return _BLANKS.sub("", text.strip())


def _why_not_rupiah(text: str) -> str:
    """The Indonesian reason ``text`` is not an amount (``text`` failed :data:`RUPIAH_PATTERN`)."""
    raw = _compact(text)
    if not raw:
        return "Jumlah uang kosong."
    decimals = _DECIMALS.search(raw)
    if decimals is not None:
        digits = decimals.group(1)
        if len(digits) == 3:
            return (
                f"Jumlah uang {text.strip()!r} tidak jelas: koma adalah tanda desimal, bukan pemisah "
                f"ribuan, dan di belakang koma hanya boleh ,00 atau ,-. Tulis ribuan dengan titik "
                f"({MONEY_EXAMPLE})."
            )
        return (
            f"Jumlah uang {text.strip()!r} harus Rupiah bulat: di belakang koma hanya boleh ,00 atau ,- "
            f"({MONEY_EXAMPLE})."
        )
    return f"Jumlah uang tidak terbaca: {text.strip()!r} ({MONEY_EXAMPLE})."


def parse_rupiah(text: str | int, *, label: str = "") -> Rupiah:
    """One amount as Indonesians write it → integer Rupiah (:data:`RUPIAH_PATTERN`).

    ``16.800``, ``16800``, ``Rp16.800``, ``Rp 16.800,00`` and ``16.800,-`` all give 16800;
    ``16,000``, ``16,5`` or ``2016000,000`` raise :class:`MoneyError` saying why (``label``, e.g.
    ``--ceiling``, goes in front of the message). A Python ``int`` is taken as it is.
    """
    if isinstance(text, bool):
        raise MoneyError(_labelled(label, f"Jumlah uang tidak terbaca: {text!r}."))
    if isinstance(text, int):
        return text
    match = _RUPIAH_RE.fullmatch(_compact(str(text)))
    if match is None:
        raise MoneyError(_labelled(label, _why_not_rupiah(str(text))))
    value = int(match.group(2).replace(".", ""))
    return -value if match.group(1) else value


def parse_count(text: str | int, *, label: str = "") -> int:
    """A whole number (a count, a quota, a year): ``1.234`` or ``1234`` → 1234; a decimal comma,
    letters or an empty text raise :class:`MoneyError` saying why."""
    if isinstance(text, bool):
        raise MoneyError(_labelled(label, f"Harus bilangan bulat, bukan {text!r}."))
    if isinstance(text, int):
        return text
    match = _COUNT_RE.fullmatch(_compact(str(text)))
    if match is None:
        raw = str(text).strip()
        what = f"Harus bilangan bulat (mis. 1.234), bukan {raw!r}." if raw else "Harus diisi bilangan bulat."
        raise MoneyError(_labelled(label, what))
    value = int(match.group(2).replace(".", ""))
    return -value if match.group(1) else value


def _labelled(label: str, message: str) -> str:
    return f"{label}: {message}" if label else message


def rupiah_expr(raw: pl.Expr) -> pl.Expr:
    """Column version of :func:`parse_rupiah` (the same :data:`RUPIAH_PATTERN`): ``Int64``, null
    where a cell is not an amount; :func:`rupiah_problem` gives the reason for such a cell."""
    parts = raw.cast(pl.Utf8).str.replace_all(r"[\s\u00a0]+", "").str.extract_groups(RUPIAH_PATTERN)
    value = parts.struct.field("2").str.replace_all(r"\.", "").cast(pl.Int64, strict=False)
    return pl.when(parts.struct.field("1") == "-").then(-value).otherwise(value)


def rupiah_problem(text: str) -> str:
    """Why the cell ``text`` is not an amount (the message :func:`parse_rupiah` raises)."""
    try:
        parse_rupiah(text)
    except MoneyError as exc:
        return str(exc)
    return ""
