"""What one paper costs a render, piece by piece, and what loading the store costs.

    python -m benchmarks.fragments                  # 500 keywords x 100 papers (issue 16)
    python -m benchmarks.fragments --keywords 100 --repeat 5

Builds a store like ``benchmarks.run`` does (real corpus text when ``../shared`` has it), then
times, best of ``--repeat``: loading every store file (``store.json_file.load``; then ``loads``
on the text already read, and ``json.loads`` alone), and for every loaded paper its code links
(cold cache), Atom entry, BibTeX entry and page record, and the whole of
``fragments.render_papers``. Printed in microseconds per paper; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from benchmarks.run import STORED, bench_keyword, build_store, paper_texts
from dailypapers.outputs import bibtex, fragments, links
from dailypapers.outputs.templating import template
from dailypapers.store import json_file


def best(repeat: int, run: Callable[[], object], before: Callable[[], object] = lambda: 0) -> float:
    times = []
    for _ in range(repeat):
        before()
        gc.collect()
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keywords", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    texts, source = paper_texts(2000, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = build_store(folder, args.keywords, texts)
        keywords = [bench_keyword(i) for i in range(args.keywords)]
        stores = []

        def load() -> None:
            stores[:] = [json_file.load(folder / "data", k) for k in keywords]

        load_s = best(args.repeat, load)
        texts_read = [(folder / "data" / f"{k.slug}.json").read_text("utf-8") for k in keywords]
        loads_s = best(
            args.repeat,
            lambda: [
                json_file.loads(t, "k.json", k) for t, k in zip(texts_read, keywords, strict=True)
            ],
        )
        json_s = best(args.repeat, lambda: [json.loads(t) for t in texts_read])

    papers = [p for s in stores for p in s.papers]
    bibs = [bibtex.entry(p) for p in papers]
    found = [links.paper_links(p) for p in papers]
    entry = template("feed_entry.xml.j2").module.entry  # type: ignore[attr-defined]
    n = len(papers)
    clear = links._find.cache_clear
    pieces = {
        "links (cold)": best(args.repeat, lambda: [links.paper_links(p) for p in papers], clear),
        "atom": best(args.repeat, lambda: list(map(entry, papers, found))),
        "bib": best(args.repeat, lambda: [bibtex.entry(p) for p in papers]),
        "record": best(
            args.repeat,
            lambda: [
                fragments.record(p, "published", b, f)
                for p, b, f in zip(papers, bibs, found, strict=True)
            ],
        ),
        "render_papers": best(
            args.repeat, lambda: fragments.render_papers(papers, "published"), clear
        ),
    }
    print(f"text: {source}; {args.keywords} keywords x {STORED} papers = {n} papers")
    print(f"store load: {load_s:.3f} s for {args.keywords} files ({size / 1e6:.0f} MB)")
    print(f"  of which json_file.loads {loads_s:.3f} s, and json.loads alone {json_s:.3f} s")
    for name, seconds in pieces.items():
        print(f"{name:>14}: {seconds / n * 1e6:6.1f} µs/paper  ({seconds:.3f} s)")


if __name__ == "__main__":
    main()
