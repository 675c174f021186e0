"""Name normalisation for record linkage of Indonesian (Muna) names.

Keys, all pure functions of the name as typed:

* :func:`name_key` — the canonical form: lower case, letters only, single spaces, and the usual
  spelling variants folded into one token (Muhammad/Muhamad/Muh./Moh./Mohammad → ``muhammad``;
  La Ode/Laode → ``laode``; Wa Ode/Waode → ``waode``; Siti/Sitti → ``siti``; Nurul/Nur → ``nur``;
  Abd./Abdul → ``abdul``).
* :func:`name_concat` — the canonical form without spaces, so a misplaced space
  ("L aAgus Saleh", "Agu sMadi") compares equal to the clean spelling.
* :func:`name_phonetic` — the concatenated form with old-spelling pairs folded (oe → u, dj → j,
  tj → c) and doubled letters collapsed; a coarse key for blocking and comparison levels.
* :func:`name_core_expr` — the canonical form without honorifics (La, Wa, La Ode, Wa Ode,
  Muhammad, Siti, Nur, Andi), to tell a full name from a one-word one ("La Akbar").

:func:`name_keys` computes all of them (and the unfolded letters) once per distinct name.

Every key is available as a Polars expression (``*_expr``) for columnar use; the scalar functions
run the same expressions, so there is one implementation. All keys are idempotent.
"""

from __future__ import annotations

import polars as pl

# Spellings of Muhammad seen on Indonesian ID cards and nomination sheets (after punctuation is
# removed, so "Moh." and "Muh." arrive here as "moh" and "muh").
_MUHAMMAD = (
    "muhammad|muhamad|muhammed|muhamed|muhammat|muhamat|mohammad|mohamad|mohammed|mohamed|"
    "mochammad|mochamad|mochamed|muchammad|muchamad|mukhammad|mohd|muhd|moch|moh|muh|mhd|mhmd|md"
)
_TOKEN_RULES: tuple[tuple[str, str], ...] = (
    (rf"\b(?:{_MUHAMMAD})\b", "muhammad"),
    (r"\bla ode\b", "laode"),
    (r"\bwa ode\b", "waode"),
    (r"\bsit+[iy]\b", "siti"),
    (r"\bnur(?:ul)+", "nur"),
    (r"\babd\b", "abdul"),
)

_HONORIFICS = r"\b(?:la|wa|laode|waode|muhammad|siti|nur|andi)\b"


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """Canonical name key of a Utf8 expression; null or letter-less names give null."""
    out = expr.str.to_lowercase().str.replace_all(r"['’`]", "").str.replace_all(r"[^a-z]+", " ").str.strip_chars()
    out = _fold_tokens(out).str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(out.str.len_bytes() > 0).then(out).otherwise(None)


def name_concat_expr(expr: pl.Expr) -> pl.Expr:
    """Canonical key without spaces (absorbs misplaced spaces between tokens)."""
    return _concat_of_key(name_key_expr(expr))


def name_phonetic_expr(expr: pl.Expr) -> pl.Expr:
    """Concatenated key with old spellings folded and doubled letters collapsed."""
    return _phonetic_of_concat(name_concat_expr(expr))


def _fold_tokens(expr: pl.Expr) -> pl.Expr:
    for pattern, replacement in _TOKEN_RULES:
        expr = expr.str.replace_all(pattern, replacement)
    return expr


def _concat_of_key(key: pl.Expr) -> pl.Expr:
    # Folded again once the spaces are gone: "M D" and "MD", "Nur ul" and "Nurul" are one spelling,
    # so the key is idempotent (the concatenation of a concatenation is itself).
    return _fold_tokens(key.str.replace_all(" ", "", literal=True))


def _phonetic_of_concat(concat: pl.Expr) -> pl.Expr:
    out = (
        concat.str.replace_all("oe", "u", literal=True)
        .str.replace_all("dj", "j", literal=True)
        .str.replace_all("tj", "c", literal=True)
    )
    # The regex crate has no back-references: collapse each doubled letter explicitly.
    for letter in "abcdefghijklmnopqrstuvwxyz":
        out = out.str.replace_all(f"{letter}{letter}+", letter)
    return out


def name_core_expr(expr: pl.Expr) -> pl.Expr:
    """The canonical key without honorifics and religious prefixes (La, Wa, La Ode, Wa Ode,
    Muhammad, Siti, Nur, Andi): what tells people apart. "La Akbar" and "Akbar" are one-word names."""
    return _core_of_key(name_key_expr(expr))


def _core_of_key(key: pl.Expr) -> pl.Expr:
    core = key.str.replace_all(_HONORIFICS, " ").str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(core.str.len_bytes() > 0).then(core).otherwise(None)


def name_keys(names: pl.Series) -> pl.DataFrame:
    """All keys of the distinct values of ``names``, one row per distinct name.

    Columns: ``name`` (as given), ``name_key``, ``name_concat``, ``name_phon``, ``name_sorted``
    (the key's tokens in alphabetical order), ``name_core`` (:func:`name_core_expr`) and
    ``name_raw`` (letters only, unfolded: a typo inside "Nurul" or "Muhammad" escapes the folding,
    so the raw spelling is the one to measure edits on). Computed
    once per distinct name and chained, so a million rows with a few hundred thousand distinct
    names cost well under a second; join the result back on ``name``.
    """
    distinct = names.rename("name").cast(pl.Utf8).unique().to_frame()
    return (
        distinct.with_columns(
            name_key=name_key_expr(pl.col("name")),
            name_raw=pl.col("name").str.to_lowercase().str.replace_all(r"[^a-z]+", ""),
        )
        .with_columns(
            name_concat=_concat_of_key(pl.col("name_key")),
            name_sorted=pl.col("name_key").str.split(" ").list.sort().list.join(" "),
            name_core=_core_of_key(pl.col("name_key")),
        )
        .with_columns(name_phon=_phonetic_of_concat(pl.col("name_concat")))
    )


def _scalar(fn: pl.Expr, name: str | None) -> str | None:
    result = pl.DataFrame({"n": [name]}, schema={"n": pl.Utf8}).select(fn).to_series().item()
    return None if result is None else str(result)


def name_key(name: str | None) -> str | None:
    """Canonical key of one name (see module doc)."""
    return _scalar(name_key_expr(pl.col("n")), name)


def name_concat(name: str | None) -> str | None:
    """Canonical key of one name, spaces removed."""
    return _scalar(name_concat_expr(pl.col("n")), name)


def name_phonetic(name: str | None) -> str | None:
    """Coarse phonetic key of one name."""
    return _scalar(name_phonetic_expr(pl.col("n")), name)


def mask_name(name: str | None) -> str:
    """``"Wa Ode Siti Aminah"`` → ``"W* O** S*** A*****"``: initials only (the one name mask of
    lists and exports for roles that see counts, not identities)."""
    if not name:
        return ""
    return " ".join(w[:1] + "*" * (len(w) - 1) for w in name.split())


def mask_name_expr(name: pl.Expr) -> pl.Expr:
    """:func:`mask_name` on a column."""
    return name.map_elements(mask_name, return_dtype=pl.Utf8)
