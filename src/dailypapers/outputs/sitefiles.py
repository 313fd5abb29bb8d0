"""Everything under site/ in one pass over the keywords, reusing what did not change.

Per keyword, its papers are rendered once (``fragments``) into its feed, its ``.bib`` and its
segment of the page's data; what the combined outputs need of it (order, ids, versions,
first-seen days, the length of each entry) is kept as a small index. ``all.bib`` is then merged
from the keyword files and ``all.xml`` cut from the keyword feeds, so no output ever holds every
paper's text in memory.

The indexes are saved beside the site (``cache``). On the next render a keyword whose stored data,
name and renderer are unchanged, and whose files are still as written, is neither loaded nor
rendered again: its files stay, and its page segment is copied from the previous page. The
result is byte for byte what a render from scratch writes (a test compares them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from ..config import Keyword, SortKey
from ..fileio import remove_stale_temps_in, write_atomic, write_atomic_blocks
from ..store import KeywordStore, store_path
from . import bibtex as bibtex_output
from . import feeds as feeds_output
from . import site as site_output
from .fragments import Fragment, render_papers
from .interface import ALL, Output, RenderJob, file_stem
from .templating import templates_dir

log = logging.getLogger(__name__)

CACHE_FORMAT = 1
# (order date, id, version, first-seen day, Atom <updated>, BibTeX chars, Atom entry chars)
Row = tuple[str, str, int, str, str, int, int]


@dataclass(frozen=True)
class KeywordSource:
    """A keyword as the site needs it: its data is loaded only if it must be rendered again."""

    keyword: Keyword
    fingerprint: str
    load: Callable[[], KeywordStore]


@dataclass
class KeywordIndex:
    fingerprint: str
    last_success: str
    feed_head: int
    feed_bytes: int
    bib_bytes: int
    page: tuple[int, int]
    rows: list[Row]


def fingerprint(data: bytes) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


@cache
def renderer_id() -> str:
    """Changes whenever a template or the code that renders changes, invalidating the cache."""
    digest = hashlib.sha1(usedforsecurity=False)
    here = Path(__file__).resolve().parent
    package = here.parent
    sources = [*sorted(here.glob("*.py")), package / "text.py", package / "fetch" / "interface.py"]
    for path in [*sources, *sorted(templates_dir().glob("*.j2"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(sys.version.encode())
    return digest.hexdigest()


def _key(source: KeywordSource, sort: SortKey) -> str:
    keyword = source.keyword
    parts = (renderer_id(), sort, keyword.name, keyword.slug, source.fingerprint)
    return fingerprint("\0".join(parts).encode())


# --------------------------------------------------------------------------- the cache


def load_cache(path: Path) -> tuple[int, dict[str, KeywordIndex]]:
    """The page's size when the indexes were saved, and the indexes; nothing if unreadable."""
    try:
        raw: Any = json.loads(path.read_bytes())
        if raw[0] != CACHE_FORMAT or raw[1] != renderer_id():
            return -1, {}
        indexes = {}
        for slug, (key, last, head, feed, bib, page, rows) in raw[3].items():
            rows = [tuple(r) for r in rows]
            indexes[slug] = KeywordIndex(key, last, head, feed, bib, tuple(page), rows)
        return int(raw[2]), indexes
    except Exception:  # an unreadable cache only means a render from scratch
        return -1, {}


def save_cache(path: Path, page_size: int, indexes: dict[str, KeywordIndex]) -> None:
    body = {slug: tuple(vars(index).values()) for slug, index in indexes.items()}
    document = [CACHE_FORMAT, renderer_id(), page_size, body]
    write_atomic_bytes(path, json.dumps(document, separators=(",", ":")).encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1


# --------------------------------------------------------------------------- the pass


def write(
    sources: Sequence[KeywordSource], sort: SortKey, root: Path, cache_path: Path
) -> list[Path]:
    """Write site/ for these keywords; returns the files whose bytes changed or were deleted."""
    feeds_dir, bib_dir = root / feeds_output.FOLDER, root / bibtex_output.FOLDER
    page_path = root / site_output.PAGE
    old_page_size, old = load_cache(cache_path)
    # Dropped until this render is done: a killed render must not leave an index of files it
    # had begun to replace.
    cache_path.unlink(missing_ok=True)
    if _size(page_path) != old_page_size:
        old = {}
    changed: list[Path] = []
    indexes: dict[str, KeywordIndex] = {}
    reused = 0
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=root) as spool:
        previous = page_path.open("rb") if old else None
        try:
            for source in sources:
                slug, stem = source.keyword.slug, file_stem(source.keyword.slug)
                key = _key(source, sort)
                known = old.get(slug)
                feed_path, bib_path = feeds_dir / f"{stem}.xml", bib_dir / f"{stem}.bib"
                if spool.tell():
                    spool.write(b",")
                start = spool.tell()
                if (
                    previous is not None
                    and source.fingerprint
                    and known is not None
                    and known.fingerprint == key
                    and _size(feed_path) == known.feed_bytes
                    and _size(bib_path) == known.bib_bytes
                ):
                    previous.seek(known.page[0])
                    spool.write(previous.read(known.page[1] - known.page[0]))
                    known.page = (start, spool.tell())
                    indexes[slug] = known
                    reused += 1
                    continue
                index, files = _render_keyword(source, sort, key, feed_path, bib_path, spool)
                index.page = (start, spool.tell())
                indexes[slug] = index
                changed += files
        finally:
            if previous is not None:
                previous.close()
        log.info("site: %d keywords reused, %d rendered", reused, len(sources) - reused)
        changed += _combined(sources, indexes, sort, feeds_dir, bib_dir)
        changed += _remove_stale(feeds_dir, ".xml", sources)
        changed += _remove_stale(bib_dir, ".bib", sources)
        for folder in (feeds_dir, bib_dir):
            remove_stale_temps_in(folder)
        last_update = max((i.last_success for i in indexes.values()), default="")
        head, tail = site_output.shell(
            [s.keyword for s in sources], last_update, sum(len(i.rows) for i in indexes.values())
        )
        data_head = site_output.data_head(last_update)
        offset = len(head.encode("utf-8")) + len(data_head.encode("utf-8"))
        spool.seek(0)
        if write_atomic_blocks(page_path, _page(head, data_head, spool, tail)):
            changed.append(page_path)
    for index in indexes.values():
        index.page = (index.page[0] + offset, index.page[1] + offset)
    save_cache(cache_path, _size(page_path), indexes)
    return changed


def _page(head: str, data_head: str, spool: IO[bytes], tail: str) -> Iterator[bytes]:
    yield head.encode("utf-8")
    yield data_head.encode("utf-8")
    while block := spool.read(1 << 20):
        yield block
    yield site_output.data_tail().encode("utf-8")
    yield tail.encode("utf-8")


def _render_keyword(
    source: KeywordSource,
    sort: SortKey,
    key: str,
    feed_path: Path,
    bib_path: Path,
    spool: IO[bytes],
) -> tuple[KeywordIndex, list[Path]]:
    keyword = source.keyword
    store = source.load()
    fragments = render_papers(store.papers, sort)
    changed = []
    head, entries, tail = feeds_output.feed_parts(
        keyword.name, keyword.slug, fragments, store.last_success
    )
    if write_atomic(feed_path, [head, *entries, tail], durable=False, sweep=False):
        changed.append(feed_path)
    if write_atomic(bib_path, bibtex_output.bibliography(fragments), durable=False, sweep=False):
        changed.append(bib_path)
    spool.write(site_output.keyword_data(keyword, fragments).encode("utf-8"))
    order = _order(sort)
    rows = [
        (*order(f), f.paper.version, f.paper.first_seen, feeds_output.entry_updated(f.paper))
        for f in fragments
    ]
    index = KeywordIndex(
        fingerprint=key,
        last_success=store.last_success,
        feed_head=len(head),
        feed_bytes=_size(feed_path),
        bib_bytes=_size(bib_path),
        page=(0, 0),
        rows=[(*r, len(f.bib), len(f.entry)) for r, f in zip(rows, fragments, strict=True)],
    )
    return index, changed


def _order(sort: SortKey) -> Callable[[Fragment], tuple[str, str]]:
    return lambda f: (f.paper.date(sort), f.paper.id)


# --------------------------------------------------------------------------- combined files


def _winners(sources: Sequence[KeywordSource], indexes: dict[str, KeywordIndex]) -> dict[str, int]:
    """For each paper id, the keyword (position) whose copy the combined files show.

    The newest version wins; between equal versions, the first keyword in keywords.yaml.
    """
    best: dict[str, tuple[int, int]] = {}
    for n, source in enumerate(sources):
        for row in indexes[source.keyword.slug].rows:
            known = best.get(row[1])
            if known is None or row[2] > known[0]:
                best[row[1]] = (row[2], n)
    return {ident: n for ident, (_, n) in best.items()}


def _combined(
    sources: Sequence[KeywordSource],
    indexes: dict[str, KeywordIndex],
    sort: SortKey,
    feeds_dir: Path,
    bib_dir: Path,
) -> list[Path]:
    winners = _winners(sources, indexes)
    chosen: list[tuple[tuple[str, str], int, int]] = []  # (order key, keyword, row)
    for n, source in enumerate(sources):
        for r, row in enumerate(indexes[source.keyword.slug].rows):
            if winners[row[1]] == n:
                chosen.append(((row[0], row[1]), n, r))
    chosen.sort(reverse=True)
    changed = []
    bib_path = bib_dir / f"{ALL}.bib"
    if write_atomic(bib_path, _all_bib(sources, indexes, chosen, bib_dir), durable=False):
        changed.append(bib_path)
    feed_path = feeds_dir / f"{ALL}.xml"
    if write_atomic(feed_path, _all_feed(sources, indexes, chosen, feeds_dir), durable=False):
        changed.append(feed_path)
    return changed


def _all_bib(
    sources: Sequence[KeywordSource],
    indexes: dict[str, KeywordIndex],
    chosen: list[tuple[tuple[str, str], int, int]],
    bib_dir: Path,
) -> Iterator[str]:
    """``all.bib`` in the order chosen, each entry read from its keyword's file.

    A keyword file holds each entry followed by a blank line, in the keyword's date order, which
    is also the order ``all.bib`` wants them in: one cursor per file reads each file once.
    """
    handles: dict[int, tuple[IO[str], list[int]]] = {}
    try:
        for _, n, r in chosen:
            if n not in handles:
                path = bib_dir / f"{file_stem(sources[n].keyword.slug)}.bib"
                handles[n] = (path.open(encoding="utf-8", newline=""), [0])
            handle, cursor = handles[n]
            rows = indexes[sources[n].keyword.slug].rows
            if r < cursor[0]:  # a store not in date order (edited by hand): read it again
                handle.seek(0)
                cursor[0] = 0
            while cursor[0] < r:
                handle.read(rows[cursor[0]][5] + 1)
                cursor[0] += 1
            yield handle.read(rows[r][5] + 1)
            cursor[0] += 1
    finally:
        for handle, _ in handles.values():
            handle.close()


def _all_feed(
    sources: Sequence[KeywordSource],
    indexes: dict[str, KeywordIndex],
    chosen: list[tuple[tuple[str, str], int, int]],
    feeds_dir: Path,
) -> Iterator[str]:
    rows = [(indexes[sources[n].keyword.slug].rows[r], n, r) for _, n, r in chosen]
    window = feeds_output.window(rows, first_seen=lambda item: item[0][3])
    wanted: dict[int, set[int]] = {}
    for _, n, r in window:
        wanted.setdefault(n, set()).add(r)
    texts: dict[tuple[int, int], str] = {}
    for n, chosen_rows in wanted.items():
        index = indexes[sources[n].keyword.slug]
        path = feeds_dir / f"{file_stem(sources[n].keyword.slug)}.xml"
        body = path.read_text(encoding="utf-8")
        offset = index.feed_head
        for r, row in enumerate(index.rows):
            if r in chosen_rows:
                texts[(n, r)] = body[offset : offset + row[6]]
            offset += row[6]
        del body
    last_update = max((i.last_success for i in indexes.values()), default="")
    newest = max((row[4] for row, _, _ in window), default="")
    head, tail = feeds_output.head_tail("All keywords", ALL, newest, last_update)
    yield head
    for _, n, r in window:
        yield texts[(n, r)]
    yield tail


def _remove_stale(folder: Path, suffix: str, sources: Iterable[KeywordSource]) -> list[Path]:
    keep = {f"{file_stem(s.keyword.slug)}{suffix}" for s in sources} | {f"{ALL}{suffix}"}
    removed = []
    for stale in sorted(folder.glob(f"*{suffix}")):
        if stale.name not in keep:
            stale.unlink()
            removed.append(stale)
    return removed


class SiteFilesOutput:
    """``site/``: the feeds, the BibTeX files and the web page, in one pass over the keywords."""

    name = "site"

    def write(self, job: RenderJob) -> list[Path]:
        data, to = job.to.data, job.to
        sources = [
            KeywordSource(s.keyword, store_fingerprint(data, s.keyword.slug), _given(s))
            for s in job.snapshot.stores
        ]
        cache_path = to.cache or to.site.parent / f".{to.site.name}.render-cache"
        return write(sources, job.snapshot.config.sort, to.site, cache_path)


def store_fingerprint(data: Path | None, slug: str) -> str:
    """The keyword's store file as saved; no folder or no file means "render it"."""
    if data is None:
        return ""
    try:
        return fingerprint(store_path(data, slug).read_bytes())
    except OSError:
        return ""


def _given(store: KeywordStore) -> Callable[[], KeywordStore]:
    return lambda: store


OUTPUT: Output = SiteFilesOutput()
