"""What keywords.yaml means once validated: the keywords and the tracker-wide settings."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from ..settings import DEFAULT_MAX_PAPERS, DEFAULT_READ_FIRST

SortKey = Literal["updated", "published"]
LinkStyle = Literal["pdf", "abs"]
Field = Literal["title", "abstract"]
Column = Literal["title", "date", "abstract", "comment", "code"]
DEFAULT_COLUMNS: tuple[Column, ...] = ("title", "date", "abstract", "comment")


@dataclass(frozen=True)
class Keyword:
    """One tracked keyword: what to ask arXiv and how much of the answer to keep."""

    name: str
    """The README heading and the name users type (``dailypapers update -k``)."""
    slug: str
    """File-name identity: ``data/<slug>.json``, ``feeds/<slug>.xml``."""
    phrases: tuple[str, ...] = ()
    """Phrases searched (any of them) in ``fields``; empty when ``query`` is given."""
    fields: tuple[Field, ...] = ("title", "abstract")
    categories: tuple[str, ...] = ()
    """arXiv categories or whole archives a paper must be in (any of them)."""
    exclude: tuple[str, ...] = ()
    """Phrases whose papers arXiv leaves out of the answer."""
    query: str | None = None
    """A raw arXiv ``search_query`` given by the user instead of phrases."""
    max_papers: int = DEFAULT_MAX_PAPERS
    """How many of the newest papers the store keeps."""
    authors: tuple[str, ...] = ()
    """Names searched with arXiv's ``au:``; with phrases or a query a paper must match both."""
    notify: tuple[str, ...] = ()
    """GitHub user names mentioned in the day's issue when the keyword has new papers."""
    references: tuple[str, ...] = ()
    """arXiv ids (without version) of papers this keyword ranks against, besides the
    tracker-wide ``Config.references``."""


def invisible(text: str) -> list[str]:
    """The invisible characters of ``text`` that change what arXiv matches: format characters
    (soft hyphen U+00AD, zero-width space, non-joiner and joiner U+200B-U+200D, word joiner
    U+2060, byte-order mark U+FEFF, direction marks...) and control characters. Text pasted from
    a PDF or a web page carries them; a phrase holding one matches nothing."""
    return [ch for ch in text if unicodedata.category(ch) in ("Cf", "Cc")]


def searchable(text: str) -> str:
    """``text`` as arXiv is asked for it: invisible characters removed, spaces folded."""
    if text.isascii() and text.isprintable():
        return text
    return " ".join("".join(ch for ch in text if not invisible(ch)).split())


def name_key(name: str) -> str:
    """How keyword names compare everywhere: case and spacing do not make a new keyword."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Config:
    """The whole of keywords.yaml after validation."""

    keywords: tuple[Keyword, ...]
    max_papers: int = DEFAULT_MAX_PAPERS
    """The default of every keyword's ``max_papers``."""
    sort: SortKey = "updated"
    """Which date orders and is shown: of the newest version, or of v1."""
    link: LinkStyle = "pdf"
    """Where titles link."""
    timezone: str = "UTC"
    """The zone of the day a run is dated by."""
    lookback_days: int = 1
    """How far behind the newest stored paper a newly announced one may be dated."""
    path: str = "keywords.yaml"
    """The file it was read from, for messages."""
    columns: tuple[Column, ...] = DEFAULT_COLUMNS
    """The README tables' columns; only ``code`` may be added to the default four."""
    references: tuple[str, ...] = ()
    """arXiv ids (without version) of the group's own or favourite papers, which every
    keyword's papers are ranked against; empty: no ranking, date order everywhere."""
    read_first: int = DEFAULT_READ_FIRST
    """How many of a run's new papers the issue lists first, best first (0: none)."""

    @property
    def code_column(self) -> bool:
        return "code" in self.columns

    def references_for(self, keyword: Keyword) -> tuple[str, ...]:
        """The ids a keyword's papers are ranked against: the tracker's, then its own."""
        return tuple(dict.fromkeys((*self.references, *keyword.references)))

    @property
    def all_references(self) -> tuple[str, ...]:
        """Every reference id any keyword uses, once each: what is fetched."""
        ids = dict.fromkeys(self.references)
        for keyword in self.keywords:
            ids.update(dict.fromkeys(keyword.references))
        return tuple(ids)

    def keyword_named(self, name: str) -> Keyword | None:
        wanted = name_key(name)
        return next((k for k in self.keywords if name_key(k.name) == wanted), None)
