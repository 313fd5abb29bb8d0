"""The one definition of a paper and a topic; every stage passes these and nothing looser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SortKey = Literal["updated", "published"]
LinkStyle = Literal["pdf", "abs"]
Field = Literal["title", "abstract"]

ARXIV_BASE = "https://arxiv.org"


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper at its newest version known to us.

    Dates are ISO 8601 UTC strings (``2025-11-07T18:59:59Z``) so that they sort as text and
    round-trip through JSON unchanged; ``first_seen`` is a plain ``YYYY-MM-DD``.
    """

    id: str
    version: int
    title: str
    abstract: str = ""
    comment: str = ""
    authors: tuple[str, ...] = ()
    published: str = ""
    updated: str = ""
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    journal_ref: str = ""
    doi: str = ""
    first_seen: str = ""

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
        """The timestamp a topic sorts and shows by; falls back so imported rows still order."""
        value = self.updated if key == "updated" else self.published
        return value or self.updated or self.published

    def day(self, key: SortKey) -> str:
        return self.date(key)[:10]


@dataclass(frozen=True)
class Topic:
    """A keyword as configured: what to ask arXiv and how much of the answer to keep."""

    name: str
    slug: str
    phrases: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ("title", "abstract")
    categories: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    query: str | None = None
    max_papers: int = 100


def name_key(name: str) -> str:
    """How keyword names compare everywhere: case and spacing do not make a new keyword."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Config:
    """The whole of keywords.yaml after validation."""

    topics: tuple[Topic, ...]
    max_papers: int = 100
    sort: SortKey = "updated"
    link: LinkStyle = "pdf"
    timezone: str = "UTC"
    lookback_days: int = 1
    path: str = "keywords.yaml"

    def topic_named(self, name: str) -> Topic | None:
        wanted = name_key(name)
        return next((t for t in self.topics if name_key(t.name) == wanted), None)
