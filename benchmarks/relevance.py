"""Rerunnable benchmark of the ranker's quality and cost on the graded dev set.

    python -m benchmarks.relevance             # every method, every unit, held-out halves, timing
    python -m benchmarks.relevance --quick     # skip the slow SVM baseline and the timing
    python -m benchmarks.relevance --variants  # ours with one scorer setting changed at a time

Reads ``../shared/fixtures/relevance/`` (see its README) through the tests' shared-fixture
lookup and exits with a message when it is absent. Per unit: nDCG@10 (gain 2^grade - 1), P@5
and MRR (relevant = grade >= 2), averaged per kind of unit. Grades are read only to score an
order, never shown to a method.

The background a method sees for a unit (the rest of the store, in the product) is the papers of
the other units of the same kind nearest in date, until there are at least ``BACKGROUND``
of them: a tracker's store holds what its keywords matched before and after, not this unit's
grades. The unit's own candidates are never in its background.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from dailypapers.rank import rank, scorer
from dailypapers.rank.interface import Document
from dailypapers.rank.scorer import Corpus
from dailypapers.rank.tokens import terms
from dailypapers.rank.vectors import Vector, centroid, dot, idf, weigh
from tests.support import FIXTURES

RELEVANCE = FIXTURES / "relevance"
BACKGROUND = 1000
WEEKS = "week of the keyword feed"
DAYS = "all papers of a day"


@dataclass(frozen=True)
class Unit:
    kind: str
    name: str
    candidates: tuple[Document, ...]
    grades: tuple[int, ...]
    background: tuple[Document, ...]


Method = Callable[[Sequence[Document], Sequence[Document], Sequence[Document]], list[int]]
"""references, candidates, background -> candidate positions, best first."""


# --------------------------------------------------------------------------- the dev set


def _when(unit: str) -> date:
    if "-W" in unit:
        year, week = unit.split("-W")
        return date.fromisocalendar(int(year), int(week), 3)
    return date.fromisoformat(unit)


def load() -> tuple[list[Document], list[Unit]]:
    def doc(row: dict[str, str]) -> Document:
        return Document(row["id"], row["title"], row["abstract"])

    with (RELEVANCE / "references.jsonl").open(encoding="utf-8") as lines:
        references = [doc(json.loads(line)) for line in lines]
    papers: dict[str, Document] = {}
    grade: dict[str, int] = {}
    with gzip.open(RELEVANCE / "papers.jsonl.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            papers[row["id"]] = doc(row)
            grade[row["id"]] = int(row["grade"])
    with (RELEVANCE / "units.jsonl").open(encoding="utf-8") as lines:
        raw = [json.loads(line) for line in lines]
    units = []
    for row in raw:
        own = set(row["candidates"])
        when = _when(row["unit"])
        others = sorted(
            (r for r in raw if r["kind"] == row["kind"] and r is not row),
            key=lambda r: (abs((_when(r["unit"]) - when).days), r["unit"]),
        )
        background: dict[str, Document] = {}
        for other in others:
            if len(background) >= BACKGROUND:
                break
            for pid in other["candidates"]:
                if pid not in own:
                    background.setdefault(pid, papers[pid])
        units.append(
            Unit(
                row["kind"],
                row["unit"],
                tuple(papers[p] for p in row["candidates"]),
                tuple(grade[p] for p in row["candidates"]),
                tuple(background.values()),
            )
        )
    return references, units


# --------------------------------------------------------------------------- metrics


def ndcg(grades: Sequence[int], k: int = 10) -> float:
    def dcg(gs: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(grades, reverse=True))
    return dcg(grades) / ideal if ideal else 0.0


def precision(grades: Sequence[int], k: int = 5) -> float:
    return sum(g >= 2 for g in grades[:k]) / k


def mrr(grades: Sequence[int]) -> float:
    return next((1 / (i + 1) for i, g in enumerate(grades) if g >= 2), 0.0)


Scores = dict[str, list[tuple[float, float, float]]]
"""Per kind of unit, each unit's (nDCG@10, P@5, MRR), in the dev set's order."""


def evaluate(method: Method, references: Sequence[Document], units: Sequence[Unit]) -> Scores:
    per_kind: Scores = {}
    for unit in units:
        order = method(references, unit.candidates, unit.background)
        assert sorted(order) == list(range(len(unit.candidates))), "not a permutation"
        grades = [unit.grades[i] for i in order]
        per_kind.setdefault(unit.kind, []).append((ndcg(grades), precision(grades), mrr(grades)))
    return per_kind


def means(scores: Scores, half: int | None = None) -> dict[str, tuple[float, float, float]]:
    """Mean (nDCG@10, P@5, MRR) per kind; ``half`` 0 or 1 keeps every other unit of a kind."""
    result = {}
    for kind, rows in scores.items():
        kept = rows if half is None else rows[half::2]
        result[kind] = (
            statistics.fmean(r[0] for r in kept),
            statistics.fmean(r[1] for r in kept),
            statistics.fmean(r[2] for r in kept),
        )
    return result


# --------------------------------------------------------------------------- classic methods


def by_score(scores: Sequence[float]) -> list[int]:
    """Positions best first; ties keep the given (date) order."""
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))


def date_order(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    return list(range(len(cands)))


def random_order(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    order = list(range(len(cands)))
    random.Random(" ".join(c.id for c in cands)).shuffle(order)
    return order


def _plain(doc: Document) -> list[str]:
    return terms(f"{doc.title} {doc.abstract}", bigrams=False)


def _tfidf(
    refs: Sequence[Document],
    cands: Sequence[Document],
    bg: Sequence[Document],
    power: float | None = None,
) -> tuple[list[Vector], list[Vector], list[Vector]]:
    """Classic tf-idf (unigrams, title and abstract as one text), idf over the whole corpus;
    tf is 1 + ln count, or count ** ``power``."""
    docs = [[_plain(d) for d in group] for group in (refs, cands, bg)]
    weights = idf(t for group in docs for t in group)
    vecs = [[weigh(Counter(t), weights, 1.0, power) for t in group] for group in docs]
    return vecs[0], vecs[1], vecs[2]


def tfidf_centroid(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    r, c, _ = _tfidf(refs, cands, bg)
    mean = centroid(r)
    return by_score([dot(mean, v) for v in c])


def tfidf_centroid_raw(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    """The same with raw counts as tf (scikit-learn's default), the stronger of the two here."""
    r, c, _ = _tfidf(refs, cands, bg, power=1.0)
    mean = centroid(r)
    return by_score([dot(mean, v) for v in c])


def per_reference_max(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    r, c, _ = _tfidf(refs, cands, bg)
    return by_score([max(dot(ref, v) for ref in r) for v in c])


def bm25(
    refs: Sequence[Document],
    cands: Sequence[Document],
    bg: Sequence[Document],
    k1: float = 1.2,
    b: float = 0.75,
) -> list[int]:
    """Okapi BM25, every reference's terms as one query (each distinct term once)."""
    cdocs = [_plain(d) for d in cands]
    corpus = cdocs + [_plain(d) for d in bg]
    n = len(corpus)
    df: Counter[str] = Counter()
    for t in corpus:
        df.update(set(t))
    avg = statistics.fmean(len(t) for t in corpus) or 1.0
    query = {t for d in refs for t in _plain(d)}
    scores = []
    for t in cdocs:
        tf = Counter(t)
        norm = k1 * (1 - b + b * len(t) / avg)
        scores.append(
            sum(
                math.log(1 + (n - df[q] + 0.5) / (df[q] + 0.5)) * tf[q] * (k1 + 1) / (tf[q] + norm)
                for q in query
                if q in tf
            )
        )
    return by_score(scores)


def train_svm(
    positives: Sequence[Vector], negatives: Sequence[Vector], c: float = 0.1, epochs: int = 20
) -> Vector:
    """Linear SVM (L2-regularised hinge loss, bias as a constant feature) by dual coordinate
    descent, classes weighted by their sizes as arxiv-sanity does."""
    data = [(v, 1.0) for v in positives] + [(v, -1.0) for v in negatives]
    n = len(data)
    bounds = {1.0: c * n / (2 * len(positives)), -1.0: c * n / (2 * max(1, len(negatives)))}
    bias = "\x00bias"
    xs = [{**v, bias: 1.0} for v, _ in data]
    sq = [sum(x * x for x in v.values()) for v in xs]
    alpha = [0.0] * n
    w: dict[str, float] = {}
    order = list(range(n))
    rng = random.Random(0)
    for _ in range(epochs):
        rng.shuffle(order)
        change = 0.0
        for i in order:
            x, y = xs[i], data[i][1]
            grad = y * sum(v * w.get(t, 0.0) for t, v in x.items()) - 1.0
            new = min(max(alpha[i] - grad / sq[i], 0.0), bounds[y])
            delta = new - alpha[i]
            if delta:
                alpha[i] = new
                for t, v in x.items():
                    w[t] = w.get(t, 0.0) + delta * y * v
                change = max(change, abs(delta))
        if change < 1e-3:
            break
    return w


def svm(refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]) -> list[int]:
    """arxiv-sanity's method: references positive, the background negative, C = 0.1."""
    r, c, b = _tfidf(refs, cands, bg)
    w = train_svm(r, b)
    return by_score([dot(w, v) for v in c])


def _sklearn_tfidf(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> tuple[Any, Any, Any]:
    """scikit-learn's tf-idf (its defaults: raw tf, l2, smoothed idf) with unigrams and bigrams
    and its English stop words, over references, candidates and background together."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{d.title} {d.abstract}" for d in (*refs, *cands, *bg)]
    matrix = TfidfVectorizer(ngram_range=(1, 2), stop_words="english").fit_transform(texts)
    r, c = len(refs), len(refs) + len(cands)
    return matrix[:r], matrix[r:c], matrix[c:]


def sklearn_centroid(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    r, c, _ = _sklearn_tfidf(refs, cands, bg)
    return by_score([float(x) for x in c @ r.mean(axis=0).A1])


def sklearn_svm(
    refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
) -> list[int]:
    """arxiv-sanity-lite's classifier settings: LinearSVC, C 0.1, classes balanced."""
    from scipy.sparse import vstack
    from sklearn.svm import LinearSVC

    r, c, b = _sklearn_tfidf(refs, cands, bg)
    labels = [1] * r.shape[0] + [0] * b.shape[0]
    model = LinearSVC(class_weight="balanced", C=0.1, max_iter=10000, tol=1e-6)
    model.fit(vstack([r, b]), labels)
    return by_score([float(x) for x in model.decision_function(c)])


def sklearn_methods() -> dict[str, Method]:
    """The classics as scikit-learn runs them, when it is installed (it is not a dependency):
    its tf-idf with bigrams and stop words is stronger than the plain ones above."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        return {}
    return {
        "tf-idf centroid, scikit-learn (bigrams, stop words)": sklearn_centroid,
        "linear SVM, scikit-learn (bigrams, stop words)": sklearn_svm,
    }


def ours(refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]) -> list[int]:
    by_id = {d.id: i for i, d in enumerate(cands)}
    return [by_id[s.id] for s in rank(refs, cands, bg)]


METHODS: dict[str, Method] = {
    "date order (today)": date_order,
    "random": random_order,
    "tf-idf centroid": tfidf_centroid,
    "tf-idf centroid, raw tf": tfidf_centroid_raw,
    "BM25, references as one query": bm25,
    "linear SVM on tf-idf": svm,
    "per-reference max (tf-idf)": per_reference_max,
    "ours (dailypapers.rank)": ours,
}


# --------------------------------------------------------------------------- report


def table(results: dict[str, dict[str, tuple[float, float, float]]], kinds: Sequence[str]) -> str:
    head = "| method | " + " | ".join(f"{k}: nDCG@10 | P@5 | MRR" for k in kinds) + " |"
    rule = "| --- |" + " ---: | ---: | ---: |" * len(kinds)
    rows = [
        f"| {name} | " + " | ".join(" | ".join(f"{x:.3f}" for x in r[k]) for k in kinds) + " |"
        for name, r in results.items()
    ]
    return "\n".join([head, rule, *rows])


def half_references(method: Method) -> Method:
    """``method`` seeing every other reference only: does it hold with a shorter list?"""

    def halved(
        refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
    ) -> list[int]:
        return method(refs[::2], cands, bg)

    return halved


VARIANTS: dict[str, dict[str, float | None]] = {
    "ours": {},
    "references' counts like a paper's (1 + ln count)": {"REFERENCE_TF_POWER": None},
    "references' raw counts": {"REFERENCE_TF_POWER": 1.0},
    "references' counts to the power 0.5": {"REFERENCE_TF_POWER": 0.5},
    "no feedback from the store": {"STORE_FEEDBACK": 0.0},
    "store feedback from the best 5": {"STORE_FEEDBACK_DEPTH": 5},
    "store feedback from the best 20": {"STORE_FEEDBACK_DEPTH": 20},
    "store feedback 0.3": {"STORE_FEEDBACK": 0.3},
    "store feedback 1.0": {"STORE_FEEDBACK": 1.0},
    "background taken off 0.5": {"NEGATIVE": 0.5},
    "background taken off 1.0": {"NEGATIVE": 1.0},
    "no feedback from the candidates": {"FEEDBACK": 0.0},
    "candidate feedback from the best 5": {"FEEDBACK_DEPTH": 5},
    "no title match": {"TITLE_MATCH": 0.0},
    "title match 0.1": {"TITLE_MATCH": 0.1},
    "title match 0.4": {"TITLE_MATCH": 0.4},
    "no implied terms (names' parts, acronyms' long forms)": {"IMPLIED": 0.0},
    "implied terms counted half": {"IMPLIED": 0.5},
}
"""One setting of ``dailypapers.rank.scorer`` changed at a time, to show what each is worth."""


def variants(references: Sequence[Document], units: Sequence[Unit]) -> None:
    kinds = [WEEKS, DAYS]
    for name, changes in VARIANTS.items():
        saved = {key: getattr(scorer, key) for key in changes}
        for key, value in changes.items():
            setattr(scorer, key, value)
        try:
            scores = evaluate(ours, references, units)
            held = means(evaluate(half_references(ours), references, units))
        finally:
            for key, value in saved.items():
                setattr(scorer, key, value)
        halves = [means(scores, half) for half in (0, 1)]
        cells = [f"{means(scores)[k][0]:.3f}" for k in kinds]
        cells += [f"{h[k][0]:.3f}" for k in kinds for h in halves]
        cells += [f"{held[k][0]:.3f}" for k in kinds]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def timing(units: Sequence[Unit], references: Sequence[Document]) -> tuple[float, int, int]:
    """Best of three wall times of ``rank`` for 200 candidates against a 2,000-paper store."""
    pool = list({d.id: d for u in units for d in u.candidates}.values())
    cands, bg = pool[:200], pool[200:2200]
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        rank(references, cands, bg)
        best = min(best, time.perf_counter() - start)
    return best, len(cands), len(bg)


def store_timing(units: Sequence[Unit], references: Sequence[Document], keywords: int) -> float:
    """Best of three wall times of what a render does with ``reference:``: weigh a store of
    ``keywords`` x 100 papers once (``Corpus``), then rank each keyword's 100 against it."""
    pool = list({d.id: d for u in units for d in u.candidates}.values())[: keywords * 100]
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        corpus = Corpus(pool, references)
        for first in range(0, len(pool), 100):
            corpus.rank(references, pool[first : first + 100])
        best = min(best, time.perf_counter() - start)
    return best


def report(
    methods: dict[str, Method],
    references: Sequence[Document],
    units: Sequence[Unit],
    held_out: Sequence[str],
) -> None:
    """The tables: every unit, each half of the units, and the ``held_out`` methods with every
    other reference only."""
    kinds = [WEEKS, DAYS]
    scores = {name: evaluate(m, references, units) for name, m in methods.items()}
    print("All units:\n")
    print(table({n: means(s) for n, s in scores.items()}, kinds))
    for half in (0, 1):
        print(f"\nHalf {half} of the units (every other unit of each kind, from the {half}th):\n")
        print(table({n: means(s, half) for n, s in scores.items()}, kinds))
    print("\nEvery other reference only (7 of 13):\n")
    halved = {n: means(evaluate(half_references(methods[n]), references, units)) for n in held_out}
    print(table(halved, kinds))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--variants", action="store_true")
    args = parser.parse_args(argv)
    if not RELEVANCE.exists():
        print(f"relevance dev set not available at {RELEVANCE}; nothing to measure")
        return 0
    references, units = load()
    if args.variants:
        print(
            "| variant | weeks | days | weeks half 0 | weeks half 1 | days half 0 | days half 1 |"
            " weeks, 7 refs | days, 7 refs |"
        )
        print("| --- |" + " ---: |" * 8)
        variants(references, units)
        return 0
    methods = {k: m for k, m in METHODS.items() if not (args.quick and m is svm)}
    extra = sklearn_methods()
    if not extra:
        print("scikit-learn is not installed: its classic rows are left out\n")
    methods = {
        **{k: m for k, m in methods.items() if m is not ours},
        **extra,
        **{k: m for k, m in methods.items() if m is ours},
    }
    held_out = (tfidf_centroid, tfidf_centroid_raw, ours, *extra.values())
    report(methods, references, units, [n for n, m in methods.items() if m in held_out])
    if not args.quick:
        seconds, n, m = timing(units, references)
        print(f"\nrank(): {seconds:.2f} s for {n} candidates with {m} background papers")
        for keywords in (5, 50, 98):
            seconds = store_timing(units, references, keywords)
            print(
                f"a store of {keywords} keywords x 100 papers, weighed and ranked: {seconds:.2f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
