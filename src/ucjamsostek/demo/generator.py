"""Synthetic Muna Barat data for the demo, the tests and the screening benchmarks.

Pure Python + NumPy/Polars, no Django: the benchmarks import it without settings. Everything is
deterministic for a seed.

What it makes (DESIGN.md §5, DOMAIN.md §5–§7):

* a **population** of Kabupaten Muna Barat (74.13): Muna/Buton/Bugis-flavoured names (La, Wa,
  La Ode, Wa Ode, Muhammad, Andi, Nur, Siti …), sex, birth date, village from the Kemendagri list
  (:func:`ucjamsostek.core.regiondata.area_table`), an occupation, a DTKS decile and a poverty flag,
  and a NIK built with :func:`ucjamsostek.core.nik.make_nik` whose prefix is where the person was
  *first registered*: the own kecamatan (74.13.xx), Muna before the 2014 split (74.03.xx), or a few
  from elsewhere (Kendari 74.71, Makassar 73.71, Buton 74.04). NIKs are unique;
* the **registry** of earlier years: pekerja rentan and non-ASN enrolled 2022–2024 under the PKS,
  paid by the APBD kabupaten, coverage ending 2024-12-31 (the gap from 2025-01-01), a few deceased;
* the 2026 **nominations**: one file per village and a few OPD lists of non-ASN staff, with the
  defects real lists have, and the **truth** per row: ``row`` (as the user sees it in the sheet),
  ``status``, ``reasons``, ``group`` (duplicate cluster inside the file), ``region_code``,
  ``defect`` (what was injected) and ``person`` (the generator's person id, shared across files);
* the **reference lists** ``enrolled``, ``deaths`` and ``asn`` (``nik,nama,tanggal_lahir``; deaths
  also ``tanggal_meninggal``).

The truth follows DESIGN.md §5.3: rejected beats review beats eligible; every later row of a
duplicate cluster (in file order) carries ``DUPLICATE`` — *rejected* when its NIK equals an earlier
row's, *review* when the NIK differs (a mistyped NIK); ages at :data:`AS_OF` within
:data:`AGE_MIN`–:data:`AGE_MAX`. Each defective row carries exactly one defect, so its reasons are
known; noise (NIK spaces and apostrophes, date formats, case, prefixes, header variants, title
rows) never changes a decision. Twins (same birth date and village, other given name) and
namesakes (same name, other birth date) are different people: no ``DUPLICATE``. A person nominated
both by an OPD and by the home village appears in two files (two batches): ``person`` links them,
the per-file truth does not flag them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl
from rapidfuzz.distance import Levenshtein

from ucjamsostek.core.indicators import MONTHS_ID
from ucjamsostek.core.nik import make_nik
from ucjamsostek.core.regiondata import LEVEL_DISTRICT, LEVEL_VILLAGE, area_table, region_table

AREA_CODE = "74.13"
AS_OF = dt.date(2026, 1, 1)
AGE_MIN = 15
AGE_MAX = 65
PKS_START = dt.date(2022, 11, 1)  # UC Jamsostek PKS with BPJS Ketenagakerjaan (DOMAIN.md §7)
NON_ASN_START = dt.date(2022, 7, 1)  # 2.270 non-ASN registered in July 2022, before the PKS
PKS_END = dt.date(2025, 1, 1)  # exclusive: coverage ends 2024-12-31, the gap starts 2025-01-01
RATE_RENTAN = 16_800  # JKK Rp10.000 + JKM Rp6.800 per month (DOMAIN.md §1)
RATE_NON_ASN = 13_780  # PU rate paid for non-ASN in 2022 (DOMAIN.md §1, §7)

SEGMENT_RENTAN = "pekerja_rentan"
SEGMENT_NON_ASN = "non_asn"
FUNDER_APBD_KAB = "apbd_kab"  # registry master data code of APBD Kabupaten
REFERENCE_KINDS: tuple[str, ...] = ("enrolled", "deaths", "asn")

Fmt = Literal["csv", "xlsx", "xls"]

# ---------------------------------------------------------------------------------------------
# Names (common Muna / Buton / Bugis / Indonesian names: public facts, our own lists)

MALE_GIVEN: tuple[str, ...] = tuple(
    (
        "Agus Ahmad Ali Amir Amiruddin Anwar Arman Arsyad Asrul Baharudin Bahrun Basri Budi Darwis "
        "Erwin Fajar Firman Haerul Halim Hamid Harun Hasan Hasrun Hendra Husein Idris Ilham Irwan "
        "Iskandar Jamal Jufri Jumadil Jusman Kadir Karim Kasim Marzuki Muslimin Mustafa Nasir Nurdin "
        "Rahman Rahmat Rasyid Ridwan Risman Rizal Rusdin Rusli Safar Saharudin Sahrun Salim Samsudin "
        "Sudirman Sukri Syahrir Syamsul Tamrin Taufik Wahid Wahyu Yamin Yusuf Zainal Zulkifli Alimuddin "
        "Akbar Hariadi Adi Dedi Ismail Usman Lukman Mansur"
    ).split()
)
FEMALE_GIVEN: tuple[str, ...] = tuple(
    (
        "Aisyah Asmawati Asni Darmawati Dewi Erni Fatimah Fitriani Hadia Halima Hamsia Hartati Hasmia "
        "Hasna Hasnawati Herlina Irawati Jumiati Jumriah Kartini Mardiana Mariam Marni Masita Murni "
        "Nirwana Nurhaeda Nurhayati Nurjannah Nurlia Nurmi Rahma Rahmawati Ramlah Rosmini Rosna Rusni "
        "Sahria Salma Sarina Sartini Sumarni Suriani Syamsiah Wati Yuliana Zainab Juliana Kasma Ratna "
        "Titin Wahida Hadija Rukmini Masni Indah"
    ).split()
)
FAMILY: tuple[str, ...] = tuple(
    (
        "Abdullah Hamzah Ibrahim Latif Madi Malik Rasyid Saleh Sinapoy Tamburaka Umar Ode Laode Tahir "
        "Yunus Dahlan Bakri Rahim Hafid Kaimuddin Mahmud Nurdin Sadik Syarif Wahab Hasanuddin Alimin "
        "Muhidin Lakidi Kadir Talib Rauf Sahidin Gani Manarfa Lapandewa Ambo Basri Karim"
    ).split()
)
MALE_PREFIX: tuple[tuple[str, float], ...] = (
    ("", 0.47), ("La", 0.25), ("La Ode", 0.13), ("Muhammad", 0.12), ("Andi", 0.03),
)  # fmt: skip
FEMALE_PREFIX: tuple[tuple[str, float], ...] = (
    ("", 0.42), ("Wa", 0.22), ("Wa Ode", 0.13), ("Nur", 0.09), ("Siti", 0.06), ("Sitti", 0.05), ("Andi", 0.03),
)  # fmt: skip
BIRTH_PLACES: tuple[tuple[str, float], ...] = (
    ("Raha", 0.34), ("Lawa", 0.22), ("Laworo", 0.06), ("Tiworo", 0.05), ("Kendari", 0.05),
    ("Makassar", 0.02), ("Baubau", 0.03), ("Kusambi", 0.04), ("Maginti", 0.03), ("Wadaga", 0.03),
    ("Barangka", 0.04), ("Sawerigadi", 0.04), ("Tondasi", 0.02), ("Masara", 0.02), ("Bone", 0.01),
)  # fmt: skip
# (text as written, occupation code of core/data/occupations.csv, weight)
OCCUPATIONS: tuple[tuple[str, str, float], ...] = (
    ("Petani", "petani", 22), ("Nelayan", "nelayan", 14), ("Buruh Tani", "buruh_tani", 9),
    ("Buruh Harian Lepas", "buruh_harian_lepas", 10), ("Pedagang Kecil", "pedagang", 7),
    ("Sopir", "pengemudi", 3), ("Tukang Ojek", "ojek", 5), ("Guru Mengaji", "guru_mengaji", 3),
    ("Marbot Masjid", "marbot", 2), ("Peternak", "peternak", 5), ("Buruh Bangunan", "buruh_bangunan", 6),
    ("Pengrajin", "pengrajin", 2), ("Petani Rumput Laut", "pembudidaya_ikan", 4), ("Tukang Kayu", "tukang", 2),
    ("Pekebun", "pekebun", 3), ("Penjahit", "penjahit", 1), ("Mengurus Rumah Tangga", "mengurus_rumah_tangga", 2),
)  # fmt: skip
HONORER: tuple[tuple[str, str, float], ...] = (
    ("Tenaga Honorer", "honorer", 5), ("Guru Honorer", "honorer", 3), ("Pegawai Tidak Tetap", "honorer", 2),
    ("Tenaga Kontrak", "honorer", 2), ("Tenaga Harian Lepas", "honorer", 1),
)  # fmt: skip
OPD_LISTS: tuple[tuple[str, str], ...] = (
    ("opd-dinas-pendidikan", "Dinas Pendidikan dan Kebudayaan"),
    ("opd-dinas-kesehatan", "Dinas Kesehatan"),
    ("opd-sekretariat-daerah", "Sekretariat Daerah"),
    ("opd-dinas-pertanian", "Dinas Pertanian dan Ketahanan Pangan"),
)
# NIK prefixes of first registration from outside the regency and outside Muna
_OTHER_DISTRICTS: tuple[str, ...] = (
    "74.71.01", "74.71.02", "74.71.03", "73.71.01", "73.71.05", "73.71.10", "74.04.01", "74.04.05",
)  # fmt: skip
_MUNA_OLD_DISTRICTS: tuple[str, ...] = tuple(f"74.03.{i:02d}" for i in range(1, 13))

# Share of each defect among all rows of a village list (the sample's mix, DESIGN.md §5).
_VILLAGE_RATES: dict[str, float] = {
    "age": 0.033, "outside": 0.028, "enrolled": 0.025, "nik_sex": 0.022, "missing": 0.020,
    "nik_birthdate": 0.017, "region_unknown": 0.017, "asn": 0.015, "deceased": 0.015, "nik_invalid": 0.013,
}  # fmt: skip
# OPD lists: more staff with a Muna KTP living in Raha (outside), more now-ASN (PPPK).
_OPD_RATES: dict[str, float] = {
    "age": 0.010, "outside": 0.080, "enrolled": 0.020, "nik_sex": 0.015, "missing": 0.015,
    "nik_birthdate": 0.015, "region_unknown": 0.010, "asn": 0.060, "deceased": 0.005, "nik_invalid": 0.015,
}  # fmt: skip
_DUP_RATE = 0.07  # rows that repeat an earlier row of the same file
_TWIN_RATE = 0.004  # rows that are the twin of an earlier row
_NAMESAKE_RATE = 0.004
_VILLAGE_TYPO_RATE = 0.01  # resolvable village typos on otherwise clean rows (eligible)
_CROSS_RATE = 0.03  # OPD rows whose person is also nominated by the home village

DEFECT_TRUTH: dict[str, tuple[str, str]] = {
    "none": ("eligible", ""),
    "village_typo": ("eligible", ""),
    "twin": ("eligible", ""),
    "namesake": ("eligible", ""),
    "cross_file": ("eligible", ""),
    "nik_invalid_length": ("rejected", "NIK_INVALID"),
    "nik_invalid_char": ("rejected", "NIK_INVALID"),
    "nik_invalid_scientific": ("rejected", "NIK_INVALID"),
    "nik_invalid_date": ("rejected", "NIK_INVALID"),
    "nik_birthdate": ("review", "NIK_BIRTHDATE_MISMATCH"),
    "nik_sex": ("review", "NIK_SEX_MISMATCH"),
    "missing_nik": ("rejected", "REQUIRED_MISSING"),
    "missing_name": ("rejected", "REQUIRED_MISSING"),
    "missing_birth_date": ("rejected", "REQUIRED_MISSING"),
    "missing_village": ("rejected", "REQUIRED_MISSING"),
    "outside": ("rejected", "OUTSIDE_REGENCY"),
    "region_unknown": ("review", "REGION_UNKNOWN"),
    "age_young": ("rejected", "AGE_OUT_OF_RANGE"),
    "age_old": ("rejected", "AGE_OUT_OF_RANGE"),
    "enrolled": ("rejected", "ALREADY_ENROLLED"),
    "deceased": ("rejected", "DECEASED"),
    "asn": ("rejected", "ASN"),
    "dup_exact": ("rejected", "DUPLICATE"),
    "dup_name": ("rejected", "DUPLICATE"),
    "dup_nik": ("review", "DUPLICATE"),
}

_EPOCH = dt.date(1970, 1, 1)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


# ---------------------------------------------------------------------------------------------
# Geography


@dataclass(frozen=True)
class Geo:
    """Villages of the area, villages outside it, and names that resolve nowhere."""

    village_code: tuple[str, ...]
    village_name: tuple[str, ...]
    village_kind: tuple[str, ...]  # desa | kelurahan
    district_code: tuple[str, ...]
    district_name: tuple[str, ...]
    weight: np.ndarray
    outside: tuple[tuple[str, str, str, str], ...]  # (code, name, kind, district name)
    unknown_village: tuple[str, ...]
    unknown_district: tuple[str, ...]
    typos: dict[str, tuple[str, ...]]  # village code → resolvable misspellings
    districts: tuple[tuple[str, str], ...]  # (code, name) of the area's kecamatan


def _lev(a: str, b: str) -> int:
    return int(Levenshtein.distance(a, b))


@lru_cache(maxsize=4)
def geo(area_code: str = AREA_CODE) -> Geo:
    """The area's villages (with a fixed size weight), outside villages and unknown names."""
    area = area_table(area_code)
    districts = area.filter(pl.col("level") == LEVEL_DISTRICT).sort("code")
    dname = dict(zip(districts["code"], districts["name"], strict=True))
    villages = area.filter(pl.col("level") == LEVEL_VILLAGE).sort("code")
    if villages.height == 0:
        raise ValueError(f"wilayah {area_code} tidak punya desa/kelurahan")
    vcodes = tuple(villages["code"].to_list())
    vnames = tuple(villages["name"].to_list())
    vkinds = tuple(villages["kind"].to_list())
    vdist = tuple(c.rsplit(".", 1)[0] for c in vcodes)
    wrng = np.random.default_rng(7413)
    weight = wrng.lognormal(0.0, 0.35, len(vcodes)) * np.where(np.array(vkinds) == "kelurahan", 1.6, 1.0)
    weight = weight / weight.sum()
    local_names = {n.lower() for n in vnames} | {n.lower() for n in dname.values()}

    outside: list[tuple[str, str, str, str]] = []
    for other in ("74.03", "74.71"):
        if other == area_code:
            continue
        tab = area_table(other)
        onames = dict(zip(tab["code"], tab["name"], strict=True))
        for code, name, kind in tab.filter(pl.col("level") == LEVEL_VILLAGE).select("code", "name", "kind").iter_rows():
            dn = onames.get(code.rsplit(".", 1)[0], "")
            if name.lower() in local_names or dn.lower() in local_names:
                continue
            outside.append((code, name, kind, dn))

    all_names = set(region_table().get_column("name").str.to_lowercase().to_list())
    syll = ("wa", "la", "ka", "ma", "lo", "ba", "to", "ko", "sa", "ta", "bu", "ri", "nde", "mbo", "gu", "pe", "ro")
    urng = np.random.default_rng(2014)
    unknown: list[str] = []
    while len(unknown) < 60:
        k = int(urng.integers(3, 5))
        word = "".join(syll[int(i)] for i in urng.integers(0, len(syll), k))
        cand = word.capitalize()
        low = cand.lower()
        if low in all_names or cand in unknown or any(_lev(low, n) <= 3 for n in local_names):
            continue
        unknown.append(cand)
    unknown_villages, unknown_districts = tuple(unknown[:45]), tuple(unknown[45:])

    typos: dict[str, tuple[str, ...]] = {}
    lowered = [n.lower() for n in vnames]
    for code, name in zip(vcodes, vnames, strict=True):
        if len(name) < 6 or " " in name or "-" in name:
            continue
        cands = []
        for i in range(2, len(name) - 1):
            for variant in (name[:i] + name[i + 1 :], name[:i] + name[i] + name[i:]):
                low = variant.lower()
                if low != name.lower() and all(_lev(low, o) >= 3 for o in lowered if o != name.lower()):
                    cands.append(variant)
        if cands:
            typos[code] = tuple(dict.fromkeys(cands))
    return Geo(
        village_code=vcodes,
        village_name=vnames,
        village_kind=vkinds,
        district_code=vdist,
        district_name=tuple(dname[d] for d in vdist),
        weight=weight,
        outside=tuple(outside),
        unknown_village=unknown_villages,
        unknown_district=unknown_districts,
        typos=typos,
        districts=tuple(zip(districts["code"], districts["name"], strict=True)),
    )


# ---------------------------------------------------------------------------------------------
# Population


def _choice(rng: np.random.Generator, options: Sequence[tuple[str, float]], n: int) -> np.ndarray:
    p = np.array([w for _, w in options], dtype=float)
    idx = rng.choice(len(options), size=n, p=p / p.sum())
    return np.array([o for o, _ in options], dtype=object)[idx]


def _ordinal(d: dt.date) -> int:
    return (d - _EPOCH).days


def make_people(
    rng: np.random.Generator,
    n: int,
    *,
    pid0: int = 0,
    born_lo: dt.date = dt.date(1962, 7, 1),
    born_hi: dt.date = dt.date(2008, 6, 30),
    outside: bool = False,
    honorer: bool = False,
    area_code: str = AREA_CODE,
) -> pl.DataFrame:
    """``n`` synthetic residents (or, with ``outside``, people living in Muna or Kendari).

    Columns: ``pid, nik, name, prefix, given, family, sex, birth_date, birth_place, address,
    village_code, village_name, village_kind, district_code, district_name, reg_district,
    occupation, occupation_code, phone, decile``. NIKs are unique within the frame only; use
    :func:`unique_niks` when frames are combined.
    """
    g = geo(area_code)
    female = rng.random(n) < 0.5
    born = rng.integers(_ordinal(born_lo), _ordinal(born_hi) + 1, n)
    birth = [_EPOCH + dt.timedelta(days=int(b)) for b in born]
    mp = _choice(rng, MALE_PREFIX, n)
    fp = _choice(rng, FEMALE_PREFIX, n)
    prefix = np.where(female, fp, mp)
    mg = np.array(MALE_GIVEN, dtype=object)[rng.integers(0, len(MALE_GIVEN), n)]
    fg = np.array(FEMALE_GIVEN, dtype=object)[rng.integers(0, len(FEMALE_GIVEN), n)]
    given = np.where(female, fg, mg)
    fam = np.array(FAMILY, dtype=object)[rng.integers(0, len(FAMILY), n)]
    family = np.where(rng.random(n) < 0.68, fam, "")
    # a lone given name without prefix or family is common ("Hasna", "Jumadil")
    name = [" ".join(p for p in (a, b, c) if p) for a, b, c in zip(prefix, given, family, strict=True)]

    if outside:
        picks = rng.integers(0, len(g.outside), n)
        vcode = [g.outside[i][0] for i in picks]
        vname = [g.outside[i][1] for i in picks]
        vkind = [g.outside[i][2] for i in picks]
        dcode = [c.rsplit(".", 1)[0] for c in vcode]
        dname = [g.outside[i][3] for i in picks]
    else:
        picks = rng.choice(len(g.village_code), size=n, p=g.weight)
        vcode = [g.village_code[i] for i in picks]
        vname = [g.village_name[i] for i in picks]
        vkind = [g.village_kind[i] for i in picks]
        dcode = [g.district_code[i] for i in picks]
        dname = [g.district_name[i] for i in picks]

    # NIK prefix: where the person was first registered, not where they live (DOMAIN.md §5)
    r = rng.random(n)
    young = born >= _ordinal(dt.date(2012, 1, 1))
    p_muna = np.where(young, 0.10, 0.42)
    muna_old = np.array(_MUNA_OLD_DISTRICTS, dtype=object)[rng.integers(0, len(_MUNA_OLD_DISTRICTS), n)]
    other = np.array(_OTHER_DISTRICTS, dtype=object)[rng.integers(0, len(_OTHER_DISTRICTS), n)]
    own = np.array(dcode, dtype=object)
    if outside:
        reg = np.where(r < 0.75, own, np.where(r < 0.95, muna_old, other))
    else:
        reg = np.where(r < p_muna, muna_old, np.where(r < p_muna + 0.06, other, own))
    sex = np.where(female, "P", "L")
    frame = pl.DataFrame(
        {
            "pid": np.arange(pid0, pid0 + n, dtype=np.int64),
            "reg_district": reg.astype(str),
            "birth_date": pl.Series(birth, dtype=pl.Date),
            "sex": sex.astype(str),
            "h": rng.integers(0, 9999, n),
        }
    )
    frame = frame.with_columns(
        (
            (
                pl.col("h").first().over("reg_district", "birth_date", "sex")
                + pl.int_range(pl.len()).over("reg_district", "birth_date", "sex")
            )
            % 9999
            + 1
        ).alias("serial")
    )
    niks = [
        make_nik(d, b, s, int(k)) for d, b, s, k in zip(frame["reg_district"], birth, sex, frame["serial"], strict=True)
    ]
    occ = HONORER if honorer else OCCUPATIONS
    ow = np.array([w for _, _, w in occ], dtype=float)
    oi = rng.choice(len(occ), size=n, p=ow / ow.sum())
    places = _choice(rng, BIRTH_PLACES, n)
    place_is_village = rng.random(n) < 0.25
    birth_place = np.where(place_is_village, np.array(vname, dtype=object), places)
    phone_num = rng.integers(10**9, 10**10, n)
    phone_pre = np.array(["081", "082", "085", "087", "089", "083"], dtype=object)[rng.integers(0, 6, n)]
    phone = [f"{a}{b:09d}"[:12] for a, b in zip(phone_pre, phone_num % 10**9, strict=True)]
    return pl.DataFrame(
        {
            "pid": frame["pid"],
            "nik": niks,
            "name": name,
            "prefix": prefix.astype(str),
            "given": given.astype(str),
            "family": family.astype(str),
            "sex": sex.astype(str),
            "birth_date": pl.Series(birth, dtype=pl.Date),
            "birth_place": birth_place.astype(str),
            "address": [f"Dusun {int(x)}" for x in rng.integers(1, 5, n)],
            "village_code": vcode,
            "village_name": vname,
            "village_kind": vkind,
            "district_code": dcode,
            "district_name": dname,
            "reg_district": reg.astype(str),
            "occupation": [occ[i][0] for i in oi],
            "occupation_code": [occ[i][1] for i in oi],
            "phone": phone,
            "decile": pl.Series(rng.integers(1, 6, n), dtype=pl.Int8),
        }
    )


def unique_niks(frame: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Give a new serial to every row whose NIK repeats an earlier row's (the first keeps it)."""
    for _ in range(50):
        dup = frame.select(pl.col("nik").is_first_distinct().not_()).to_series().to_numpy()
        if not dup.any():
            return frame
        idx = np.flatnonzero(dup)
        niks = frame["nik"].to_list()
        for i in idx:
            niks[i] = f"{niks[i][:12]}{int(rng.integers(1, 10000)):04d}"
        frame = frame.with_columns(pl.Series("nik", niks))
    raise RuntimeError("NIK unik tidak dapat dibentuk")


# ---------------------------------------------------------------------------------------------
# Result types


@dataclass
class NominationSource:
    """One nomination file: its layout and its rows (display values + truth)."""

    name: str  # file stem, e.g. usulan-2026-desa-wakoila
    kind: str  # desa | opd
    fmt: str  # xlsx | csv
    title: tuple[str, ...]  # lines above the header ("" = blank line)
    headers: tuple[tuple[str, str], ...]  # (field, header text) in column order
    delimiter: str = ","
    village_code: str | None = None
    opd: str | None = None
    segment: str = SEGMENT_RENTAN
    rows: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def filename(self) -> str:
        return f"{self.name}.{self.fmt}"

    @property
    def truth(self) -> pl.DataFrame:
        return self.rows.select(TRUTH_COLUMNS)


TRUTH_COLUMNS: tuple[str, ...] = ("row", "status", "reasons", "group", "region_code", "defect", "person")


@dataclass
class DemoData:
    """Everything :func:`generate_demo` makes."""

    seed: int
    people: pl.DataFrame
    registry_persons: pl.DataFrame
    enrollments: pl.DataFrame
    sources: list[NominationSource]
    references: dict[str, pl.DataFrame]
    as_of: dt.date = AS_OF
    area_code: str = AREA_CODE
    claims: pl.DataFrame = field(default_factory=pl.DataFrame)

    @property
    def nominations(self) -> int:
        return sum(s.rows.height for s in self.sources)

    def truth(self) -> pl.DataFrame:
        """The truth of every file, with a ``source`` column."""
        return pl.concat([s.truth.with_columns(pl.lit(s.name).alias("source")) for s in self.sources], how="vertical")


# ---------------------------------------------------------------------------------------------
# Nomination rows


def _counts(rng: np.random.Generator, n: int, rates: dict[str, float], defects: bool) -> dict[str, int]:
    if not defects:
        return {"base": n, "dup": 0, "twin": 0, "namesake": 0} | dict.fromkeys(rates, 0)

    def draw(rate: float) -> int:  # stochastic rounding keeps the rates in small files
        return int(n * rate + rng.random())

    out = {key: draw(v) for key, v in rates.items()}
    out["dup"] = draw(_DUP_RATE)
    out["twin"] = draw(_TWIN_RATE)
    out["namesake"] = draw(_NAMESAKE_RATE)
    repeats = ("dup", "twin", "namesake")  # rows made from clean rows of the same file

    def settle() -> None:
        out["base"] = n - sum(out[k] for k in repeats)
        out["clean"] = out["base"] - sum(out[k] for k in rates)

    settle()
    while out["clean"] < 0:  # tiny files: fewer defects
        out[max(rates, key=lambda k: out[k])] -= 1
        settle()
    while out["clean"] < sum(out[k] for k in repeats):  # every repeat needs its own clean source row
        out[max(repeats, key=lambda k: out[k])] -= 1
        settle()
    return out


@dataclass
class _Pools:
    """People to draw nominees from; nobody is drawn twice. A village file takes the people of
    its village first (then, when those run out, people of other villages)."""

    frames: dict[str, pl.DataFrame]
    used: dict[str, np.ndarray] = field(default_factory=dict)
    villages: dict[str, np.ndarray] = field(default_factory=dict)

    def _used(self, pool: str) -> np.ndarray:
        if pool not in self.used:
            self.used[pool] = np.zeros(self.frames[pool].height, dtype=bool)
        return self.used[pool]

    def left(self, pool: str) -> int:
        return int((~self._used(pool)).sum())

    def take(self, pool: str, k: int, village: str | None = None) -> pl.DataFrame:
        frame = self.frames[pool]
        if k <= 0:
            return frame.clear()
        free = ~self._used(pool)
        if village is not None:
            if pool not in self.villages:
                self.villages[pool] = frame["village_code"].to_numpy()
            here = self.villages[pool] == village
            idx = np.flatnonzero(free & here)[:k]
            if len(idx) < k:
                idx = np.concatenate([idx, np.flatnonzero(free & ~here)[: k - len(idx)]])
        else:
            idx = np.flatnonzero(free)[:k]
        if len(idx) < k:
            raise RuntimeError(f"pool {pool} exhausted ({len(idx)} < {k})")
        self.used[pool][idx] = True
        return frame[idx]


def _stated(people: pl.DataFrame, defect: str) -> pl.DataFrame:
    """Rows as they would be written for ``people``, before defects and noise."""
    return people.select(
        pl.col("pid").alias("person"),
        pl.col("nik").alias("s_nik"),
        pl.col("nik").alias("true_nik"),
        pl.col("name").alias("s_name"),
        pl.col("sex").alias("s_sex"),
        pl.col("sex").alias("true_sex"),
        pl.col("birth_date").alias("s_birth"),
        pl.col("birth_date").alias("true_birth"),
        pl.col("birth_place").alias("s_place"),
        pl.col("address").alias("s_address"),
        pl.col("village_name").alias("s_village"),
        pl.col("village_kind").alias("s_vkind"),
        pl.col("district_name").alias("s_district"),
        pl.col("village_code").alias("region_code"),
        pl.col("occupation").alias("s_occupation"),
        pl.col("phone").alias("s_phone"),
        pl.col("decile").alias("s_decile"),
        pl.lit("s").alias("nik_kind"),
        pl.lit(defect).alias("defect"),
    )


def _apply_defect(frame: pl.DataFrame, defect: str, rng: np.random.Generator, g: Geo) -> pl.DataFrame:
    """Change the stated values of ``frame`` (all rows carry ``defect``)."""
    n = frame.height
    if n == 0:
        return frame
    if defect == "nik_invalid":
        kinds = rng.choice(
            ["nik_invalid_length", "nik_invalid_char", "nik_invalid_scientific", "nik_invalid_date"],
            size=n, p=[0.4, 0.2, 0.25, 0.15],
        )  # fmt: skip
        niks = frame["s_nik"].to_list()
        nk = ["s"] * n
        for i, kind in enumerate(kinds):
            nik = niks[i]
            pos = int(rng.integers(6, 16))
            if kind == "nik_invalid_length":
                niks[i] = (
                    nik[:pos] + nik[pos + 1 :]
                    if rng.random() < 0.6
                    else nik[:pos] + str(rng.integers(0, 10)) + nik[pos:]
                )
            elif kind == "nik_invalid_char":
                niks[i] = nik[:pos] + "O" + nik[pos + 1 :]
            elif kind == "nik_invalid_scientific":
                # Excel showed it as 7,41301E+15: only 6 digits survive
                niks[i] = f"{int(nik[:6]) / 10**5:.5f}E+15"
                nk[i] = "sci"
            else:  # month 13 or 00: an impossible date segment
                niks[i] = nik[:8] + ("13" if rng.random() < 0.5 else "00") + nik[10:]
        return frame.with_columns(
            pl.Series("s_nik", niks, dtype=pl.Utf8), pl.Series("nik_kind", nk), pl.Series("defect", kinds.astype(str))
        )
    if defect == "nik_sex":
        return frame.with_columns(
            pl.when(pl.col("s_sex") == "L").then(pl.lit("P")).otherwise(pl.lit("L")).alias("s_sex")
        )
    if defect == "nik_birthdate":
        births: list[dt.date] = frame["s_birth"].to_list()
        out: list[dt.date] = []
        for b in births:
            r = rng.random()
            if r < 0.3 and b.day <= 12 and b.day != b.month:
                new = dt.date(b.year, b.day, b.month)
            elif r < 0.6:
                year = b.year + (1 if rng.random() < 0.5 else -1)
                new = dt.date(year, b.month, min(b.day, 28))
            else:
                new = b + dt.timedelta(days=int(rng.integers(1, 60)) * (1 if rng.random() < 0.5 else -1))
            if new == b:
                new = b + dt.timedelta(days=3)
            out.append(new)
        return frame.with_columns(pl.Series("s_birth", out, dtype=pl.Date))
    if defect == "missing":
        kinds = rng.choice(
            ["missing_name", "missing_birth_date", "missing_village", "missing_nik"], size=n, p=[0.35, 0.3, 0.25, 0.1]
        )
        k = pl.Series("k", kinds.astype(str))
        return (
            frame.with_columns(k)
            .with_columns(
                pl.when(pl.col("k") == "missing_name").then(None).otherwise(pl.col("s_name")).alias("s_name"),
                pl.when(pl.col("k") == "missing_birth_date").then(None).otherwise(pl.col("s_birth")).alias("s_birth"),
                pl.when(pl.col("k") == "missing_village").then(None).otherwise(pl.col("s_village")).alias("s_village"),
                pl.when(pl.col("k") == "missing_village")
                .then(None)
                .otherwise(pl.col("region_code"))
                .alias("region_code"),
                pl.when(pl.col("k") == "missing_nik").then(None).otherwise(pl.col("s_nik")).alias("s_nik"),
                pl.col("k").alias("defect"),
            )
            .drop("k")
        )
    if defect == "region_unknown":
        uv = [g.unknown_village[int(i)] for i in rng.integers(0, len(g.unknown_village), n)]
        real = [g.districts[int(i)][1] for i in rng.integers(0, len(g.districts), n)]
        fake = [g.unknown_district[int(i)] for i in rng.integers(0, len(g.unknown_district), n)]
        ud = [a if rng.random() < 0.5 else b for a, b in zip(real, fake, strict=True)]
        return frame.with_columns(
            pl.Series("s_village", uv, dtype=pl.Utf8),
            pl.Series("s_district", ud, dtype=pl.Utf8),
            pl.lit("desa").alias("s_vkind"),
            pl.lit(None, dtype=pl.Utf8).alias("region_code"),
        )
    if defect == "village_typo":
        villages = frame["s_village"].to_list()
        codes = frame["region_code"].to_list()
        typed: list[str] = []
        for v, c in zip(villages, codes, strict=True):
            opts = g.typos.get(c)
            typed.append(opts[int(rng.integers(0, len(opts)))] if opts else v)
        return frame.with_columns(pl.Series("s_village", typed, dtype=pl.Utf8))
    return frame


_SWAPS = (
    ("Muhammad ", ("Muhamad ", "Moh. ", "Muh. ", "Mohammad ")),
    ("La Ode ", ("Laode ",)),
    ("Wa Ode ", ("Waode ",)),
    ("Sitti ", ("Siti ",)),
    ("Siti ", ("Sitti ",)),
)


def name_variant(name: str, rng: np.random.Generator) -> str:
    """Another way the same name gets typed: a spelling variant, swapped letters or a moved space."""
    options = [name.replace(a, b, 1) for a, bs in _SWAPS if a in name + " " for b in bs]
    options = [o for o in options if o != name]
    if options and rng.random() < 0.7:
        return options[int(rng.integers(0, len(options)))]
    tokens = name.split(" ")
    t = max(range(len(tokens)), key=lambda i: len(tokens[i]))
    tok = tokens[t]
    if len(tok) >= 4:
        i = int(rng.integers(1, len(tok) - 2))
        if rng.random() < 0.7 and tok[i] != tok[i + 1]:
            tokens[t] = tok[:i] + tok[i + 1] + tok[i] + tok[i + 2 :]
            return " ".join(tokens)
        if t + 1 < len(tokens):  # misplaced space: "Agus Malik" → "Agu sMalik"
            tokens[t], tokens[t + 1] = tok[:-1], tok[-1] + tokens[t + 1]
            return " ".join(tokens)
    return name.upper() if name != name.upper() else name.title()


def _mistype_nik(nik: str, rng: np.random.Generator, taken: set[str]) -> str:
    """The same NIK with one serial digit wrong (or two swapped): still a valid NIK."""
    for _ in range(100):
        s = list(nik[12:])
        i = int(rng.integers(0, 4))
        if rng.random() < 0.3 and i < 3 and s[i] != s[i + 1]:
            s[i], s[i + 1] = s[i + 1], s[i]
        else:
            s[i] = str((int(s[i]) + int(rng.integers(1, 10))) % 10)
        cand = nik[:12] + "".join(s)
        if cand[12:] != "0000" and cand not in taken:
            return cand
    raise RuntimeError("cannot mistype NIK")


# ---------------------------------------------------------------------------------------------
# Display (noise that never changes a decision)


def _format(rows: pl.DataFrame, rng: np.random.Generator, fmt: str, *, noise: bool, ttl: bool) -> pl.DataFrame:
    n = rows.height
    r = pl.DataFrame(
        {
            "_nikn": rng.choice(6, n, p=[0.55, 0.14, 0.06, 0.09, 0.04, 0.12]) if noise else np.zeros(n, np.int64),
            "_namen": rng.choice(3, n, p=[0.6, 0.3, 0.1]) if noise else np.zeros(n, np.int64),
            "_sexn": rng.integers(0, 4, n) if noise else np.zeros(n, np.int64),
            "_daten": rng.choice(6, n, p=[0.3, 0.22, 0.08, 0.12, 0.2, 0.08]) if noise else np.zeros(n, np.int64),
            "_vpre": rng.choice(3, n, p=[0.55, 0.22, 0.23]) if noise else np.zeros(n, np.int64),
            "_vcase": rng.choice(3, n, p=[0.65, 0.3, 0.05]) if noise else np.zeros(n, np.int64),
            "_dpre": rng.choice(2, n, p=[0.65, 0.35]) if noise else np.zeros(n, np.int64),
            "_dcase": rng.choice(3, n, p=[0.7, 0.27, 0.03]) if noise else np.zeros(n, np.int64),
            "_occ": rng.choice(3, n, p=[0.85, 0.1, 0.05]) if noise else np.zeros(n, np.int64),
            "_opt": rng.random(n),
        }
    )
    rows = pl.concat([rows, r], how="horizontal")
    xlsx = fmt != "csv"
    nik = pl.col("s_nik")
    digits16 = nik.str.contains(r"^\d{16}$").fill_null(False)
    nik_kind = (
        pl.when(pl.col("nik_kind") == "sci").then(pl.lit("sci"))
        .when((pl.col("_nikn") == 5) & digits16 & pl.lit(xlsx)).then(pl.lit("n"))
        .otherwise(pl.lit("s"))
    )  # fmt: skip
    nik_s = (
        pl.when(pl.col("nik_kind") == "sci").then(nik)
        .when(pl.col("_nikn") == 1).then(pl.lit("'") + nik)
        .when(pl.col("_nikn") == 2).then(pl.lit(" ") + nik + pl.lit(" "))
        .when((pl.col("_nikn") == 3) & digits16).then(
            nik.str.slice(0, 6) + pl.lit(" ") + nik.str.slice(6, 6) + pl.lit(" ") + nik.str.slice(12, 4))
        .when((pl.col("_nikn") == 4) & digits16).then(
            nik.str.slice(0, 2) + pl.lit(".") + nik.str.slice(2, 2) + pl.lit(".") + nik.str.slice(4, 2)
            + pl.lit(".") + nik.str.slice(6, 10))
        .otherwise(nik)
    )  # fmt: skip
    name = pl.col("s_name")
    name_s = (
        pl.when(pl.col("_namen") == 1).then(name.str.to_uppercase())
        .when(pl.col("_namen") == 2).then(pl.lit("  ") + name.str.replace_all(" ", "  ", literal=True) + pl.lit(" "))
        .otherwise(name)
    )  # fmt: skip
    male = pl.col("s_sex") == "L"
    sex_s = (
        pl.when(pl.col("_sexn") == 0).then(pl.when(male).then(pl.lit("L")).otherwise(pl.lit("P")))
        .when(pl.col("_sexn") == 1).then(pl.when(male).then(pl.lit("l")).otherwise(pl.lit("p")))
        .when(pl.col("_sexn") == 2).then(pl.when(male).then(pl.lit("Laki-laki")).otherwise(pl.lit("Perempuan")))
        .otherwise(pl.when(male).then(pl.lit("LAKI-LAKI")).otherwise(pl.lit("PEREMPUAN")))
    )  # fmt: skip
    b = pl.col("s_birth")
    month_name = b.dt.month().replace_strict(
        {i + 1: m for i, m in enumerate(MONTHS_ID)}, return_dtype=pl.Utf8, default=None
    )
    serial = (b.cast(pl.Int64) + (_EPOCH - _EXCEL_EPOCH).days).cast(pl.Utf8)
    daten = pl.col("_daten")
    if ttl:  # inside "Tempat, tanggal" only text is possible
        daten = pl.when(daten >= 4).then(daten - 4).otherwise(daten)
    date_kind = (
        pl.when(b.is_null()).then(pl.lit("s"))
        .when((daten == 4) & pl.lit(xlsx)).then(pl.lit("d"))
        .when(daten == 5).then(pl.lit("n"))
        .otherwise(pl.lit("s"))
    )  # fmt: skip
    date_s = (
        pl.when(daten == 0).then(b.dt.strftime("%d-%m-%Y"))
        .when(daten == 1).then(b.dt.strftime("%d/%m/%Y"))
        .when(daten == 2).then(b.dt.strftime("%Y-%m-%d"))
        .when(daten == 3).then(
            b.dt.day().cast(pl.Utf8) + pl.lit(" ") + month_name + pl.lit(" ") + b.dt.year().cast(pl.Utf8))
        .when(daten == 4).then(b.dt.strftime("%Y-%m-%d"))
        .otherwise(serial)
    )  # fmt: skip
    v = pl.col("s_village")
    kel = pl.col("s_vkind") == "kelurahan"
    vpre = (
        pl.when(pl.col("_vpre") == 0).then(pl.lit(""))
        .when(pl.col("_vpre") == 1).then(pl.when(kel).then(pl.lit("Kel. ")).otherwise(pl.lit("Ds. ")))
        .otherwise(pl.when(kel).then(pl.lit("Kelurahan ")).otherwise(pl.lit("Desa ")))
    )  # fmt: skip
    village = vpre + v
    village_s = (
        pl.when(v.is_null()).then(pl.lit(""))
        .when(pl.col("_vcase") == 1).then(village.str.to_uppercase())
        .when(pl.col("_vcase") == 2).then(village.str.to_lowercase())
        .otherwise(village)
    )  # fmt: skip
    d = pl.when(pl.col("_dpre") == 1).then(pl.lit("Kec. ") + pl.col("s_district")).otherwise(pl.col("s_district"))
    district_s = (
        pl.when(pl.col("_dcase") == 1).then(d.str.to_uppercase())
        .when(pl.col("_dcase") == 2).then(d.str.to_lowercase())
        .otherwise(d)
    )  # fmt: skip
    occ = pl.col("s_occupation")
    occ_s = pl.when(pl.col("_occ") == 1).then(occ.str.to_uppercase()).when(pl.col("_occ") == 2).then(
        occ.str.to_lowercase()).otherwise(occ)  # fmt: skip
    opt = pl.col("_opt")
    out = rows.with_columns(
        nik_kind.alias("nik_kind"),
        nik_s.fill_null("").alias("nik"),
        name_s.fill_null("").alias("name"),
        sex_s.alias("sex"),
        pl.when(opt < 0.04).then(pl.lit("")).otherwise(pl.col("s_place")).alias("birth_place"),
        date_kind.alias("date_kind"),
        date_s.fill_null("").alias("birth_date"),
        pl.col("s_address").alias("address"),
        village_s.alias("village"),
        district_s.fill_null("").alias("district"),
        occ_s.alias("occupation"),
        pl.when((opt > 0.9) & pl.lit(noise)).then(pl.lit("")).otherwise(pl.col("s_phone")).alias("phone"),
        pl.when((opt > 0.05) & (opt < 0.12) & pl.lit(noise))
        .then(pl.lit(""))
        .otherwise(pl.col("s_decile").cast(pl.Utf8))
        .alias("decile"),
    )
    if ttl:
        out = out.with_columns(
            pl.when(pl.col("birth_place") == "")
            .then(pl.col("birth_date"))
            .when(pl.col("birth_date") == "")
            .then(pl.col("birth_place"))
            .otherwise(pl.col("birth_place") + pl.lit(", ") + pl.col("birth_date"))
            .alias("ttl")
        )
    return out.drop(r.columns)


# ---------------------------------------------------------------------------------------------
# Layouts

_HEADER_VARIANTS: dict[str, tuple[str, ...]] = {
    "no": ("NO", "No", "No."),
    "nik": ("NIK", "No. NIK", "Nomor Induk Kependudukan", "NIK"),
    "name": ("Nama Lengkap", "Nama", "Nama Peserta"),
    "sex": ("L/P", "JK", "Jenis Kelamin"),
    "birth_place": ("Tempat Lahir",),
    "birth_date": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir"),
    "ttl": ("TTL", "Tempat, Tanggal Lahir"),
    "address": ("Alamat",),
    "village": ("Desa/Kelurahan", "Desa", "Desa/Kel", "Kelurahan"),
    "district": ("Kecamatan", "Kec."),
    "occupation": ("Pekerjaan",),
    "phone": ("No HP", "No. Telp", "No. HP"),
    "decile": ("Desil", "Desil DTKS"),
}


def _layout(
    rng: np.random.Generator, *, kind: str, title_place: str, noise: bool, ttl: bool
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    def pick(f: str) -> str:
        opts = _HEADER_VARIANTS[f]
        return opts[int(rng.integers(0, len(opts)))] if noise else opts[0]

    fields = ["no", "nik", "name", "sex"]
    fields += ["ttl"] if ttl else ["birth_place", "birth_date"]
    fields += ["address", "village", "district", "occupation", "phone"]
    if kind == "desa":
        fields.append("decile")
    headers = tuple((f, pick(f)) for f in fields)
    what = "PEKERJA RENTAN" if kind == "desa" else "TENAGA NON-ASN"
    titles = [
        f"DAFTAR USULAN CALON PESERTA BPJS KETENAGAKERJAAN {what}",
        f"{title_place.upper()} TAHUN ANGGARAN 2026",
        "",
    ]
    k = int(rng.choice(4, p=[0.15, 0.2, 0.25, 0.4])) if noise else 2
    return tuple(titles[:k] if k < 3 else titles), headers


# ---------------------------------------------------------------------------------------------
# The builder shared by the demo and the benchmark files


@dataclass
class _Spec:
    name: str
    kind: str
    fmt: str
    place: str
    village_code: str | None = None
    opd: str | None = None
    share: float = 0.0


@dataclass
class _Built:
    sources: list[NominationSource]
    people: pl.DataFrame
    references: dict[str, pl.DataFrame]
    registry_persons: pl.DataFrame
    enrollments: pl.DataFrame


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _registry(rng: np.random.Generator, people: pl.DataFrame, n_non_asn: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Persons and enrollments of 2022–2024 (``people`` is the registry population).

    Pekerja rentan are covered under the PKS from November 2022 (some joined in 2023 or 2024).
    Non-ASN staff were registered in July 2022 by the Pemda as employer (before the PKS: an
    enrollment without agreement) and continued under the PKS from November 2022. Coverage ends
    on 2024-12-31 (``end`` is exclusive: 2025-01-01), or at the end of the month of death.
    """
    n = people.height
    seg = np.array([SEGMENT_NON_ASN] * n_non_asn + [SEGMENT_RENTAN] * (n - n_non_asn), dtype=object)
    starts_r = (PKS_START, dt.date(2023, 1, 1), dt.date(2023, 2, 1), dt.date(2024, 1, 1))
    pick = rng.choice(4, n, p=[0.15, 0.25, 0.45, 0.15])
    kpj = rng.integers(10**10, 10**11, n)
    rows: dict[str, list[object]] = {k: [] for k in ("pid", "nik", "segment", "start", "end", "under_pks", "kpj")}

    def add(i: int, start: dt.date, end: dt.date, under_pks: bool) -> None:
        rows["pid"].append(pids[i])
        rows["nik"].append(niks[i])
        rows["segment"].append(str(seg[i]))
        rows["start"].append(start)
        rows["end"].append(end)
        rows["under_pks"].append(under_pks)
        rows["kpj"].append(f"{int(kpj[i]):011d}")

    pids = people["pid"].to_list()
    niks = people["nik"].to_list()
    for i, death in enumerate(people["death_date"].to_list()):
        end = PKS_END
        if death is not None and death < PKS_END:  # coverage stops at the end of the month of death
            end = dt.date(death.year + (death.month == 12), death.month % 12 + 1, 1)
        if seg[i] == SEGMENT_NON_ASN:
            add(i, NON_ASN_START, PKS_START, False)
            add(i, PKS_START, end, True)
        else:
            start = starts_r[int(pick[i])]
            add(i, start if start < end else PKS_START, end, True)
    enroll = pl.DataFrame(
        {
            "pid": pl.Series(rows["pid"], dtype=pl.Int64),
            "nik": pl.Series(rows["nik"], dtype=pl.Utf8),
            "segment": pl.Series(rows["segment"], dtype=pl.Utf8),
            "funder": FUNDER_APBD_KAB,
            "programmes": "JKK,JKM",
            "start": pl.Series(rows["start"], dtype=pl.Date),
            "end": pl.Series(rows["end"], dtype=pl.Date),
            "under_pks": pl.Series(rows["under_pks"], dtype=pl.Boolean),
            "kpj": pl.Series(rows["kpj"], dtype=pl.Utf8),
        }
    ).with_columns(
        pl.when(pl.col("segment") == SEGMENT_NON_ASN)
        .then(pl.lit(RATE_NON_ASN))
        .otherwise(pl.lit(RATE_RENTAN))
        .cast(pl.Int64)
        .alias("monthly_contribution")
    )
    persons = people.with_columns(pl.Series("segment", seg.astype(str)))
    return persons, enroll


def _build(
    rng: np.random.Generator,
    specs: list[_Spec],
    total: int,
    *,
    defects: bool,
    registry: int,
    area_code: str = AREA_CODE,
) -> _Built:
    g = geo(area_code)
    # rows per source
    shares = np.array([s.share for s in specs], dtype=float)
    per = np.floor(shares / shares.sum() * total).astype(int)
    per[np.argsort(-shares)[: total - per.sum()]] += 1
    if defects:  # room for the OPD staff also nominated by their village (see _cross_file)
        cross = sum(int(round(int(k) * _CROSS_RATE)) for s, k in zip(specs, per, strict=True) if s.kind == "opd")
        if cross and any(s.kind == "desa" for s in specs):
            order = [i for i in np.argsort(-shares) if specs[i].kind == "desa"]
            for j in range(cross):
                per[order[j % len(order)]] -= 1
    plans = [
        _counts(rng, int(k), _OPD_RATES if s.kind == "opd" else _VILLAGE_RATES, defects)
        for s, k in zip(specs, per, strict=True)
    ]
    need = {c: sum(p.get(c, 0) for p in plans) for c in ("clean", "base", "twin", "namesake", *_VILLAGE_RATES)}
    need["clean"] = sum(p.get("clean", p["base"]) for p in plans)
    opd_clean = sum(p.get("clean", p["base"]) for s, p in zip(specs, plans, strict=True) if s.kind == "opd")
    village_clean = need["clean"] - opd_clean
    ref_other = {k: int(round(v * total)) for k, v in {"enrolled": 0.1, "deaths": 0.04, "asn": 0.14}.items()}
    n_non_asn = int(round(registry * 2270 / 12694))
    n_rentan = registry - n_non_asn

    # --- population pools (main: residents of working age)
    renom_rentan = min(n_rentan, int(village_clean * 0.55))
    renom_non_asn = min(n_non_asn, int(opd_clean * 0.7))
    new_village = village_clean - renom_rentan
    new_opd = opd_clean - renom_non_asn
    n_reg_dead = int(round(registry * 0.025))
    n_reg_asn = int(round(n_non_asn * 0.06))
    main_n = (
        n_rentan + new_village + sum(need[k] for k in ("nik_sex", "missing", "nik_birthdate", "region_unknown",
                                                        "nik_invalid", "enrolled", "deceased", "asn"))
        + need["twin"] + need["namesake"] + sum(ref_other.values()) + n_reg_dead + 16
    )  # fmt: skip
    pid = 1
    main = make_people(rng, main_n, pid0=pid, area_code=area_code)
    pid += main_n
    non_asn_pop = make_people(
        rng, n_non_asn + new_opd + n_reg_dead + n_reg_asn + 8, pid0=pid, honorer=True, area_code=area_code
    )
    pid += non_asn_pop.height
    age_n = need["age"]
    young = make_people(rng, age_n, pid0=pid, born_lo=dt.date(2011, 3, 1), born_hi=dt.date(2016, 12, 31),
                        area_code=area_code)  # fmt: skip
    pid += age_n
    old = make_people(rng, age_n, pid0=pid, born_lo=dt.date(1940, 1, 1), born_hi=dt.date(1959, 12, 31),
                      area_code=area_code)  # fmt: skip
    pid += age_n
    outside = make_people(rng, need["outside"], pid0=pid, outside=True, area_code=area_code)
    pid += need["outside"]
    people = unique_niks(pl.concat([main, non_asn_pop, young, old, outside], how="vertical"), rng)
    # poverty (DOMAIN.md §7: 11.560 poor of whom 2.450 extreme, scaled to the demo size), drawn
    # mostly among the registry and the nominees of the main population
    scale = total / 14_000
    n_poor = min(main.height, int(round(11_560 * scale)))
    n_extreme = min(n_poor, int(round(2_450 * scale)))
    w = np.ones(main.height)
    w[: min(main.height, n_rentan + new_village)] = 4.0
    pov = rng.choice(main.height, size=n_poor, replace=False, p=w / w.sum())
    poor = np.zeros(people.height, dtype=bool)
    extreme = np.zeros(people.height, dtype=bool)
    poor[pov] = True
    extreme[pov[:n_extreme]] = True
    decile = np.where(extreme, 1, np.where(poor, 2, people["decile"].to_numpy().astype(np.int64) + 2))
    people = people.with_columns(
        pl.Series("poor", poor), pl.Series("extreme_poor", extreme), pl.Series("decile", decile, dtype=pl.Int8)
    )
    # re-split after the NIK fix
    main = people.slice(0, main.height)
    off = main.height
    non_asn_pop = people.slice(off, non_asn_pop.height)
    off += non_asn_pop.height
    young = people.slice(off, age_n)
    off += age_n
    old = people.slice(off, age_n)
    off += age_n
    outside = people.slice(off, need["outside"])

    # registry: the first n_rentan main people + the first n_non_asn honorer people
    reg_rentan = main.slice(0, n_rentan)
    reg_non = non_asn_pop.slice(0, n_non_asn)
    reg_people = pl.concat([reg_non, reg_rentan], how="vertical")
    dead_idx = (
        rng.choice(reg_people.height, size=min(n_reg_dead, reg_people.height), replace=False)
        if registry
        else np.array([], int)
    )
    death_dates: list[dt.date | None] = [None] * reg_people.height
    lo, hi = _ordinal(dt.date(2023, 3, 1)), _ordinal(dt.date(2025, 10, 31))
    for i in dead_idx:
        death_dates[int(i)] = _EPOCH + dt.timedelta(days=int(rng.integers(lo, hi)))
    reg_people = reg_people.with_columns(pl.Series("death_date", death_dates, dtype=pl.Date))
    dead_set = set(reg_people.filter(pl.col("death_date").is_not_null())["pid"].to_list())
    asn_candidates = [p for p in reg_non["pid"].to_list() if p not in dead_set]
    reg_asn = asn_candidates[:n_reg_asn]
    registry_persons, enrollments = (
        _registry(rng, reg_people, n_non_asn) if registry else (reg_people.clear(), pl.DataFrame())
    )

    # --- pools in the order they are consumed
    reg_rentan_alive = reg_rentan.filter(~pl.col("pid").is_in(list(dead_set)))
    reg_non_alive = reg_non.filter(~pl.col("pid").is_in(list(dead_set) + reg_asn))
    reg_dead = reg_people.filter(pl.col("pid").is_in(list(dead_set))).drop("death_date")
    new_main = main.slice(n_rentan, main.height - n_rentan)
    new_non = non_asn_pop.slice(n_non_asn, non_asn_pop.height - n_non_asn)
    pools = _Pools(
        {
            "reg_rentan": reg_rentan_alive.sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 30))),
            "reg_non": reg_non_alive,
            "reg_dead": reg_dead,
            "reg_asn": reg_people.filter(pl.col("pid").is_in(reg_asn)).drop("death_date"),
            "new": new_main,
            "new_non": new_non,
            "young": young,
            "old": old,
            "outside": outside,
        }
    )
    renom_rentan = min(renom_rentan, pools.left("reg_rentan"))
    renom_non_asn = min(renom_non_asn, pools.left("reg_non"))
    taken: set[str] = set(people["nik"].to_list())
    refs: dict[str, list[pl.DataFrame]] = {k: [] for k in REFERENCE_KINDS}
    dead_extra: list[dt.date] = []

    sources: list[NominationSource] = []
    ttl_any = False
    v_left_reg = renom_rentan
    v_left_new = village_clean - renom_rentan
    o_left_reg = renom_non_asn
    for spec, plan in zip(specs, plans, strict=True):
        clean_n = plan.get("clean", plan["base"])
        vc = spec.village_code  # village files draw their own residents first
        parts: list[pl.DataFrame] = []
        # clean rows: re-nominations from the registry and new people
        if spec.kind == "opd":
            k_reg = min(o_left_reg, int(round(clean_n * 0.7)))
            o_left_reg -= k_reg
            people_clean = pl.concat([pools.take("reg_non", k_reg), pools.take("new_non", clean_n - k_reg)])
        else:
            share = v_left_reg / max(v_left_reg + v_left_new, 1)
            k_reg = min(v_left_reg, int(round(clean_n * share)))
            v_left_reg -= k_reg
            v_left_new -= clean_n - k_reg
            people_clean = pl.concat([pools.take("reg_rentan", k_reg, vc), pools.take("new", clean_n - k_reg, vc)])
        clean = _stated(people_clean, "none")
        if defects and clean.height:
            typo = rng.random(clean.height) < _VILLAGE_TYPO_RATE
            if typo.any():
                idx = np.flatnonzero(typo)
                fixed = _apply_defect(
                    clean[idx].with_columns(pl.lit("village_typo").alias("defect")), "village_typo", rng, g
                )
                fixed = fixed.with_columns(
                    pl.when(pl.col("s_village") == clean[idx]["s_village"])
                    .then(pl.lit("none"))
                    .otherwise(pl.lit("village_typo"))
                    .alias("defect")
                )
                clean = pl.concat([clean.filter(~pl.Series(typo)), fixed])
        parts.append(clean)
        if defects:
            for defect in ("nik_sex", "missing", "nik_birthdate", "region_unknown", "nik_invalid"):
                k = plan.get(defect, 0)
                if k:
                    parts.append(_apply_defect(_stated(pools.take("new", k, vc), defect), defect, rng, g))
            k = plan.get("age", 0)
            if k:
                ky = k // 2 + (k % 2) * int(rng.integers(0, 2))
                parts.append(_stated(pools.take("young", ky, vc), "age_young"))
                parts.append(_stated(pools.take("old", k - ky, vc), "age_old"))
            if plan.get("outside", 0):
                parts.append(_stated(pools.take("outside", plan["outside"]), "outside"))
            if plan.get("enrolled", 0):
                who = pools.take("new", plan["enrolled"], vc)
                refs["enrolled"].append(who)
                parts.append(_stated(who, "enrolled"))
            k = plan.get("deceased", 0)
            if k:
                from_reg = min(k, pools.left("reg_dead"))
                who_new = pools.take("new", k - from_reg, vc)
                refs["deaths"].append(who_new)
                dead_extra.extend(
                    _EPOCH + dt.timedelta(days=int(x))
                    for x in rng.integers(_ordinal(dt.date(2024, 1, 1)), _ordinal(dt.date(2025, 12, 1)), who_new.height)
                )
                parts.append(_stated(pools.take("reg_dead", from_reg, vc), "deceased"))
                parts.append(_stated(who_new, "deceased"))
            k = plan.get("asn", 0)
            if k:
                from_reg = min(k, pools.left("reg_asn")) if spec.kind == "opd" else 0
                who_new = pools.take("new", k - from_reg, vc)
                refs["asn"].append(who_new)
                parts.append(_stated(pools.take("reg_asn", from_reg), "asn"))
                parts.append(_stated(who_new, "asn"))
        parts = [p for p in parts if p.height]
        if not parts:  # a village with no nominee in a tiny demo: no file
            continue
        base = pl.concat(parts, how="vertical")
        base = base.with_columns(pl.Series("pos", rng.random(base.height)))
        extra: list[pl.DataFrame] = []
        # duplicates of clean rows (same file, later position)
        clean_idx = np.flatnonzero(base["defect"].is_in(["none", "village_typo"]).to_numpy())
        rng.shuffle(clean_idx)
        n_dup = plan["dup"]
        n_src = len(clean_idx)
        dup_src = clean_idx[: min(n_dup, n_src)]
        twin_src = clean_idx[len(dup_src) : len(dup_src) + plan["twin"]]
        ns_src = clean_idx[len(dup_src) + len(twin_src) : len(dup_src) + len(twin_src) + plan["namesake"]]
        if len(dup_src):
            # ~10% of sources appear twice more, the rest once more
            dsrc = list(dup_src[: len(dup_src) - len(dup_src) // 11])
            dsrc += list(dup_src[: len(dup_src) // 11])
            src = base[np.array(dsrc)]
            kinds = rng.choice(["dup_exact", "dup_name", "dup_nik"], size=src.height, p=[0.42, 0.18, 0.40])
            names = src["s_name"].to_list()
            niks = src["s_nik"].to_list()
            for i, kind in enumerate(kinds):
                if kind == "dup_name":
                    names[i] = name_variant(names[i], rng)
                elif kind == "dup_nik":
                    niks[i] = _mistype_nik(niks[i], rng, taken)
                    taken.add(niks[i])
                    if rng.random() < 0.5:
                        names[i] = name_variant(names[i], rng)
            upos = rng.random(src.height)
            extra.append(
                src.with_columns(
                    pl.Series("s_name", names, dtype=pl.Utf8),
                    pl.Series("s_nik", niks, dtype=pl.Utf8),
                    pl.Series("defect", kinds.astype(str)),
                    (pl.col("pos") + (1 - pl.col("pos")) * pl.Series(upos)).alias("pos"),
                )
            )
        if len(twin_src):
            src_people = base[twin_src]
            extra.append(_twins(rng, src_people, taken, people_by_pid=people, pid0=pid))
            pid += len(twin_src)
        if len(ns_src):
            extra.append(_namesakes(rng, base[ns_src], taken, pid0=pid, area_code=area_code))
            pid += len(ns_src)
        rows = pl.concat([base, *extra], how="diagonal_relaxed").sort("pos")
        noise = defects
        ttl = spec.kind == "opd" and noise and rng.random() < 0.5
        ttl_any = ttl_any or ttl
        title, headers = _layout(rng, kind=spec.kind, title_place=spec.place, noise=noise, ttl=ttl)
        rows = _format(rows, rng, spec.fmt, noise=noise, ttl=ttl)
        rows = _truth(rows, len(title) + 1)
        delim = ";" if (noise and spec.fmt == "csv" and spec.kind == "desa" and rng.random() < 0.2) else ","
        sources.append(
            NominationSource(
                name=spec.name, kind=spec.kind, fmt=spec.fmt, title=title, headers=headers, delimiter=delim,
                village_code=spec.village_code, opd=spec.opd,
                segment=SEGMENT_NON_ASN if spec.kind == "opd" else SEGMENT_RENTAN, rows=rows,
            )
        )  # fmt: skip

    # cross-file: some OPD staff are also nominated by their home village (one more clean row there)
    if defects and any(s.kind == "opd" for s in sources):
        sources = _cross_file(rng, sources)

    # --- references: nominated ones + people who are not nominated
    used = set()
    for s in sources:
        used.update(s.rows["person"].to_list())
    spare = new_main.filter(~pl.col("pid").is_in(list(used))).slice(0, sum(ref_other.values()))
    o = 0
    for kind in REFERENCE_KINDS:
        refs[kind].append(spare.slice(o, ref_other[kind]))
        o += ref_other[kind]
    if reg_asn:
        refs["asn"].append(reg_people.filter(pl.col("pid").is_in(reg_asn)).drop("death_date"))
    references: dict[str, pl.DataFrame] = {}
    for kind in REFERENCE_KINDS:
        frames = [f.select("pid", "nik", "name", "birth_date") for f in refs[kind] if f.height]
        ref = (
            pl.concat(frames)
            if frames
            else pl.DataFrame(schema={"pid": pl.Int64, "nik": pl.Utf8, "name": pl.Utf8, "birth_date": pl.Date})
        )
        references[kind] = ref
    deaths = references["deaths"]
    reg_dead_rows = reg_people.filter(pl.col("death_date").is_not_null()).select(
        "pid", "nik", "name", "birth_date", "death_date"
    )
    n_new_dead = sum(f.height for f in refs["deaths"][:-1]) if refs["deaths"] else 0
    dd = dead_extra[:n_new_dead]
    dd += [
        _EPOCH + dt.timedelta(days=int(x))
        for x in rng.integers(_ordinal(dt.date(2022, 1, 1)), _ordinal(dt.date(2025, 12, 1)), deaths.height - len(dd))
    ]
    deaths = deaths.with_columns(pl.Series("death_date", dd, dtype=pl.Date))
    references["deaths"] = pl.concat([reg_dead_rows, deaths]).unique("pid", keep="first", maintain_order=True)
    for kind in REFERENCE_KINDS:
        references[kind] = references[kind].sample(fraction=1.0, shuffle=True, seed=int(rng.integers(1 << 30)))

    return _Built(sources, people, references, registry_persons, enrollments)


def _twins(
    rng: np.random.Generator, src: pl.DataFrame, taken: set[str], *, people_by_pid: pl.DataFrame, pid0: int
) -> pl.DataFrame:
    """A twin for each source row: same birth date, village, family name and prefix, other given name."""
    info = src.join(people_by_pid.select("pid", "prefix", "given", "family", "reg_district"), left_on="person",
                    right_on="pid", how="left")  # fmt: skip
    names, niks, sexes = [], [], []
    for prefix, given, family, reg, nik, birth in zip(
        info["prefix"],
        info["given"],
        info["family"],
        info["reg_district"],
        info["true_nik"],
        info["true_birth"],
        strict=True,
    ):
        female = rng.random() < 0.5
        pool = FEMALE_GIVEN if female else MALE_GIVEN
        other = given
        while other == given:
            other = pool[int(rng.integers(0, len(pool)))]
        pre = prefix
        if female and pre in ("La", "La Ode", "Muhammad"):
            pre = {"La": "Wa", "La Ode": "Wa Ode", "Muhammad": "Nur"}[pre]
        if not female and pre in ("Wa", "Wa Ode", "Nur", "Siti", "Sitti"):
            pre = {"Wa": "La", "Wa Ode": "La Ode"}.get(pre, "")
        names.append(" ".join(p for p in (pre, other, family or "") if p))
        sex = "P" if female else "L"
        serial = int(nik[12:])
        for step in range(1, 9999):
            cand = make_nik(reg or "74.13.01", birth, sex, (serial + step - 1) % 9999 + 1)
            if cand not in taken:
                break
        taken.add(cand)
        niks.append(cand)
        sexes.append(sex)
    n = src.height
    return src.with_columns(
        pl.Series("person", np.arange(pid0, pid0 + n, dtype=np.int64)),
        pl.Series("s_name", names, dtype=pl.Utf8),
        pl.Series("s_nik", niks, dtype=pl.Utf8),
        pl.Series("true_nik", niks, dtype=pl.Utf8),
        pl.Series("s_sex", sexes, dtype=pl.Utf8),
        pl.Series("true_sex", sexes, dtype=pl.Utf8),
        pl.lit("twin").alias("defect"),
        (pl.col("pos") + (1 - pl.col("pos")) * pl.Series(rng.random(n)) * 0.05).alias("pos"),
    )


def _namesakes(
    rng: np.random.Generator, src: pl.DataFrame, taken: set[str], *, pid0: int, area_code: str
) -> pl.DataFrame:
    """Another person with the same name, born 2–20 years apart, elsewhere in the area or the same village."""
    n = src.height
    fresh = make_people(rng, n, pid0=pid0, area_code=area_code)
    births = []
    niks = []
    for b, sex, reg in zip(src["true_birth"], src["true_sex"], fresh["reg_district"], strict=True):
        years = int(rng.integers(2, 21)) * (1 if rng.random() < 0.5 else -1)
        nb = dt.date(b.year + years, b.month, min(b.day, 28))
        if not dt.date(1962, 7, 1) <= nb <= dt.date(2008, 6, 30):
            nb = dt.date(b.year - years, b.month, min(b.day, 28))
        births.append(nb)
        for _ in range(1000):
            cand = make_nik(reg, nb, sex, int(rng.integers(1, 10000)))
            if cand not in taken:
                break
        taken.add(cand)
        niks.append(cand)
    same_village = rng.random(n) < 0.6
    out = _stated(fresh, "namesake").with_columns(
        pl.Series("s_name", src["s_name"].to_list(), dtype=pl.Utf8),
        pl.Series("s_sex", src["true_sex"].to_list(), dtype=pl.Utf8),
        pl.Series("true_sex", src["true_sex"].to_list(), dtype=pl.Utf8),
        pl.Series("s_birth", births, dtype=pl.Date),
        pl.Series("true_birth", births, dtype=pl.Date),
        pl.Series("s_nik", niks, dtype=pl.Utf8),
        pl.Series("true_nik", niks, dtype=pl.Utf8),
        pl.Series("pos", rng.random(n)),
    )
    keep = pl.Series(same_village)
    return out.with_columns(
        *[
            pl.when(keep).then(pl.Series(src[c].to_list(), dtype=src[c].dtype)).otherwise(pl.col(c)).alias(c)
            for c in ("s_village", "s_vkind", "s_district", "region_code")
        ]
    )


def _truth(rows: pl.DataFrame, header_row: int) -> pl.DataFrame:
    """Row numbers, duplicate clusters and the expected decision (rows are in file order)."""
    n = rows.height
    rows = rows.with_columns(
        pl.Series("row", np.arange(header_row + 1, header_row + 1 + n, dtype=np.int64)),
        pl.Series("no", np.arange(1, n + 1, dtype=np.int64)),
    )
    # clusters: rows of one person in this file (twins/namesakes are other persons)
    rows = rows.with_columns(pl.len().over("person").alias("_k"), pl.col("row").min().over("person").alias("_first"))
    firsts = rows.filter(pl.col("_k") > 1).select("_first").unique().sort("_first")
    gid = {int(f): f"g{i}" for i, f in enumerate(firsts["_first"].to_list(), 1)}
    status_map = {k: v[0] for k, v in DEFECT_TRUTH.items()}
    reason_map = {k: v[1] for k, v in DEFECT_TRUTH.items()}
    rows = rows.with_columns(
        pl.col("defect").replace_strict(status_map, return_dtype=pl.Utf8).alias("status"),
        pl.col("defect").replace_strict(reason_map, return_dtype=pl.Utf8).alias("reasons"),
        pl.when(pl.col("_k") > 1).then(pl.col("_first").replace_strict(gid, default=None, return_dtype=pl.Utf8))
        .otherwise(pl.lit("")).alias("group"),
    )  # fmt: skip
    # a later row whose NIK equals an earlier row's of its cluster is an exact duplicate
    dup_rows = rows.filter(pl.col("defect").str.starts_with("dup_"))
    if dup_rows.height:
        earlier = rows.filter(pl.col("_k") > 1).select("person", "row", "s_nik")
        j = dup_rows.select("person", "row", "s_nik").join(earlier, on="person", suffix="_e")
        exact = j.filter((pl.col("row_e") < pl.col("row")) & (pl.col("s_nik_e") == pl.col("s_nik")))["row"].unique()
        rows = rows.with_columns(
            pl.when(pl.col("defect").str.starts_with("dup_"))
            .then(pl.when(pl.col("row").is_in(exact.implode())).then(pl.lit("rejected")).otherwise(pl.lit("review")))
            .otherwise(pl.col("status")).alias("status")
        )  # fmt: skip
    return rows.drop("_k", "_first")


def _cross_file(rng: np.random.Generator, sources: list[NominationSource]) -> list[NominationSource]:
    """Copy ~3% of clean OPD rows into the home village's file as one more clean row."""
    by_village = {s.village_code: i for i, s in enumerate(sources) if s.kind == "desa"}
    adds: dict[int, list[pl.DataFrame]] = {}
    for s in sources:
        if s.kind != "opd":
            continue
        cand = s.rows.filter((pl.col("defect") == "none") & (pl.col("group") == ""))
        k = int(round(s.rows.height * _CROSS_RATE))
        if k == 0 or cand.height == 0:
            continue
        pick = cand.sample(n=min(k, cand.height), seed=int(rng.integers(1 << 30)))
        for code, part in pick.group_by("region_code", maintain_order=True):
            i = by_village.get(str(code[0]))
            if i is not None:
                adds.setdefault(i, []).append(part.with_columns(pl.lit("cross_file").alias("defect")))
    out = []
    for i, s in enumerate(sources):
        if i not in adds:
            out.append(s)
            continue
        base_cols = [c for c in s.rows.columns if c not in ("row", "no", "status", "reasons", "group")]
        extra = pl.concat([a.select(base_cols) for a in adds[i]], how="vertical_relaxed")
        extra = extra.with_columns(pl.Series("pos", rng.random(extra.height)))
        merged = pl.concat([s.rows.select(extra.columns), extra], how="vertical_relaxed").sort("pos")
        s.rows = _truth(merged, len(s.title) + 1)
        out.append(s)
    return out


# ---------------------------------------------------------------------------------------------
# Writers


def _csv_text_frame(src: NominationSource) -> pl.DataFrame:
    cols = []
    for f, header in src.headers:
        if f == "no":
            cols.append(pl.col("no").cast(pl.Utf8).alias(header))
        elif f == "nik":
            cols.append(pl.col("nik").alias(header))
        else:
            cols.append(pl.col(f).alias(header))
    # empty cells are written as nothing, not as ""
    return src.rows.select(cols).with_columns(pl.all().replace("", None))


def write_source(path: Path, src: NominationSource) -> Path:
    """Write one nomination file (csv or xlsx) as laid out in ``src``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if src.fmt == "csv":
        frame = _csv_text_frame(src)
        if src.delimiter == ";":  # a locale with decimal commas writes 7,41301E+15
            nik_h = dict(src.headers)["nik"]
            frame = frame.with_columns(pl.col(nik_h).str.replace(r"^(\d)\.(\d+E\+\d+)$", "$1,$2"))
        width = len(src.headers)
        with path.open("w", encoding="utf-8", newline="") as fh:
            for line in src.title:
                w = csv.writer(fh, delimiter=src.delimiter, lineterminator="\n")
                w.writerow([line] + [""] * (width - 1))
            fh.write(frame.write_csv(separator=src.delimiter, include_header=True, line_terminator="\n"))
        return path
    if src.fmt == "xlsx":
        _write_xlsx(path, src)
        return path
    raise ValueError(f"format {src.fmt!r} tidak didukung (csv atau xlsx)")


def _write_xlsx(path: Path, src: NominationSource) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                          "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
    wb.set_properties({"created": dt.datetime(2025, 12, 15, 8, 0, 0), "author": "ucjamsostek demo"})
    ws = wb.add_worksheet("Usulan 2026")
    bold = wb.add_format({"bold": True})
    datef = wb.add_format({"num_format": "dd/mm/yyyy"})
    r = 0
    for line in src.title:
        if line:
            ws.write_string(r, 0, line, bold)
        r += 1
    fields = [f for f, _ in src.headers]
    for c, (_, header) in enumerate(src.headers):
        ws.write_string(r, c, header, bold)
    r += 1
    rows = src.rows
    cols: dict[str, list[object]] = {f: rows[f].to_list() for f in fields if f in rows.columns}
    nik_kind = rows["nik_kind"].to_list()
    date_kind = rows["date_kind"].to_list()
    births = rows["s_birth"].to_list()
    n = rows.height
    for i in range(n):
        for c, f in enumerate(fields):
            v = cols[f][i]
            if f == "no":
                ws.write_number(r, c, float(v))  # type: ignore[arg-type]
            elif f == "nik":
                k = nik_kind[i]
                if k == "n":
                    ws.write_number(r, c, float(int(str(v))))
                elif k == "sci":
                    ws.write_number(r, c, float(str(v).replace(",", ".")))
                elif v:
                    ws.write_string(r, c, str(v))
            elif f == "birth_date" and date_kind[i] != "s":
                b = births[i]
                if date_kind[i] == "d":
                    ws.write_datetime(r, c, dt.datetime(b.year, b.month, b.day), datef)
                else:
                    ws.write_number(r, c, float((b - _EXCEL_EPOCH).days))
            elif f == "decile" and v:
                ws.write_number(r, c, float(str(v)))
            elif v:
                ws.write_string(r, c, str(v))
        r += 1
    wb.close()


def _truth_frame(src: NominationSource) -> pl.DataFrame:
    return src.truth.with_columns(pl.col("region_code").fill_null(""))


def write_truth(truth: pl.DataFrame, path: Path) -> Path:
    """Write a truth frame as csv with empty cells (not ``""``), like the sample's expected.csv."""
    text = [c for c, t in truth.schema.items() if t == pl.Utf8]
    path.parent.mkdir(parents=True, exist_ok=True)
    truth.with_columns(pl.col(text).replace("", None)).write_csv(path)
    return path


def reference_frame(ref: pl.DataFrame) -> pl.DataFrame:
    """A reference list in the file form ``nik,nama,tanggal_lahir`` (a deaths list also
    ``tanggal_meninggal``, as Dukcapil gives it: DESIGN.md §5.2)."""
    dated = []
    if "death_date" in ref.columns:
        dated = [pl.col("death_date").dt.strftime("%Y-%m-%d").alias("tanggal_meninggal")]
    return ref.select(
        pl.col("nik"),
        pl.col("name").alias("nama"),
        pl.col("birth_date").dt.strftime("%Y-%m-%d").alias("tanggal_lahir"),
        *dated,
    )


def _write_references(directory: Path, references: dict[str, pl.DataFrame], stem: str = "referensi") -> dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for kind, ref in references.items():
        path = directory / f"{stem}-{kind}.csv"
        reference_frame(ref).write_csv(path)
        out[kind] = path
    return out


# ---------------------------------------------------------------------------------------------
# Public API


def _village_specs(rng: np.random.Generator, area_code: str, opd_share: float) -> list[_Spec]:
    g = geo(area_code)
    names = [n.lower() for n in g.village_name]
    specs = []
    for code, name, dname, w in zip(g.village_code, g.village_name, g.district_name, g.weight, strict=True):
        slug = _slug(name) if names.count(name.lower()) == 1 else f"{_slug(name)}-{code.replace('.', '')}"
        fmt = "csv" if rng.random() < 0.25 else "xlsx"
        kind_word = "KELURAHAN" if g.village_kind[g.village_code.index(code)] == "kelurahan" else "DESA"
        specs.append(
            _Spec(
                f"usulan-2026-desa-{slug}",
                "desa",
                fmt,
                f"{kind_word} {name} KECAMATAN {dname}",
                village_code=code,
                share=float(w) * (1 - opd_share),
            )  # fmt: skip
        )
    ow = np.array([0.4, 0.25, 0.2, 0.15]) * opd_share
    for (stem, title), w in zip(OPD_LISTS, ow, strict=True):
        specs.append(
            _Spec(f"usulan-2026-{stem}", "opd", "xlsx", f"{title} KABUPATEN MUNA BARAT", opd=title, share=float(w))
        )
    return specs


def generate_demo(seed: int = 2026, nominations: int = 14_000, registry: int = 12_000) -> DemoData:
    """The demo dataset: population, registry 2022–2024, 2026 nominations with truth, references."""
    rng = np.random.default_rng(seed)
    specs = _village_specs(rng, AREA_CODE, opd_share=0.1)
    built = _build(rng, specs, nominations, defects=True, registry=registry)
    # drop the village files that ended up empty (tiny demos)
    sources = [s for s in built.sources if s.rows.height]
    claims = make_claims(np.random.default_rng(seed + 1), built.registry_persons, built.enrollments, registry / 12_000)
    return DemoData(
        seed=seed,
        people=built.people,
        registry_persons=built.registry_persons,
        enrollments=built.enrollments,
        sources=sources,
        references=built.references,
        claims=claims,
    )


CLAIMS_COUNT = 120  # claims paid since the programme began (Rakor Monev, July 2025; DOMAIN.md §7)
CLAIMS_TOTAL = 4_960_000_000  # their worth, Rp4,96 miliar
JKM_BENEFIT = 42_000_000  # PP 82/2019: lump sum + periodic + funeral


def make_claims(
    rng: np.random.Generator, persons: pl.DataFrame, enrollments: pl.DataFrame, scale: float = 1.0
) -> pl.DataFrame:
    """Claims of registry people during their coverage: JKM for deaths (Rp42 jt each) and JKK
    medical care for the rest, ``CLAIMS_COUNT`` claims worth ``CLAIMS_TOTAL`` in all (scaled).

    Columns as BPJS sends them (DESIGN.md §5.4): ``nik, kpj, jenis, tgl_kejadian, tgl_pengajuan,
    tgl_bayar, nominal, status, ahli_waris``.
    """
    schema = {
        "nik": pl.Utf8, "kpj": pl.Utf8, "jenis": pl.Utf8, "tgl_kejadian": pl.Date, "tgl_pengajuan": pl.Date,
        "tgl_bayar": pl.Date, "nominal": pl.Int64, "status": pl.Utf8, "ahli_waris": pl.Utf8,
    }  # fmt: skip
    if persons.height == 0 or enrollments.height == 0:
        return pl.DataFrame(schema=schema)
    n = max(1, round(CLAIMS_COUNT * scale))
    total = round(CLAIMS_TOTAL * scale / 1_000) * 1_000
    pks = enrollments.filter(pl.col("under_pks")).select("pid", "kpj", "start", "end")
    people = persons.select("pid", "nik", "sex", "death_date").join(pks, on="pid")
    dead = people.filter(
        pl.col("death_date").is_not_null()
        & (pl.col("death_date") >= pl.col("start"))
        & (pl.col("death_date") < PKS_END)
    ).sort("pid")
    alive = people.filter(pl.col("death_date").is_null()).sort("pid")
    n_jkm = min(dead.height, round(n * 0.8), max(0, (total - (n // 5) * 1_000_000) // JKM_BENEFIT))
    n_jkk = min(alive.height, n - n_jkm)
    jkm = dead.sample(n=n_jkm, seed=int(rng.integers(1 << 30))) if n_jkm else dead.clear()
    jkk = alive.sample(n=n_jkk, seed=int(rng.integers(1 << 30))) if n_jkk else alive.clear()
    rest = total - n_jkm * JKM_BENEFIT
    shares = rng.dirichlet(np.full(max(n_jkk, 1), 1.5))[:n_jkk]
    medical = [max(500_000, int(rest * x) // 1_000 * 1_000) for x in shares]
    if medical:
        medical[0] += rest - sum(medical)
    rows: list[dict[str, object]] = []
    heirs_f = [f"Wa {g}" for g in FEMALE_GIVEN[:20]] + list(FEMALE_GIVEN[20:40])
    heirs_m = [f"La {g}" for g in MALE_GIVEN[:20]] + list(MALE_GIVEN[20:40])
    for r in jkm.iter_rows(named=True):
        incident = r["death_date"]
        pool = heirs_f if r["sex"] == "L" else heirs_m
        heir = pool[int(rng.integers(0, len(pool)))]
        rows.append({"nik": r["nik"], "kpj": r["kpj"], "jenis": "JKM", "tgl_kejadian": incident,
                     "nominal": JKM_BENEFIT, "ahli_waris": heir})  # fmt: skip
    for r, amount in zip(jkk.iter_rows(named=True), medical, strict=True):
        lo, hi = _ordinal(max(r["start"], dt.date(2023, 1, 1))), _ordinal(r["end"]) - 1
        incident = _EPOCH + dt.timedelta(days=int(rng.integers(lo, max(lo + 1, hi))))
        rows.append({"nik": r["nik"], "kpj": r["kpj"], "jenis": "JKK", "tgl_kejadian": incident,
                     "nominal": amount, "ahli_waris": None})  # fmt: skip
    for row in rows:
        incident = row["tgl_kejadian"]
        assert isinstance(incident, dt.date)
        submitted = incident + dt.timedelta(days=int(rng.integers(5, 60)))
        row["tgl_pengajuan"] = submitted
        row["tgl_bayar"] = submitted + dt.timedelta(days=int(rng.integers(3, 21)))
        row["status"] = "Dibayar"
    return pl.DataFrame(rows, schema=schema).sort("tgl_kejadian", "nik")


def write_claims_file(path: Path, claims: pl.DataFrame) -> Path:
    """The claims as a BPJS claims file (csv, headers of DESIGN.md §5.4)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    claims.select(
        pl.col("nik").alias("NIK"),
        pl.col("kpj").alias("No KPJ"),
        pl.col("jenis").alias("Jenis"),
        pl.col("tgl_kejadian").dt.strftime("%d-%m-%Y").alias("Tgl Kejadian"),
        pl.col("tgl_pengajuan").dt.strftime("%d-%m-%Y").alias("Tgl Pengajuan"),
        pl.col("tgl_bayar").dt.strftime("%d-%m-%Y").alias("Tgl Bayar"),
        pl.col("nominal").alias("Nominal"),
        pl.col("status").alias("Status"),
        pl.col("ahli_waris").alias("Nama Ahli Waris"),
    ).write_csv(path)
    return path


def write_nomination_file(
    path: Path, rows: int, *, seed: int, fmt: Fmt | None = None, defects: bool = True, references: bool = True
) -> pl.DataFrame:
    """One nomination file of ``rows`` rows (benchmarks: 10k / 100k / 1M) and its truth.

    ``fmt`` defaults to the path's suffix. With ``references`` the lists the truth depends on
    (enrolled, deaths, asn) are written beside it as ``<stem>-referensi-<kind>.csv``. Returns the
    truth: ``row, status, reasons, group, region_code, defect, person``.
    """
    path = Path(path)
    fmt_s = str(fmt or path.suffix.lstrip(".").lower() or "csv")
    if fmt_s == "xls":
        raise ValueError("format xls tidak didukung (paket xlwt tidak terpasang); pakai xlsx atau csv")
    if fmt_s not in ("csv", "xlsx"):
        raise ValueError(f"format {fmt_s!r} tidak didukung (csv atau xlsx)")
    rng = np.random.default_rng(seed)
    spec = _Spec(path.stem, "desa", fmt_s, "KABUPATEN MUNA BARAT", share=1.0)
    built = _build(rng, [spec], rows, defects=defects, registry=0)
    src = built.sources[0]
    src.fmt = fmt_s
    src.delimiter = ","
    write_source(path, src)
    if references:
        _write_references(path.parent, built.references, stem=f"{path.stem}-referensi")
    return _truth_frame(src)


def write_reference_files(directory: Path, data: DemoData | None = None) -> dict[str, Path]:
    """The demo's reference lists as ``referensi-{enrolled,deaths,asn}.csv`` in ``directory``."""
    data = data or generate_demo()
    return _write_references(Path(directory), data.references)


def write_demo_files(directory: Path, data: DemoData) -> list[Path]:
    """Write the nomination files (``usulan/``), references (``referensi/``), the truth per file
    (``kunci/<file>.expected.csv``) and a short README; returns the paths written."""
    directory = Path(directory)
    out: list[Path] = []
    for src in data.sources:
        out.append(write_source(directory / "usulan" / src.filename, src))
        truth_path = directory / "kunci" / f"{src.name}.expected.csv"
        truth_path.parent.mkdir(parents=True, exist_ok=True)
        write_truth(_truth_frame(src), truth_path)
        out.append(truth_path)
    out.extend(write_reference_files(directory / "referensi", data).values())
    readme = directory / "BACA-SAYA.txt"
    buf = io.StringIO()
    buf.write("Data demo ucjamsostek (sintetis, bukan data penduduk sebenarnya)\n\n")
    buf.write(f"Benih acak: {data.seed}. Tanggal acuan: {data.as_of.isoformat()}.\n")
    buf.write(f"usulan/   : {len(data.sources)} berkas usulan 2026 ({data.nominations} baris)\n")
    buf.write("referensi/: daftar peserta aktif (enrolled), kematian (deaths), ASN (asn)\n")
    buf.write("kunci/    : keputusan yang diharapkan per baris (row,status,reasons,group,...)\n")
    readme.write_text(buf.getvalue(), encoding="utf-8")
    out.append(readme)
    return out
