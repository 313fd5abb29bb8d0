"""Term weighting: documents as sparse tf-idf vectors, with idf learned from the corpus at hand.

Plain dicts keep the ranker pure Python; a vector holds a paper's few hundred terms at most.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

logger = logging.getLogger(__name__)

Vector = dict[str, float]


def idf(documents: Iterable[Iterable[str]]) -> dict[str, float]:
    """Smoothed inverse document frequency, ln((1 + N) / (1 + df)) + 1, of every term seen."""
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        n += 1
        df.update(set(doc))
    return {term: math.log((1 + n) / (1 + count)) + 1.0 for term, count in df.items()}


def weigh(
    counts: Mapping[str, float],
    weights: Mapping[str, float],
    default: float,
    power: float | None = None,
) -> Vector:
    """tf times idf, scaled to unit length (an empty text gives an empty vector).

    tf is sublinear (1 + ln count) by default, so that a paper that repeats a word is not taken
    for being more about it; ``power`` gives count ** power instead, for texts whose repetitions
    are the signal.
    """
    if power is None:
        vec = {t: (1.0 + math.log(c)) * weights.get(t, default) for t, c in counts.items() if c > 0}
    else:
        vec = {t: c**power * weights.get(t, default) for t, c in counts.items() if c > 0}
    return normalise(vec)


def normalise(vec: Vector) -> Vector:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in vec.items()}


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def centroid(vectors: Sequence[Mapping[str, float]]) -> Vector:
    """The mean direction of ``vectors``, unit length."""
    total: Counter[str] = Counter()
    for vec in vectors:
        total.update(vec)
    return normalise(dict(total))
