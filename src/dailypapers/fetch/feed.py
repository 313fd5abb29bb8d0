"""arXiv's Atom answer → Papers. Strict: a page we cannot fully trust is rejected whole."""

from __future__ import annotations

import logging
import re
import time

import feedparser

from ..config.references import ARXIV_ID
from ..text import fold
from .interface import (
    MAX_TOTAL_RESULTS,
    MAX_VERSION,
    UTC_TIME,
    MalformedFeed,
    Page,
    Paper,
    on_calendar,
)

_ID = re.compile(r"/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_ERROR_ID = "/api/errors"
_ENTRY_ID = re.compile(r"https?://[^/\s]+/abs/(?:" + ARXIV_ID.pattern + r")(?:v\d{1,3})?")

logger = logging.getLogger(__name__)


def split_id(url_or_id: str) -> tuple[str, int]:
    """``http://arxiv.org/abs/astro-ph/0601001v2`` → ``("astro-ph/0601001", 2)``."""
    text = url_or_id.strip()
    if "/abs/" not in text and "/pdf/" not in text:
        text = "/abs/" + text
    text = text.replace("/pdf/", "/abs/")
    if text.endswith(".pdf"):
        text = text[:-4]
    match = _ID.search(text)
    version = match.group("version") or "1" if match else ""
    # What the store would refuse on its next load is refused here, before it is stored.
    if not (
        match
        and ARXIV_ID.fullmatch(match.group("id"))
        and len(version) <= 3
        and 1 <= int(version) <= MAX_VERSION
    ):
        raise MalformedFeed(f"not an arXiv id: {url_or_id[:100]!r}")
    return match.group("id"), int(version)


def _stamp(entry: feedparser.FeedParserDict, key: str) -> str:
    parsed = entry.get(f"{key}_parsed")
    if not parsed:
        raise MalformedFeed(f"entry {entry.get('id', '?')} has no {key} date")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)
    # Year 5 or 10000, or before arXiv began: the store would refuse it on load (see on_calendar).
    if not UTC_TIME.fullmatch(stamp) or not on_calendar(stamp):
        raise MalformedFeed(f"entry {entry.get('id', '?')} has an impossible {key} date")
    return stamp


def _text(entry: feedparser.FeedParserDict, key: str) -> str:
    """An element's text, or "" when there is none to trust.

    feedparser gives an unknown element that carries attributes as a dict of them (its text, if
    any, is lost) and an element without a value as None; both are valid Atom, not an error.
    """
    value = entry.get(key)
    return fold(value) if isinstance(value, str) else ""


def _primary(entry: feedparser.FeedParserDict) -> str:
    """``arxiv:primary_category`` as arXiv sends it (``term=``), or as text."""
    value = entry.get("arxiv_primary_category")
    if isinstance(value, dict):
        value = value.get("term")
    return fold(value) if isinstance(value, str) else ""


def _names(items: object, key: str) -> tuple[str, ...]:
    """The non-empty text ``key`` of each dict in ``items``, first occurrences only."""
    if not isinstance(items, list):
        return ()
    values = (item.get(key) for item in items if isinstance(item, dict))
    return tuple(dict.fromkeys(fold(v) for v in values if isinstance(v, str) and fold(v)))


def _paper(entry: feedparser.FeedParserDict) -> Paper | None:
    raw_id = entry.get("id")
    if not raw_id or not isinstance(raw_id, str):
        raise MalformedFeed("an entry has no id")
    if not _ENTRY_ID.fullmatch(raw_id):
        # The id becomes every link to the paper: one that is not an arXiv identifier could put
        # an image or a link of its own into the README. The rest of the page is still good.
        logger.warning("skipped an entry whose id is not an arXiv identifier: %r", raw_id[:200])
        return None
    paper_id, version = split_id(raw_id)
    title = _text(entry, "title")
    if not title:
        raise MalformedFeed(f"entry {raw_id} has no title")
    categories = _names(entry.get("tags"), "term")
    authors = entry.get("authors")
    return Paper(
        id=paper_id,
        version=version,
        title=title,
        abstract=_text(entry, "summary"),
        comment=_text(entry, "arxiv_comment"),
        authors=tuple(
            fold(a["name"])
            for a in (authors if isinstance(authors, list) else [])
            if isinstance(a, dict) and isinstance(a.get("name"), str) and fold(a["name"])
        ),
        published=_stamp(entry, "published"),
        updated=_stamp(entry, "updated"),
        primary_category=_primary(entry) or (categories[0] if categories else ""),
        categories=categories,
        journal_ref=_text(entry, "arxiv_journal_ref"),
        doi=_text(entry, "arxiv_doi"),
    )


def parse_page(body: bytes | str) -> Page:
    """Parse one answer of ``/api/query``.

    An answer with arXiv's ``Error`` entry comes back as ``Page.error`` so the caller can report
    arXiv's own words; anything else that is not clean Atom raises MalformedFeed.
    """
    try:
        parsed = feedparser.parse(body)
    except Exception as exc:  # feedparser's own bugs on odd input (a KeyError on "links")
        raise MalformedFeed(f"the feed parser gave up: {type(exc).__name__}: {exc}") from None
    if parsed.get("bozo"):
        raise MalformedFeed(f"not well-formed Atom: {parsed.get('bozo_exception')}")
    if not str(parsed.get("version", "")).startswith("atom"):
        raise MalformedFeed("not an Atom feed")
    entries = parsed.get("entries", [])
    if len(entries) == 1 and _ERROR_ID in _text(entries[0], "id"):
        return Page((), 0, error=_text(entries[0], "summary") or "unknown error")
    total = parsed.get("feed", {}).get("opensearch_totalresults")
    if total is None:
        raise MalformedFeed("no opensearch:totalResults")
    try:
        total_results = int(total)
    except (TypeError, ValueError):
        total_results = -1
    if not 0 <= total_results <= MAX_TOTAL_RESULTS:
        raise MalformedFeed(f"bad opensearch:totalResults {total!r}")
    papers = (_paper(e) for e in entries)
    return Page(tuple(p for p in papers if p is not None), total_results)
