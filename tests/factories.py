"""The one place tests make papers, stores, snapshots, trackers on disk and the fake arXiv.

Hand-made papers with hostile and LaTeX text, ``paper(n)`` for numbered ones, ``tracker`` for
keywords.yaml plus one store per keyword, ``files`` and ``from_scratch`` for comparing a render
with one from nothing, and ``served`` for the loopback arXiv server.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import Config, Keyword
from dailypapers.fetch import Paper
from dailypapers.text import slugify
from tests.fakes.arxiv import FakeArxiv, FakePaper

TODAY = "2026-11-22"

WORLD_MODELS = Paper(
    id="1803.10122",
    version=4,
    title="World Models",
    abstract="We explore building generative neural network models of popular RL environments.",
    comment="Interactive version at https://worldmodels.github.io",
    authors=("David Ha", "Jürgen Schmidhuber"),
    published="2018-03-27T17:51:36Z",
    updated="2018-05-09T13:51:30Z",
    primary_category="cs.LG",
    categories=("cs.LG", "stat.ML"),
    journal_ref="NeurIPS 2018",
    doi="10.5281/zenodo.1207631",
    first_seen="2026-11-20",
)

HOSTILE = Paper(
    id="2611.00001",
    version=2,
    title='<img src=x onerror="window.__pwned=1"> </script><script>window.__pwned=2</script>',
    abstract="Quotes \" and ' and &amp; and ]]> and <b>bold</b> stay text.",
    comment="<a href=javascript:window.__pwned=3>click</a>",
    authors=("Mallory <script>window.__pwned=4</script>", "O'Brien & Sons"),
    published="2026-11-19T10:00:00Z",
    updated="2026-11-20T09:30:00Z",
    primary_category="cs.CR",
    categories=("cs.CR", "cs.LG"),
    first_seen=TODAY,
)

LATEX = Paper(
    id="2611.00002",
    version=1,
    title="Sorting in $O(n \\log n)$: 100% of a_b {x} ~ ^ \\emph{y} # & $5",
    abstract="Math $x^2$ and 50% off.",
    authors=("Ana Li, Jr.", "Ben and Jerry"),
    published="2026-11-18T08:00:00Z",
    updated="2026-11-18T08:00:00Z",
    primary_category="cs.DS",
    categories=("cs.DS",),
    first_seen=TODAY,
)

OLD_STYLE = Paper(
    id="astro-ph/0601001",
    version=1,
    title="The Cosmic Dawn",
    authors=("Zoë Ångström",),
    published="2006-01-01T00:00:00Z",
    updated="2006-01-01T00:00:00Z",
    primary_category="astro-ph",
    categories=("astro-ph",),
    first_seen="2026-11-01",
)


def make_tracker(
    folder: Path, keywords: dict[str, list[Paper]], *, last_success: str = TODAY
) -> tuple[Config, api.Paths]:
    """Write keywords.yaml and one store file per keyword, papers in the order given."""
    names = "".join(f"  - {name}\n" for name in keywords)
    (folder / "keywords.yaml").write_text(f"keywords:\n{names}", encoding="utf-8")
    for name, papers in keywords.items():
        keyword = Keyword(name=name, slug=slugify(name), phrases=(name,))
        store.save(folder / "data", store.KeywordStore(keyword, tuple(papers), last_success))
    paths = api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )
    return api.load_config(paths.config), paths


def render(folder: Path, keywords: dict[str, list[Paper]], **kwargs: str) -> Path:
    """Render a tracker holding these papers; returns its site folder."""
    config, paths = make_tracker(folder, keywords, **kwargs)
    api.render(config, paths)
    return paths.site


def keyword(name: str) -> Keyword:
    return Keyword(name=name, slug=slugify(name), phrases=(name,))


def paper(n: int, version: int = 1, day: int = 1, **extra: str) -> Paper:
    """Paper number ``n`` (``2611.000nn``), updated on day ``day`` of November 2026."""
    return Paper(
        id=f"2611.{n:05d}",
        version=version,
        title=f"Paper {n}",
        updated=f"2026-11-{day:02d}T00:00:{n % 60:02d}Z",
        published=f"2026-10-{day:02d}T00:00:00Z",
        **extra,
    )


def entry(data: store.KeywordStore) -> store.StoreEntry:
    """A snapshot entry for a store in memory, its papers keyed by their value, not file bytes."""
    digest = hashlib.sha1(repr(data.papers).encode(), usedforsecurity=False).hexdigest()
    return store.StoreEntry(data.keyword, lambda: data, store.Summary.of(data), f"memory {digest}")


def snapshot_of(config: Config, stores: Iterable[store.KeywordStore]) -> store.Snapshot:
    """A snapshot of stores in memory, as outputs see one loaded from ``data/``."""
    return store.Snapshot(config, tuple(entry(s) for s in stores))


def stores_of(snapshot: store.Snapshot) -> list[store.KeywordStore]:
    return [e.load() for e in snapshot.entries]


def snapshot(keywords: dict[str, list[Paper]], last_success: str = TODAY) -> store.Snapshot:
    """The store of these keywords in memory, as outputs see it."""
    stores = tuple(
        store.KeywordStore(keyword(name), tuple(papers), last_success)
        for name, papers in keywords.items()
    )
    return snapshot_of(Config(keywords=tuple(s.keyword for s in stores)), stores)


def paths_of(folder: Path) -> api.Paths:
    return api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )


def files(folder: Path) -> dict[str, bytes]:
    """Every output file under ``folder`` by relative path: not the store, config or cache."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
        and "data" not in p.parts
        and p.name != "keywords.yaml"
        and not p.name.endswith(".render-cache")
    }


def from_scratch(folder: Path, into: Path) -> dict[str, bytes]:
    """The same tracker rendered in a fresh folder with no previous outputs."""
    shutil.copytree(folder / "data", into / "data")
    shutil.copy(folder / "keywords.yaml", into / "keywords.yaml")
    paths = paths_of(into)
    api.render(api.load_config(paths.config), paths)
    return files(into)


@contextmanager
def served(papers: Iterable[FakePaper]) -> Iterator[FakeArxiv]:
    """The loopback arXiv server holding ``papers``, for as long as the block runs."""
    with FakeArxiv(list(papers)) as fake:
        yield fake
