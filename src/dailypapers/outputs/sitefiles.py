"""Everything under site/ in one pass over the keywords, reusing what did not change.

Per keyword, its papers are rendered once (``fragments``) into its feed, its ``.bib`` and its
segment of the page's data; what the combined outputs need of it (order, ids, versions,
first-seen days, the size of each entry in bytes) is kept as a small index. ``all.bib`` is then
cut from the keyword files and ``all.xml`` from the keyword feeds, so no output ever holds every
paper's text in memory.

The indexes are saved beside the site (``cache``). On the next render a keyword whose papers,
name and renderer are unchanged (see ``_source``), and whose files are still as written, is
neither loaded nor rendered again: its files stay, and its page segment is copied from the
previous page. The result is byte for byte what a render from scratch writes (tests compare).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from ..config import Keyword, SortKey
from ..fileio import (
    Staging,
    file_size,
    naturals,
    remove_stale_temps_in,
    render_cache,
    write_atomic_blocks,
)
from ..store import KeywordStore, fingerprint
from . import bibtex as bibtex_output
from . import feeds as feeds_output
from . import site as site_output
from .fragments import Fragment, render_papers
from .interface import ALL, Output, Pass, RenderJob, Visit, file_stem
from .templating import templates_dir

log = logging.getLogger(__name__)

CACHE_FORMAT = 2
# (order date, id, version, first-seen day, Atom <updated>, BibTeX bytes, Atom entry bytes)
Row = tuple[str, str, int, str, str, int, int]


@dataclass
class KeywordIndex:
    fingerprint: str
    last_success: str
    feed_head: int
    feed_bytes: int
    bib_bytes: int
    page: tuple[int, int]
    rows: list[Row]


@cache
def renderer_id() -> str:
    """Changes whenever a template or the code that renders changes, invalidating the cache."""
    digest = hashlib.sha1(usedforsecurity=False)
    here = Path(__file__).resolve().parent
    package = here.parent
    sources = [*sorted(here.glob("*.py")), package / "text.py", package / "fetch" / "interface.py"]
    for path in [*sources, *sorted(templates_dir().glob("*.j2"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # What Python itself adds to the output: its Unicode tables (escaping, folding) and its
    # json module, not its build date, which would rewrite every committed table on a new runner.
    digest.update(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    return digest.hexdigest()


def _source(visit: Visit) -> str:
    """What of the store a keyword's site files show: its papers, and its last success only
    when it has no papers (an empty feed is dated by it). Not the rest: every daily run moves
    every store's ``last_success``, and the feeds, ``.bib`` and page do not show it."""
    papers = visit.papers_fingerprint
    if not papers:
        return ""
    summary = visit.summary
    return papers if summary.count else f"{papers} {summary.last_success}"


def _key(keyword: Keyword, stored: str, sort: SortKey) -> str:
    parts = (renderer_id(), sort, keyword.name, keyword.slug, stored)
    return fingerprint("\0".join(parts).encode())


# --------------------------------------------------------------------------- the cache


def load_cache(path: Path) -> tuple[int, dict[str, KeywordIndex]]:
    """The page's size when the indexes were saved, and the indexes; nothing if unreadable."""
    try:
        raw: Any = json.loads(path.read_bytes())
        if raw[0] != CACHE_FORMAT or raw[1] != renderer_id():
            return -1, {}
        page_size = raw[2]
        indexes = {slug: _checked_index(value, page_size) for slug, value in raw[3].items()}
        return page_size, indexes
    except Exception:  # an unreadable cache only means a render from scratch
        return -1, {}


_ROW_TYPES = (str, str, int, str, str, int, int)


def _checked_index(value: Any, page_size: int) -> KeywordIndex:
    """One keyword's index as saved, or ValueError: every offset it gives is read or copied
    from, so one that does not add up would put the wrong bytes into the site."""
    key, last, head, feed, bib, page, rows = value
    start, end = page
    numbers = (page_size, head, feed, bib, start, end)
    if not (isinstance(key, str) and isinstance(last, str) and naturals(numbers)):
        raise ValueError("odd index")
    checked: list[Row] = [tuple(row) for row in rows]
    if not {tuple(map(type, row)) for row in checked} <= {_ROW_TYPES}:
        raise ValueError("odd row")
    entries = [row[6] for row in checked]
    entries_bib = [row[5] + 1 for row in checked]
    if not (
        min(entries, default=0) >= 0
        and min(entries_bib, default=1) >= 1
        and start <= end <= page_size
        and head + sum(entries) <= feed
        and sum(entries_bib) <= bib
    ):
        raise ValueError("offsets that do not add up")
    return KeywordIndex(key, last, head, feed, bib, (start, end), checked)


def save_cache(path: Path, page_size: int, indexes: dict[str, KeywordIndex]) -> None:
    body = {slug: tuple(vars(index).values()) for slug, index in indexes.items()}
    document = [CACHE_FORMAT, renderer_id(), page_size, body]
    text = json.dumps(document, separators=(",", ":")).encode("utf-8")
    write_atomic_blocks(path, [text], durable=False)


# --------------------------------------------------------------------------- the pass


class SitePass:
    """site/ during one render: keyword files as the keywords come, the page and the combined
    files at the end."""

    def __init__(self, sort: SortKey, root: Path, cache_path: Path) -> None:
        self.sort, self.root, self.cache_path = sort, root, cache_path
        self.feeds_dir, self.bib_dir = root / feeds_output.FOLDER, root / bibtex_output.FOLDER
        self.page_path = root / site_output.PAGE
        old_page_size, self.old = load_cache(cache_path)
        # Dropped until this render is done: a killed render must not leave an index of files
        # it had begun to replace.
        cache_path.unlink(missing_ok=True)
        if file_size(self.page_path) != old_page_size:
            self.old = {}
        self.keywords: list[Keyword] = []
        self.indexes: dict[str, KeywordIndex] = {}
        self.reused = 0
        # Not in site/: a render refused halfway must not have made the folder.
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish
        self.previous = self.page_path.open("rb") if self.old else None

    def keyword(self, visit: Visit, staging: Staging) -> None:
        keyword = visit.keyword
        self.keywords.append(keyword)
        slug, stem = keyword.slug, file_stem(keyword.slug)
        source = _source(visit)
        key = _key(keyword, source, self.sort)
        known = self.old.get(slug)
        feed_path, bib_path = self.feeds_dir / f"{stem}.xml", self.bib_dir / f"{stem}.bib"
        spool = self.spool
        if spool.tell():
            spool.write(b",")
        start = spool.tell()
        if (
            self.previous is not None
            and source
            and known is not None
            and known.fingerprint == key
            and file_size(feed_path) == known.feed_bytes
            and file_size(bib_path) == known.bib_bytes
        ):
            self.previous.seek(known.page[0])
            spool.write(self.previous.read(known.page[1] - known.page[0]))
            known.page = (start, spool.tell())
            known.last_success = visit.summary.last_success
            self.indexes[slug] = known
            self.reused += 1
            return
        index = _render_keyword(visit.store(), self.sort, key, feed_path, bib_path, spool, staging)
        index.page = (start, spool.tell())
        self.indexes[slug] = index

    def finish(self) -> list[Path]:
        if self.previous is not None:
            self.previous.close()
        keywords, indexes = self.keywords, self.indexes
        log.info("site: %d keywords reused, %d rendered", self.reused, len(keywords) - self.reused)
        changed = _combined(keywords, indexes, self.sort, self.feeds_dir, self.bib_dir)
        changed += _remove_stale(self.feeds_dir, ".xml", keywords)
        changed += _remove_stale(self.bib_dir, ".bib", keywords)
        for folder in (self.feeds_dir, self.bib_dir):
            remove_stale_temps_in(folder)
        last_update = max((i.last_success for i in indexes.values()), default="")
        head, tail = site_output.shell(
            keywords, last_update, sum(len(i.rows) for i in indexes.values())
        )
        data_head = site_output.data_head(last_update)
        offset = len(head.encode("utf-8")) + len(data_head.encode("utf-8"))
        with self.spool as spool:
            spool.seek(0)
            page = _page(head, data_head, spool, tail)
            # Regenerated from the store by any render: not worth an fsync of 86 MB.
            if write_atomic_blocks(self.page_path, page, durable=False):
                changed.append(self.page_path)
        for index in indexes.values():
            index.page = (index.page[0] + offset, index.page[1] + offset)
        save_cache(self.cache_path, file_size(self.page_path), indexes)
        return changed


def _page(head: str, data_head: str, spool: IO[bytes], tail: str) -> Iterator[bytes]:
    yield head.encode("utf-8")
    yield data_head.encode("utf-8")
    while block := spool.read(1 << 20):
        yield block
    yield site_output.data_tail().encode("utf-8")
    yield tail.encode("utf-8")


def _render_keyword(
    store: KeywordStore,
    sort: SortKey,
    key: str,
    feed_path: Path,
    bib_path: Path,
    spool: IO[bytes],
    staging: Staging,
) -> KeywordIndex:
    keyword = store.keyword
    fragments = render_papers(store.papers, sort)
    head, entries, tail = feeds_output.feed_parts(
        keyword.name, keyword.slug, fragments, store.last_success
    )
    staging.write(feed_path, [head, *entries, tail])
    staging.write(bib_path, bibtex_output.bibliography(fragments))
    spool.write(site_output.keyword_data(keyword, fragments).encode("utf-8"))
    order = _order(sort)
    rows = [
        (*order(f), f.paper.version, f.paper.first_seen, feeds_output.entry_updated(f.paper))
        for f in fragments
    ]
    return KeywordIndex(
        fingerprint=key,
        last_success=store.last_success,
        feed_head=_nbytes(head),
        feed_bytes=file_size(staging.current(feed_path)),
        bib_bytes=file_size(staging.current(bib_path)),
        page=(0, 0),
        rows=[(*r, _nbytes(f.bib), _nbytes(f.entry)) for r, f in zip(rows, fragments, strict=True)],
    )


def _nbytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _starts(lengths: Iterable[int], first: int = 0) -> list[int]:
    """Where each of a file's consecutive pieces begins, in bytes."""
    return list(accumulate(lengths, initial=first))


def _order(sort: SortKey) -> Callable[[Fragment], tuple[str, str]]:
    return lambda f: (f.paper.date(sort), f.paper.id)


# --------------------------------------------------------------------------- combined files


def _winners(keywords: Sequence[Keyword], indexes: dict[str, KeywordIndex]) -> dict[str, int]:
    """For each paper id, the keyword (position) whose copy the combined files show.

    The newest version wins; between equal versions, the first keyword in keywords.yaml.
    """
    best: dict[str, tuple[int, int]] = {}
    for n, keyword in enumerate(keywords):
        for row in indexes[keyword.slug].rows:
            known = best.get(row[1])
            if known is None or row[2] > known[0]:
                best[row[1]] = (row[2], n)
    return {ident: n for ident, (_, n) in best.items()}


def _combined(
    keywords: Sequence[Keyword],
    indexes: dict[str, KeywordIndex],
    sort: SortKey,
    feeds_dir: Path,
    bib_dir: Path,
) -> list[Path]:
    winners = _winners(keywords, indexes)
    chosen: list[tuple[tuple[str, str], int, int]] = []  # (order key, keyword, row)
    for n, keyword in enumerate(keywords):
        for r, row in enumerate(indexes[keyword.slug].rows):
            if winners[row[1]] == n:
                chosen.append(((row[0], row[1]), n, r))
    chosen.sort(reverse=True)
    changed = []
    bib_path = bib_dir / f"{ALL}.bib"
    if write_atomic_blocks(bib_path, _all_bib(keywords, indexes, chosen, bib_dir), durable=False):
        changed.append(bib_path)
    feed_path = feeds_dir / f"{ALL}.xml"
    all_feed = _all_feed(keywords, indexes, chosen, feeds_dir)
    if write_atomic_blocks(feed_path, all_feed, durable=False):
        changed.append(feed_path)
    return changed


def _all_bib(
    keywords: Sequence[Keyword],
    indexes: dict[str, KeywordIndex],
    chosen: list[tuple[tuple[str, str], int, int]],
    bib_dir: Path,
) -> Iterator[bytes]:
    """``all.bib`` in the order chosen, each entry cut from its keyword's file (each entry is
    followed by a blank line there). The files are read whole, one at a time as first needed:
    at 500 keywords 25 MB, against 50,000 small reads."""
    files: dict[int, tuple[bytes, list[int]]] = {}
    for _, n, r in chosen:
        known = files.get(n)
        if known is None:
            data = (bib_dir / f"{file_stem(keywords[n].slug)}.bib").read_bytes()
            known = files[n] = (data, _starts(row[5] + 1 for row in indexes[keywords[n].slug].rows))
        data, starts = known
        yield data[starts[r] : starts[r + 1]]


def _all_feed(
    keywords: Sequence[Keyword],
    indexes: dict[str, KeywordIndex],
    chosen: list[tuple[tuple[str, str], int, int]],
    feeds_dir: Path,
) -> Iterator[bytes]:
    rows = [indexes[keywords[n].slug].rows for _, n, _ in chosen]
    # (first-seen day, Atom <updated>, keyword, row): the day first, for a C-level sort key.
    items = [(rows[i][r][3], rows[i][r][4], n, r) for i, (_, n, r) in enumerate(chosen)]
    del rows
    window = feeds_output.window(items, first_seen=itemgetter(0))
    wanted: dict[int, list[int]] = {}
    for _, _, n, r in window:
        wanted.setdefault(n, []).append(r)
    texts: dict[tuple[int, int], bytes] = {}
    for n, chosen_rows in wanted.items():
        index = indexes[keywords[n].slug]
        starts = _starts((row[6] for row in index.rows), index.feed_head)
        with (feeds_dir / f"{file_stem(keywords[n].slug)}.xml").open("rb") as handle:
            for r in sorted(chosen_rows):
                handle.seek(starts[r])
                texts[(n, r)] = handle.read(starts[r + 1] - starts[r])
    last_update = max((i.last_success for i in indexes.values()), default="")
    newest = max((updated for _, updated, _, _ in window), default="")
    head, tail = feeds_output.head_tail("All keywords", ALL, newest, last_update)
    yield head.encode("utf-8")
    for _, _, n, r in window:
        yield texts[(n, r)]
    yield tail.encode("utf-8")


def _remove_stale(folder: Path, suffix: str, keywords: Iterable[Keyword]) -> list[Path]:
    keep = {f"{file_stem(k.slug)}{suffix}" for k in keywords} | {f"{ALL}{suffix}"}
    removed = []
    for stale in sorted(folder.glob(f"*{suffix}")):
        if stale.name not in keep:
            stale.unlink()
            removed.append(stale)
    return removed


class SiteFilesOutput:
    """``site/``: the feeds, the BibTeX files and the web page, in one pass over the keywords."""

    name = "site"

    def start(self, job: RenderJob) -> Pass:
        to = job.to
        cache_path = to.cache or render_cache(to.site)
        return SitePass(job.snapshot.config.sort, to.site, cache_path)


OUTPUT: Output = SiteFilesOutput()
