"""Atom 1.0 feeds, one per keyword plus ``all.xml``, for feed readers and Zotero (written by
``site``).

Every date in a feed comes from the papers, never from the clock, so a run with nothing new
rewrites no feed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .atom import EPOCH, entry_updated, stamp
from .escape import Safe
from .fragments import Fragment
from .interface import ALL, file_stem
from .templating import template

FOLDER = "feeds"
WINDOW_DAYS = 30
WINDOW_PAPERS = 1000
_MARK = "\x00"  # xml_text drops NUL from all text, so only the marker carries one


def head_tail(title: str, slug: str | None, newest: str, fallback: str) -> tuple[str, str]:
    """A feed's text before and after its entries; ``fallback`` dates a feed without any.

    ``slug`` is the keyword's, or None for ``all.xml``. A keyword may be named "All" (slug
    ``all``): its feed is named by its file stem (``all_keyword``) so that its id is never the
    combined feed's, which a reader would take for the same feed, and it links to its own
    section of the page.
    """
    text = template("feed.xml.j2").render(
        title=title,
        feed_id=f"urn:dailypapers:feed:{ALL if slug is None else file_stem(slug)}",
        page="../index.html" if slug is None else f"../index.html#{slug}",
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


def window(first_seen: Sequence[str]) -> list[int]:
    """What ``all.xml`` carries of the papers (every paper once, newest first) whose first-seen
    days are ``first_seen``: their positions.

    The papers first seen on the last WINDOW_DAYS update days, newest first-seen day first and
    newest paper first within a day, at most WINDOW_PAPERS. A feed reader polls daily and keeps
    what it has seen, so the window loses a reader nothing, while the whole store (50,000 papers
    at 500 keywords) would make a feed no reader can poll.
    """
    days = set(sorted(set(first_seen), reverse=True)[:WINDOW_DAYS])
    inside = [i for i, day in enumerate(first_seen) if day in days]
    inside.sort(key=first_seen.__getitem__, reverse=True)
    return inside[:WINDOW_PAPERS]
