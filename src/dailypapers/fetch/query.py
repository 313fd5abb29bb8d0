"""Keyword → arXiv ``search_query``. Phrases are always quoted.

keywords.yaml refuses quotes and backslashes in phrases and removes invisible characters; a
Keyword built in code gets the same treatment here, so no text can end a quoted phrase early or
escape its closing quote.
"""

from __future__ import annotations

from ..config import Keyword
from ..config.model import searchable
from ..config.taxonomy import ARCHIVES_WITH_SUBJECTS

FIELD_PREFIX = {"title": "ti", "abstract": "abs"}


def quoted(text: str) -> str:
    """``text`` as one double-quoted arXiv phrase."""
    inner = " ".join(searchable(text).replace('"', " ").replace("\\", " ").split())
    return f'"{inner}"'


def _any_phrase(phrases: tuple[str, ...], fields: tuple[str, ...]) -> str:
    terms = [f"{FIELD_PREFIX[f]}:{quoted(p)}" for p in phrases for f in fields]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _category(category: str) -> str:
    if "." not in category and category in ARCHIVES_WITH_SUBJECTS:
        return f"cat:{category}.*"
    return f"cat:{category}"


def _any_author(authors: tuple[str, ...]) -> str:
    terms = [f"au:{quoted(a)}" for a in authors]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def search_query(keyword: Keyword) -> str:
    """The query arXiv evaluates; exclusions happen there, never by re-filtering locally.

    Authors narrow phrases (or a raw query) rather than widen them: "papers by these people on
    this topic" is what a keyword with both asks for.
    """
    parts: list[str] = []
    if keyword.query is not None:
        parts.append(f"({keyword.query})")
    elif keyword.phrases:
        parts.append(_any_phrase(keyword.phrases, keyword.fields))
    if keyword.authors:
        parts.append(_any_author(keyword.authors))
    query = " AND ".join(parts)
    if keyword.categories:
        cats = [_category(c) for c in keyword.categories]
        query += " AND " + (cats[0] if len(cats) == 1 else "(" + " OR ".join(cats) + ")")
    if keyword.exclude:
        query += " ANDNOT " + _any_phrase(keyword.exclude, keyword.fields or ("title", "abstract"))
    return query
