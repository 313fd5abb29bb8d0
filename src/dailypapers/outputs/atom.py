"""What an Atom entry says of a paper beyond its text: its id and its dates, RFC 3339.

A leaf: the feed template's filters (``templating``) and the feeds (``feeds``) both use it.
"""

from __future__ import annotations

import re

from ..fetch import ARXIV_BASE, Paper

EPOCH = "1970-01-01T00:00:00Z"
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
