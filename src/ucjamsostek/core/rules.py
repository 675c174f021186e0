"""Screening rules (DESIGN.md §5.3): small named functions over whole columns.

Each rule takes the normalised nomination frame (:mod:`ucjamsostek.core.intake`) and returns its
findings as a frame ``row, code, message`` (one line per row it fires on, the message in plain
Bahasa Indonesia). Rules do not pile derived codes on top of a root cause: a missing or invalid
NIK gives no NIK_BIRTHDATE_MISMATCH/NIK_SEX_MISMATCH, a missing birth date no age check, a
missing village no region finding.

Village resolution (:class:`RegionResolver`) works on the distinct (village, kecamatan) pairs of
a batch, never per row: a village is looked up within its kecamatan (exact name, then a typo-tolerant
RapidFuzz match among that kecamatan's villages); a kecamatan name is matched over all of Indonesia
(the deployment's area first), so an address in Muna (74.03) is OUTSIDE_REGENCY rather than
unknown; a village without a resolvable kecamatan is looked for in the deployment area first.
The NIK prefix never decides domicile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl
from rapidfuzz import fuzz, process

from ucjamsostek.core import reasons as rc
from ucjamsostek.core.nik import NIK_PROBLEM_TEXT, NikProblem
from ucjamsostek.core.normalize import nik_parts, region_key_expr
from ucjamsostek.core.regiondata import LEVEL_DISTRICT, LEVEL_VILLAGE

FINDINGS_SCHEMA = {"row": pl.Int64, "code": pl.Utf8, "message": pl.Utf8}


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS_SCHEMA)


def _findings(df: pl.DataFrame, mask: pl.Expr, code: str, message: pl.Expr) -> pl.DataFrame:
    return (
        df.lazy()
        .filter(mask)
        .select(pl.col("row").cast(pl.Int64), pl.lit(code).alias("code"), message.cast(pl.Utf8).alias("message"))
        .collect()
    )


def _dmy(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%d-%m-%Y")


def with_nik_parts(df: pl.DataFrame, today: date) -> pl.DataFrame:
    """Add ``nik_problem``, ``nik_sex`` and ``nik_birth_date`` (see :func:`nik_parts`)."""
    if "nik_problem" in df.columns:
        return df
    return nik_parts(df, today)


# ------------------------------------------------------------------------------------------ rules
def required_missing(df: pl.DataFrame) -> pl.DataFrame:
    """REQUIRED_MISSING: NIK, name, birth date (empty or unreadable) or village missing."""
    unreadable = pl.col("birth_date").is_null() & pl.col("birth_date_raw").is_not_null()
    parts = [
        pl.when(pl.col("nik").is_null()).then(pl.lit("NIK kosong")),
        pl.when(pl.col("name").is_null()).then(pl.lit("Nama kosong")),
        pl.when(pl.col("birth_date_raw").is_null()).then(pl.lit("Tanggal lahir kosong")),
        pl.when(unreadable).then(pl.format("Tanggal lahir '{}' tidak terbaca", pl.col("birth_date_raw"))),
        pl.when(pl.col("village").is_null()).then(pl.lit("Desa/kelurahan kosong")),
    ]
    message = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    mask = (
        pl.col("nik").is_null() | pl.col("name").is_null() | pl.col("birth_date").is_null()
        | pl.col("village").is_null()
    )  # fmt: skip
    return _findings(df, mask, rc.REQUIRED_MISSING, message)


def nik_invalid(df: pl.DataFrame, today: date) -> pl.DataFrame:
    """NIK_INVALID: a NIK that is present but not 16 digits or has impossible segments."""
    df = with_nik_parts(df, today)
    texts = {p.value: NIK_PROBLEM_TEXT[p] for p in NikProblem}
    message = pl.col("nik_problem").replace_strict(texts, default="NIK tidak sah", return_dtype=pl.Utf8)
    mask = pl.col("nik").is_not_null() & pl.col("nik_problem").is_not_null()
    return _findings(df, mask, rc.NIK_INVALID, message)


def nik_birthdate_mismatch(df: pl.DataFrame, today: date) -> pl.DataFrame:
    """NIK_BIRTHDATE_MISMATCH: the valid NIK's DDMMYY disagrees with the stated birth date."""
    df = with_nik_parts(df, today)
    nik_ddmmyy = pl.col("nik_birth_date").dt.strftime("%d%m%y")
    stated_ddmmyy = pl.col("birth_date").dt.strftime("%d%m%y")
    mask = pl.col("nik_birth_date").is_not_null() & pl.col("birth_date").is_not_null() & (nik_ddmmyy != stated_ddmmyy)
    message = pl.format(
        "Tanggal lahir di NIK {} berbeda dengan {}", _dmy(pl.col("nik_birth_date")), _dmy(pl.col("birth_date"))
    )
    return _findings(df, mask, rc.NIK_BIRTHDATE_MISMATCH, message)


def nik_sex_mismatch(df: pl.DataFrame, today: date) -> pl.DataFrame:
    """NIK_SEX_MISMATCH: the valid NIK's day (+40 for women) disagrees with the stated sex."""
    df = with_nik_parts(df, today)
    mask = pl.col("nik_sex").is_not_null() & pl.col("sex").is_not_null() & (pl.col("nik_sex") != pl.col("sex"))
    word = {"L": "laki-laki", "P": "perempuan"}
    message = pl.format(
        "Jenis kelamin di NIK {} berbeda dengan yang diisi ({})",
        pl.col("nik_sex").replace_strict(word, default=None, return_dtype=pl.Utf8),
        pl.col("sex").replace_strict(word, default=None, return_dtype=pl.Utf8),
    )
    return _findings(df, mask, rc.NIK_SEX_MISMATCH, message)


def age_years_expr(birth: pl.Expr, as_of: date) -> pl.Expr:
    """Completed years at ``as_of``."""
    before = (birth.dt.month() > as_of.month) | ((birth.dt.month() == as_of.month) & (birth.dt.day() > as_of.day))
    return (as_of.year - birth.dt.year() - before.cast(pl.Int32)).cast(pl.Int32)


def age_out_of_range(df: pl.DataFrame, as_of: date, age_min: int, age_max: int) -> pl.DataFrame:
    """AGE_OUT_OF_RANGE: age at ``as_of`` outside [age_min, age_max] (inclusive)."""
    age = age_years_expr(pl.col("birth_date"), as_of)
    mask = pl.col("birth_date").is_not_null() & ((age < age_min) | (age > age_max))
    future = pl.format(
        "Tanggal lahir {} sesudah tanggal acuan {}", _dmy(pl.col("birth_date")), pl.lit(as_of.strftime("%d-%m-%Y"))
    )
    message = pl.when(pl.col("birth_date") > as_of).then(future).otherwise(pl.format(
        "Usia {} tahun pada {} di luar batas {}–{} tahun", age, pl.lit(as_of.strftime("%d-%m-%Y")),
        pl.lit(age_min), pl.lit(age_max),
    ))  # fmt: skip
    return _findings(df, mask, rc.AGE_OUT_OF_RANGE, message)


_REFERENCE_TEXT = {
    rc.ALREADY_ENROLLED: "NIK terdaftar pada daftar peserta aktif",
    rc.DECEASED: "NIK tercatat pada daftar kematian",
    rc.ASN: "NIK tercatat pada daftar ASN/TNI/Polri",
}


def on_reference(df: pl.DataFrame, reference: pl.DataFrame | None, code: str) -> pl.DataFrame:
    """ALREADY_ENROLLED / DECEASED / ASN: the row's NIK is on the reference list of that kind."""
    if reference is None or reference.height == 0:
        return empty_findings()
    niks = reference.lazy().select(pl.col("nik").cast(pl.Utf8).str.replace_all(r"[\s.'’]", "")).unique()
    hit = (
        df.lazy().filter(pl.col("nik").is_not_null())
        .join(niks.collect().lazy(), on="nik", how="semi")
        .select(pl.col("row").cast(pl.Int64), pl.lit(code).alias("code"),
                pl.lit(_REFERENCE_TEXT.get(code, rc.REASONS[code].text)).alias("message"))
    )  # fmt: skip
    return hit.collect()


# ------------------------------------------------------------------------------------------ regions
@dataclass(frozen=True, slots=True)
class Resolution:
    code: str | None  # village code when resolved
    status: str  # "ok" | "outside" | "unknown"
    message: str | None = None


def _nospace(key: str) -> str:
    return key.replace(" ", "")


class RegionResolver:
    """Resolves (village, kecamatan) names to Kemendagri village codes for one deployment area."""

    VILLAGE_CUTOFF = 85.0
    AREA_VILLAGE_CUTOFF = 88.0
    DISTRICT_CUTOFF = 85.0

    def __init__(self, regions: pl.DataFrame, area_code: str) -> None:
        self.area_code = area_code
        prefix = area_code + "."
        province = area_code.split(".")[0]
        table = (
            regions.filter(pl.col("level").is_in([LEVEL_DISTRICT, LEVEL_VILLAGE]))
            .select("code", "name", "level", "parent_code", region_key_expr(pl.col("name")).alias("key"))
            .filter(pl.col("key").is_not_null())
        )
        districts = table.filter(pl.col("level") == LEVEL_DISTRICT)
        villages = table.filter(pl.col("level") == LEVEL_VILLAGE)
        self.names: dict[str, str] = dict(zip(regions["code"].to_list(), regions["name"].to_list(), strict=True))

        def rank(code: str) -> int:
            if code.startswith(prefix):
                return 0
            return 1 if code.split(".")[0] == province else 2

        self._rank = rank
        self.district_by_key: dict[str, list[str]] = {}
        for code, key in zip(districts["code"].to_list(), districts["key"].to_list(), strict=True):
            for k in {key, _nospace(key)}:
                self.district_by_key.setdefault(k, []).append(code)
        for codes in self.district_by_key.values():
            codes.sort(key=lambda c: (rank(c), c))
        self.area_districts: list[str] = [c for c in districts["code"].to_list() if c.startswith(prefix)]
        self.area_district_keys: list[str] = [
            _nospace(k)
            for c, k in zip(districts["code"].to_list(), districts["key"].to_list(), strict=True)
            if c.startswith(prefix)
        ]
        self.villages_of: dict[str, tuple[list[str], list[str]]] = {}
        self.village_by_key: dict[str, list[str]] = {}
        for code, key, parent in zip(
            villages["code"].to_list(), villages["key"].to_list(), villages["parent_code"].to_list(), strict=True
        ):
            codes, keys = self.villages_of.setdefault(parent, ([], []))
            codes.append(code)
            keys.append(_nospace(key))
            self.village_by_key.setdefault(_nospace(key), []).append(code)
        self.area_villages: tuple[list[str], list[str]] = ([], [])
        for d in self.area_districts:
            codes, keys = self.villages_of.get(d, ([], []))
            self.area_villages[0].extend(codes)
            self.area_villages[1].extend(keys)

    def in_area(self, code: str) -> bool:
        return code == self.area_code or code.startswith(self.area_code + ".")

    @staticmethod
    def _pick(key: str, pool: tuple[list[str], list[str]], cutoff: float) -> str | None:
        codes, keys = pool
        if not codes:
            return None
        exact = [c for c, k in zip(codes, keys, strict=True) if k == key]
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:
            return None  # two villages of that name in the pool: cannot choose
        best = process.extract(key, keys, scorer=fuzz.ratio, limit=2, score_cutoff=cutoff)
        if not best:
            return None
        if len(best) > 1 and best[1][1] == best[0][1]:
            return None
        return codes[best[0][2]]

    def _districts(self, district_key: str) -> list[str]:
        exact = self.district_by_key.get(district_key) or self.district_by_key.get(_nospace(district_key))
        if exact:
            return list(exact)
        best = process.extractOne(
            _nospace(district_key), self.area_district_keys, scorer=fuzz.ratio, score_cutoff=self.DISTRICT_CUTOFF
        )
        return [self.area_districts[best[2]]] if best else []

    def resolve(self, village_key: str, district_key: str | None) -> Resolution:
        vk = _nospace(village_key)
        candidates = self._districts(district_key) if district_key else []
        for d in candidates:
            code = self._pick(vk, self.villages_of.get(d, ([], [])), self.VILLAGE_CUTOFF)
            if code is not None:
                return Resolution(code, "ok" if self.in_area(code) else "outside")
        if candidates:
            inside = [d for d in candidates if self.in_area(d)]
            if inside:
                names = " / ".join(self.names[d] for d in inside[:1])
                return Resolution(None, "unknown", f"Desa/kelurahan tidak ditemukan di Kecamatan {names}")
            in_area_too = vk in self.area_villages[1]
            if not in_area_too:
                d = candidates[0]
                regency = self.names.get(d.rsplit(".", 1)[0], d.rsplit(".", 1)[0])
                return Resolution(None, "outside", f"Kecamatan {self.names[d]} berada di {regency}")
            return Resolution(None, "unknown", "Desa dan kecamatan yang diisi tidak sesuai")
        code = self._pick(vk, self.area_villages, self.AREA_VILLAGE_CUTOFF)
        if code is not None:
            return Resolution(code, "ok")
        national = [c for c in self.village_by_key.get(vk, []) if not self.in_area(c)]
        if not district_key and len(national) == 1:
            return Resolution(national[0], "outside")
        if district_key:
            return Resolution(None, "unknown", "Kecamatan dan desa/kelurahan tidak ditemukan")
        return Resolution(None, "unknown", "Desa/kelurahan tidak ditemukan di wilayah ini (kecamatan kosong)")

    def resolve_frame(self, df: pl.DataFrame) -> pl.DataFrame:
        """``row, region_code, region_status, region_message`` for every row (status null when
        the village is missing: that is REQUIRED_MISSING, not a region finding)."""
        pairs = (
            df.select("village", "district")
            .unique()
            .with_columns(
                region_key_expr(pl.col("village")).alias("_vk"), region_key_expr(pl.col("district")).alias("_dk")
            )
        )
        keys = pairs.select("_vk", "_dk").unique().filter(pl.col("_vk").is_not_null())
        vks, dks = keys["_vk"].to_list(), keys["_dk"].to_list()
        results = [self.resolve(v, d) for v, d in zip(vks, dks, strict=True)]  # distinct pairs only
        table = pl.DataFrame(
            {
                "_vk": vks,
                "_dk": dks,
                "region_code": [r.code for r in results],
                "region_status": [r.status for r in results],
                "region_message": [r.message for r in results],
            },
            schema={"_vk": pl.Utf8, "_dk": pl.Utf8, "region_code": pl.Utf8, "region_status": pl.Utf8,
                    "region_message": pl.Utf8},
        )  # fmt: skip
        per_text = pairs.join(table, on=["_vk", "_dk"], how="left", nulls_equal=True)
        return (
            df.select("row", "village", "district")
            .join(per_text, on=["village", "district"], how="left", nulls_equal=True)
            .select("row", "region_code", "region_status", "region_message")
        )


def region_findings(df: pl.DataFrame, resolved: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    """REGION_UNKNOWN / OUTSIDE_REGENCY from :meth:`RegionResolver.resolve_frame`'s output."""
    merged = resolved.lazy()
    unknown = merged.filter(pl.col("region_status") == "unknown").select(
        pl.col("row").cast(pl.Int64),
        pl.lit(rc.REGION_UNKNOWN).alias("code"),
        pl.coalesce(pl.col("region_message"), pl.lit(rc.REASONS[rc.REGION_UNKNOWN].text)).alias("message"),
    )
    regency = pl.col("region_code").str.extract(r"^(\d+\.\d+)", 1)
    outside = merged.filter(pl.col("region_status") == "outside").select(
        pl.col("row").cast(pl.Int64),
        pl.lit(rc.OUTSIDE_REGENCY).alias("code"),
        pl.coalesce(
            pl.col("region_message"),
            pl.format(
                "Alamat berada di {} ({})",
                regency.replace_strict(names, default=None, return_dtype=pl.Utf8),
                pl.col("region_code"),
            ),
            pl.lit(rc.REASONS[rc.OUTSIDE_REGENCY].text),
        ).alias("message"),
    )
    return pl.concat([unknown, outside]).collect()
