"""Name keys for linkage: spelling variants fold together, different names stay apart."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucjamsostek.core.names import name_concat, name_core_expr, name_key, name_keys, name_phonetic


@pytest.mark.parametrize(
    ("variants", "key"),
    [
        (["Muhammad Amir", "Muhamad Amir", "Muh. Amir", "Moh. Amir", "Mohammad Amir", "MUHAMMAD  AMIR"],
         "muhammad amir"),
        (["La Ode Basri", "Laode Basri", "LA ODE BASRI", "  la  ode  basri "], "laode basri"),
        (["Wa Ode Sartini", "Waode Sartini", "WA ODE SARTINI"], "waode sartini"),
        (["Siti Darmawati", "Sitti Darmawati", "SITTI DARMAWATI"], "siti darmawati"),
        (["Nurhayati Madi", "Nurulhayati Madi", "NURULHAYATI MADI"], "nurhayati madi"),
        (["Abd. Rahman", "Abdul Rahman"], "abdul rahman"),
        (["Ma'ruf", "Ma’ruf", "MARUF"], "maruf"),
    ],
)  # fmt: skip
def test_variants_share_one_key(variants: list[str], key: str) -> None:
    assert {name_key(v) for v in variants} == {key}


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("La Ode Amir", "La Ode Amin"),
        ("Muhidin", "Muhammad"),  # only the whole token "muh" is Muhammad
        ("Mohan Saleh", "Muhammad Saleh"),
        ("Sitiara", "Siti"),
        ("Wa Hasna", "Wa Hasan"),
    ],
)
def test_different_names_keep_different_keys(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_misplaced_space_is_absorbed_by_the_concatenated_key() -> None:
    assert name_concat("L aAgus Saleh") == name_concat("La Agus Saleh") == "laagussaleh"
    assert name_concat("Agu sMadi") == name_concat("Agus Madi")
    assert name_key("Agu sMadi") != name_key("Agus Madi")


def test_phonetic_key_folds_old_spelling_and_double_letters() -> None:
    assert name_phonetic("Soekarno Djojo") == name_phonetic("Sukarno Jojo")
    assert name_phonetic("Nurjannah Sabaruddin") == name_phonetic("Nurjanah Sabarudin")


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("La Akbar", "akbar"),
        ("Wa Ode Hadija Sinapoy", "hadija sinapoy"),
        ("Moh. Yusuf", "yusuf"),
        ("Sitti Nur Aisyah", "aisyah"),
        ("Nurhayati Madi", "nurhayati madi"),  # only whole tokens are honorifics
        ("La", None),
    ],
)
def test_core_key_drops_honorifics(name: str, core: str | None) -> None:
    got = pl.DataFrame({"n": [name]}).select(name_core_expr(pl.col("n"))).item()
    assert got == core


@pytest.mark.parametrize("empty", [None, "", "   ", "...", "123"])
def test_empty_names_give_no_key(empty: str | None) -> None:
    assert name_key(empty) is None
    assert name_concat(empty) is None
    assert name_phonetic(empty) is None


def test_frame_keys_equal_scalar_keys_and_cover_each_distinct_name_once() -> None:
    names = pl.Series(["Moh. Yusuf", "Moh. Yusuf", "Wa Ode  Nurmi", None, "Sitti Aisyah"])
    table = name_keys(names)
    assert table.height == 4
    for row in table.iter_rows(named=True):
        assert row["name_key"] == name_key(row["name"])
        assert row["name_concat"] == name_concat(row["name"])
        assert row["name_phon"] == name_phonetic(row["name"])
    assert table.filter(pl.col("name") == "Wa Ode  Nurmi")["name_sorted"].item() == "nurmi waode"


_ascii_names = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEZ .'-,")), max_size=40)
_any_text = st.text(max_size=40)


@settings(max_examples=300, deadline=None)
@given(_any_text)
def test_keys_are_idempotent_and_well_formed(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    concat = name_concat(text)
    assert name_concat(concat) == concat
    phon = name_phonetic(text)
    assert name_phonetic(phon) == phon
    if key is not None:
        assert re.fullmatch(r"[a-z]+( [a-z]+)*", key)
        assert concat == name_key(key.replace(" ", ""))  # a misplaced space is absorbed, then folded


@settings(max_examples=200, deadline=None)
@given(_ascii_names)
def test_case_and_spacing_do_not_matter(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.lower()) == name_key("  " + text.replace(" ", "   ") + " ")
