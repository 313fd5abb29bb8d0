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
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path
from typing import IO, Annotated

import msgspec
from msgspec import Meta

from ..config import Config, Keyword, SortKey
from ..fileio import (
    Ahead,
    Staging,
    content_digest,
    in_background,
    remove_stale_temps_in,
    render_cache,
    write_atomic_blocks,
)
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
        self.keywords: list[Keyword] = []
        self.indexes: dict[str, KeywordIndex] = {}
        self.spool: IO[bytes] | None = None
        self.previous: IO[bytes] | None = None
        # Each keyword's page segment where it is now: in the previous page (checked against its
        # digest when reused) or in the spool (rendered now); the page is copied from them.
        self.pieces: list[tuple[IO[bytes], int, int]] = []
        self.size = 0
        """Bytes of the page's keyword list so far."""
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
        for handle in (self.checked, self.previous):
            if handle is not None:
                handle.close()

    def keyword(self, visit: Visit, staging: Staging) -> None:
        keyword = visit.keyword
        self.keywords.append(keyword)
        slug, stem = keyword.slug, file_stem(keyword.slug)
        feed_path, bib_path = self.feeds_dir / f"{stem}.xml", self.bib_dir / f"{stem}.bib"
        start = self.size + 1 if self.pieces else 0  # after a comma
        reusable = self._reusable(visit)
        visit.tally("site", reused=reusable)
        if reusable:
            index = self.old[slug]
            index.last_success = visit.summary.last_success
            assert self.previous is not None
            self.pieces.append((self.previous, *index.page))
        else:
            assert self.spool is not None, "started"
            spool, at = self.spool, self.spool.tell()
            index = _render_keyword(
                visit.store(), self.sort, visit.key, feed_path, bib_path, spool, staging
            )
            self.pieces.append((spool, at, spool.tell()))
        self.size = start + self.pieces[-1][2] - self.pieces[-1][1]
        index.page = (start, self.size)
        self.indexes[slug] = index

    def _reusable(self, visit: Visit) -> bool:
        """Whether the keyword's files and its segment of the previous page may stay: its key
        is the one they were rendered with and every byte of them is as written. A keyword
        without papers is always rendered again (its feed is dated by its last success, and it
        costs nothing)."""
        slug = visit.keyword.slug
        checked, intact = next(self.checks, (None, False))
        if checked != slug:  # not the keyword the checks are at: check it now
            intact = self._intact(slug)[1]
        known = self.old.get(slug)
        return known is not None and bool(visit.summary.count) and known.key == visit.key and intact

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
        self.checks.close()
        if self.checked is not None:
            self.checked.close()
        keywords, indexes = self.keywords, self.indexes
        last_update = max((i.last_success for i in indexes.values()), default="")
        head, tail = page_output.shell(
            keywords,
            last_update,
            sum(len(i.rows) for i in indexes.values()),
            ranked=self.ranking is not None,
        )
        data_head = page_output.data_head(last_update)
        offset = len(head.encode("utf-8")) + len(data_head.encode("utf-8"))
        page = _page(head, data_head, self.pieces, self._scores(), tail)
        with self.spool, self.previous or contextlib.nullcontext():
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
    segment = page_output.keyword_data(keyword, fragments).encode("utf-8")
    spool.write(segment)
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
        page=(0, len(segment)),
        page_digest=content_digest(segment),
        rows=[(*r, _nbytes(f.bib), _nbytes(f.entry)) for r, f in zip(rows, fragments, strict=True)],
    )


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
    head, tail = feeds_output.head_tail("All keywords", ALL, newest, last_update)
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
