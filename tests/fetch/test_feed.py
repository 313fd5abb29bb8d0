"""Parsing arXiv's Atom: every recorded real answer, checked field by field against arxiv.py."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from arxiv import _feed as oracle
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.fetch import MalformedFeed
from dailypapers.fetch.feed import parse_page, split_id
from dailypapers.text import fold
from tests.support import FIXTURES, shared_fixture


def recorded_pages() -> list[Path]:
    folder = FIXTURES / "arxiv"
    return sorted(folder.glob("*.xml")) if folder.exists() else []


def recorded_result_pages() -> list[Path]:
    """Every recorded answer but the HTTP 400 ones, which carry arXiv's Error entry."""
    return [p for p in recorded_pages() if '"status": 200' in p.with_suffix(".meta").read_text()]


@pytest.mark.parametrize("page", recorded_result_pages(), ids=lambda p: p.stem)
def test_recorded_page_matches_the_arxiv_library_field_by_field(page: Path) -> None:
    body = page.read_bytes()
    ours = parse_page(body)
    assert ours.error is None
    theirs = oracle.parse(body)
    assert ours.total_results == theirs.header.total_results
    assert len(ours.papers) == len(theirs.results)
    for paper, result in zip(ours.papers, theirs.results, strict=True):
        assert paper.abs_url.replace("https://", "http://") == result.entry_id
        assert paper.title == fold(result.title)
        assert paper.abstract == fold(result.summary)
        assert paper.comment == fold(result.comment or "")
        assert paper.journal_ref == fold(result.journal_ref or "")
        assert paper.doi == (result.doi or "")
        assert list(paper.authors) == [a.name for a in result.authors]
        assert paper.primary_category == result.primary_category
        assert list(paper.categories) == result.categories
        assert paper.published == result.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert paper.updated == result.updated.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_there_are_recorded_pages_to_check() -> None:
    shared_fixture("arxiv")
    assert len(recorded_pages()) >= 20


def test_old_style_id_keeps_its_archive() -> None:
    page = parse_page(shared_fixture("arxiv", "id_astro-ph_0601001_s0_m100.xml").read_bytes())
    (paper,) = page.papers
    assert (paper.id, paper.version) == ("astro-ph/0601001", 1)
    assert paper.pdf_url == "https://arxiv.org/pdf/astro-ph/0601001v1"


def test_error_entry_is_reported_with_arxivs_words() -> None:
    page = parse_page(shared_fixture("arxiv", "id_abc_s0_m100.xml").read_bytes())
    assert page.error == "incorrect id format for abc"
    assert page.papers == ()


def test_unknown_id_is_an_empty_page_not_an_error() -> None:
    page = parse_page(shared_fixture("arxiv", "id_0000.0000_s0_m100.xml").read_bytes())
    assert (page.papers, page.total_results, page.error) == ((), 0, None)


def test_whitespace_in_titles_is_folded() -> None:
    page = parse_page(shared_fixture("arxiv", "q_testing_s0_m100.xml").read_bytes())
    for paper in page.papers:
        assert "  " not in paper.title and "\n" not in paper.title
        assert "  " not in paper.abstract


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>503 Service Unavailable</body></html>",
        b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>",
        b"",
        b"not xml at all",
    ],
)
def test_anything_but_clean_atom_is_malformed(body: bytes) -> None:
    with pytest.raises(MalformedFeed):
        parse_page(body)


def test_truncated_real_page_is_malformed() -> None:
    body = shared_fixture("arxiv", "q_testing_s0_m10.xml").read_bytes()
    with pytest.raises(MalformedFeed):
        parse_page(body[: len(body) // 2])


def test_entry_without_dates_is_malformed() -> None:
    body = shared_fixture("arxiv", "q_testing_s0_m10.xml").read_bytes()
    stripped = body.replace(b"<published>", b"<x>").replace(b"</published>", b"</x>")
    with pytest.raises(MalformedFeed, match="no published date"):
        parse_page(stripped)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://arxiv.org/abs/2511.05299v2", ("2511.05299", 2)),
        ("https://arxiv.org/pdf/2511.05299v12", ("2511.05299", 12)),
        ("https://arxiv.org/pdf/2511.05299v1.pdf", ("2511.05299", 1)),
        ("http://arxiv.org/abs/astro-ph/0601001v1", ("astro-ph/0601001", 1)),
        ("https://arxiv.org/abs/math.GT/0309136v3", ("math.GT/0309136", 3)),
        ("2511.05299", ("2511.05299", 1)),
    ],
)
def test_ids_split_into_versionless_id_and_version(text: str, expected: tuple[str, int]) -> None:
    assert split_id(text) == expected


@given(
    st.from_regex(r"\A[0-9]{4}\.[0-9]{4,5}\Z|\A[a-z][a-z-]{1,7}/[0-9]{7}\Z"),
    st.integers(min_value=1, max_value=99),
)
def test_split_id_inverts_the_abs_url(paper_id: str, version: int) -> None:
    assert split_id(f"http://arxiv.org/abs/{paper_id}v{version}") == (paper_id, version)


_NS = (
    'xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
)
_ENTRY = (
    "<id>http://arxiv.org/abs/2511.00001v2</id><title>A title</title>"
    "<updated>2026-11-02T00:00:00Z</updated><published>2026-11-01T00:00:00Z</published>"
    '<summary>An abstract.</summary><category term="cs.CV"/><category term="cs.LG"/>'
)


def one_entry(extra: str) -> str:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><feed {_NS}><id>q</id>"
        "<opensearch:totalResults>1</opensearch:totalResults>"
        f"<entry>{_ENTRY}{extra}</entry></feed>"
    )


@pytest.mark.parametrize("element", ["arxiv:comment", "arxiv:doi", "arxiv:journal_ref"])
def test_an_arxiv_element_with_an_attribute_and_no_text_is_empty(element: str) -> None:
    (paper,) = parse_page(one_entry(f'<{element} xml:lang="en"/>')).papers
    assert (paper.comment, paper.doi, paper.journal_ref) == ("", "", "")
    assert paper.title == "A title"


def test_primary_category_given_as_text_is_read() -> None:
    page = parse_page(one_entry("<arxiv:primary_category>cs.LG</arxiv:primary_category>"))
    assert page.papers[0].primary_category == "cs.LG"


def test_a_crash_inside_the_feed_library_is_a_malformed_page() -> None:
    body = one_entry('<source><link><arxiv:doi term="cs.LG">x</arxiv:doi><source/></link></source>')
    with pytest.raises(KeyError):
        feedparser.parse(body)  # feedparser's own bug: this test needs it to be there
    with pytest.raises(MalformedFeed, match="KeyError"):
        parse_page(body)


@pytest.mark.parametrize(
    "raw",
    [
        "http://arxiv.org/abs/../../etc/passwd",
        "http://arxiv.org/abs/2611.1v1",
        "http://arxiv.org/abs/2611.00001v0",
        "http://arxiv.org/abs/2611.00001v1000",
        "http://arxiv.org/abs/2611.00001v" + "9" * 5001,
        "http://arxiv.org/abs/<script>",
        "http://arxiv.org/abs/",
    ],
)
def test_an_id_or_version_the_store_would_refuse_is_not_an_arxiv_id(raw: str) -> None:
    with pytest.raises(MalformedFeed, match="not an arXiv id"):
        split_id(raw)


def test_real_id_shapes_split_into_id_and_version() -> None:
    assert split_id("http://arxiv.org/abs/2511.05299v12") == ("2511.05299", 12)
    assert split_id("http://arxiv.org/abs/0704.0001") == ("0704.0001", 1)
    assert split_id("http://arxiv.org/abs/math.GT/0309136v2") == ("math.GT/0309136", 2)


@pytest.mark.parametrize(
    ("published", "updated"),
    [
        ("0005-01-01T00:00:00Z", "2026-11-02T00:00:00Z"),
        ("2026-11-01T00:00:00Z", "9999-12-31T23:59:60Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("1990-12-31T00:00:00Z", "2026-11-02T00:00:00Z"),
        ("2026-11-01T00:00:00Z", "9999-12-31T00:00:00Z"),
    ],
)
def test_a_date_arxiv_cannot_have_makes_the_page_malformed(published: str, updated: str) -> None:
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">'
        "<opensearch:totalResults>1</opensearch:totalResults><entry>"
        "<id>http://arxiv.org/abs/2511.00001v1</id><title>A title</title>"
        f"<published>{published}</published><updated>{updated}</updated></entry></feed>"
    )
    with pytest.raises(MalformedFeed, match="impossible"):
        parse_page(body)


@pytest.mark.parametrize("count", ["-5", "5000000000", "1e3"])
def test_a_count_no_store_could_keep_is_a_broken_answer(count: str) -> None:
    text = one_entry("").replace(
        "<opensearch:totalResults>1<", f"<opensearch:totalResults>{count}<"
    )
    with pytest.raises(MalformedFeed, match=f"bad opensearch:totalResults '{count}'"):
        parse_page(text)
