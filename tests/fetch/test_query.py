"""What a keyword asks arXiv: every setting of keywords.yaml reaches the ``search_query``."""

from __future__ import annotations

import re
import unicodedata

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.config import Keyword, parse_config
from dailypapers.fetch.query import search_query
from tests.fakes.arxiv import FakeArxiv, FakePaper


def query_of(entry: str) -> str:
    (keyword,) = parse_config(f"keywords:\n  - {entry}\n").keywords
    return search_query(keyword)


def test_a_plain_keyword_is_one_phrase_in_title_or_abstract() -> None:
    assert query_of("World Model") == '(ti:"World Model" OR abs:"World Model")'


def test_fields_limit_where_the_phrases_are_searched() -> None:
    assert query_of("{name: World Model, fields: [title]}") == 'ti:"World Model"'


def test_several_phrases_are_alternatives() -> None:
    query = query_of("{name: W, phrases: [world model, world models], fields: [abstract]}")
    assert query == '(abs:"world model" OR abs:"world models")'


def test_categories_are_required_and_a_whole_archive_matches_its_subjects() -> None:
    query = query_of("{name: World Model, fields: [title], categories: [cs.CV, eess]}")
    assert query == 'ti:"World Model" AND (cat:cs.CV OR cat:eess.*)'


def test_exclusions_are_left_out_by_arxiv_in_the_same_fields() -> None:
    query = query_of("{name: World Model, fields: [title], exclude: [survey, review]}")
    assert query == 'ti:"World Model" ANDNOT (ti:"survey" OR ti:"review")'


def test_a_raw_query_is_kept_whole_inside_parentheses() -> None:
    query = query_of("{name: Expert, query: 'ti:a OR ti:b', categories: [cs.LG]}")
    assert query == "(ti:a OR ti:b) AND cat:cs.LG"


def test_the_built_query_selects_what_the_keyword_means_on_an_arxiv_server() -> None:
    papers = [
        FakePaper(id="2611.00001", version=1, title="A world model", categories=["cs.CV"]),
        FakePaper(id="2611.00002", version=1, title="A world model", categories=["cs.CL"]),
        FakePaper(id="2611.00003", version=1, title="World model survey", categories=["cs.CV"]),
        FakePaper(
            id="2611.00004",
            version=1,
            title="Planning",
            abstract="We learn a world model.",
            categories=["cs.CV"],
        ),
        FakePaper(id="2611.00005", version=1, title="A world model", categories=["math.AG"]),
    ]
    query = query_of("{name: World Model, fields: [title], categories: [cs], exclude: [survey]}")
    with FakeArxiv(papers) as server:
        answer = httpx.get(
            server.url,
            params={"search_query": query, "max_results": "10"},
            headers={"Accept": "application/atom+xml"},
        )
    assert answer.status_code == 200
    assert "2611.00001" in answer.text and "2611.00002" in answer.text
    assert "2611.00003" not in answer.text  # excluded
    assert "2611.00004" not in answer.text  # only in the abstract, and fields says title
    assert "2611.00005" not in answer.text  # not in a cs category


# ---------------------------------------------------------------- text arXiv would read differently

PHRASE = re.compile(r'(?:ti|abs|au):"([^"]*)"')


@given(
    phrases=st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=3),
    authors=st.lists(st.text(min_size=1, max_size=20), max_size=2),
    exclude=st.lists(st.text(min_size=1, max_size=20), max_size=2),
)
def test_no_text_can_end_a_phrase_early_or_hide_in_it(
    phrases: list[str], authors: list[str], exclude: list[str]
) -> None:
    keyword = Keyword(
        name="k",
        slug="k",
        phrases=tuple(phrases),
        authors=tuple(authors),
        exclude=tuple(exclude),
    )
    query = search_query(keyword)
    assert query.count('"') % 2 == 0
    inside = PHRASE.findall(query)
    assert len(inside) == 2 * len(phrases) + len(authors) + 2 * len(exclude)
    outside = PHRASE.sub("", query)
    assert '"' not in outside and "\\" not in outside
    for text in inside:
        assert "\\" not in text
        assert not any(unicodedata.category(ch) in ("Cf", "Cc") for ch in text)
        assert text == " ".join(text.split())


@pytest.mark.parametrize(
    "hidden", ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e"]
)
def test_an_invisible_character_in_a_phrase_is_left_out_of_the_query(hidden: str) -> None:
    assert query_of(f"Vi{hidden}deo Under{hidden}standing") == query_of("Video Understanding")
    assert query_of(f"{{name: V, authors: [Li{hidden}min Wang]}}") == 'au:"Limin Wang"'
