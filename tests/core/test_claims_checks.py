"""core.claims: the verifier's checks of a claims file and the dated benefit table."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ucjamsostek.core import claims as cc

D1, D2, D3 = date(2019, 11, 30), date(2024, 3, 1), date(2024, 5, 1)
LINE_SCHEMA = {
    "row": pl.Int64,
    "nik": pl.Utf8,
    "type": pl.Utf8,
    "incident_date": pl.Date,
    "paid_date": pl.Date,
    "amount": pl.Int64,
}
STORED_SCHEMA = {"claim_id": pl.Int64} | {k: v for k, v in LINE_SCHEMA.items() if k != "row"}


def _lines(rows):
    return pl.DataFrame([(i + 2, *r) for i, r in enumerate(rows)], schema=LINE_SCHEMA, orient="row")


def _stored(rows):
    return pl.DataFrame([(i + 1, *r) for i, r in enumerate(rows)], schema=STORED_SCHEMA, orient="row")


def _deaths(known: dict[str, date | None]):
    return pl.DataFrame(list(known.items()), schema={"nik": pl.Utf8, "death_date": pl.Date}, orient="row")


def _check(lines, stored=(), known=None):
    known = {"A": None, "B": None} if known is None else known
    return cc.check_claims(_lines(lines), _stored(list(stored)), _deaths(known))


# ------------------------------------------------------------------------------ benefit table
def test_jkm_benefit_follows_the_regulation_in_force_on_the_day():
    assert cc.fixed_benefit("JKM", date(2019, 12, 1)).amount == 24_000_000  # PP 44/2015
    assert cc.fixed_benefit("JKM", date(2019, 12, 2)).amount == 42_000_000  # PP 82/2019
    assert "PP 82/2019" in cc.fixed_benefit("JKM", date(2025, 7, 1)).legal_basis
    assert cc.fixed_benefit("JKK", date(2025, 7, 1)) is None  # no fixed amount: medical care as needed
    assert cc.fixed_benefit("JKM", date(2015, 6, 30)) is None


def test_overlapping_benefit_rows_are_refused_with_the_line():
    text = "benefit,valid_from,valid_to,amount,legal_basis,note\nJKM,2015-07-01,,1,a,\nJKM,2019-12-02,,2,b,\n"
    with pytest.raises(cc.ClaimsError, match="baris 3"):
        cc.parse_benefit_csv(text)


def test_a_bad_benefit_amount_is_refused_with_the_line():
    with pytest.raises(cc.ClaimsError, match="baris 2"):
        cc.parse_benefit_csv("benefit,valid_from,valid_to,amount,legal_basis,note\nJKM,2015-07-01,,42 jt,PP,\n")


# ------------------------------------------------------------------------------ single cases
def test_a_later_line_of_the_same_incident_is_a_duplicate():
    out = _check([("A", "JKK", D2, D3, 5), ("A", "JKK", D2, D3, 7)])
    assert out["flags"].to_list() == [[], ["DUPLICATE"]] and out["action"].to_list() == ["NEW", "NEW"]


def test_an_identical_stored_claim_makes_the_line_unchanged():
    out = _check([("A", "JKK", D2, D3, 5)], [("A", "JKK", D2, D3, 5)])
    assert (out["action"][0], out["claim_id"][0], out["flags"][0].to_list()) == ("UNCHANGED", 1, [])


def test_an_unpaid_stored_claim_is_updated_once():
    out = _check([("A", "JKK", D2, D3, 5), ("A", "JKK", D2, D3, 6)], [("A", "JKK", D2, None, 0)])
    assert out["action"].to_list() == ["UPDATE", "NEW"] and out["flags"].to_list() == [[], ["DUPLICATE"]]


def test_a_paid_stored_claim_is_never_overwritten():
    out = _check([("A", "JKK", D2, D3, 9)], [("A", "JKK", D2, D3, 5)])
    assert (out["action"][0], out["flags"][0].to_list()) == ("NEW", ["DUPLICATE"])


def test_the_first_jkm_is_the_stored_one():
    out = _check([("A", "JKM", D2, D3, 42_000_000)], [("A", "JKM", D3, D3, 42_000_000)])
    assert out["flags"][0].to_list() == ["SECOND_JKM"]


def test_a_jkm_unpaid_with_no_amount_is_not_a_mismatch_yet():
    out = _check([("A", "JKM", D2, None, None), ("B", "JKM", D2, D3, 41_000_000)])
    assert out["flags"].to_list() == [[], ["AMOUNT_MISMATCH"]] and out["expected_amount"].to_list() == [42_000_000] * 2


def test_not_in_registry_after_death_paid_before_incident():
    out = _check(
        [("Z", "JKK", D2, D3, 1), ("A", "JKK", D3, D3, 1), ("B", "JKK", D3, D2, 1)],
        known={"A": D2, "B": None},
    )
    assert out["flags"].to_list() == [["NOT_IN_REGISTRY"], ["AFTER_DEATH"], ["PAID_BEFORE_INCIDENT"]]


# ------------------------------------------------------------------------------ the oracle
def _oracle(lines, stored, known):
    """The module doc's rules, one line at a time."""
    key = lambda r: r[:3]  # noqa: E731
    vals = lambda r: (*r[:4], r[4] or 0)  # noqa: E731
    matched: dict[int, int] = {}  # line index -> stored id
    used: set[int] = set()
    for i, ln in enumerate(lines):
        for sid, s in enumerate(stored, start=1):
            if sid not in used and vals(s) == vals(ln):
                matched[i], _ = sid, used.add(sid)
                break
    seen_keys: set[tuple] = set()
    out = []
    first_jkm: dict[str, date] = {}
    for s in stored:
        if s[1] == "JKM":
            first_jkm.setdefault(s[0], s[2])
    actions = []
    for i, ln in enumerate(lines):
        if i in matched:
            actions.append(("UNCHANGED", matched[i], False))
            continue
        firsts = [(sid, s) for sid, s in enumerate(stored, start=1) if key(s) == key(ln)]
        earlier = key(ln) in seen_keys
        seen_keys.add(key(ln))
        if firsts and firsts[0][1][3] is None and firsts[0][0] not in used and not earlier:
            actions.append(("UPDATE", firsts[0][0], False))
        else:
            actions.append(("NEW", None, bool(firsts) or earlier))
            if ln[1] == "JKM":
                first_jkm.setdefault(ln[0], ln[2])
    for ln, (action, cid, dup) in zip(lines, actions, strict=True):
        nik, typ, inc, paid, amount = ln
        if action == "UNCHANGED":
            out.append((action, cid, []))
            continue
        expected = cc.fixed_benefit(typ, inc)
        death = known.get(nik)
        flags = [
            code
            for code, hit in (
                ("DUPLICATE", dup),
                ("SECOND_JKM", typ == "JKM" and inc != first_jkm.get(nik)),
                ("NOT_IN_REGISTRY", nik not in known),
                ("AFTER_DEATH", death is not None and inc > death),
                ("PAID_BEFORE_INCIDENT", paid is not None and paid < inc),
                (
                    "AMOUNT_MISMATCH",
                    expected is not None
                    and (paid is not None or (amount or 0) > 0)
                    and (amount or 0) != expected.amount,
                ),
            )
            if hit
        ]
        out.append((action, cid, flags))
    return out


_claim = st.tuples(
    st.sampled_from(["A", "B", "Z"]),
    st.sampled_from(["JKK", "JKM"]),
    st.sampled_from([D1, D2, D3]),
    st.sampled_from([None, D2, D3]),
    st.sampled_from([None, 0, 24_000_000, 42_000_000]),
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(_claim, max_size=8),
    stored=st.lists(_claim, max_size=5),
    deaths=st.fixed_dictionaries({"A": st.sampled_from([None, D2]), "B": st.sampled_from([None, D3])}),
)
def test_agrees_with_the_oracle(lines, stored, deaths):
    stored = [(*s[:4], s[4] or 0) for s in stored]  # stored claims hold 0 for no amount
    out = cc.check_claims(_lines(lines), _stored(stored), _deaths(deaths))
    got = list(zip(out["action"].to_list(), out["claim_id"].to_list(), out["flags"].to_list(), strict=True))
    assert got == [(a, c, f) for a, c, f in _oracle(lines, stored, deaths)]
