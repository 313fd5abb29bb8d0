"""What the arXiv stage produces and what it needs: the paper record, a page, a searcher."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from ..config import SortKey
from ..config.model import LinkStyle

ARXIV_BASE = "https://arxiv.org"
MAX_VERSION = 999
"""More versions than any paper has; a bigger number is a corrupt id, not a busy author."""
MAX_TOTAL_RESULTS = 10**9
"""More papers than arXiv holds (about 3 million): a count beyond it, or below 0, is a broken
answer, which the store (which keeps the count) would refuse."""
EMPTY_PAGE = "empty page"
"""The ``kind`` of a fetch that failed because arXiv, after every retry, sent no entries where
its count said there were more."""
UTC_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
"""How ``published`` and ``updated`` are stored (four-digit years, so they sort as text)."""
FIRST_YEAR, LAST_YEAR = "1991", "3000"
"""arXiv's first year, and a year no paper of this tracker's life will carry."""


def on_calendar(day_or_time: str) -> bool:
    """Whether a ``YYYY-MM-DD`` day or a ``UTC_TIME`` is a real one of arXiv's years. Year 1 or
    9999 is on the calendar, but a run's date arithmetic (a window before the newest stored
    date, two days after it) overflows there: the keyword would fail on every run."""
    try:
        (date if len(day_or_time) == 10 else datetime).fromisoformat(day_or_time.rstrip("Z"))
    except ValueError:
        return False
    return FIRST_YEAR <= day_or_time < LAST_YEAR


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper at its newest version known to us.

    Dates are ISO 8601 UTC strings (``2025-11-07T18:59:59Z``) so that they sort as text and
    round-trip through JSON unchanged; ``first_seen`` is a plain ``YYYY-MM-DD``.
    """

    id: str
    """arXiv id without version: ``2511.01234`` or ``hep-th/9901001``."""
    version: int
    """The newest version known to us."""
    title: str
    abstract: str = ""
    comment: str = ""
    """The authors' free-text comment (pages, venue, code link)."""
    authors: tuple[str, ...] = ()
    published: str = ""
    """Submission time of v1."""
    updated: str = ""
    """Submission time of this version."""
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    journal_ref: str = ""
    doi: str = ""
    first_seen: str = ""
    """The day this tracker first stored the paper (empty as fetched); kept across versions."""

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    @property
    def abs_url(self) -> str:
        return f"{ARXIV_BASE}/abs/{self.versioned_id}"

    @property
    def pdf_url(self) -> str:
        return f"{ARXIV_BASE}/pdf/{self.versioned_id}"

    def link(self, style: LinkStyle) -> str:
        return self.pdf_url if style == "pdf" else self.abs_url

    def date(self, key: SortKey) -> str:
        """The timestamp a keyword sorts and shows by; falls back so imported rows still order."""
        value = self.updated if key == "updated" else self.published
        return value or self.updated or self.published

    def day(self, key: SortKey) -> str:
        return self.date(key)[:10]


class MalformedFeed(ValueError):
    """The body is not an arXiv Atom page we can trust (HTML, truncated, entries lacking fields)."""


@dataclass(frozen=True)
class Page:
    """One answer of ``/api/query``."""

    papers: tuple[Paper, ...]
    """The entries in the order arXiv sent them."""
    total_results: int
    """arXiv's ``opensearch:totalResults`` for the whole query."""
    error: str | None = None
    """arXiv's own explanation when it answered with its ``Error`` entry."""


class Searcher(Protocol):
    """What paging needs from a client; ``client.ArxivClient`` is the real one."""

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page: ...

    def lookup(self, query: str, ids: Sequence[str]) -> Page:
        """The listed papers that match ``query``, each at its current version (``id_list``)."""
        ...


@dataclass(frozen=True)
class FetchOutcome:
    """What one keyword's fetch brought back."""

    papers: list[Paper]
    """Every paper received, once each at its newest version, in arrival order."""
    total_results: int
    """arXiv's count on the last page."""
    requests: int
    """Pages and look-ups asked for (retries not counted)."""
    unsorted: bool
    """arXiv ignored the requested order (the run then checked the window by date and id)."""
    query: str = ""
    """The ``search_query`` sent."""
    unaccounted: int = 0
    """Newly matching papers arXiv counted that never arrived."""
    repeated: int = 0
    """Entries arXiv sent more than once."""
