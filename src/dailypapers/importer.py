"""Another tracker's README (or the issue body it posts) → Papers in the store.

Groups switch only if their accumulated tables come along. The tables are the format this project
renders, so a row is parsed by its known shape rather than split on ``|``: the other tracker wrote
abstracts with raw ``|`` in them. Cells are un-escaped exactly as far as ``text.md_cell`` escapes
them, so rendering an imported row gives the row back byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from . import store as store_mod
from .config import Config, Keyword, SortKey, load_config, name_key
from .config.editor import add_keyword, all_or_nothing
from .errors import InputError
from .fetch import MalformedFeed, Paper
from .fetch.feed import split_id
from .fetch.interface import on_calendar
from .fileio import data_lock, read_text
from .outputs.escape import md_cell_unescape, md_link_text_unescape
from .outputs.readme import END, START
from .run.update import today_in
from .text import NotUtf8, fold

Layout = Literal["readme", "readme+code", "issue"]

_LINK = r"(?P<link>[^\s()]+)"
# The issue's title cell may go on with code links and the other keywords of the paper.
_HEAD = (
    r"^\|\s*\*\*\[(?P<title>.*?)\]\(" + _LINK + r"\)\*\*(?:<br>(?:[^|\\]|\\.)*)?\s*\|"
    r"\s*(?P<date>\d{4}-\d{2}-\d{2})\s*\|\s*"
)
_ABSTRACT = r"<details><summary>Show</summary><p>(?P<abstract>.*?)</p></details>\s*\|\s*"
# A long comment is collapsed behind its first letters; a short one must not look like markup.
_COMMENT = (
    r"(?:<details><summary>.*?</summary><p>(?P<long>.*)</p></details>"
    r"|(?!<details>)(?P<short>(?:(?!</p></details>).)*?))\s*\|"
)
# Code links hold no "|", so the last cell is the Code column's whatever the comment holds.
_CODE = r"\s*[^|]*\|"
_ROWS: dict[Layout, re.Pattern[str]] = {
    "readme": re.compile(_HEAD + _ABSTRACT + _COMMENT + "$"),
    "readme+code": re.compile(_HEAD + _ABSTRACT + _COMMENT + _CODE + "$"),
    "issue": re.compile(_HEAD + _COMMENT + "$"),
}
_SHAPES: dict[Layout, str] = {
    "readme": "| **[title](link)** | date | <details><summary>Show</summary><p>abstract"
    "</p></details> | comment |",
    "readme+code": "| **[title](link)** | date | <details><summary>Show</summary><p>abstract"
    "</p></details> | comment | code |",
    "issue": "| **[title](link)** | date | comment |",
}
_HEADER = re.compile(r"^\|\s*\*\*Title\*\*\s*\|\s*\*\*Date\*\*\s*\|(?P<rest>.*)$", re.IGNORECASE)
_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+$")
_HEADING = re.compile(r"^##\s+(?P<name>.+?)\s*$")
_LAST_UPDATE = re.compile(r"^Last update:\s*(?P<day>\d{4}-\d{2}-\d{2})$")
_ISSUE_DAY = re.compile(r"(?P<month>[A-Z][a-z]+)\s+(?P<day>\d{1,2}),\s*(?P<year>\d{4})")
_NEW_ID = re.compile(r"\d{4}\.\d{4,5}")
_OLD_ID = re.compile(r"[a-z-]+(?:\.[A-Z]{2})?/\d{7}")
# A README that did not fit links each cut keyword to its complete table; a part of a table links
# to the next part.
_TABLE_LINK = re.compile(r"\]\((?P<path>papers/[A-Za-z0-9_.-]+\.md)\)")
_NEXT_PART = re.compile(r"^\[next part\b[^\]]*\]\((?P<path>[A-Za-z0-9_.-]+\.md)\)$")
_MAX_PARTS = 100
# An issue heading also carries the word joiners that keep a name from mentioning anyone.
_HTML_ESCAPES = {
    "&amp;": "&",
    "&lt;": "<",
    "&gt;": ">",
    "&quot;": '"',
    "&#39;": "'",
    "&#8288;": "",
}
_HTML_ESCAPE = re.compile(r"&(?:amp|lt|gt|quot|#39|#8288);")


def _unescape_heading(name: str) -> str:
    return _HTML_ESCAPE.sub(lambda m: _HTML_ESCAPES[m.group()], name)


@dataclass(frozen=True)
class SkippedRow:
    line: int
    reason: str
    source: Path | None = None
    """The file the line is in, when it is not the file being imported (a complete table)."""


@dataclass
class ParsedSection:
    """One ``## name`` section; ``is_papers`` says whether it holds a paper table at all."""

    name: str
    line: int
    papers: list[Paper] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    layout: Layout | None = None
    rows: list[tuple[int, str]] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    """Links to the section's complete table (a README that showed only its newest rows)."""

    @property
    def is_papers(self) -> bool:
        return self.layout is not None or any(r.startswith("| **[") for _, r in self.rows)


@dataclass(frozen=True)
class ParsedFile:
    sections: tuple[ParsedSection, ...]
    seen: str
    stray: tuple[SkippedRow, ...] = ()
    notes: tuple[str, ...] = ()
    next_parts: tuple[str, ...] = ()
    """The next part of a complete table that continues in another file."""

    @property
    def paper_sections(self) -> list[ParsedSection]:
        return [s for s in self.sections if s.is_papers]


def parse(text: str, *, sort: SortKey = "updated") -> ParsedFile:
    """Read every ``## name`` table; rows that cannot be understood are kept as SkippedRow.

    The imported date goes into the field the tracker sorts by, so the README shows it again;
    ``seen`` (its ``Last update``, or an issue's title date) becomes every paper's first-seen day.
    """
    lines = text.removeprefix("\ufeff").split("\n")
    first, last = _generated_block(lines)
    seen = _issue_day(lines)
    sections: list[ParsedSection] = []
    stray: list[SkippedRow] = []
    next_parts: list[str] = []
    for number in range(first, last):
        line = lines[number].rstrip()
        # Days off the calendar (a hand-edited 2025-02-30, 9999-12-31) are not taken: they would
        # reach every imported paper, and the store would refuse them on every later command.
        if (match := _LAST_UPDATE.match(line)) and on_calendar(match["day"]):
            seen = match.group("day")
        elif match := _HEADING.match(line):
            name = _unescape_heading(match.group("name"))
            sections.append(ParsedSection(name=name, line=number + 1))
        elif line.startswith("|"):
            if sections:
                sections[-1].rows.append((number + 1, line))
            elif line.startswith("| **["):
                stray.append(SkippedRow(number + 1, "paper row outside any '## keyword' section"))
        elif sections and (match := _TABLE_LINK.search(line)):
            sections[-1].tables.append(match["path"])
        elif match := _NEXT_PART.match(line):
            next_parts.append(match["path"])
    for section in sections:
        _read_rows(section, sort, seen)
    return ParsedFile(tuple(sections), seen, tuple(stray), next_parts=tuple(next_parts))


def _generated_block(lines: list[str]) -> tuple[int, int]:
    """Our own README carries markers; only the block between them holds paper tables."""
    stripped = [line.rstrip() for line in lines]
    if START in stripped and END in stripped[stripped.index(START) :]:
        start = stripped.index(START)
        return start + 1, stripped.index(END, start)
    return 0, len(lines)


def _issue_day(lines: list[str]) -> str:
    """An issue body has no ``Last update``; its front-matter title carries the day instead."""
    if not lines or lines[0].rstrip() != "---":
        return ""
    for line in lines[1:]:
        if line.rstrip() == "---":
            break
        if line.startswith("title:") and (match := _ISSUE_DAY.search(line)):
            try:
                parsed = datetime.strptime(
                    f"{match['month']} {match['day']} {match['year']}", "%B %d %Y"
                )
            except ValueError:
                return ""
            day = parsed.date().isoformat()
            return day if on_calendar(day) else ""
    return ""


def _read_rows(section: ParsedSection, sort: SortKey, seen: str) -> None:
    for number, line in section.rows:
        if header := _HEADER.match(line):
            rest = header["rest"].lower()
            section.layout = (
                "issue" if "abstract" not in rest else "readme+code" if "code" in rest else "readme"
            )
            continue
        if _RULE.match(line):
            continue
        if section.layout is None:
            section.layout = "readme" if "<summary>Show</summary>" in line else "issue"
        try:
            section.papers.append(_paper(line, section.layout, sort, seen))
        except ValueError as exc:
            section.skipped.append(SkippedRow(number, str(exc)))


def _paper(line: str, layout: Layout, sort: SortKey, seen: str) -> Paper:
    match = _ROWS[layout].match(line)
    if not match:
        raise ValueError(f"not a row of the form {_SHAPES[layout]}")
    title = fold(md_link_text_unescape(match["title"]))
    if not title:
        raise ValueError("the title is empty")
    paper_id, version = _arxiv_id(match["link"])
    day = match["date"]
    if not on_calendar(day):
        raise ValueError(f"not a date from 1991 on: {day}")
    comment = match["long"] if match["long"] is not None else match["short"]
    stamp = f"{day}T00:00:00Z"
    return Paper(
        id=paper_id,
        version=version,
        title=title,
        abstract=fold(md_cell_unescape(match["abstract"])) if layout != "issue" else "",
        comment=fold(md_cell_unescape(comment)),
        updated=stamp if sort == "updated" else "",
        published=stamp if sort == "published" else "",
        first_seen=seen,
    )


def _arxiv_id(link: str) -> tuple[str, int]:
    parts = urlsplit(link)
    host = parts.hostname or ""
    if not (host == "arxiv.org" or host.endswith(".arxiv.org")) or not re.match(
        r"/(?:abs|pdf)/", parts.path
    ):
        raise ValueError(f"not an arXiv /abs/ or /pdf/ link: {link}")
    try:
        paper_id, version = split_id(parts.path)
    except MalformedFeed:
        raise ValueError(f"no arXiv id in the link: {link}") from None
    if not (_NEW_ID.fullmatch(paper_id) or _OLD_ID.fullmatch(paper_id)):
        raise ValueError(f"no arXiv id in the link: {link}")
    return paper_id, version


def read(path: Path, *, sort: SortKey = "updated") -> ParsedFile:
    """Parse a file, refusing (InputError) one that cannot be read or holds no paper table."""
    try:
        text = read_text(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    except NotUtf8 as exc:
        raise InputError(f"{path}:{exc.line}: {exc.problem}") from None
    parsed = _with_complete_tables(path, parse(text, sort=sort), sort)
    if not parsed.paper_sections:
        raise InputError(
            f"{path}: no paper tables found (expected '## keyword' sections with "
            "'| **Title** | **Date** | ...' tables)"
        )
    return parsed


def _with_complete_tables(path: Path, parsed: ParsedFile, sort: SortKey) -> ParsedFile:
    """Read each cut section from its complete table when that sits next to the file.

    A README that did not fit GitHub's limit shows only each keyword's newest rows and links to
    ``papers/<slug>.md`` (continued in further parts) for all of them. Without those files the
    rows shown are imported and a note says what is missing.
    """
    notes = list(parsed.notes)
    for section in parsed.sections:
        if not section.tables:
            continue
        link = section.tables[0]
        parts = _table_parts(path.parent / link, sort, section.name, parsed.seen)
        if parts is None:
            notes.append(
                f"{path}:{section.line}: '{section.name}' shows only its newest papers and its "
                f"complete table {link} is not next to the file: only the rows shown are imported"
            )
            continue
        section.papers, section.skipped = parts
        section.layout = section.layout or "readme"
    return replace(parsed, notes=tuple(notes))


def _table_parts(
    first: Path, sort: SortKey, name: str, seen: str
) -> tuple[list[Paper], list[SkippedRow]] | None:
    """Papers and skipped rows of the section ``name`` in a complete table and its parts."""
    papers: list[Paper] = []
    skipped: list[SkippedRow] = []
    path: Path | None = first
    visited: set[Path] = set()
    while path is not None and path not in visited and len(visited) < _MAX_PARTS:
        visited.add(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None if path == first else (papers, skipped)
        part = parse(text, sort=sort)
        for section in part.sections:
            if name_key(section.name) == name_key(name):
                papers += [replace(p, first_seen=seen) if seen else p for p in section.papers]
                skipped += [replace(s, source=path) for s in section.skipped]
        path = path.parent / part.next_parts[0] if part.next_parts else None
    return papers, skipped


# What a row says about its version; everything else about a paper outlives a revision.
_VERSIONED = {"id", "version", "title", "comment", "updated", "first_seen"}


def _keep_richer(incoming: Paper, old: Paper | None, has_abstract: bool) -> Paper:
    """Prepare an imported copy so that merging it cannot lose what the store knows better.

    The same version keeps the stored exact timestamps (a row has only the day). A newer version
    keeps the stored fields a row cannot carry (authors, categories, the v1 date, and for an
    issue body the abstract).
    """
    if old is None or incoming.version < old.version:
        return incoming
    if incoming.version == old.version:
        return replace(
            incoming,
            updated="" if old.updated else incoming.updated,
            published="" if old.published else incoming.published,
        )
    carried = _VERSIONED | ({"abstract"} if has_abstract else set())
    filled = {
        f.name: getattr(old, f.name)
        for f in fields(Paper)
        if f.name not in carried and not getattr(incoming, f.name)
    }
    return replace(incoming, **filled)


@dataclass
class KeywordImport:
    keyword: Keyword
    rows: int = 0
    new: int = 0
    revised: int = 0
    not_kept: int = 0
    skipped: list[SkippedRow] = field(default_factory=list)


@dataclass
class ImportReport:
    source: Path
    config: Config
    keywords: list[KeywordImport]
    missing: list[str]
    added: list[str]
    stray: list[SkippedRow]
    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return sum(len(t.skipped) for t in self.keywords) + len(self.stray)


def import_file(
    source: Path,
    config_path: Path,
    data_dir: Path,
    *,
    add_keywords: bool = False,
    today: str | None = None,
) -> ImportReport:
    """Merge the file's sections into the stores of the matching keywords.

    Sections without a keyword are imported only when ``add_keywords`` adds them (keeping the
    file's comments); ``last_success`` stays as it was, since nothing was fetched. Every store
    of the tracker is read before anything is written, and keywords.yaml is put back when one
    is refused: a corrupt store (exit 3) or a locked folder (exit 4) leaves all as it was, as
    the render that follows an import would refuse a corrupt store of any keyword too.
    """
    config = load_config(config_path)
    parsed = read(source, sort=config.sort)
    sections = parsed.paper_sections
    missing = list(dict.fromkeys(s.name for s in sections if config.keyword_named(s.name) is None))
    added: list[str] = []
    reports: list[KeywordImport] = []
    stores: list[store_mod.KeywordStore] = []
    with data_lock(data_dir):
        with all_or_nothing(config_path) if add_keywords else nullcontext():
            for name in missing if add_keywords else []:
                config = add_keyword(config_path, name)
                added.append(name)
            today = today or today_in(config.timezone)
            for stored in [store_mod.load(data_dir, keyword) for keyword in config.keywords]:
                mine = [s for s in sections if name_key(s.name) == name_key(stored.keyword.name)]
                if mine:
                    report, papers = _import_keyword(config, stored, mine, today)
                    reports.append(report)
                    stores.append(replace(stored, papers=papers))
        written = [
            store_mod.store_path(data_dir, s.keyword.slug)
            for s in stores
            if store_mod.save(data_dir, s)
        ]
    return ImportReport(
        source=source,
        config=config,
        keywords=reports,
        missing=[] if add_keywords else missing,
        added=added,
        stray=list(parsed.stray),
        written=written,
        notes=list(parsed.notes),
    )


def _import_keyword(
    config: Config, stored: store_mod.KeywordStore, sections: Iterable[ParsedSection], today: str
) -> tuple[KeywordImport, tuple[Paper, ...]]:
    by_id = {p.id: p for p in stored.papers}
    report = KeywordImport(stored.keyword)
    incoming: list[Paper] = []
    for section in sections:
        report.rows += len(section.papers)
        report.skipped.extend(section.skipped)
        incoming += [
            _keep_richer(p, by_id.get(p.id), section.layout != "issue") for p in section.papers
        ]
    merged = store_mod.merge(
        stored.papers, incoming, sort=config.sort, limit=stored.keyword.max_papers, today=today
    )
    kept = {p.id for p in merged.papers}
    report.new, report.revised = len(merged.new), len(merged.revised)
    report.not_kept = len({p.id for p in incoming} - kept)
    return report, tuple(merged.papers)


def summary_lines(report: ImportReport) -> list[str]:
    """What the CLI prints: counts per keyword, each skipped row, and what was left out."""
    lines: list[str] = []
    for name in report.added:
        lines.append(f"added keyword '{name}' to {report.config.path}")
    for done in report.keywords:
        keyword = done.keyword
        text = (
            f"- {keyword.name}: {done.rows} row(s) imported ({done.new} new, "
            f"{done.revised} revised), {len(done.skipped)} skipped"
        )
        if done.not_kept:
            text += f", {done.not_kept} older than the newest {keyword.max_papers} not kept"
        lines.append(text)
        lines += [
            f"  {s.source or report.source}:{s.line}: skipped: {s.reason}" for s in done.skipped
        ]
    lines += [f"{report.source}:{s.line}: skipped: {s.reason}" for s in report.stray]
    lines += report.notes
    if report.missing:
        names = ", ".join(f"'{n}'" for n in report.missing)
        lines.append(
            f"not imported: section(s) {names} match no keyword in {report.config.path}; "
            "rerun with --add-keywords to add them"
        )
    return lines
