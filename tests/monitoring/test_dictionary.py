"""The indicator dictionary is data (core/data/indicators.json), complete, and listed on a page."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.test import Client

from ucjamsostek.core import indicators as ind


def test_every_entry_has_every_text_in_both_languages():
    for d in ind.INDICATORS:
        for text in (d.name, d.definition, d.numerator, d.as_of):
            assert text.id and text.en, d.code
        if d.unit is ind.Unit.PERCENT:
            assert d.denominator is not None, f"{d.code} is a ratio without a denominator"


def test_ratios_name_entries_of_the_dictionary():
    for d in ind.INDICATORS:
        if d.formula.startswith("ratio:"):
            num, den = d.formula.split(":")[1].split("/")
            assert num in ind.INDICATOR_BY_CODE and den in ind.INDICATOR_BY_CODE, d.code


def test_source_tables_exist():
    tables = {m._meta.db_table for m in apps.get_models()}
    for d in ind.INDICATORS:
        assert d.sources and set(d.sources) <= tables, d.code


def test_a_malformed_entry_is_refused_with_its_position():
    raw = {"indicators": [{"code": "X", "name": {"id": "x", "en": ""}}]}
    with pytest.raises(ind.DictionaryError, match="indikator ke-1"):
        ind.parse_dictionary(raw)


def test_windows_give_inclusive_days():
    p = ind.parse_period("2025-07")
    assert ind.window_label(ind.Window.AS_OF, p) == "pada 31-07-2025"
    assert ind.window_label(ind.Window.SINCE_START, p) == "s.d. 31-07-2025"
    assert ind.window_label(ind.Window.YEAR_TO_DATE, p) == "01-01-2025 s.d. 31-07-2025"
    assert ind.window_label(ind.Window.PERIOD, ind.parse_period("2025-S1")) == "Semester I 2025"


@pytest.mark.django_db
def test_dictionary_page_lists_every_entry(users):
    c = Client()
    c.force_login(users["leadership"])
    page = c.get("/monev/kamus/").content.decode()
    for d in ind.INDICATORS:
        assert f'data-testid="entry-{d.code}"' in page
        # a definition naming another indicator shows its name, the code only in the tooltip (issue 10 §6)
        assert re.split(r"\b[A-Z]+(?:_[A-Z]+)+\b", d.definition.id.split('"')[0])[0][:40] in page
    uncovered = ind.INDICATOR_BY_CODE["CLAIMS_UNCOVERED"].name.id
    assert f'title="CLAIMS_UNCOVERED">{uncovered}</a>' in page
    assert "registry_enrollment" in page


@pytest.mark.django_db
def test_dictionary_page_needs_a_login(users):
    r = Client().get("/monev/kamus/")
    assert r.status_code == 302 and "/akun/" in r["Location"]


@pytest.mark.django_db
def test_dictionary_page_in_english(users):
    from django.urls import reverse
    from django.utils import translation

    c = Client()
    c.force_login(users["leadership"])
    assert c.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    with translation.override("en"):
        url = reverse("monitoring:dictionary")
    page = c.get(url).content.decode()
    gap = ind.INDICATOR_BY_CODE["GAP_EXPOSED"]
    assert gap.name.en in page and gap.definition.en in page and "Indicator dictionary" in page


@pytest.mark.django_db
def test_navigation_links_the_dictionary(users):
    c = Client()
    c.force_login(users["leadership"])
    assert 'href="/monev/kamus/"' in c.get("/", follow=True).content.decode()


@pytest.mark.django_db
def test_api_lists_the_dictionary(users):
    from ucjamsostek.monitoring import services

    _, key = services.create_api_token(users["dinas"], "uji")
    got = Client().get("/monev/api/indicators", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert [g["code"] for g in got] == [d.code for d in ind.INDICATORS]
    gap = next(g for g in got if g["code"] == "GAP_EXPOSED")
    assert gap["definition"] == ind.INDICATOR_BY_CODE["GAP_EXPOSED"].definition.id
    assert gap["window"] == "period" and "registry_enrollment" in gap["sources"]
