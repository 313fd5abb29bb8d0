"""Each keyword's complete table, ``papers/<slug>.md`` beside the README, in the README's rows.

The README can show only what fits in GitHub's 500 KiB; these files hold every stored paper so
that nothing is out of reach on the repository page. A table too large for one file (GitHub
renders Markdown files up to about 1 MB, heavy ones time out sooner) continues in
``<slug>-2.md``, ``-3.md``… with links between the parts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..config import Config
from ..fileio import remove_stale_temps_in, write_atomic
from ..store import KeywordStore, Snapshot
from .budget import split
from .escape import Safe
from .sitefiles import fingerprint, renderer_id, store_fingerprint
from .templating import template

logger = logging.getLogger(__name__)

FOLDER = "papers"
PART_LIMIT = 500_000
"""Bytes a part may hold: under GitHub's 500 KiB, the size it shows in full as a README too."""
MARK = "<!-- dailypapers: one keyword's complete table, rewritten on every run -->"
"""The first line of every part: only files that carry it are ever deleted as stale."""
CACHE_FORMAT = 1


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


def write(
    snapshot: Snapshot, readme: Path, data: Path | None = None
) -> tuple[list[Sequence[str]], list[Path]]:
    """Write every keyword's complete table next to ``readme``; delete parts no longer made.

    Returns each keyword's rows (for the README) and the files that changed. A keyword whose
    store file (in ``data``), settings and renderer are those of the last render, and whose
    parts are still as written, is not rendered again: its rows are read back from its parts,
    byte for byte what rendering them would give. What the last render wrote is kept beside the
    README (``.README.md.render-cache``; git-ignored).
    """
    target = folder(readme)
    slugs = frozenset(store.keyword.slug for store in snapshot.stores)
    settings = repr(
        (renderer_id(), replace(snapshot.config, keywords=()), readme.name, sorted(slugs))
    )
    cache = target.parent / f".{readme.name}.render-cache"
    old = _load_cache(cache)
    cache.unlink(missing_ok=True)  # until this render is done (see sitefiles.write)
    record: dict[str, Any] = {}
    tables: list[Sequence[str]] = []
    changed: list[Path] = []
    keep: set[str] = set()
    for store in snapshot.stores:
        slug = store.keyword.slug
        stored = store_fingerprint(data, slug)
        key = fingerprint(f"{settings}{store.keyword!r}{stored}".encode()) if stored else ""
        known = old.get(slug)
        if key and known is not None and known[0] == key:
            table = _read_back(target, known[1])
            if table is not None:
                keep.update(name for name, *_ in known[1])
                record[slug] = known
                tables.append(table)
                continue
        table = rows(store, snapshot.config)
        cut = parts(store, table, slugs)
        written = []
        for part in cut:
            keep.add(part.name)
            path = target / part.name
            text = render_part(store, part, cut, readme.name, snapshot.config)
            if write_atomic(path, [text], durable=False, sweep=False):
                changed.append(path)
            body = "".join(row + "\n" for row in part.rows)
            start = len(text[: text.find(body)].encode("utf-8")) if body else 0
            size = len(text.encode("utf-8"))
            written.append([part.name, size, start, start + len(body.encode("utf-8"))])
        record[slug] = [key, written]
        tables.append(table)
    changed += _remove_stale(target, keep)
    if target.is_dir():
        remove_stale_temps_in(target)
    _save_cache(cache, record)
    return tables, changed


def _read_back(target: Path, written: list[list[Any]]) -> tuple[str, ...] | None:
    """A keyword's rows from its parts, or None if any part is missing or not as written."""
    found: list[str] = []
    for name, size, start, end in written:
        try:
            body = (target / name).read_bytes()
        except OSError:
            return None
        if len(body) != size:
            return None
        found += body[start:end].decode("utf-8").split("\n")[:-1]
    return tuple(found)


def _load_cache(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_bytes())
        if raw[0] != CACHE_FORMAT:
            return {}
        found: dict[str, Any] = raw[1]
        return found
    except Exception:  # an unreadable cache only means rendering every table
        return {}


def _save_cache(path: Path, record: dict[str, Any]) -> None:
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
