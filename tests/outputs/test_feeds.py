"""Atom feeds under site/feeds: valid Atom 1.0 that carries every stored field as plain text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers import pipeline as api
from dailypapers.fetch import Paper
from dailypapers.outputs.escape import xml_text
from tests.factories import (
    HOSTILE,
    LATEX,
    OLD_STYLE,
    TODAY,
    WORLD_MODELS,
    make_tracker,
    render,
)

ATOM = "{http://www.w3.org/2005/Atom}"
KEYWORDS = {
    "World Model": [HOSTILE, LATEX, WORLD_MODELS],
    "Astro": [WORLD_MODELS, OLD_STYLE],
}  # newest first, as stored


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
    return parsed


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return render(tmp_path, KEYWORDS)


def test_every_feed_is_well_formed_atom(site: Path) -> None:
    names = sorted(p.name for p in (site / "feeds").iterdir())
    assert names == ["all.xml", "astro.xml", "world-model.xml"]
    for path in (site / "feeds").iterdir():
        parsed = parse(path)
        assert parsed.version == "atom10"
        root = ET.fromstring(path.read_bytes())
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{required}") is not None


def test_entries_match_the_store_field_by_field(site: Path) -> None:
    entries = parse(site / "feeds" / "world-model.xml").entries
    assert len(entries) == 3
    for entry, paper in zip(entries, KEYWORDS["World Model"], strict=True):
        assert entry.id == f"https://arxiv.org/abs/{paper.id}"
        assert entry.title == paper.title
        assert entry.summary == paper.abstract
        assert [a.name for a in entry.authors] == list(paper.authors)
        assert [t.term for t in entry.tags] == list(paper.categories)
        assert entry.published == paper.published
        assert entry.updated == paper.updated
        links = {(link.rel, link.get("title", "")): link.href for link in entry.links}
        assert links[("alternate", "")] == paper.abs_url
        assert links[("related", "pdf")] == paper.pdf_url
        assert entry.get("arxiv_comment", "") == paper.comment
        assert entry.get("arxiv_journal_ref", "") == paper.journal_ref
        assert entry.get("arxiv_doi", "") == paper.doi
        assert entry.arxiv_primary_category["term"] == paper.primary_category


def test_code_and_project_links_are_related_links_titled_by_kind(tmp_path: Path) -> None:
    paper = Paper(
        id="2611.00001",
        version=1,
        title="Linked",
        abstract="Project page: https://team.github.io/linked/. Weights: huggingface.co/team/m",
        comment="Code: https://github.com/team/linked.",
        updated="2026-11-20T10:00:00Z",
        published="2026-11-20T10:00:00Z",
        first_seen=TODAY,
    )
    site = render(tmp_path, {"World Model": [paper]})

    entry = parse(site / "feeds" / "world-model.xml").entries[0]
    related = [(link.get("title"), link.href) for link in entry.links if link.rel == "related"]
    assert related == [
        ("pdf", paper.pdf_url),
        ("code", "https://github.com/team/linked"),
        ("code", "https://huggingface.co/team/m"),
        ("project page", "https://team.github.io/linked/"),
    ]


def test_markup_in_paper_text_stays_text(site: Path) -> None:
    entry = parse(site / "feeds" / "world-model.xml").entries[0]
    assert entry.title_detail.type == "text/plain"
    assert entry.summary_detail.type == "text/plain"
    assert entry.title == HOSTILE.title
    assert "<script>" in entry.authors[0].name
    raw = (site / "feeds" / "world-model.xml").read_text(encoding="utf-8")
    assert "<img" not in raw and "<script" not in raw


def test_entry_links_point_at_the_abs_page_and_the_pdf(site: Path) -> None:
    entry = parse(site / "feeds" / "astro.xml").entries[1]
    assert entry.link == "https://arxiv.org/abs/astro-ph/0601001v1"
    pdf = [link for link in entry.links if link.type == "application/pdf"]
    assert [link.href for link in pdf] == ["https://arxiv.org/pdf/astro-ph/0601001v1"]


def test_all_feed_lists_each_paper_once_newest_first(site: Path) -> None:
    entries = parse(site / "feeds" / "all.xml").entries
    ids = [e.id.removeprefix("https://arxiv.org/abs/") for e in entries]
    assert ids == ["2611.00001", "2611.00002", "1803.10122", "astro-ph/0601001"]


def _seen_on(days: int, per_day: int) -> list[Paper]:
    """``per_day`` papers first seen on each of ``days`` days, newest day first."""
    papers = []
    for d in range(days):
        day = (date(2026, 11, 20) - timedelta(days=d)).isoformat()
        for n in range(per_day):
            stamp = f"{day}T{23 - n % 24:02d}:00:00Z"
            papers.append(
                Paper(
                    id=f"2610.{d:02d}{n:03d}",
                    version=1,
                    title=f"Paper {d}-{n}",
                    published=stamp,
                    updated=stamp,
                    first_seen=day,
                )
            )
    return papers


def test_all_feed_holds_the_papers_first_seen_on_the_last_30_update_days(tmp_path: Path) -> None:
    papers = _seen_on(40, 2)
    site = render(tmp_path, {"Busy": papers})
    ids = [
        e.id.removeprefix("https://arxiv.org/abs/")
        for e in parse(site / "feeds" / "all.xml").entries
    ]
    assert ids == [p.id for p in papers[:60]]
    assert len(parse(site / "feeds" / "busy.xml").entries) == 80


def test_all_feed_holds_at_most_1000_papers_newest_first_seen_first(tmp_path: Path) -> None:
    papers = _seen_on(3, 400)
    site = render(tmp_path, {"One": papers[:600], "Two": papers[600:]})
    entries = parse(site / "feeds" / "all.xml").entries
    assert len(entries) == 1000
    days = [e.title.split("-")[0] for e in entries]
    assert days == ["Paper 0"] * 400 + ["Paper 1"] * 400 + ["Paper 2"] * 200


def test_feed_updated_is_the_newest_entry_not_the_clock(site: Path) -> None:
    assert parse(site / "feeds" / "astro.xml").feed.updated == WORLD_MODELS.updated
    assert parse(site / "feeds" / "all.xml").feed.updated == HOSTILE.updated


def test_rendering_again_leaves_every_feed_byte_identical(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = {p.name: p.read_bytes() for p in (paths.site / "feeds").iterdir()}
    changed = api.render(config, paths).changed
    assert [p for p in changed if "feeds" in p.parts] == []
    assert {p.name: p.read_bytes() for p in (paths.site / "feeds").iterdir()} == before


def test_a_keyword_without_papers_gets_a_valid_empty_feed(tmp_path: Path) -> None:
    site = render(tmp_path, {"Quiet Keyword": []})
    parsed = parse(site / "feeds" / "quiet-keyword.xml")
    assert parsed.entries == []
    assert parsed.feed.updated == f"{TODAY}T00:00:00Z"


def test_a_paper_without_dates_still_gets_an_updated_stamp(tmp_path: Path) -> None:
    imported = Paper(id="2101.00001", version=1, title="From a README", first_seen="2026-01-05")
    entry = parse(render(tmp_path, {"Imports": [imported]}) / "feeds" / "imports.xml").entries[0]
    assert entry.updated == "2026-01-05T00:00:00Z"
    assert "published" not in entry


def test_a_keyword_named_all_does_not_overwrite_the_combined_feed(tmp_path: Path) -> None:
    site = render(tmp_path, {"All": [WORLD_MODELS], "Astro": [OLD_STYLE]})
    assert len(parse(site / "feeds" / "all.xml").entries) == 2
    assert len(parse(site / "feeds" / "all_keyword.xml").entries) == 1


def test_a_keyword_named_all_has_its_own_feed_id_and_page_link(tmp_path: Path) -> None:
    """Two feeds with one id would be one feed to a reader that merges by id."""
    site = render(tmp_path, {"All": [WORLD_MODELS], "Astro": [OLD_STYLE]})
    combined = parse(site / "feeds" / "all.xml").feed
    keyword = parse(site / "feeds" / "all_keyword.xml").feed
    assert combined.id == "urn:dailypapers:feed:all"
    assert keyword.id == "urn:dailypapers:feed:all_keyword"
    assert combined.link == "../index.html"
    assert keyword.link == "../index.html#all"


def test_the_feed_of_a_removed_keyword_is_deleted(tmp_path: Path) -> None:
    render(tmp_path, KEYWORDS)
    site = render(tmp_path, {"World Model": [WORLD_MODELS]})
    assert sorted(p.name for p in (site / "feeds").iterdir()) == ["all.xml", "world-model.xml"]


def _xml_char(ch: str) -> bool:
    code = ord(ch)
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


@given(st.text())
def test_xml_text_round_trips_through_an_xml_parser(value: str) -> None:
    escaped = xml_text(value)
    element = ET.fromstring(f'<a title="{escaped}">{escaped}</a>')
    kept = "".join(ch for ch in value if _xml_char(ch))
    assert (element.text or "") == kept
    assert element.get("title") == kept
