"""What the ranker takes and gives: the contract the outputs and the CLI build on.

The ranker knows nothing of keywords, stores or files, so any stage above it can call it with
plain text, and a benchmark can call it with a graded set.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """A paper as the ranker sees it: its arXiv id (without version) and its text."""

    id: str
    title: str
    abstract: str


@dataclass(frozen=True)
class Scored:
    """One candidate's place: ``score`` in 0..1 (higher is read first), rounded to 4 places so
    that JSON output is byte-stable; ``closest`` is the id of the reference it is nearest to,
    or None when it shares no term with any reference (or there are no references)."""

    id: str
    score: float
    closest: str | None
