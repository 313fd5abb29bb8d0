"""Atom 1.0 feeds, one per keyword plus ``all.xml``, for feed readers and Zotero (written by
``sitefiles``).

Every date in a feed comes from the papers, never from the clock, so a run with nothing new
rewrites no feed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from ..fetch import ARXIV_BASE, Paper
from .escape import Safe
from .fragments import Fragment
from .interface import ALL
from .templating import template

FOLDER = "feeds"
EPOCH = "1970-01-01T00:00:00Z"
WINDOW_DAYS = 30
WINDOW_PAPERS = 1000
_RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
_DAY = re.compile(r"\d{4}-\d\d-\d\d")


def stamp(value: str) -> str:
    """An RFC 3339 timestamp from a stored date, or "" when it is not one (Atom insists)."""
    if _RFC3339.fullmatch(value):
        return value
    if _DAY.fullmatch(value):
        return f"{value}T00:00:00Z"
    return ""


def entry_updated(paper: Paper) -> str:
    return stamp(paper.updated) or stamp(paper.published) or stamp(paper.first_seen) or EPOCH


def entry_id(paper: Paper) -> str:
    """The versionless abs URL: a new version updates the reader's entry instead of adding one."""
    return f"{ARXIV_BASE}/abs/{paper.id}"


_MARK = "\x00"  # xml_text drops NUL from all text, so only the marker carries one


def head_tail(title: str, slug: str, newest: str, fallback: str) -> tuple[str, str]:
    """A feed's text before and after its entries; ``fallback`` dates a feed without any."""
    text = template("feed.xml.j2").render(
        title=title,
        feed_id=f"urn:dailypapers:feed:{slug}",
        page=f"../index.html#{slug}" if slug != ALL else "../index.html",
        updated=newest or stamp(fallback) or EPOCH,
        entries=[Safe(_MARK)],
    )
    head, tail = text.split(_MARK)
    return head, tail


def feed_parts(
    title: str, slug: str, fragments: Sequence[Fragment], fallback: str
) -> tuple[str, list[str], str]:
    newest = max((entry_updated(f.paper) for f in fragments), default="")
    head, tail = head_tail(title, slug, newest, fallback)
    return head, [f.entry for f in fragments], tail


def feed(title: str, slug: str, fragments: Sequence[Fragment], fallback: str) -> Iterator[str]:
    """One keyword's Atom document."""
    head, entries, tail = feed_parts(title, slug, fragments, fallback)
    yield head
    yield from entries
    yield tail


T = TypeVar("T")


def window(items: Sequence[T], first_seen: Callable[[T], str]) -> list[T]:
    """What ``all.xml`` carries of ``items`` (every paper once, newest first).

    The papers first seen on the last WINDOW_DAYS update days, newest first-seen day first and
    newest paper first within a day, at most WINDOW_PAPERS. A feed reader polls daily and keeps
    what it has seen, so the window loses a reader nothing, while the whole store (50,000 papers
    at 500 keywords) would make a feed no reader can poll.
    """
    days = set(sorted({first_seen(i) for i in items}, reverse=True)[:WINDOW_DAYS])
    chosen = [i for i in items if first_seen(i) in days]
    chosen.sort(key=first_seen, reverse=True)
    return chosen[:WINDOW_PAPERS]
