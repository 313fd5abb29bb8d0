"""Acronyms learned from the papers themselves, so that "VLM" and "vision-language model" meet.

A field's papers define their acronyms in the text ("vision-language models (VLMs)"), and a
title then uses the short form alone. Word statistics cannot tell that the two are one term,
so each acronym's most common definition in the papers at hand is taken as its meaning. No
acronym is written here: a group of any field gets its own field's.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

from dailypapers.rank.tokens import words

logger = logging.getLogger(__name__)

Acronyms = Mapping[str, tuple[str, ...]]
"""An acronym as ``words`` folds it ("vlm") -> the content words of its long form."""

_DEFINED = re.compile(r"\(([^\W_][\w-]{1,9})\)")
_WORD = re.compile(r"[^\W_]+")
LOOKBACK = 12
"""How many words before the parenthesis a long form may span."""


def definitions(text: str) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each ``long form (ACRONYM)`` in ``text`` whose capitals are the long form's initials."""
    for match in _DEFINED.finditer(text):
        short = match.group(1)
        capitals = [c for c in short if c.isupper()]
        key = [w for w in words(short.replace("-", "")) if w]
        if len(capitals) < 2 or len(key) != 1:
            continue
        before = _WORD.findall(text[max(0, match.start() - 16 * LOOKBACK) : match.start()])
        start = _long_form(capitals, before[-LOOKBACK:])
        if start is not None:
            long = tuple(w for w in words(" ".join(before[-LOOKBACK:][start:])) if w)
            if long:
                yield key[0], long


def _long_form(capitals: list[str], before: list[str]) -> int | None:
    """Where the long form starts in ``before``: its last word takes the last capital, and
    words that take none (such as "of") may sit between the others."""
    if not before or before[-1][:1].upper() != capitals[-1]:
        return None
    wanted = len(capitals) - 1
    for position in range(len(before) - 1, -1, -1):
        if wanted < 0:
            return position + 1
        if before[position][:1].upper() == capitals[wanted]:
            wanted -= 1
    return 0 if wanted < 0 else None


def learn(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each acronym's most common long form among ``texts`` (the first seen of equals).

    One definition is enough: a store of a few hundred papers defines most acronyms once."""
    seen: Counter[tuple[str, tuple[str, ...]]] = Counter()
    for text in texts:
        seen.update(definitions(text))
    learned: dict[str, tuple[str, ...]] = {}
    for (short, long), _ in seen.most_common():
        learned.setdefault(short, long)
    logger.debug("learned %d acronyms from the papers", len(learned))
    return learned
