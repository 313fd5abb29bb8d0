"""Each keyword's complete table, ``papers/<slug>.md`` beside the README, in the README's rows.

The README can show only what fits in GitHub's 500 KiB; these files hold every stored paper so
that nothing is out of reach on the repository page. A table too large for one file (GitHub
renders Markdown files up to about 1 MB, heavy ones time out sooner) continues in
``<slug>-2.md``, ``-3.md``… with links between the parts.

A table is rendered again unless every part's own last line (``source_line``) carries the
keyword's key (``key.keyword_key``) and a digest that every byte above it still matches: no
cache, so a fresh checkout reuses the committed tables just as a local tracker does.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from ..config import Config
from ..errors import InputError
from ..fileio import Ahead, Staging, remove_stale_temps_in
from ..store import KeywordStore
from .budget import split
from .escape import Safe
from .interface import Visit
from .templating import template

logger = logging.getLogger(__name__)

FOLDER = "papers"
PART_LIMIT = 500_000
"""Bytes a part may hold: under GitHub's 500 KiB, the size it shows in full as a README too."""
MARK = "<!-- dailypapers: one keyword's complete table, rewritten on every run -->"
"""The first line of every part: only files that carry it are ever deleted as stale."""


def folder(readme: Path) -> Path:
    return readme.parent / FOLDER


def rows(store: KeywordStore, config: Config) -> tuple[str, ...]:
    """The keyword's table rows, newest first, one line each, as the README writes them.

    Rendered once per keyword and shared by the README and the complete table, so both show a
    paper byte for byte the same. Escaping folds every line break out of paper text, so a row
    is always one line.
    """
    if not store.papers:
        return ()
    text = template("paper_rows.md.j2").render(
        papers=store.papers, link=config.link, sort=config.sort, code=config.code_column
    )
    # Only "\n" ends a row: splitlines() would also cut at characters such as U+2028.
    return tuple(text.removesuffix("\n").split("\n"))


def part_names(slug: str, parts: int, slugs: frozenset[str]) -> list[str]:
    """``world-model.md``, ``world-model-2.md``…; ``world-model_2.md`` where ``world-model-2``
    is another keyword's slug (slugs never hold ``_``, so that name is free)."""
    names = [f"{slug}.md"]
    for n in range(2, parts + 1):
        stem = f"{slug}-{n}"
        names.append(f"{slug}_{n}.md" if stem in slugs else f"{stem}.md")
    return names


@dataclass(frozen=True)
class Part:
    name: str
    number: int
    first: int
    """Index of its first row in the keyword's table."""
    rows: Sequence[str]


def parts(store: KeywordStore, table: Sequence[str], slugs: frozenset[str]) -> list[Part]:
    """The keyword's table cut into files under PART_LIMIT, each with the heading and links."""
    sizes = [len(row.encode("utf-8")) + 1 for row in table]
    # Heading, links and table header: a few hundred bytes plus the keyword's name, twice over.
    reserve = 4096 + 4 * len(store.keyword.name.encode("utf-8"))
    lengths = split(sizes, PART_LIMIT - reserve)
    names = part_names(store.keyword.slug, len(lengths), slugs)
    result: list[Part] = []
    first = 0
    for number, (name, length) in enumerate(zip(names, lengths, strict=True), start=1):
        result.append(Part(name, number, first, table[first : first + length]))
        first += length
    return result


def first_part(slug: str) -> str:
    """The file the newest papers of a keyword are in, for links from the README and issue."""
    return f"{slug}.md"


def render_part(
    store: KeywordStore, part: Part, all_parts: Sequence[Part], readme: str, config: Config
) -> str:
    count = len(store.papers)
    return template("paper_table.md.j2").render(
        code=config.code_column,
        mark=Safe(MARK),
        keyword=store.keyword,
        readme=readme,
        readme_href=quote(readme),
        count=count,
        number=part.number,
        total_parts=len(all_parts),
        first=part.first + 1,
        last=part.first + len(part.rows),
        previous=all_parts[part.number - 2].name if part.number > 1 else "",
        next=all_parts[part.number].name if part.number < len(all_parts) else "",
        rows=Safe("".join(row + "\n" for row in part.rows)),
    )


_SOURCE = re.compile(
    rb"<!-- dailypapers:source (?P<slug>[a-z0-9-]{1,200}) (?P<key>[0-9a-f]{40}) part "
    rb"(?P<number>\d{1,6}) of (?P<of>\d{1,6}) rows (?P<start>\d{1,9})-(?P<end>\d{1,9}) "
    rb"(?P<digest>[0-9a-f]{40}) -->\n"
)
_OLD_SOURCE = re.compile(rb"<!-- dailypapers:source [0-9a-f]{40} part \d+ of \d+ rows [^\n]* -->\n")
"""The source line before the slug and the whole file's digest were in it (until 0.x)."""


def _digest(body: bytes | memoryview) -> str:
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def source_line(
    slug: str, key: str, part: tuple[int, int], rows: tuple[int, int], above: bytes
) -> str:
    """The last line of a part: whose table it is, the key it was rendered with, where its rows
    are (in bytes) and a digest of every byte above it. A later render, even in a fresh checkout,
    takes the part as it is only if all of that still holds."""
    return (
        f"<!-- dailypapers:source {slug} {key} part {part[0]} of {part[1]} "
        f"rows {rows[0]}-{rows[1]} {_digest(above)} -->\n"
    )


@dataclass(frozen=True)
class Source:
    """A part's source line, read back from the part's bytes (``data``)."""

    slug: str
    key: str
    number: int
    of: int
    start: int
    end: int
    data: bytes
    above: int
    """Where the line starts."""
    digest: str

    @property
    def intact(self) -> bool:
        """Whether the bytes above the line are the ones it gives the digest of (hashed only
        when asked: claiming a name needs the slug alone)."""
        fits = self.start <= self.end <= self.above
        return fits and _digest(memoryview(self.data)[: self.above]) == self.digest


def read_source(data: bytes) -> Source | None:
    """The source line that ends ``data``, if there is one."""
    above = data.rfind(b"\n", 0, len(data) - 1) + 1
    found = _SOURCE.fullmatch(data, above)
    if found is None:
        return None
    return Source(
        found["slug"].decode(),
        found["key"].decode(),
        int(found["number"]),
        int(found["of"]),
        int(found["start"]),
        int(found["end"]),
        data,
        above,
        found["digest"].decode(),
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


@dataclass
class Written:
    """One keyword's complete table as written: enough to read its rows back."""

    parts: list[tuple[str, int, int, int]]
    """Each part's file name, size, and where its rows start and end, in bytes."""
    sizes: list[int]
    """Each row's size in bytes, newline included: what the README's budget is fitted with."""

    def read_rows(self, target: Path, count: int) -> list[str] | None:
        """The first ``count`` rows, read back from the parts this render checked or wrote; None
        if a part changed size since (someone writing while the render runs)."""
        found: list[str] = []
        for name, size, start, end in self.parts:
            if len(found) >= count:
                break
            wanted = sum(self.sizes[len(found) : count])  # whole rows: sizes count their bytes
            try:
                with (target / name).open("rb") as handle:
                    if os.fstat(handle.fileno()).st_size != size:
                        return None
                    handle.seek(start)
                    body = handle.read(min(end - start, wanted))
            except OSError:
                return None
            found += body.decode("utf-8").split("\n")[:-1]
        return found[:count]


class TablesPass:
    """papers/ during one render: each keyword's table kept as it is when every part carries
    the keyword's key and is intact, else rendered again."""

    def __init__(self, config: Config, readme: Path) -> None:
        self.config, self.readme = config, readme
        self.target = folder(readme)
        self.slugs = frozenset(keyword.slug for keyword in config.keywords)
        self.written: dict[str, Written] = {}
        self.keep: set[str] = set()
        for keyword in config.keywords:  # before any output starts: a collision writes nothing
            self._claim(self.target / first_part(keyword.slug), keyword.name)
        # Each keyword's parts read and checked in another thread ahead of the pass, as far
        # ahead as there are keywords: begun before the store loads, the checks must not wait
        # for the pass, and each answer is a few hundred numbers.
        slugs = [keyword.slug for keyword in config.keywords]
        self.checks = Ahead(self._committed, slugs, window=len(slugs) + 1)

    def _claim(self, path: Path, name: str) -> None:
        if path.exists() and not _ours(path, self.slugs):
            raise InputError(
                f"{path}: not a table dailypapers wrote, but keyword {name!r} needs this "
                "name; rename or move the file"
            )

    def keyword(self, visit: Visit, staging: Staging) -> None:
        slug = visit.keyword.slug
        checked, known, keys = next(self.checks, ("", None, set()))
        if checked != slug:  # not the keyword the checks are at: check it now
            _, known, keys = self._committed(slug)
        known = known if keys == {visit.key} else None
        visit.tally("papers", reused=known is not None)
        if known is None:
            known = self._render(visit.store(), visit.key, staging)
        self.keep.update(name for name, *_ in known.parts)
        self.written[slug] = known

    def _render(self, store: KeywordStore, key: str, staging: Staging) -> Written:
        table = rows(store, self.config)
        cut = parts(store, table, self.slugs)
        for part in cut:
            self._claim(self.target / part.name, store.keyword.name)
        written = []
        for part in cut:
            text = render_part(store, part, cut, self.readme.name, self.config).encode("utf-8")
            body = "".join(row + "\n" for row in part.rows).encode("utf-8")
            start = text.find(body) if body else 0
            end = start + len(body)
            line = source_line(store.keyword.slug, key, (part.number, len(cut)), (start, end), text)
            staging.write(self.target / part.name, [text.decode("utf-8"), line])
            written.append((part.name, len(text) + len(line), start, end))
        return Written(written, [len(row.encode("utf-8")) + 1 for row in table])

    def _committed(self, slug: str) -> tuple[str, Written | None, set[str]]:
        """The keyword's parts as a render wrote them, every byte checked against its source
        line, and the keys they were rendered with; None if any part is missing, edited or
        another keyword's. They stay if that key is the keyword's one.

        A fresh checkout (the daily job) has nothing but the committed files: this spares
        rendering 500 tables again to learn they have not changed.
        """
        found: list[tuple[str, int, int, int]] = []
        sizes: list[int] = []
        keys: set[str] = set()
        count = number = 1
        while number <= count:
            name = part_names(slug, count, self.slugs)[number - 1]
            data = _read(self.target / name)
            source = read_source(data) if data is not None else None
            if data is None or source is None or not source.intact:
                return slug, None, keys
            if number == 1:
                count = source.of
            body = data[source.start : source.end]
            if (source.slug, source.number, source.of) != (slug, number, count) or (
                body and not body.endswith(b"\n")
            ):
                return slug, None, keys
            sizes += [len(row) + 1 for row in body.split(b"\n")[:-1]]
            found.append((name, len(data), source.start, source.end))
            keys.add(source.key)
            number += 1
        return slug, Written(found, sizes), keys

    def close(self) -> None:
        self.checks.close()

    def finish(self) -> list[Path]:
        self.checks.close()
        changed = _remove_stale(self.target, self.keep, self.slugs)
        if self.target.is_dir():
            remove_stale_temps_in(self.target)
        return changed


def _part_of(name: str, slug: str) -> bool:
    """Whether ``name`` is one of the names ``part_names`` may give a part of ``slug``'s table."""
    stem = name.removesuffix(".md")
    if stem == slug:
        return True
    number = stem.removeprefix(f"{slug}-") if stem.startswith(f"{slug}-") else ""
    number = number or (stem.removeprefix(f"{slug}_") if stem.startswith(f"{slug}_") else "")
    return number.isdigit() and int(number) >= 2


def _ours(path: Path, slugs: frozenset[str], *, stale: bool = False) -> bool:
    """Whether ``path`` is a part of a keyword's table that we wrote or, with ``stale``, one
    that may be deleted as stale (a part of a removed keyword or beyond a shrunk table, unedited).

    Every part starts with MARK and ends with its source line, which names the slug it was
    written for: a copy the owner keeps under another name (last year's table as an archive)
    names a slug whose part names it does not have, and is the owner's file. A part edited by
    hand is still ours to render again, never to delete. A part written before the slug was in
    the source line may be deleted only under a part name of a configured keyword.
    """
    data = _read(path)
    if data is None or not data.startswith(MARK.encode() + b"\n"):
        return False
    source = read_source(data)
    if source is not None:
        return _part_of(path.name, source.slug) and (not stale or source.intact)
    old = _OLD_SOURCE.fullmatch(data, data.rfind(b"\n", 0, len(data) - 1) + 1) is not None
    return not stale or (old and any(_part_of(path.name, slug) for slug in slugs))


def _remove_stale(target: Path, keep: set[str], slugs: frozenset[str]) -> list[Path]:
    """Parts of removed keywords or of a table that shrank, unedited; never the owner's file."""
    removed: list[Path] = []
    if not target.is_dir():
        return removed
    for path in sorted(target.glob("*.md")):
        if path.name in keep:
            continue
        if _ours(path, slugs, stale=True):
            path.unlink()
            removed.append(path)
    return removed
