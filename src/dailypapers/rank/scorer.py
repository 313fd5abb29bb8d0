"""The method: a tf-idf profile of the references, sharpened and widened by the store, and cosine.

Measured on the dev set (``benchmarks/relevance.py``, docs/benchmarks.md "Ranking: read
first"): unigrams and bigrams, a title counted twice, idf from every paper at hand, and a
reference's repeated words damped less than a paper's. The profile is the references' centroid
less three quarters of the background's centroid (Rocchio's negative feedback, which removes
what every stored paper shares, such as the keyword itself), plus six tenths of the centroid of
the ten stored papers closest to it (feedback from the store: the words the group's field uses
that its own abstracts happen not to). A paper's text also counts the words it implies without
spelling them: the parts of its CamelCase names, and the long forms of its acronyms as the
papers at hand define them. A second pass adds three tenths of the best three
candidates' centroid, each candidate scored without its own part in that feedback, so that the
first pass cannot lock its picks in. A candidate's title alone, matched with the profile, adds
a fifth to its score. Each step was kept only if it helped on both halves of the units and with
every other reference left out, except the references' tf: with every other reference left out
it costs the weeks 0.005 and gives the days 0.018.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import Counter
from collections.abc import Sequence

from dailypapers.rank.acronyms import Acronyms, learn
from dailypapers.rank.interface import Document, Scored
from dailypapers.rank.tokens import parts, terms_of, words
from dailypapers.rank.vectors import Vector, centroid, dot, idf, normalise, weigh

logger = logging.getLogger(__name__)

TITLE_WEIGHT = 2.0
"""How many abstract words a title word counts for: a title names the topic."""
REFERENCE_TF_POWER: float | None = 0.75
"""A reference's word counts as count ** this (None: 1 + ln count, as for every other paper).
The group's own abstracts repeat the words of their core topic, and in the profile that
repetition is the signal, so it is damped less than a paper's."""
NEGATIVE = 0.75
"""How much of the background's centroid is taken off the references' profile."""
STORE_FEEDBACK = 0.6
"""How much of the closest stored papers' centroid is added to the profile."""
STORE_FEEDBACK_DEPTH = 10
"""How many of the background's papers closest to the profile give that feedback."""
STORE_FEEDBACK_POOL = 2000
"""At most this many background papers (evenly spread over the store) are searched for them,
so that a store of 500 keywords costs each keyword a bounded search."""
FEEDBACK = 0.3
"""How much of the best candidates' centroid is added to the profile for a second pass."""
FEEDBACK_DEPTH = 3
"""How many of the first pass's best candidates give that feedback."""
IMPLIED = 1.0
"""How many written words a term counts for that a text implies without spelling it out (see
``implied``)."""
TITLE_MATCH = 0.2
"""How much a candidate's title alone, matched with the profile before the candidates' feedback,
adds to its score (which is then divided by 1 + this, to stay in 0..1). In the paper's vector a
long abstract dilutes its title; on its own, a title that names the group's topic counts."""


def _counts(doc: Document, acronyms: Acronyms) -> dict[str, float]:
    """A paper's terms: each title term counts ``TITLE_WEIGHT`` times, and each text's implied
    terms ``IMPLIED`` times as much as its written ones. Each text is split into words once."""
    abstract, title = words(doc.abstract), words(doc.title)
    counts: dict[str, float] = dict(Counter(terms_of(abstract)))
    for term in terms_of(title):
        counts[term] = counts.get(term, 0.0) + TITLE_WEIGHT
    _add_implied(counts, doc.abstract, abstract, acronyms, IMPLIED)
    _add_implied(counts, doc.title, title, acronyms, IMPLIED * TITLE_WEIGHT)
    return counts


def implied(text: str, seq: list[str], acronyms: Acronyms) -> list[str]:
    """Terms ``text`` (split by ``words`` into ``seq``) means without spelling them out, each
    once: the words inside its CamelCase names, and the long form of each acronym it uses (or
    that such a name holds)."""
    found = parts(text)
    result = list(found)
    for word in dict.fromkeys([*seq, *found]):
        long = acronyms.get(word)
        if long:
            result.extend(long)
            result.extend(f"{a} {b}" for a, b in itertools.pairwise(long))
    return result


def _add_implied(
    counts: dict[str, float], text: str, seq: list[str], acronyms: Acronyms, weight: float
) -> None:
    """A weight of 0 adds no term at all, so that every idf stays as it is without them."""
    if weight > 0.0:
        for term in implied(text, seq, acronyms):
            counts[term] = counts.get(term, 0.0) + weight


class Corpus:
    """The store's papers weighed once, so that many keywords rank against one store.

    Tokenising and weighing a paper is most of the cost (about 1 ms in pure Python); a tracker
    with hundreds of keywords ranks each keyword's papers against the rest of the same store, so
    every paper is weighed once here and each keyword's background is the whole less its own
    candidates. ``rank`` below is the same computation for a single set of candidates.
    """

    def __init__(self, documents: Sequence[Document], references: Sequence[Document]) -> None:
        self._acronyms = learn(f"{doc.title} {doc.abstract}" for doc in (*documents, *references))
        counts = {doc.id: _counts(doc, self._acronyms) for doc in documents}
        self._reference_counts = [_counts(doc, self._acronyms) for doc in references]
        self._weights = idf(
            [*(c.keys() for c in counts.values()), *(c.keys() for c in self._reference_counts)]
        )
        self._vectors = {i: weigh(c, self._weights, 1.0) for i, c in counts.items()}
        self._total: Counter[str] = Counter()
        for vec in self._vectors.values():
            self._total.update(vec)
        self._total_norm2 = sum(v * v for v in self._total.values())

    def _negative(self, refs: Sequence[Vector], own: set[str]) -> Vector:
        """The centroid of the corpus less ``own``, on the references' terms only (all the
        profile reads of it): the whole vocabulary is not copied for every keyword."""
        own_sum: Counter[str] = Counter()
        for doc_id in own & self._vectors.keys():
            own_sum.update(self._vectors[doc_id])
        if len(own & self._vectors.keys()) == len(self._vectors):
            return {}
        total = self._total
        norm2 = (
            self._total_norm2
            - 2.0 * sum(total[t] * v for t, v in own_sum.items())
            + sum(v * v for v in own_sum.values())
        )
        if norm2 <= 0.0:
            return {}
        norm = math.sqrt(norm2)
        terms = {t for vec in refs for t in vec}
        return {t: (total[t] - own_sum[t]) / norm for t in terms if t in total}

    def vector(self, doc: Document) -> Vector:
        known = self._vectors.get(doc.id)
        if known is not None:
            return known
        return weigh(_counts(doc, self._acronyms), self._weights, 1.0)

    def reference(self, doc: Document) -> Vector:
        return weigh(_counts(doc, self._acronyms), self._weights, 1.0, REFERENCE_TF_POWER)

    def title(self, doc: Document) -> Vector:
        seq = words(doc.title)
        counts: dict[str, float] = dict(Counter(terms_of(seq)))
        _add_implied(counts, doc.title, seq, self._acronyms, IMPLIED)
        return weigh(counts, self._weights, 1.0)

    def rank(self, references: Sequence[Document], candidates: Sequence[Document]) -> list[Scored]:
        """``candidates`` (papers of this corpus) best first against ``references``; the rest
        of the corpus is their background."""
        if not references:
            return [Scored(c.id, 0.0, None) for c in candidates]
        refs = [self.reference(doc) for doc in references]
        cands = [self.vector(doc) for doc in candidates]
        own = {doc.id for doc in candidates}
        negative = self._negative(refs, own)
        query = _widened(profile(refs, negative), self._pool(own))
        matches = [dot(query, self.title(doc)) for doc in candidates]
        return _ranked(candidates, refs, cands, matches, query, references)

    def _pool(self, own: set[str]) -> list[Vector]:
        """The background papers searched for the store's feedback."""
        rest = [vec for doc_id, vec in self._vectors.items() if doc_id not in own]
        step = -(-len(rest) // STORE_FEEDBACK_POOL) or 1
        return rest[::step]


def profile(references: Sequence[Vector], negative: Vector) -> Vector:
    """The references' mean direction without what the background has in common."""
    positive = centroid(references)
    if not negative:
        return positive
    sharpened = {t: v - NEGATIVE * negative.get(t, 0.0) for t, v in positive.items()}
    return normalise({t: v for t, v in sharpened.items() if v > 0.0})


def _widened(query: Vector, pool: Sequence[Vector]) -> Vector:
    """``query`` plus the centroid of the pool's papers closest to it."""
    if not query or not pool:
        return query
    scores = [dot(query, vec) for vec in pool]
    best = sorted(range(len(pool)), key=lambda i: (-scores[i], i))[:STORE_FEEDBACK_DEPTH]
    return _plus(query, centroid([pool[i] for i in best if scores[i] > 0.0]), STORE_FEEDBACK)


def _plus(query: Vector, feedback: Vector, weight: float) -> Vector:
    if not feedback:
        return query
    return normalise(
        {t: query.get(t, 0.0) + weight * feedback.get(t, 0.0) for t in query.keys() | feedback}
    )


def rank(
    references: Sequence[Document],
    candidates: Sequence[Document],
    background: Sequence[Document] = (),
) -> list[Scored]:
    """``candidates`` best first, each with its score in 0..1 and its closest reference.

    ``background`` is the rest of the store: it gives idf with the candidates and the
    references, the negative part of the profile, and the closest papers that widen it. Equal
    (rounded) scores keep the order the candidates came in, so with no references at all the
    order is unchanged.
    """
    return Corpus([*candidates, *background], references).rank(references, candidates)


def _ranked(
    candidates: Sequence[Document],
    refs: Sequence[Vector],
    cands: Sequence[Vector],
    title_matches: Sequence[float],
    query: Vector,
    references: Sequence[Document],
) -> list[Scored]:
    first = [dot(query, vec) for vec in cands]
    top = [
        i
        for i in sorted(range(len(cands)), key=lambda i: (-first[i], i))[:FEEDBACK_DEPTH]
        if first[i] > 0.0
    ]
    final = _plus(query, centroid([cands[i] for i in top]), FEEDBACK)
    scored = []
    papers = zip(candidates, cands, title_matches, strict=True)
    for position, (doc, vec, title) in enumerate(papers):
        if position in top:
            others = centroid([cands[i] for i in top if i != position])
            raw = dot(_plus(query, others, FEEDBACK), vec)
        else:
            raw = dot(final, vec)
        raw = (raw + TITLE_MATCH * title) / (1.0 + TITLE_MATCH)
        score = round(min(max(float(raw), 0.0), 1.0), 4)
        # A reference that is itself a candidate (the group's own paper, in the store) is not
        # "close to" itself: that tells the reader nothing, so the nearest other one is named.
        nearest = [dot(r, vec) if references[i].id != doc.id else 0.0 for i, r in enumerate(refs)]
        best = max(range(len(refs)), key=lambda i: (nearest[i], -i))
        closest = references[best].id if nearest[best] > 0.0 else None
        scored.append((-score, position, Scored(doc.id, score, closest)))
    scored.sort(key=lambda item: (item[0], item[1]))
    logger.debug("ranked %d candidates against %d references", len(candidates), len(refs))
    return [item[2] for item in scored]
