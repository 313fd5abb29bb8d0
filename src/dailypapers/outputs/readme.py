"""The paper tables inside README.md, between markers; the rest of the file is the owner's.

GitHub shows only the first 500 KiB of a README, cutting silently mid-row, so the block is fitted
to what the owner's text leaves of that: each keyword shows its newest papers, as many as fit,
and links to its complete table in ``papers/`` (see ``tables``). When everything fits, the block
is what it always was.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..config import Config, Keyword
from ..errors import ReadmeError
from ..fileio import Staging, read_text, write_atomic
from ..store import StoreEntry
from ..text import NotUtf8
from . import tables
from .budget import Piece, fit
from .escape import Safe
from .interface import Begun, Destinations, Output, Pass, RenderJob, Visit
from .templating import template

logger = logging.getLogger(__name__)

START = "<!-- dailypapers:start -->"
END = "<!-- dailypapers:end -->"

GITHUB_LIMIT = 512_000
"""GitHub cuts a README after this many bytes (500 KiB) on the repository page."""
BUDGET = 500_000
"""What the whole README may take: the rest of GITHUB_LIMIT is room for edits of the owner's
text made while a run is under way (the workflow commits on top of them)."""

_LINE = re.compile(r"[^\n]*\n?")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
"""A line that opens or closes a fenced code block, as CommonMark (and GitHub) reads one."""
_MAX_LISTED = 8


def _markers(
    existing: str, fences_before: int = 0
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], int]:
    """The (line, offset) of each start and end marker outside fenced code blocks, and the line
    of a fence left open at the end (0: none). Fences from line ``fences_before`` on are not
    looked for (0: everywhere)."""
    starts: list[tuple[int, int]] = []
    ends: list[tuple[int, int]] = []
    offset = 0
    fence, opened = "", 0
    for number, match in enumerate(_LINE.finditer(existing), start=1):
        line = match.group()
        if not line:
            break
        stripped = line.strip(" \t\r\n")
        text = line.rstrip("\r\n")
        if number == 1:
            stripped = stripped.removeprefix("\ufeff").strip(" \t")
            text = text.removeprefix("\ufeff")
        # Between the first start marker and its end marker the text is ours, not a fence.
        inside_block = len(starts) > len(ends)
        looked_for = not inside_block and (not fences_before or number < fences_before)
        fenced = _FENCE.fullmatch(text) if looked_for or fence else None
        if fence:
            closing = fenced and fenced[1][0] == fence[0] and len(fenced[1]) >= len(fence)
            if closing and fenced and not fenced[2].strip(" \t"):
                fence = ""
        elif fenced and not (fenced[1][0] == "`" and "`" in fenced[2]):
            fence, opened = fenced[1], number
        elif stripped == START:
            starts.append((number, offset + line.index(START)))
        elif stripped == END:
            ends.append((number, offset + line.index(END)))
        offset += len(line)
    return starts, ends, opened if fence else 0


def split(existing: str, name: str = "README.md") -> tuple[str, str]:
    """The owner's text before and after the generated block.

    A marker counts only alone on its line (spaces around it allowed), so one quoted in a
    sentence is the owner's text; so is one inside a fenced code block (a README showing how to
    set the tracker up), which GitHub shows as text: the tables put there rendered as code, and
    a README with such an example above the real markers could not be updated at all. Without
    any marker the block goes at the end. Any other layout
    than one start marker and one end marker after it raises ReadmeError naming the line: guessing
    would replace the owner's text up to some other marker, and the workflow would commit that.
    """
    starts, ends, unclosed = _markers(existing)
    if unclosed:
        # A fence never closed: GitHub shows the rest of the file as code, but the block put
        # after it would be inside it too, and added again by every run. Only fences that close
        # hide a marker.
        starts, ends, _ = _markers(existing, fences_before=unclosed)
    if not starts and not ends:
        if existing and not existing.endswith("\n"):
            existing += "\n"
        return (existing + ("\n" if existing else ""), "\n")
    fix = f"keep exactly one {START} line and one {END} line after it"
    if len(starts) > 1:
        raise ReadmeError(
            name, starts[1][0], f"a second {START} (the first is on line {starts[0][0]}); {fix}"
        )
    if len(ends) > 1:
        raise ReadmeError(
            name, ends[1][0], f"a second {END} (the first is on line {ends[0][0]}); {fix}"
        )
    if not ends:
        raise ReadmeError(name, starts[0][0], f"{START} without an {END} line after it; {fix}")
    if not starts:
        raise ReadmeError(name, ends[0][0], f"{END} without a {START} line before it; {fix}")
    (start_line, start), (end_line, end) = starts[0], ends[0]
    if end < start:
        raise ReadmeError(name, end_line, f"{END} comes before {START} (line {start_line}); {fix}")
    return existing[:start], existing[end + len(END) :]


def read(readme: Path) -> tuple[str, str]:
    """The owner's text around the block of ``readme`` (empty for a README not made yet)."""
    try:
        existing = read_text(readme)
    except FileNotFoundError:
        existing = ""
    except OSError as exc:
        raise ReadmeError(str(readme), 0, exc.strerror or str(exc)) from None
    except NotUtf8 as exc:
        raise ReadmeError(str(readme), exc.line, exc.problem) from None
    return split(existing, str(readme))


def check(readme: Path) -> None:
    """Refuse a README whose markers cannot be trusted before anything else is written."""
    read(readme)


@dataclass(frozen=True)
class Keeps:
    """What the header says about how many papers each keyword keeps."""

    common: int
    others: tuple[tuple[int, tuple[str, ...]], ...] = ()
    varied: int = 0


def keeps(config: Config) -> Keeps:
    """The number most keywords keep, and the keywords that keep another one."""
    counts = Counter(k.max_papers for k in config.keywords)
    if not counts:
        return Keeps(config.max_papers)
    top = max(counts.values())
    common = config.max_papers if counts[config.max_papers] == top else counts.most_common(1)[0][0]
    odd = [k for k in config.keywords if k.max_papers != common]
    if len(odd) > _MAX_LISTED:
        return Keeps(common, varied=len(odd))
    grouped: dict[int, list[str]] = {}
    for keyword in odd:
        grouped.setdefault(keyword.max_papers, []).append(keyword.name)
    return Keeps(common, tuple((n, tuple(names)) for n, names in sorted(grouped.items())))


@dataclass(frozen=True)
class Shown:
    keyword: Keyword
    body: Safe


def _more(keyword: Keyword, hidden: int) -> str:
    href = f"{tables.FOLDER}/{tables.first_part(keyword.slug)}"
    return template("readme_more.md.j2").render(hidden=hidden, href=href)


def _body(rows: Sequence[str], more: str = "") -> Safe:
    return Safe("".join(row + "\n" for row in rows) + more)


def fitted(
    config: Config,
    keywords: Sequence[Keyword],
    last_update: str,
    sizes: Sequence[Sequence[int]],
    rows_of: Callable[[int, int], Sequence[str]],
    room: int = BUDGET,
) -> str:
    """The generated block, markers included, in at most ``room`` bytes if it can be done.

    Each keyword shows its newest rows, as many as fit (see ``budget.fit``), followed by a link
    to its complete table; when every row fits nothing is cut and no link is added. ``sizes``
    are each keyword's row sizes in bytes; ``rows_of(i, n)`` gives keyword i's first n rows,
    asked only for the rows shown: at 500 keywords all rows are 78 MB of text.
    """

    def render(sections: Sequence[Shown]) -> str:
        return template("readme.md.j2").render(
            sections=sections,
            last_update=last_update,
            keeps=keeps(config),
            code=config.code_column,
        )

    markers = len(START) + 1 + len(END)
    empty = render([Shown(keyword, Safe("")) for keyword in keywords])
    pieces = [
        Piece(rows=rows, more=len(_more(keyword, len(rows)).encode("utf-8")))
        for keyword, rows in zip(keywords, sizes, strict=True)
    ]
    fixed = len(empty.encode("utf-8")) + markers
    if fixed + sum(sum(piece.rows) for piece in pieces) <= room:
        full = render([Shown(k, _body(rows_of(i, len(sizes[i])))) for i, k in enumerate(keywords)])
        if len(full.encode("utf-8")) + markers <= room:
            return f"{START}\n{full}{END}"
    shown = fit(fixed, pieces, room)
    if shown is None:
        logger.warning(
            "README: the owner's text and %d keywords leave no room for any paper row under "
            "%d bytes; every keyword links to its complete table",
            len(keywords),
            GITHUB_LIMIT,
        )
        shown = [0] * len(keywords)
    sections = []
    for i, (keyword, n) in enumerate(zip(keywords, shown, strict=True)):
        total = len(sizes[i])
        more = _more(keyword, total - n) if n < total else ""
        sections.append(Shown(keyword, _body(rows_of(i, n) if n else [], more)))
    return f"{START}\n{render(sections)}{END}"


class ReadmePass:
    """README.md and papers/ during one render: the complete tables as the keywords come, then
    the README fitted from their row sizes, reading back only the rows it shows."""

    def __init__(self, config: Config, readme: Path) -> None:
        self.config, self.readme = config, readme
        # The markers are checked before anything is written.
        self.before, self.after = read(readme)
        self.tables = tables.TablesPass(config, readme)
        self.entries: list[StoreEntry] = []

    def start(self, job: RenderJob) -> Pass:
        return self

    def close(self) -> None:
        self.tables.close()

    def keyword(self, visit: Visit, staging: Staging) -> None:
        self.tables.keyword(visit, staging)
        self.entries.append(visit.entry)

    def finish(self) -> list[Path]:
        changed = self.tables.finish()
        written = [self.tables.written[entry.keyword.slug] for entry in self.entries]
        target = self.tables.target

        def rows_of(i: int, count: int) -> Sequence[str]:
            found = written[i].read_rows(target, count)
            if found is None:  # a part changed under us: render the rows again
                found = list(tables.rows(self.entries[i].load(), self.config)[:count])
            return found

        room = BUDGET - len(self.before.encode("utf-8")) - len(self.after.encode("utf-8"))
        text = fitted(
            self.config,
            [entry.keyword for entry in self.entries],
            max((entry.summary.last_success for entry in self.entries), default=""),
            [w.sizes for w in written],
            rows_of,
            room,
        )
        if write_atomic(self.readme, [self.before, text, self.after]):
            changed.insert(0, self.readme)
        return changed


class ReadmeOutput:
    """The paper tables between the markers of README.md, and the complete tables in papers/.

    The tables are written first (staged with the rest of the pass), so that no README links to
    a table that is not there yet.
    """

    name = "readme"

    def begin(self, config: Config, to: Destinations) -> Begun:
        # The markers are read, the tables' names claimed and their checks started now.
        return ReadmePass(config, to.readme)


OUTPUT: Output = ReadmeOutput()
