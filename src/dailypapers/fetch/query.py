"""Topic → arXiv ``search_query``. Phrases are always quoted; config forbids inner quotes."""

from __future__ import annotations

from .models import Topic

FIELD_PREFIX = {"title": "ti", "abstract": "abs"}
# Archives whose categories have subject classes (``cs.CV``); the others are matched whole.
_ARCHIVES_WITH_SUBJECTS = frozenset(
    "astro-ph cond-mat cs econ eess math nlin physics q-bio q-fin stat".split()
)


def _any_phrase(phrases: tuple[str, ...], fields: tuple[str, ...]) -> str:
    terms = [f'{FIELD_PREFIX[f]}:"{p}"' for p in phrases for f in fields]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _category(category: str) -> str:
    if "." not in category and category in _ARCHIVES_WITH_SUBJECTS:
        return f"cat:{category}.*"
    return f"cat:{category}"


def search_query(topic: Topic) -> str:
    """The query arXiv evaluates; exclusions happen there, never by re-filtering locally."""
    if topic.query is not None:
        query = f"({topic.query})"
    else:
        query = _any_phrase(topic.phrases, topic.fields)
    if topic.categories:
        cats = [_category(c) for c in topic.categories]
        query += " AND " + (cats[0] if len(cats) == 1 else "(" + " OR ".join(cats) + ")")
    if topic.exclude:
        query += " ANDNOT " + _any_phrase(topic.exclude, topic.fields or ("title", "abstract"))
    return query
