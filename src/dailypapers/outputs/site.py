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
import logging
import os
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import IO, Annotated, NamedTuple

import msgspec
from msgspec import Meta

from ..config import Config, Keyword, SortKey
from ..errors import DailyPapersError
from ..fileio import (
    Ahead,
    Staging,
    content_digest,
    fill,
    in_background,
    remove_stale_temps_in,
    render_cache,
    shared_spool,
    write_atomic_blocks,
)
from ..offload import Job, Offload, worthwhile
from ..rank.ranking import Ranking
from ..store import KeywordStore
from . import bibtex as bibtex_output
from . import feeds as feeds_output
from . import page as page_output
from .atom import entry_updated
from .fragments import Fragment, render_papers
from .interface import ALL, Begun, Destinations, Output, Pass, RenderJob, Visit, file_stem
from .key import renderer_id

log = logging.getLogger(__name__)

CACHE_FORMAT = 4
OFFLOAD_AFTER = 16
"""Keywords a render renders here before it hands keywords to a worker process as well
(``offload``): starting one costs about 0.15 s of the other core, which a render from scratch
repays and a day's few changed keywords do not."""
OFFLOAD_AHEAD = 8
"""Keywords the worker may hold at once: enough that it never waits for this process to hand
it the next; what comes back of each is small (its files are written where they go)."""
WORKER_PATIENCE = 60.0
"""Seconds the pass waits for the worker's oldest keyword (a few milliseconds of work) before it
takes the worker for hung, kills it and renders what it held here: a stopped worker must not
hold the daily job until its time limit."""
# (order date, id, version, first-seen day, Atom <updated>, BibTeX bytes, Atom entry bytes)
Row = tuple[str, str, int, str, str, int, int]


_Size = Annotated[int, Meta(ge=0)]


class KeywordIndex(msgspec.Struct, array_like=True):
    """What the combined files and the next render need of one keyword's site files."""

    key: str
    """The keyword's key (``key.keyword_key``) when its files were rendered."""
    last_success: str
    feed_head: _Size
    feed_digest: str
    bib_digest: str
    page: tuple[_Size, _Size]
    page_digest: str
    rows: list[tuple[str, str, int, str, str, _Size, _Size]]
    """One per paper, in the keyword's order: see ``Row``."""


_INDEX = msgspec.json.Decoder(KeywordIndex)
_ENCODE = msgspec.json.Encoder().encode


def _matches(path: Path, digest: str, size: int) -> bool:
    """Whether ``path`` holds ``size`` bytes or more and every byte hashes to ``digest``."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return len(data) >= size and content_digest(data) == digest


# --------------------------------------------------------------------------- the cache


def load_cache(path: Path) -> dict[str, KeywordIndex]:
    """The indexes the last render saved, each only if its line is as written (a digest seals
    it: its offsets and ids say which bytes are copied into all.xml, all.bib and the page)."""
    try:
        lines = path.read_bytes().split(b"\n")
    except OSError:
        return {}
    if lines[0] != _ENCODE([CACHE_FORMAT, renderer_id()]):
        return {}
    found = {}
    for line in lines[1:]:
        slug, seal, record = [*line.split(b"\t", 2), b"", b""][:3]
        if content_digest(record) != seal.decode("ascii", "replace"):
            continue
        try:
            index = _INDEX.decode(record)
        except msgspec.MsgspecError:  # an unreadable record only means rendering the keyword
            continue
        if index.page[0] <= index.page[1]:
            found[slug.decode("utf-8", "replace")] = index
    return found


def save_cache(path: Path, indexes: dict[str, KeywordIndex]) -> None:
    lines = [_ENCODE([CACHE_FORMAT, renderer_id()])]
    for slug, index in indexes.items():
        record = _ENCODE(index)
        lines.append(b"%s\t%s\t%s" % (slug.encode(), content_digest(record).encode(), record))
    write_atomic_blocks(path, [b"\n".join(lines)], durable=False)


# --------------------------------------------------------------------------- the pass


class SitePass:
    """site/ during one render: begun before the store is loaded (the last render's indexes
    read, its files' checks started), then keyword files as the keywords come, the page and the
    combined files at the end."""

    def __init__(
        self, sort: SortKey, root: Path, cache_path: Path, keywords: Sequence[Keyword] = ()
    ) -> None:
        self.sort, self.root, self.cache_path = sort, root, cache_path
        self.ranking: Ranking | None = None
        self.feeds_dir, self.bib_dir = root / feeds_output.FOLDER, root / bibtex_output.FOLDER
        self.page_path = root / page_output.PAGE
        self.old = load_cache(cache_path)
        self.expected = len(keywords)
        self.keywords: list[Keyword] = []
        self.indexes: dict[str, KeywordIndex] = {}
        self.spool: IO[bytes] | None = None
        self.previous: IO[bytes] | None = None
        # Each keyword's page segment where it is now: in the previous page (checked against its
        # digest when reused) or in the spool (rendered now); the page is copied from them. None
        # while the worker renders it.
        self.pieces: list[tuple[IO[bytes], int, int] | None] = []
        self.rendered = 0
        """Keywords rendered (not reused) so far."""
        self.offload: Offload | None = None
        self.worker_spool: IO[bytes] | None = None
        """The page segments the worker process wrote (it appends, this process reads)."""
        self.waiting: deque[tuple[_Slot, Job[KeywordIndex]]] = deque()
        """Keywords handed to the worker, in order, with its answers."""
        self.checked: IO[bytes] | None = None
        """The same page, for the checks' thread alone."""
        if self.old:
            with contextlib.suppress(OSError):
                self.previous = self.page_path.open("rb")
                self.checked = self.page_path.open("rb")
        # Whether each keyword's files are as written, found ahead of the pass in another thread
        # (in the keywords' order): most of a render that reuses is reading and hashing them.
        # No window: begun before the store loads, they must not stop 16 keywords ahead of a
        # pass that has not started; each answer is a slug and a flag.
        slugs = [k.slug for k in keywords] if self.previous else []
        self.checks = Ahead(self._intact, slugs, window=len(slugs) + 1)

    def start(self, job: RenderJob) -> Pass:
        self.ranking = job.ranking
        # Dropped until this render is done: a killed render must not leave an index of files
        # it had begun to replace.
        self.cache_path.unlink(missing_ok=True)
        # Not in site/: a render refused halfway must not have made the folder.
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish
        return self

    def close(self) -> None:
        self.checks.close()
        self._stop_offload()
        for handle in (self.checked, self.previous):
            if handle is not None:
                handle.close()
        self._drop_worker_spool()

    def keyword(self, visit: Visit, staging: Staging) -> None:
        keyword = visit.keyword
        self.keywords.append(keyword)
        slug, stem = keyword.slug, file_stem(keyword.slug)
        feed_path, bib_path = self.feeds_dir / f"{stem}.xml", self.bib_dir / f"{stem}.bib"
        reusable = self._reusable(visit)
        visit.tally("site", reused=reusable)
        try:
            if reusable:
                index = self.old[slug]
                index.last_success = visit.summary.last_success
                assert self.previous is not None
                self.pieces.append((self.previous, *index.page))
                self.indexes[slug] = index
            else:
                self._settle(staging, wait=False)
                self.pieces.append(None)
                self.rendered += 1
                temps = (staging.reserve(feed_path), staging.reserve(bib_path))
                slot = _Slot(len(self.pieces) - 1, visit, feed_path, bib_path, temps)
                job = self._offer(slot)
                if job is not None:
                    self.waiting.append((slot, job))
                else:
                    self._stage(slot, self._here(slot, staging), self.spool, staging)
            if len(self.keywords) == self.expected:
                self._settle(staging, wait=True)
                self._stop_offload()
        except BaseException:
            self._stop_offload()
            raise

    def _offer(self, slot: _Slot) -> Job[KeywordIndex] | None:
        """The keyword handed to the worker process, or None to render it here: before the
        render has shown it is large, when the worker holds enough, or when there is no second
        core (or no list of keywords, which says when the last one has come)."""
        if self.offload is None:
            if self.rendered <= OFFLOAD_AFTER or not self.expected or not worthwhile():
                return None
            self.offload = Offload()
            self.worker_spool = shared_spool()  # removed by finish (after the page) or close
        if len(self.waiting) >= OFFLOAD_AHEAD:
            return None
        assert self.worker_spool is not None
        visit, spool = slot.visit, self.worker_spool.name
        return self.offload.submit(
            _write_by_path, visit.entry.load, self.sort, visit.key, *slot.temps, spool
        )

    def _here(self, slot: _Slot, staging: Staging) -> KeywordIndex:
        assert self.spool is not None, "started"
        visit = slot.visit
        try:
            return _write_keyword(visit.store(), self.sort, visit.key, *slot.temps, self.spool)
        except BaseException:
            # A store refused here after one the worker holds: a render keyword by keyword
            # would have stopped at that one first, and says so.
            self._settle(staging, wait=True)
            raise

    def _settle(self, staging: Staging, *, wait: bool) -> None:
        """Stage what the worker has written, in order; with ``wait``, all it holds."""
        while self.waiting and (wait or self.waiting[0][1].done()):
            slot, job = self.waiting.popleft()
            assert self.offload is not None, "handed to the worker"
            try:
                index, spool = self.offload.answer(job, WORKER_PATIENCE), self.worker_spool
            except DailyPapersError:
                raise
            except Exception:
                # The worker gone, or short of a file or of memory: done here, which raises
                # the same error again if it is this render's and not the worker's.
                index, spool = self._here(slot, staging), self.spool
            self._stage(slot, index, spool, staging)

    def _stage(
        self, slot: _Slot, index: KeywordIndex, spool: IO[bytes] | None, staging: Staging
    ) -> None:
        """``slot``'s files as written, staged; its page segment is where ``index.page`` says
        in ``spool`` (``_place`` then moves ``page`` to where it lands in the page)."""
        assert spool is not None
        staging.adopt(slot.feed_path, slot.temps[0], index.feed_digest)
        staging.adopt(slot.bib_path, slot.temps[1], index.bib_digest)
        self.pieces[slot.position] = (spool, *index.page)
        self.indexes[slot.visit.keyword.slug] = index

    def _drop_worker_spool(self) -> None:
        if self.worker_spool is not None:
            self.worker_spool.close()
            Path(self.worker_spool.name).unlink(missing_ok=True)
            self.worker_spool = None

    def _stop_offload(self) -> None:
        if self.offload is not None:
            self.offload.close()
            self.offload = None

    def _reusable(self, visit: Visit) -> bool:
        """Whether the keyword's files and its segment of the previous page may stay: its key
        is the one they were rendered with and every byte of them is as written. A keyword
        without papers also needs the same last success, which dates its feed (the date of its
        newest paper does otherwise)."""
        slug = visit.keyword.slug
        checked, intact = next(self.checks, (None, False))
        if checked != slug:  # not the keyword the checks are at: check it now
            intact = self._intact(slug)[1]
        known = self.old.get(slug)
        if known is None or known.key != visit.key or not intact:
            return False
        return bool(visit.summary.count) or known.last_success == visit.summary.last_success

    def _intact(self, slug: str) -> tuple[str, bool]:
        """Whether the files the cache records for ``slug`` hold every byte as written."""
        known, stem, page = self.old.get(slug), file_stem(slug), self.checked
        if known is None or page is None:
            return slug, False
        feed, bib = self.feeds_dir / f"{stem}.xml", self.bib_dir / f"{stem}.bib"
        if not (
            _matches(feed, known.feed_digest, known.feed_head + _total(known, 6))
            and _matches(bib, known.bib_digest, _total(known, 5) + len(known.rows))
        ):
            return slug, False
        page.seek(known.page[0])
        return slug, content_digest(page.read(known.page[1] - known.page[0])) == known.page_digest

    def finish(self) -> list[Path]:
        assert self.spool is not None, "started"
        assert not self.waiting, "every keyword given"
        self.checks.close()
        if self.checked is not None:
            self.checked.close()
        keywords = self.keywords
        self.indexes = indexes = {k.slug: self.indexes[k.slug] for k in keywords}
        pieces = self._place()
        last_update = max((i.last_success for i in indexes.values()), default="")
        head, tail = page_output.shell(
            keywords,
            last_update,
            sum(len(i.rows) for i in indexes.values()),
            ranked=self.ranking is not None,
        )
        data_head = page_output.data_head(last_update)
        offset = len(head.encode("utf-8")) + len(data_head.encode("utf-8"))
        page = _page(head, data_head, pieces, self._scores(), tail)
        # Closed after: the previous page and the worker's spool, which the page is copied from.
        with self.spool, contextlib.closing(self):
            # Written by another thread while this one cuts all.xml and all.bib. Regenerated
            # from the store by any render: not worth an fsync of 86 MB.
            page_changed = in_background(
                lambda: write_atomic_blocks(self.page_path, page, durable=False)
            )
            try:
                changed = _combined(keywords, indexes, self.sort, self.feeds_dir, self.bib_dir)
                changed += _remove_stale(self.feeds_dir, ".xml", keywords)
                changed += _remove_stale(self.bib_dir, ".bib", keywords)
                for folder in (self.feeds_dir, self.bib_dir):
                    remove_stale_temps_in(folder)
            finally:
                written = page_changed()
        if written:
            changed.append(self.page_path)
        for index in indexes.values():
            index.page = (index.page[0] + offset, index.page[1] + offset)
        save_cache(self.cache_path, indexes)
        return changed

    def _place(self) -> list[tuple[IO[bytes], int, int]]:
        """Each keyword's segment, in order, and where it lands in the page's keyword list."""
        pieces: list[tuple[IO[bytes], int, int]] = []
        size = 0
        for keyword, piece in zip(self.keywords, self.pieces, strict=True):
            assert piece is not None, "staged"
            start = size + 1 if pieces else 0  # after a comma
            size = start + piece[2] - piece[1]
            self.indexes[keyword.slug].page = (start, size)
            pieces.append(piece)
        return pieces

    def _scores(self) -> dict[str, list[float]] | None:
        """Each ranked keyword's scores in its papers' order on the page; outside the cached
        segments, since every store's papers move every score."""
        if self.ranking is None:
            return None
        scores = {}
        for slug, index in self.indexes.items():
            of = self.ranking.of(slug)
            if of:
                scores[slug] = [of[row[1]].score if row[1] in of else 0.0 for row in index.rows]
        return scores


def _page(
    head: str,
    data_head: str,
    pieces: Sequence[tuple[IO[bytes], int, int]],
    scores: dict[str, list[float]] | None,
    tail: str,
) -> Iterator[bytes]:
    yield head.encode("utf-8")
    yield data_head.encode("utf-8")
    for n, (source, start, end) in enumerate(pieces):
        if n:
            yield b","
        source.seek(start)
        while start < end:
            block = source.read(min(end - start, 1 << 20))
            if not block:
                raise OSError(0, "changed while being rendered; run again", source.name)
            start += len(block)
            yield block
    yield page_output.data_tail(scores).encode("utf-8")
    yield tail.encode("utf-8")


class _Slot(NamedTuple):
    """A keyword being rendered: its place among the page's segments, and the temporary files
    (``Staging.reserve``) its feed and ``.bib`` are written into."""

    position: int
    visit: Visit
    feed_path: Path
    bib_path: Path
    temps: tuple[str, str]


def _write_keyword(
    store: KeywordStore, sort: SortKey, key: str, feed_tmp: str, bib_tmp: str, spool: IO[bytes]
) -> KeywordIndex:
    """A keyword's feed and ``.bib`` written into the temporaries it was given (here or in the
    worker process), and its page segment appended to ``spool``; the index's ``page`` is where
    that segment lies in the spool."""
    keyword = store.keyword
    fragments = render_papers(store.papers, sort)
    head, entries, tail = feeds_output.feed_parts(
        keyword.name, keyword.slug, fragments, store.last_success
    )
    segment = page_output.keyword_data(keyword, fragments).encode("utf-8")
    start = spool.seek(0, os.SEEK_END)
    spool.write(segment)
    order = _order(sort)
    return KeywordIndex(
        key=key,
        last_success=store.last_success,
        feed_head=_nbytes(head),
        feed_digest=fill(feed_tmp, "".join([head, *entries, tail])),
        bib_digest=fill(bib_tmp, "".join(bibtex_output.bibliography(f.bib for f in fragments))),
        page=(start, start + len(segment)),
        page_digest=content_digest(segment),
        rows=[
            (
                *order(f),
                f.paper.version,
                f.paper.first_seen,
                entry_updated(f.paper),
                _nbytes(f.bib),
                _nbytes(f.entry),
            )
            for f in fragments
        ],
    )


def _write_by_path(
    load: Callable[[], KeywordStore],
    sort: SortKey,
    key: str,
    feed_tmp: str,
    bib_tmp: str,
    spool: str,
) -> KeywordIndex:
    """What the worker process runs: the store loaded (and checked) there, and the keyword's
    page segment appended to the spool it shares with this process."""
    store = load()
    # Never created here: a spool the render has given up stays gone.
    with open(os.open(spool, os.O_WRONLY | os.O_APPEND), "ab") as handle:
        return _write_keyword(store, sort, key, feed_tmp, bib_tmp, handle)


def _total(index: KeywordIndex, column: int) -> int:
    """The bytes of every entry in the keyword's feed (column 6) or ``.bib`` (5, blank lines not
    counted): where ``all.xml`` and ``all.bib`` cut them from must lie inside the file."""
    return sum(int(row[column]) for row in index.rows)


def _nbytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _starts(lengths: Iterable[int], first: int = 0) -> list[int]:
    """Where each of a file's consecutive pieces begins, in bytes."""
    return list(accumulate(lengths, initial=first))


def _order(sort: SortKey) -> Callable[[Fragment], tuple[str, str]]:
    return lambda f: (f.paper.date(sort), f.paper.id)


# --------------------------------------------------------------------------- combined files


def _chosen(keywords: Sequence[Keyword], indexes: dict[str, KeywordIndex]) -> list[tuple[int, int]]:
    """Each paper once, as (keyword position, row), newest first: the copy the combined files
    show. The newest version wins; between equal versions, the first keyword in keywords.yaml."""
    rows = [indexes[keyword.slug].rows for keyword in keywords]
    best: dict[str, tuple[int, int, int]] = {}
    for n, keyword_rows in enumerate(rows):
        for r, row in enumerate(keyword_rows):
            known = best.get(row[1])
            if known is None or row[2] > known[0]:
                best[row[1]] = (row[2], n, r)
    picks = list(best.values())
    # Sorted by one text per paper, its order date, NUL and its id (a date holds no NUL, so the
    # order is the pair's): CPython sorts 50,000 texts in a tenth of the time of as many pairs.
    keys = [rows[n][r][0] + "\x00" + ident for ident, (_, n, r) in best.items()]
    order = sorted(range(len(keys)), key=keys.__getitem__, reverse=True)
    return [picks[i][1:] for i in order]


def _combined(
    keywords: Sequence[Keyword],
    indexes: dict[str, KeywordIndex],
    sort: SortKey,
    feeds_dir: Path,
    bib_dir: Path,
) -> list[Path]:
    chosen = _chosen(keywords, indexes)
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
    chosen: list[tuple[int, int]],
    bib_dir: Path,
) -> Iterator[bytes]:
    """``all.bib`` in the order chosen, each entry cut from its keyword's file (each entry is
    followed by a blank line there), a thousand entries to a block. Each file is read whole (at
    500 keywords 25 MB, against 50,000 small reads)."""
    files: list[bytes] = []
    cuts: list[list[int]] = []
    for keyword in keywords:
        rows = indexes[keyword.slug].rows
        path = bib_dir / f"{file_stem(keyword.slug)}.bib"
        files.append(path.read_bytes() if rows else b"")
        cuts.append(_starts(row[5] + 1 for row in rows))
    for at in range(0, len(chosen), 1000):
        yield b"".join([files[n][cuts[n][r] : cuts[n][r + 1]] for n, r in chosen[at : at + 1000]])


def _all_feed(
    keywords: Sequence[Keyword],
    indexes: dict[str, KeywordIndex],
    chosen: list[tuple[int, int]],
    feeds_dir: Path,
) -> Iterator[bytes]:
    rows = [indexes[keyword.slug].rows for keyword in keywords]
    first_seen = [rows[n][r][3] for n, r in chosen]
    window = [chosen[i] for i in feeds_output.window(first_seen)]
    wanted: dict[int, list[int]] = {}
    for n, r in window:
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
    newest = max((rows[n][r][4] for n, r in window), default="")
    head, tail = feeds_output.head_tail("All keywords", None, newest, last_update)
    yield head.encode("utf-8")
    for item in window:
        yield texts[item]
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

    def begin(self, config: Config, to: Destinations) -> Begun:
        cache_path = to.cache or render_cache(to.site)
        return SitePass(config.sort, to.site, cache_path, config.keywords)


OUTPUT: Output = SiteOutput()
