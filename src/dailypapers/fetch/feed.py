"""arXiv's Atom answer → Papers. Strict: a page we cannot fully trust is rejected whole."""

from __future__ import annotations

import logging
import re
import time

import feedparser

from ..text import fold
from .interface import MalformedFeed, Page, Paper

_ID = re.compile(r"/abs/(?P<id>.+?)(?:v(?P<version>\d+))?$")
_ERROR_ID = "/api/errors"
# New-style ids (2511.01234) and old-style ones (hep-th/9901001, math.GT/0309136).
ARXIV_ID = r"(?:\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})"
_ENTRY_ID = re.compile(r"https?://[^/\s]+/abs/" + ARXIV_ID + r"(?:v\d{1,4})?")

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
    if not match:
        raise MalformedFeed(f"not an arXiv id: {url_or_id!r}")
    return match.group("id"), int(match.group("version") or 1)


def _stamp(entry: feedparser.FeedParserDict, key: str) -> str:
    parsed = entry.get(f"{key}_parsed")
    if not parsed:
        raise MalformedFeed(f"entry {entry.get('id', '?')} has no {key} date")
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def _paper(entry: feedparser.FeedParserDict) -> Paper | None:
    raw_id = entry.get("id")
    if not raw_id:
        raise MalformedFeed("an entry has no id")
    if not _ENTRY_ID.fullmatch(raw_id):
        # The id becomes every link to the paper: one that is not an arXiv identifier could put
        # an image or a link of its own into the README. The rest of the page is still good.
        logger.warning("skipped an entry whose id is not an arXiv identifier: %r", raw_id[:200])
        return None
    paper_id, version = split_id(raw_id)
    title = fold(entry.get("title", ""))
    if not title:
        raise MalformedFeed(f"entry {raw_id} has no title")
    primary = entry.get("arxiv_primary_category") or {}
    categories = tuple(
        dict.fromkeys(tag["term"] for tag in entry.get("tags", []) if tag.get("term"))
    )
    return Paper(
        id=paper_id,
        version=version,
        title=title,
        abstract=fold(entry.get("summary", "")),
        comment=fold(entry.get("arxiv_comment", "")),
        authors=tuple(fold(a.get("name", "")) for a in entry.get("authors", []) if a.get("name")),
        published=_stamp(entry, "published"),
        updated=_stamp(entry, "updated"),
        primary_category=primary.get("term", "") or (categories[0] if categories else ""),
        categories=categories,
        journal_ref=fold(entry.get("arxiv_journal_ref", "")),
        doi=fold(entry.get("arxiv_doi", "")),
    )


def parse_page(body: bytes | str) -> Page:
    """Parse one answer of ``/api/query``.

    An answer with arXiv's ``Error`` entry comes back as ``Page.error`` so the caller can report
    arXiv's own words; anything else that is not clean Atom raises MalformedFeed.
    """
    parsed = feedparser.parse(body)
    if parsed.get("bozo"):
        raise MalformedFeed(f"not well-formed Atom: {parsed.get('bozo_exception')}")
    if not str(parsed.get("version", "")).startswith("atom"):
        raise MalformedFeed("not an Atom feed")
    entries = parsed.get("entries", [])
    if len(entries) == 1 and _ERROR_ID in entries[0].get("id", ""):
        return Page((), 0, error=fold(entries[0].get("summary", "")) or "unknown error")
    total = parsed.get("feed", {}).get("opensearch_totalresults")
    if total is None:
        raise MalformedFeed("no opensearch:totalResults")
    try:
        total_results = int(total)
    except ValueError:
        raise MalformedFeed(f"bad opensearch:totalResults {total!r}") from None
    papers = (_paper(e) for e in entries)
    return Page(tuple(p for p in papers if p is not None), total_results)
