"""Each keyword's complete table, ``papers/<slug>.md`` beside the README, in the README's rows.

The README can show only what fits in GitHub's 500 KiB; these files hold every stored paper so
that nothing is out of reach on the repository page. A table too large for one file (GitHub
renders Markdown files up to about 1 MB, heavy ones time out sooner) continues in
``<slug>-2.md``, ``-3.md``… with links between the parts.

A table is rendered again only when its keyword's papers, the settings or the renderer changed:
the last render's record (``.README.md.render-cache``) says so, or, in a fresh checkout, each
part's own last line (``source_line``) does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..config import Config
from ..fileio import Staging, file_size, naturals, remove_stale_temps_in, render_cache, write_atomic
from ..store import KeywordStore, fingerprint
from .budget import split
from .escape import Safe
from .interface import Visit
from .sitefiles import renderer_id
from .templating import template

logger = logging.getLogger(__name__)

FOLDER = "papers"
PART_LIMIT = 500_000
"""Bytes a part may hold: under GitHub's 500 KiB, the size it shows in full as a README too."""
MARK = "<!-- dailypapers: one keyword's complete table, rewritten on every run -->"
"""The first line of every part: only files that carry it are ever deleted as stale."""
CACHE_FORMAT = 2


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
    rb"<!-- dailypapers:source (?P<key>[0-9a-f]{40}) part (?P<number>\d{1,6}) of (?P<of>\d{1,6})"
    rb" rows (?P<start>\d{1,9})-(?P<end>\d{1,9}) (?P<rows>[0-9a-f]{40}) -->\n"
)


def _digest(body: bytes) -> str:
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def source_line(key: str, number: int, of: int, start: int, end: int, body: bytes) -> str:
    """The last line of a part: what it was rendered from and where its rows are (in bytes),
    so that a later render, even in a fresh checkout, can take the part as it is."""
    return (
        f"<!-- dailypapers:source {key} part {number} of {of} rows {start}-{end} "
        f"{_digest(body)} -->\n"
    )


@dataclass
class Written:
    """One keyword's complete table as written: enough to reuse it and to read rows back."""

    key: str
    """What it was rendered from (store fingerprint, settings, renderer); empty: never reuse."""
    parts: list[tuple[str, int, int, int]]
    """Each part's file name, size in bytes, and where its rows start and end, in bytes."""
    sizes: list[int]
    """Each row's size in bytes, newline included: what the README's budget is fitted with."""

    def read_rows(self, target: Path, count: int) -> list[str] | None:
        """The first ``count`` rows, read back from the parts; None if a part is not as written."""
        found: list[str] = []
        for name, size, start, end in self.parts:
            if len(found) >= count:
                break
            try:
                with (target / name).open("rb") as handle:
                    if os.fstat(handle.fileno()).st_size != size:
                        return None
                    handle.seek(start)
                    body = handle.read(end - start)
            except OSError:
                return None
            found += body.decode("utf-8").split("\n")[:-1]
        return found[:count]

    def intact(self, target: Path, names: Sequence[str]) -> bool:
        """Whether the parts are the ones this keyword's table has, with the sizes written."""
        if [name for name, *_ in self.parts] != list(names):
            return False
        return all(file_size(target / name) == size for name, size, _, _ in self.parts)


class TablesPass:
    """papers/ during one render: each keyword's table rendered again only if its store, its
    settings or the renderer changed (or its files are not as written), else kept as it is."""

    def __init__(self, config: Config, readme: Path) -> None:
        self.config, self.readme = config, readme
        self.target = folder(readme)
        self.slugs = frozenset(keyword.slug for keyword in config.keywords)
        self.settings = repr(
            (renderer_id(), replace(config, keywords=(), path=""), readme.name, sorted(self.slugs))
        )
        self.cache = render_cache(readme)
        self.old = _load_cache(self.cache)
        self.cache.unlink(missing_ok=True)  # until this render is done (see sitefiles)
        self.written: dict[str, Written] = {}
        self.keep: set[str] = set()

    def keyword(self, visit: Visit, staging: Staging) -> None:
        keyword = visit.keyword
        # The papers alone: every daily run rewrites every store's last_success, and a table whose
        # papers did not change must not be rewritten (and committed) for it.
        papers = visit.papers_fingerprint
        key = fingerprint(f"{self.settings}{keyword!r}{papers}".encode()) if papers else ""
        known = self.old.get(keyword.slug)
        if not (
            key
            and known is not None
            and known.key == key
            and known.intact(self.target, part_names(keyword.slug, len(known.parts), self.slugs))
        ):
            known = (key and self._committed(keyword.slug, key)) or self._render(
                visit.store(), key, staging
            )
        self.keep.update(name for name, *_ in known.parts)
        self.written[keyword.slug] = known

    def _render(self, store: KeywordStore, key: str, staging: Staging) -> Written:
        table = rows(store, self.config)
        cut = parts(store, table, self.slugs)
        written = []
        for part in cut:
            text = render_part(store, part, cut, self.readme.name, self.config)
            body = "".join(row + "\n" for row in part.rows).encode("utf-8")
            start = len(text[: text.find(body.decode("utf-8"))].encode("utf-8")) if body else 0
            end = start + len(body)
            if key:
                text += source_line(key, part.number, len(cut), start, end, body)
            path = self.target / part.name
            staging.write(path, [text])
            written.append((part.name, file_size(staging.current(path)), start, end))
        return Written(key, written, [len(row.encode("utf-8")) + 1 for row in table])

    def _committed(self, slug: str, key: str) -> Written | None:
        """The keyword's parts as a render with this same key wrote them, read back through
        each part's source line; None if any part is missing, edited or from other data.

        A fresh checkout (the daily job) has no render cache, but papers/ is committed: this
        spares rendering 500 tables again to learn they have not changed.
        """
        found: list[tuple[str, int, int, int]] = []
        sizes: list[int] = []
        count = 1
        number = 1
        while number <= count:
            name = part_names(slug, count, self.slugs)[number - 1]
            try:
                data = (self.target / name).read_bytes()
            except OSError:
                return None
            source = _SOURCE.fullmatch(data[data.rfind(b"\n", 0, len(data) - 1) + 1 :])
            if source is None or source["key"].decode() != key:
                return None
            start, end = int(source["start"]), int(source["end"])
            if number == 1:
                count = int(source["of"])
            if int(source["number"]) != number or int(source["of"]) != count:
                return None
            body = data[start:end] if start <= end <= len(data) else b""
            if _digest(body) != source["rows"].decode() or (body and not body.endswith(b"\n")):
                return None
            sizes += [len(row) + 1 for row in body.split(b"\n")[:-1]]
            found.append((name, len(data), start, end))
            number += 1
        return Written(key, found, sizes)

    def finish(self) -> list[Path]:
        changed = _remove_stale(self.target, self.keep)
        if self.target.is_dir():
            remove_stale_temps_in(self.target)
        _save_cache(self.cache, self.written)
        return changed


def _load_cache(path: Path) -> dict[str, Written]:
    """What the last render wrote, by slug; nothing if the cache is unreadable."""
    try:
        raw = json.loads(path.read_bytes())
        if raw[0] != CACHE_FORMAT:
            return {}
        return {slug: _checked(value) for slug, value in raw[1].items()}
    except Exception:  # an unreadable cache only means rendering every table
        return {}


def _checked(value: Any) -> Written:
    """One keyword's record as saved, or ValueError: the README reads rows back at its offsets,
    so they must add up (the part names are checked when used, see ``Written.intact``)."""
    key, parts, sizes = value
    found = []
    for name, size, start, end in parts:
        if not (isinstance(name, str) and naturals((size, start, end)) and start <= end <= size):
            raise ValueError("odd part")
        found.append((name, size, start, end))
    if not (isinstance(key, str) and naturals(sizes) and 0 not in sizes):
        raise ValueError("odd record")
    if sum(sizes) != sum(end - start for _, _, start, end in found):
        raise ValueError("row sizes that do not add up")
    return Written(key, found, sizes)


def _save_cache(path: Path, written: dict[str, Written]) -> None:
    record = {slug: [w.key, w.parts, w.sizes] for slug, w in written.items()}
    write_atomic(path, [json.dumps([CACHE_FORMAT, record], separators=(",", ":"))], durable=False)


def _remove_stale(target: Path, keep: set[str]) -> list[Path]:
    """Parts of removed keywords or of a table that shrank; never a file the owner wrote."""
    removed: list[Path] = []
    if not target.is_dir():
        return removed
    for path in sorted(target.glob("*.md")):
        if path.name in keep or not _is_ours(path):
            continue
        path.unlink()
        removed.append(path)
    return removed


def _is_ours(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            first = handle.readline(len(MARK) + 2)
    except OSError:
        return False
    return first.rstrip(b"\r\n") == MARK.encode()
