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

import contextlib
import hashlib
import json
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from ..config import Keyword, SortKey
from ..fileio import Staging, naturals, remove_stale_temps_in, render_cache, write_atomic_blocks
from ..store import KeywordStore
from . import bibtex as bibtex_output
from . import feeds as feeds_output
from . import page as page_output
from .atom import entry_updated
from .fragments import Fragment, render_papers
from .interface import ALL, Output, Pass, RenderJob, Visit, file_stem
from .key import renderer_id

log = logging.getLogger(__name__)

CACHE_FORMAT = 3
# (order date, id, version, first-seen day, Atom <updated>, BibTeX bytes, Atom entry bytes)
Row = tuple[str, str, int, str, str, int, int]


@dataclass
class KeywordIndex:
    key: str
    """The keyword's key (``key.keyword_key``) when its files were rendered."""
    last_success: str
    feed_head: int
    feed_digest: str
    bib_digest: str
    page: tuple[int, int]
    page_digest: str
    rows: list[Row]


def _digest(data: bytes | memoryview) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _file_digest(path: Path) -> str:
    try:
        return _digest(path.read_bytes())
    except OSError:
        return ""


# --------------------------------------------------------------------------- the cache


def load_cache(path: Path) -> dict[str, KeywordIndex]:
    """The indexes the last render saved; nothing if unreadable."""
    try:
        raw: Any = json.loads(path.read_bytes())
        if raw[0] != CACHE_FORMAT or raw[1] != renderer_id():
            return {}
        found = {}
        for slug, (seal, value) in raw[2].items():
            if seal == _seal(value):
                found[slug] = _checked_index(value)
        return found
    except Exception:  # an unreadable cache only means a render from scratch
        return {}


_ROW_TYPES = (str, str, int, str, str, int, int)


def _checked_index(value: Any) -> KeywordIndex:
    """One keyword's index as saved, or ValueError: every offset it gives is read or copied
    from, so one that does not add up would put the wrong bytes into the site."""
    key, last, head, feed_digest, bib_digest, page, page_digest, rows = value
    start, end = page
    digests = (key, last, feed_digest, bib_digest, page_digest)
    if not (all(isinstance(d, str) for d in digests) and naturals((head, start, end))):
        raise ValueError("odd index")
    checked: list[Row] = [tuple(row) for row in rows]
    if not {tuple(map(type, row)) for row in checked} <= {_ROW_TYPES}:
        raise ValueError("odd row")
    if not (naturals(row[5] for row in checked) and naturals(row[6] for row in checked)):
        raise ValueError("odd sizes")
    if start > end:
        raise ValueError("offsets that do not add up")
    return KeywordIndex(
        key, last, head, feed_digest, bib_digest, (start, end), page_digest, checked
    )


def _seal(value: Any) -> str:
    """A digest of one keyword's record: a record changed on disk in any way is not used (its
    offsets and ids say which bytes are copied into all.xml, all.bib and the page)."""
    return _digest(json.dumps(value, separators=(",", ":")).encode("utf-8", "surrogatepass"))


def save_cache(path: Path, indexes: dict[str, KeywordIndex]) -> None:
    values = {slug: list(vars(index).values()) for slug, index in indexes.items()}
    body = {slug: [_seal(value), value] for slug, value in values.items()}
    document = [CACHE_FORMAT, renderer_id(), body]
    text = json.dumps(document, separators=(",", ":")).encode("utf-8")
    write_atomic_blocks(path, [text], durable=False)


# --------------------------------------------------------------------------- the pass


class SitePass:
    """site/ during one render: keyword files as the keywords come, the page and the combined
    files at the end."""

    def __init__(self, sort: SortKey, root: Path, cache_path: Path) -> None:
        self.sort, self.root, self.cache_path = sort, root, cache_path
        self.feeds_dir, self.bib_dir = root / feeds_output.FOLDER, root / bibtex_output.FOLDER
        self.page_path = root / page_output.PAGE
        self.old = load_cache(cache_path)
        # Dropped until this render is done: a killed render must not leave an index of files
        # it had begun to replace.
        cache_path.unlink(missing_ok=True)
        self.keywords: list[Keyword] = []
        self.indexes: dict[str, KeywordIndex] = {}
        # Not in site/: a render refused halfway must not have made the folder.
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish
        self.previous = None
        if self.old:
            with contextlib.suppress(OSError):
                self.previous = self.page_path.open("rb")

    def keyword(self, visit: Visit, staging: Staging) -> None:
        keyword = visit.keyword
        self.keywords.append(keyword)
        slug, stem = keyword.slug, file_stem(keyword.slug)
        feed_path, bib_path = self.feeds_dir / f"{stem}.xml", self.bib_dir / f"{stem}.bib"
        spool = self.spool
        if spool.tell():
            spool.write(b",")
        start = spool.tell()
        segment = self._reusable(visit, feed_path, bib_path)
        visit.tally("site", reused=segment is not None)
        if segment is not None:
            known = self.old[slug]
            spool.write(segment)
            known.page = (start, spool.tell())
            known.last_success = visit.summary.last_success
            self.indexes[slug] = known
            return
        store = visit.store()
        index = _render_keyword(store, self.sort, visit.key, feed_path, bib_path, spool, staging)
        index.page = (start, spool.tell())
        spool.seek(start)
        index.page_digest = _digest(spool.read(index.page[1] - start))
        self.indexes[slug] = index

    def _reusable(self, visit: Visit, feed_path: Path, bib_path: Path) -> bytes | None:
        """The keyword's segment of the previous page when its files may stay: its key is the
        one they were rendered with and every byte of them is as written. A keyword without
        papers is always rendered again (its feed is dated by its last success, and it costs
        nothing)."""
        known = self.old.get(visit.keyword.slug)
        if (
            self.previous is None
            or known is None
            or not visit.summary.count
            or known.key != visit.key
            or _file_digest(feed_path) != known.feed_digest
            or _file_digest(bib_path) != known.bib_digest
        ):
            return None
        self.previous.seek(known.page[0])
        segment = self.previous.read(known.page[1] - known.page[0])
        return segment if _digest(segment) == known.page_digest else None

    def finish(self) -> list[Path]:
        if self.previous is not None:
            self.previous.close()
        keywords, indexes = self.keywords, self.indexes
        changed = _combined(keywords, indexes, self.sort, self.feeds_dir, self.bib_dir)
        changed += _remove_stale(self.feeds_dir, ".xml", keywords)
        changed += _remove_stale(self.bib_dir, ".bib", keywords)
        for folder in (self.feeds_dir, self.bib_dir):
            remove_stale_temps_in(folder)
        last_update = max((i.last_success for i in indexes.values()), default="")
        head, tail = page_output.shell(
            keywords, last_update, sum(len(i.rows) for i in indexes.values())
        )
        data_head = page_output.data_head(last_update)
        offset = len(head.encode("utf-8")) + len(data_head.encode("utf-8"))
        with self.spool as spool:
            spool.seek(0)
            page = _page(head, data_head, spool, tail)
            # Regenerated from the store by any render: not worth an fsync of 86 MB.
            if write_atomic_blocks(self.page_path, page, durable=False):
                changed.append(self.page_path)
        for index in indexes.values():
            index.page = (index.page[0] + offset, index.page[1] + offset)
        save_cache(self.cache_path, indexes)
        return changed


def _page(head: str, data_head: str, spool: IO[bytes], tail: str) -> Iterator[bytes]:
    yield head.encode("utf-8")
    yield data_head.encode("utf-8")
    while block := spool.read(1 << 20):
        yield block
    yield page_output.data_tail().encode("utf-8")
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
    staging.write(bib_path, bibtex_output.bibliography(f.bib for f in fragments))
    spool.write(page_output.keyword_data(keyword, fragments).encode("utf-8"))
    order = _order(sort)
    rows = [
        (*order(f), f.paper.version, f.paper.first_seen, entry_updated(f.paper)) for f in fragments
    ]
    return KeywordIndex(
        key=key,
        last_success=store.last_success,
        feed_head=_nbytes(head),
        feed_digest=staging.digests[feed_path],
        bib_digest=staging.digests[bib_path],
        page=(0, 0),
        page_digest="",
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


class SiteOutput:
    """``site/``: the feeds, the BibTeX files and the web page, in one pass over the keywords."""

    name = "site"

    def start(self, job: RenderJob) -> Pass:
        to = job.to
        cache_path = to.cache or render_cache(to.site)
        return SitePass(job.snapshot.config.sort, to.site, cache_path)


OUTPUT: Output = SiteOutput()
