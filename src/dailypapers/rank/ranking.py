"""Every stored paper scored against its keyword's references: what the outputs order by.

The whole store is the background (idf, and the papers a reference is not), so one scoring of
each keyword serves the issue, the page and ``dailypapers rank`` alike, and a paper has the same
score wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..config import Config
from ..store import KeywordStore
from .interface import Document, Scored
from .references import ReferenceSet
from .scorer import Corpus


@dataclass(frozen=True)
class Ranking:
    """Scores per keyword, and the reference titles that ``closest`` points at."""

    scores: Mapping[str, Mapping[str, Scored]] = field(default_factory=dict)
    """Keyword slug → paper id → its score against that keyword's references."""
    titles: Mapping[str, str] = field(default_factory=dict)
    """Reference id → title, for "close to ..."."""

    def of(self, slug: str) -> Mapping[str, Scored]:
        return self.scores.get(slug, {})

    def ordered(self, slug: str, ids: Sequence[str]) -> list[Scored]:
        """``ids`` best first; ids without a score keep their place after the scored ones."""
        scores = self.of(slug)
        known = [scores[i] for i in ids if i in scores]
        position = {s.id: n for n, s in enumerate(known)}
        return sorted(known, key=lambda s: (-s.score, position[s.id]))


def rank_stores(
    config: Config, stores: Iterable[KeywordStore], references: ReferenceSet
) -> Ranking:
    """Score each keyword's papers (in their stored, newest-first order) against its references.

    Keywords whose references arXiv knows none of get no scores and stay in date order.
    """
    stores = list(stores)
    documents: dict[str, Document] = {}
    for store in stores:
        for paper in store.papers:
            documents.setdefault(paper.id, Document(paper.id, paper.title, paper.abstract))
    corpus = Corpus(list(documents.values()), references.documents(config.all_references))
    scores: dict[str, dict[str, Scored]] = {}
    for store in stores:
        wanted = references.documents(config.references_for(store.keyword))
        if not wanted or not store.papers:
            continue
        candidates = [documents[p.id] for p in store.papers]
        scores[store.keyword.slug] = {s.id: s for s in corpus.rank(wanted, candidates)}
    return Ranking(scores, references.titles())
