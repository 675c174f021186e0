"""Normalisation of nomination values (DESIGN.md §5.1), as Polars expressions over whole columns.

* headers: :func:`header_key` and :data:`ACCEPTED_HEADERS` map a header cell to a field;
* NIK: :func:`nik_clean_expr` strips spreadsheet noise, :func:`nik_parts` validates like
  :func:`ucjamsostek.core.nik.parse_nik` (same rules, same :class:`NikProblem` codes) but column-wise;
* dates: :func:`date_expr` reads dd-mm-yyyy, dd/mm/yyyy, yyyy-mm-dd, Excel serials and
  "12 Januari 1980" (Indonesian months, short forms included); :func:`split_ttl_expr` splits a
  combined "Raha, 12-05-1980";
* sex: :func:`sex_expr` gives ``L``/``P`` from L, P, Laki-laki, Perempuan, LK, PR, … (any case);
* region names: :func:`region_key_expr` drops Ds./Desa/Kel./Kelurahan/Kec./Kecamatan prefixes,
  punctuation and case.
"""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from ucjamsostek.core.nik import PROVINCE_CODES, NikProblem

FIELDS: tuple[str, ...] = (
    "nik", "name", "sex", "birth_place", "birth_date", "address", "village", "district",
    "occupation", "phone", "segment", "decile",
)  # fmt: skip
#: Pseudo-field of a combined "tempat, tanggal lahir" column.
TTL = "ttl"
REQUIRED_FIELDS: tuple[str, ...] = ("nik", "name", "birth_date", "village")

FIELD_LABELS: dict[str, str] = {
    "nik": "NIK",
    "name": "Nama",
    "sex": "Jenis Kelamin",
    "birth_place": "Tempat Lahir",
    "birth_date": "Tanggal Lahir",
    "address": "Alamat",
    "village": "Desa/Kelurahan",
    "district": "Kecamatan",
    "occupation": "Pekerjaan",
    "phone": "No HP",
    "segment": "Segmen",
    "decile": "Desil",
    TTL: "Tempat, Tanggal Lahir",
}

_HEADERS: dict[str, tuple[str, ...]] = {
    "nik": ("NIK", "No. NIK", "No NIK", "Nomor NIK", "Nomor Induk Kependudukan", "NIK KTP", "No KTP"),
    "name": ("Nama", "Nama Lengkap", "Nama Peserta", "Nama Calon Peserta", "Nama Pekerja", "Nama Sesuai KTP"),
    "sex": ("JK", "L/P", "Jenis Kelamin", "Kelamin", "Jenis Kelamin (L/P)", "Gender", "Sex"),
    "birth_place": ("Tempat Lahir", "Tmp Lahir", "Tpt Lahir"),
    "birth_date": ("Tgl Lahir", "Tanggal Lahir", "Tgl. Lahir", "Tgl Lhr", "Tanggal Lahir (dd-mm-yyyy)"),
    TTL: ("TTL", "Tempat, Tanggal Lahir", "Tempat/Tanggal Lahir", "Tempat Tgl Lahir", "Tempat Tanggal Lahir"),
    "village": (
        "Desa",
        "Kelurahan",
        "Desa/Kelurahan",
        "Desa/Kel",
        "Desa / Kel.",
        "Kel/Desa",
        "Kelurahan/Desa",
        "Nama Desa",
        "Desa/Kelurahan Domisili",
        "Desa Domisili",
    ),
    "district": ("Kecamatan", "Kec.", "Kec", "Nama Kecamatan"),
    "address": ("Alamat", "Alamat Lengkap", "Alamat KTP", "Dusun", "Alamat/Dusun"),
    "occupation": ("Pekerjaan", "Jenis Pekerjaan", "Profesi"),
    "phone": (
        "No HP",
        "No. Telp",
        "No Telp",
        "No. HP",
        "Nomor HP",
        "No Telepon",
        "Telepon",
        "HP",
        "No. WA",
        "No HP/WA",
        "No Telp/HP",
        "Nomor Telepon",
    ),
    "segment": ("Kategori", "Segmen", "Segmen Peserta"),
    "decile": ("Desil", "Desil DTKS", "Desil P3KE"),
}


def header_key(text: object) -> str:
    """Case- and punctuation-insensitive key of a header cell: ``"No. NIK"`` → ``"nonik"``."""
    if text is None:
        return ""
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


#: header key → field
ACCEPTED_HEADERS: dict[str, str] = {header_key(h): field for field, hs in _HEADERS.items() for h in hs}


def match_header(text: object, column_map: dict[str, str] | None = None) -> str | None:
    """The field a header cell names, or ``None``. ``column_map`` (header text → field) comes first."""
    key = header_key(text)
    if not key:
        return None
    if column_map:
        for header, field in column_map.items():
            if header_key(header) == key:
                return field if field in FIELDS or field == TTL else None
    found = ACCEPTED_HEADERS.get(key)
    if found is None and "(" in str(text):  # "Tgl. Lahir (dd-mm-yyyy)", "Jenis Kelamin (L/P)"
        found = ACCEPTED_HEADERS.get(header_key(re.sub(r"\(.*?\)", "", str(text))))
    return found


# ---------------------------------------------------------------- NIK
_NIK_NOISE = r"[\s.\-'’`_/]"
_SCI = r"^\d([.,]\d+)?[eE]\+?\d+$"


def nik_clean_expr(raw: pl.Expr) -> pl.Expr:
    """Column version of :func:`ucjamsostek.core.nik.clean_nik` for text cells ("" for null)."""
    text = raw.cast(pl.Utf8).fill_null("").str.strip_chars()
    return pl.when(text.str.contains(_SCI)).then(text).otherwise(text.str.replace_all(_NIK_NOISE, ""))


def _century_year(yy: pl.Expr, stated: pl.Expr, today: date) -> pl.Expr:
    same = stated.dt.year() % 100 == yy
    default = pl.when(yy <= today.year % 100).then(2000 + yy).otherwise(1900 + yy)
    return pl.when(stated.is_not_null() & same).then(stated.dt.year()).otherwise(default).cast(pl.Int32)


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    base = month.replace_strict(
        {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31},
        default=0,
        return_dtype=pl.Int32,
    )
    return base + ((month == 2) & leap).cast(pl.Int32)


def nik_parts_expr(cleaned: pl.Expr, stated_birth_date: pl.Expr, today: date) -> pl.Expr:
    """Expression form of :func:`nik_parts`: a struct ``problem``, ``sex``, ``birth_date``. Handy
    for small frames (reference lists); on large batches use :func:`nik_parts`, which is staged."""
    c = cleaned.fill_null("")
    digits16 = c.str.contains(r"^[0-9]{16}$")
    num = pl.when(digits16).then(c.str.slice(6, 6)).cast(pl.Int32, strict=False)
    dd, mm, yy = num // 10_000, (num // 100) % 100, num % 100
    female = dd > 40
    day = pl.when(female).then(dd - 40).otherwise(dd)
    year = _century_year(yy, stated_birth_date, today)
    problem = (
        pl.when(c == "").then(pl.lit(NikProblem.EMPTY.value))
        .when(c.str.contains(_SCI)).then(pl.lit(NikProblem.SCIENTIFIC.value))
        .when(~c.str.contains(r"^[0-9]+$")).then(pl.lit(NikProblem.NOT_DIGITS.value))
        .when(~digits16).then(pl.lit(NikProblem.LENGTH.value))
        .when(~c.str.slice(0, 2).is_in(sorted(PROVINCE_CODES))).then(pl.lit(NikProblem.PROVINCE.value))
        .when(c.str.slice(2, 2) == "00").then(pl.lit(NikProblem.REGENCY.value))
        .when(c.str.slice(4, 2) == "00").then(pl.lit(NikProblem.DISTRICT.value))
        .when((day < 1) | (day > 31)).then(pl.lit(NikProblem.DAY.value))
        .when((mm < 1) | (mm > 12)).then(pl.lit(NikProblem.MONTH.value))
        .when(day > _days_in_month(year, mm)).then(pl.lit(NikProblem.DATE.value))
        .when(c.str.slice(12, 4) == "0000").then(pl.lit(NikProblem.SERIAL.value))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )  # fmt: skip
    ok = problem.is_null()
    born = pl.date(
        pl.when(ok).then(year).otherwise(2000), pl.when(ok).then(mm).otherwise(1), pl.when(ok).then(day).otherwise(1)
    )
    return pl.struct(
        problem.alias("problem"),
        pl.when(ok).then(pl.when(female).then(pl.lit("P")).otherwise(pl.lit("L"))).alias("sex"),
        pl.when(ok).then(born).alias("birth_date"),
    )


def nik_parts(frame: pl.DataFrame, today: date, *, nik: str = "nik", stated: str = "birth_date") -> pl.DataFrame:
    """Add ``nik_problem`` (NikProblem value or null), ``nik_sex`` (L/P) and ``nik_birth_date`` to
    ``frame`` from its cleaned NIK column: the same checks in the same order as :func:`parse_nik`,
    computed column-wise in stages with integer arithmetic (one nested expression would make
    Polars evaluate the shared parts again in every branch)."""
    tmp = ["_c", "_d16", "_dd", "_mm", "_yy", "_fem", "_day", "_year"]
    c = pl.col("_c")
    out = frame.with_columns(pl.col(nik).fill_null("").alias("_c"))
    out = out.with_columns(c.str.contains(r"^[0-9]{16}$").alias("_d16"))
    num = pl.when(pl.col("_d16")).then(c.str.slice(6, 6)).cast(pl.Int32, strict=False)
    out = out.with_columns(num.alias("_dd"))
    out = out.with_columns(
        (pl.col("_dd") // 10_000).alias("_dd"),
        ((pl.col("_dd") // 100) % 100).alias("_mm"),
        (pl.col("_dd") % 100).alias("_yy"),
    )
    out = out.with_columns((pl.col("_dd") > 40).alias("_fem"))
    out = out.with_columns(
        pl.when(pl.col("_fem")).then(pl.col("_dd") - 40).otherwise(pl.col("_dd")).alias("_day"),
        _century_year(pl.col("_yy"), pl.col(stated), today).alias("_year"),
    )
    day, mm, year = pl.col("_day"), pl.col("_mm"), pl.col("_year")
    problem = (
        pl.when(c == "").then(pl.lit(NikProblem.EMPTY.value))
        .when(c.str.contains(_SCI)).then(pl.lit(NikProblem.SCIENTIFIC.value))
        .when(~c.str.contains(r"^[0-9]+$")).then(pl.lit(NikProblem.NOT_DIGITS.value))
        .when(~pl.col("_d16")).then(pl.lit(NikProblem.LENGTH.value))
        .when(~c.str.slice(0, 2).is_in(sorted(PROVINCE_CODES))).then(pl.lit(NikProblem.PROVINCE.value))
        .when(c.str.slice(2, 2) == "00").then(pl.lit(NikProblem.REGENCY.value))
        .when(c.str.slice(4, 2) == "00").then(pl.lit(NikProblem.DISTRICT.value))
        .when((day < 1) | (day > 31)).then(pl.lit(NikProblem.DAY.value))
        .when((mm < 1) | (mm > 12)).then(pl.lit(NikProblem.MONTH.value))
        .when(day > _days_in_month(year, mm)).then(pl.lit(NikProblem.DATE.value))
        .when(c.str.slice(12, 4) == "0000").then(pl.lit(NikProblem.SERIAL.value))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )  # fmt: skip
    out = out.with_columns(problem.alias("nik_problem"))
    ok = pl.col("nik_problem").is_null()
    out = out.with_columns(
        pl.when(ok).then(pl.when(pl.col("_fem")).then(pl.lit("P")).otherwise(pl.lit("L"))).alias("nik_sex"),
        pl.when(ok)
        .then(
            pl.date(
                pl.when(ok).then(year).otherwise(2000),
                pl.when(ok).then(mm).otherwise(1),
                pl.when(ok).then(day).otherwise(1),
            )
        )
        .alias("nik_birth_date"),
    )
    return out.drop(tmp)


# ---------------------------------------------------------------- dates
MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

_EXCEL_EPOCH = date(1899, 12, 30)


def _ymd(y: pl.Expr, m: pl.Expr, d: pl.Expr) -> pl.Expr:
    return pl.format("{}-{}-{}", y.str.zfill(4), m.str.zfill(2), d.str.zfill(2)).str.to_date("%Y-%m-%d", strict=False)


def date_expr(raw: pl.Expr, today: date | None = None) -> pl.Expr:
    """Parse a text column of dates in any accepted form into ``pl.Date`` (null when unreadable).

    A two-digit year is read as 20YY when not after ``today``'s year, else 19YY. A plain number is
    an Excel serial (days since 1899-12-30) when it falls between 1900 and 2100.
    """
    today = today or date.today()
    t = raw.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    iso = t.str.extract_groups(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
    dmy = t.str.extract_groups(r"^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})$")
    dmy2 = t.str.extract_groups(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2})$")
    named = t.str.extract_groups(r"^(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4})$")
    serial = t.str.extract(r"^(\d{1,6})(?:\.0+)?$", 1).cast(pl.Int64, strict=False)
    month_no = named.struct.field("2").replace_strict(
        {k: str(v) for k, v in MONTHS.items()}, default=None, return_dtype=pl.Utf8
    )
    yy = dmy2.struct.field("3").cast(pl.Int32, strict=False)
    year2 = pl.when(yy <= today.year % 100).then(2000 + yy).otherwise(1900 + yy).cast(pl.Utf8)
    lo = (date(1900, 1, 1) - _EXCEL_EPOCH).days
    hi = (date(2100, 1, 1) - _EXCEL_EPOCH).days
    from_serial = pl.when((serial >= lo) & (serial < hi)).then(pl.lit(_EXCEL_EPOCH) + pl.duration(days=serial))
    return pl.coalesce(
        _ymd(iso.struct.field("1"), iso.struct.field("2"), iso.struct.field("3")),
        _ymd(dmy.struct.field("3"), dmy.struct.field("2"), dmy.struct.field("1")),
        _ymd(year2, dmy2.struct.field("2"), dmy2.struct.field("1")),
        _ymd(named.struct.field("3"), month_no, named.struct.field("1")),
        from_serial.cast(pl.Date),
    )


def split_ttl_expr(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Split "Raha, 12-05-1980" (or "Raha 12 Mei 1980") into place and date text."""
    t = raw.cast(pl.Utf8).str.strip_chars()
    parts = t.str.extract_groups(
        r"^(.*?)[,;/]?\s*(\d{1,2}[\s\-/.]+(?:\d{1,2}|[A-Za-z]+)\.?[\s\-/.,]+\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|\d{5})$"
    )
    place = parts.struct.field("1").str.strip_chars(" ,;/")
    place = pl.when(parts.struct.field("2").is_null()).then(t).otherwise(place)
    place = pl.when(place.str.len_chars() > 0).then(place)
    return place, parts.struct.field("2")


# ---------------------------------------------------------------- sex
_SEX_L = ("l", "lk", "laki", "lakilaki", "lakilak", "pria", "lelaki", "male", "m", "1")
_SEX_P = ("p", "pr", "pr", "perempuan", "wanita", "female", "f", "w", "2", "pere")


def sex_expr(raw: pl.Expr) -> pl.Expr:
    """``L``/``P`` from the usual spellings (any case, any punctuation); null when unknown."""
    key = raw.cast(pl.Utf8).str.to_lowercase().str.replace_all(r"[^a-z0-9]", "")
    return (
        pl.when(key.is_in(list(_SEX_L))).then(pl.lit("L"))
        .when(key.is_in(list(_SEX_P))).then(pl.lit("P"))
        .otherwise(pl.lit(None, dtype=pl.Utf8))
    )  # fmt: skip


# ---------------------------------------------------------------- regions
_REGION_PREFIX = r"^(?:(?:desa|ds|des|kelurahan|kel|kec|kecamatan)\b\.?\s*)+"


def region_key_expr(raw: pl.Expr) -> pl.Expr:
    """Comparable key of a village/kecamatan name: lower case, no prefix, letters/digits, one space."""
    t = (
        raw.cast(pl.Utf8).str.to_lowercase().str.strip_chars()
        .str.replace(r"^(?:ds|kel|kec|des)\.", "$0 ")
        .str.replace_all(r"['’`]", "")
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
        .str.replace(_REGION_PREFIX, "")
        .str.strip_chars()
    )  # fmt: skip
    return pl.when(t.str.len_chars() > 0).then(t)


def text_expr(raw: pl.Expr) -> pl.Expr:
    """Trimmed text with single spaces; null when empty or a mere placeholder without any letter or
    digit ("-", ".", "?")."""
    t = raw.cast(pl.Utf8).str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(t.str.contains(r"[\p{L}\p{N}]")).then(t)


def decile_expr(raw: pl.Expr) -> pl.Expr:
    n = raw.cast(pl.Utf8).str.strip_chars().str.extract(r"^(\d{1,2})(?:[.,]0+)?$", 1).cast(pl.Int8, strict=False)
    return pl.when((n >= 1) & (n <= 10)).then(n)
