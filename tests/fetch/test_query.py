"""What a keyword asks arXiv: every setting of keywords.yaml reaches the ``search_query``."""

from __future__ import annotations

import httpx

from dailypapers.config import parse_config
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
