"""Synthetic nomination rows for the linkage benchmark and for training the shipped model.

Indonesian (Muna) looking names, NIKs built by the rules of DOMAIN.md §5 (``PP KK CC DDMMYY SSSS``,
day + 40 for women, serials given in order inside a kecamatan and birth date so that twins get
neighbouring serials), real Muna Barat village codes, and on top:

* duplicates (``dup_rate`` of the people appear twice or three times) with the variants the
  issue lists: same or mistyped NIK, Muhammad/Muh./Moh., La Ode/Laode, Wa Ode/Waode, Siti/Sitti,
  Nur/Nurul, swapped or dropped letters, misplaced spaces, sometimes a mistyped birth date or a
  missing village;
* twins (``twin_rate``): same birth date, village, father's name, different given name, the next
  NIK serial;
* namesakes come by themselves from the name pools.

The ``person`` column is the truth (rows of one person share it). Everything is seeded.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from ucjamsostek.core.regiondata import area_table

MALE = (
    "Agus Ahmad Amir Amiruddin Anwar Arsyad Baharudin Basri Budi Darwis Fajar Hamid Hamzah Hasan "
    "Halim Hendra Ibrahim Idris Ilham Irfan Ismail Jamal Jumadil Kadir Malik Nasir Rahman Rasyid "
    "Rusdin Saleh Salim Sudirman Syamsul Taufik Umar Usman Yusuf Zainal Abdullah Arif Bahrun Dedi "
    "Firman Gunawan Harun Iskandar Jafar Karim Kasim Lukman Mansur Mustafa Nurdin Rahmat Ridwan "
    "Safar Samsudin Sukri Tamrin Wahid Yamin Zulkifli Akbar Andi Asrul Alimin Rudi Sahrul Jufri"
).split()
FEMALE = (
    "Aisyah Asni Darmawati Erni Fatimah Haida Halima Hasna Jumiati Kartini Murni Nurhayati Nurlia "
    "Nurmi Rosmini Rusni Salma Sartini Sumarni Wati Yuliana Zainab Asma Dahlia Fitri Hasnah Indah "
    "Irma Jamila Juliana Kasma Lina Mariam Masni Nurjannah Rahma Rostina Sitiara Suriani Wahida "
    "Yanti Zahra Hadija Rosdiana Rukmini Sahara Wiwin Hasmia Nurfitri Ratna Sri Titin Wa"
).split()
FAMILY = (
    "Latif Madi Malik Ode Rasyid Saleh Sinapoy Tamburaka Umar Abdullah Hamzah Ibrahim Laode Baharuddin "
    "Daeng Halim Karim Mansyur Nasrun Rahim Sabaruddin Tahir Wello Lakina Basri Kadir Yunus Hasim "
    "Sulaiman Talib Ambo Bakri Dahlan Gani Hafid Jabir Kamaruddin Lapandewa Manarfa Nuhu Rauf Sahidin"
).split()

_SPELLING = (
    ("Muhammad ", "Muh. "),
    ("Muhammad ", "Moh. "),
    ("Muhammad ", "Muhamad "),
    ("La Ode ", "Laode "),
    ("Wa Ode ", "Waode "),
    ("Laode ", "La Ode "),
    ("Waode ", "Wa Ode "),
    ("Siti ", "Sitti "),
    ("Nur", "Nurul"),
)


def _names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    n = female.size
    given = np.where(female, rng.choice(FEMALE, n), rng.choice(MALE, n))
    second = np.where(female, rng.choice(FEMALE, n), rng.choice(MALE, n))
    family = rng.choice(FAMILY, n)
    roll = rng.random(n)
    prefix = np.where(
        female,
        np.select([roll < 0.25, roll < 0.35, roll < 0.45, roll < 0.5], ["Wa ", "Wa Ode ", "Siti ", "Nur "], ""),
        np.select([roll < 0.25, roll < 0.35, roll < 0.5], ["La ", "La Ode ", "Muhammad "], ""),
    )
    shape = rng.random(n)
    middle = np.where(shape < 0.2, np.char.add(second, " "), "")
    tail = np.where(shape < 0.85, np.char.add(" ", family), "")
    return np.char.add(np.char.add(np.char.add(prefix.astype(str), middle.astype(str)), given), tail)


def _typo(rng: np.random.Generator, s: str) -> str:
    kind = rng.integers(0, 5)
    if len(s) < 4:
        return s.upper()
    i = int(rng.integers(1, len(s) - 2))
    if kind == 0 and s[i] != " " and s[i + 1] != " ":  # swapped letters
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    if kind == 1 and s[i] != " ":  # dropped letter
        return s[:i] + s[i + 1 :]
    if kind == 2:  # misplaced space
        j = s.find(" ")
        return s if j <= 0 or j + 1 >= len(s) else s[: j - 1] + " " + s[j - 1] + s[j + 1 :]
    if kind == 3:
        return s.upper()
    return "  " + s.replace(" ", "  ") + " "


def _name_variant(rng: np.random.Generator, s: str) -> str:
    options = [(a, b) for a, b in _SPELLING if a in s]
    if options and rng.random() < 0.6:
        a, b = options[int(rng.integers(0, len(options)))]
        s = s.replace(a, b, 1)
        if rng.random() < 0.3:
            s = _typo(rng, s)
        return s
    return _typo(rng, s)


def _nik_typo(rng: np.random.Generator, nik: str) -> str:
    i = int(rng.integers(6, 16))
    if rng.random() < 0.7:
        d = str((int(nik[i]) + int(rng.integers(1, 10))) % 10)
        return nik[:i] + d + nik[i + 1 :]
    i = min(i, 14)
    return nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :]


def generate(
    n_rows: int,
    *,
    seed: int = 7,
    dup_rate: float = 0.03,
    twin_rate: float = 0.004,
    area: str = "74.13",
) -> pl.DataFrame:
    """``n_rows`` shuffled nomination rows with a ``person`` truth column (see module doc)."""
    rng = np.random.default_rng(seed)
    regions = area_table(area)
    villages = regions.filter(pl.col("level") == 4).select("code", "parent_code")
    n_dup = int(n_rows * dup_rate)
    n_twin = int(n_rows * twin_rate)
    n_people = n_rows - n_dup - n_twin

    female = rng.random(n_people) < 0.5
    start = dt.date(1961, 1, 1).toordinal()
    ords = rng.integers(start, dt.date(2008, 12, 31).toordinal(), n_people)
    vidx = rng.integers(0, villages.height, n_people)
    people = pl.DataFrame(
        {
            "person": np.arange(n_people, dtype=np.int64),
            "name": _names(rng, female),
            "birth_date": pl.Series(ords - dt.date(1970, 1, 1).toordinal()).cast(pl.Date),
            "sex": np.where(female, "P", "L"),
            "village_code": villages["code"].to_numpy()[vidx],
            "district_code": villages["parent_code"].to_numpy()[vidx],
            # Card of first registration: mostly the current kecamatan, a third still Muna's 74.03.
            "nik_prefix": np.where(
                rng.random(n_people) < 0.33,
                "7403" + np.char.zfill(rng.integers(1, 13, n_people).astype(str), 2),
                np.char.replace(villages["parent_code"].to_numpy()[vidx].astype(str), ".", ""),
            ),
        }
    )
    # Twins: same birth date, village, prefix and family name; another given name.
    t_src = rng.choice(n_people, n_twin, replace=False)
    twin_female = rng.random(n_twin) < 0.5
    src_names = people["name"].to_numpy()[t_src]
    family = np.array([s.rsplit(" ", 1)[-1] for s in src_names], dtype=str)
    twins = people[t_src].with_columns(
        person=pl.Series(np.arange(n_people, n_people + n_twin, dtype=np.int64)),
        sex=pl.Series(np.where(twin_female, "P", "L")),
        name=pl.Series(np.char.add(np.char.add(_names(rng, twin_female), " "), family)),
    )
    people = pl.concat([people, twins])
    day = pl.col("birth_date").dt.day() + pl.when(pl.col("sex") == "P").then(40).otherwise(0)
    people = people.with_columns(
        nik_date=day.cast(pl.Utf8).str.zfill(2) + pl.col("birth_date").dt.strftime("%m%y"),
    ).with_columns(
        serial=(
            pl.int_range(pl.len()).over("nik_prefix", "nik_date")
            + pl.lit(1)
            + (pl.col("person") % 7).min().over("nik_prefix", "nik_date")
        ),
    )
    people = people.with_columns(
        nik=pl.col("nik_prefix") + pl.col("nik_date") + pl.col("serial").cast(pl.Utf8).str.zfill(4)
    ).select("person", "nik", "name", "birth_date", "sex", "village_code", "district_code")

    # Duplicates with variants.
    d_src = rng.choice(n_people, n_dup, replace=True)
    dup = people[d_src]
    niks = dup["nik"].to_list()
    names = dup["name"].to_list()
    dates = dup["birth_date"].to_list()
    vil = dup["village_code"].to_list()
    same_nik = rng.random(n_dup) < 0.5
    date_typo = rng.random(n_dup) < 0.05
    village_roll = rng.random(n_dup)
    sex_flip = rng.random(n_dup) < 0.02
    all_villages = villages["code"].to_list()
    taken = set(people["nik"].to_list())
    for k in range(n_dup):
        names[k] = _name_variant(rng, names[k])
        if not same_nik[k]:
            typo = _nik_typo(rng, niks[k])
            # A typo landing on somebody else's NIK would make the truth ambiguous: keep the NIK.
            if typo not in taken:
                niks[k] = typo
                taken.add(typo)
        if date_typo[k]:
            d = dates[k]
            dates[k] = (
                d.replace(day=d.month, month=d.day)
                if d.day <= 12 and d.day != d.month
                else d.replace(day=min(d.day % 28 + 1, 28))
            )
        if village_roll[k] < 0.03:
            vil[k] = None
        elif village_roll[k] < 0.06:  # moved, or the other village of a two-village household
            vil[k] = all_villages[int(rng.integers(0, len(all_villages)))]
    dup = dup.with_columns(
        sex=pl.when(pl.Series(sex_flip)).then(pl.lit("L")).otherwise(pl.col("sex")),
        nik=pl.Series(niks),
        name=pl.Series(names),
        birth_date=pl.Series(dates, dtype=pl.Date),
        village_code=pl.Series(vil, dtype=pl.Utf8),
    )
    out = pl.concat([people, dup]).sample(fraction=1.0, shuffle=True, seed=seed)
    return out.with_columns(row=pl.int_range(pl.len(), dtype=pl.Int64) + 5).select(
        "row", "nik", "name", "birth_date", "sex", "village_code", "district_code", "person"
    )


def true_pairs(df: pl.DataFrame) -> pl.DataFrame:
    """All within-file pairs of rows of the same person (``row_l < row_r``)."""
    g = df.select("row", "person")
    return (
        g.join(g, on="person", suffix="_r").filter(pl.col("row") < pl.col("row_r")).select(row_l="row", row_r="row_r")
    )


def pair_scores(predicted: pl.DataFrame, truth: pl.DataFrame) -> tuple[float, float, float]:
    """Pairwise precision, recall, F1 of ``predicted`` (row_l, row_r) against ``truth``."""

    def ordered(df: pl.DataFrame) -> pl.DataFrame:
        return df.select(a=pl.min_horizontal("row_l", "row_r"), b=pl.max_horizontal("row_l", "row_r")).unique()

    p, t = ordered(predicted), ordered(truth)
    tp = p.join(t, on=["a", "b"]).height
    precision = tp / p.height if p.height else 1.0
    recall = tp / t.height if t.height else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
