"""Helpers the test modules import: where the shared real-world fixtures live."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm  # type: ignore[import-untyped]
import pytest
from markdown_it import MarkdownIt

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures"


def shared_fixture(*parts: str) -> Path:
    """A file under ../shared/fixtures, or a clean skip when that folder is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {path} not available")
    return path


MARKDOWN = MarkdownIt("commonmark").enable("table")
# readme_tables reads each cell's source text, which the block pass sets; the inline pass (links,
# emphasis) was two thirds of its time, and of the SIGKILL sweep's checks.
_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")


def readme_tables(text: str) -> dict[str, list[list[str]]]:
    """Body rows of each ``## keyword`` table as a CommonMark+tables parser splits them."""
    result: dict[str, list[list[str]]] = {}
    current = ""
    in_body = False
    tokens = _BLOCKS.parse(text)
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            current = tokens[i + 1].content
            result[current] = []
        elif token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            result[current].append([])
        elif in_body and token.type == "inline":
            result[current][-1].append(token.content)
    return result


class VirtualTime:
    """A client's clock and sleep: waits are recorded and pass instantly."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def tracked_before(folder: Path, day: str = "2026-11-01") -> None:
    """Every keyword of ``folder/keywords.yaml`` fetched once before, with nothing found.

    A keyword's first fill is history, stored as announced; a test about announcing papers
    starts from a tracker past that day, so that what the next run finds is news.
    """
    from dailypapers import store
    from dailypapers.config import load_config

    for keyword in load_config(folder / "keywords.yaml").keywords:
        store.save(folder / "data", store.KeywordStore(keyword, last_success=day))


DAILYPAPERS = Path(sys.executable).with_name("dailypapers")
UNREACHABLE = "http://127.0.0.1:9/api/query"
"""A loopback port nothing listens on: the connection is refused at once."""


def run_cli(
    folder: Path, *args: str, api_url: str = UNREACHABLE, **env: str
) -> subprocess.CompletedProcess[str]:
    """The installed ``dailypapers`` in ``folder``, as a user runs it, in a fresh process.

    Retries and waits are off unless ``env`` sets them (``DAILYPAPERS_DELAY="3"``); variables
    given as ``""`` are removed, so a test can check a default. GitHub's own variables are
    removed too, so a test is in Actions only when it says so.
    """
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DAILYPAPERS_"))
    }
    environment.update(
        DAILYPAPERS_API_URL=api_url,
        DAILYPAPERS_DELAY="0",
        DAILYPAPERS_RETRIES="1",
        DAILYPAPERS_BACKOFF="0",
        DAILYPAPERS_TIMEOUT="5",
    )
    environment.update(env)
    environment = {k: v for k, v in environment.items() if v != ""}
    return subprocess.run(
        [str(DAILYPAPERS), *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# What GitHub links in issue bodies: @user, @org/team, #12, GH-12, owner/repo#12.
GITHUB_LINKING = re.compile(r"(?:^|\W)@[a-z0-9]|(?:^|\W)#\d|\bgh-\d", re.IGNORECASE)


# ---------------------------------------------------------------------- Markdown as GitHub shows it
#
# GitHub renders Markdown with cmark-gfm (tables, strikethrough, autolinks, tag filter) and then
# keeps the raw HTML it allows (<details>, <br>...); ``cmarkgfm`` is that renderer. What it
# produced is read back into headings, tables and links, so a test checks what a reader sees.


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Cell:
    text: str
    links: list[Link] = field(default_factory=list)


@dataclass
class Table:
    heading: str
    """The text of the nearest heading above the table ("" when there is none)."""
    header: list[str]
    rows: list[list[Cell]]


@dataclass
class Rendered:
    html: str
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    """Every run of text outside code, in order (entities decoded)."""
    plain: list[str] = field(default_factory=list)
    """Every run of text outside code and links: where GitHub looks for mentions and references."""


def gfm_html(markdown: str) -> str:
    """The HTML GitHub makes of ``markdown`` (before its sanitiser, which keeps these tags)."""
    options = cmarkgfm.cmark.Options.CMARK_OPT_UNSAFE
    html: str = cmarkgfm.github_flavored_markdown_to_html(markdown, options=options)
    return html


class _Reader(HTMLParser):
    def __init__(self, rendered: Rendered) -> None:
        super().__init__(convert_charrefs=True)
        self.out = rendered
        self.heading: tuple[int, list[str]] | None = None
        self.last_heading = ""
        self.table: Table | None = None
        self.cell: Cell | None = None
        self.cell_parts: list[str] = []
        self.in_head = False
        self.link: Link | None = None
        self.code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = (int(tag[1]), [])
        elif tag == "table":
            self.table = Table(self.last_heading, [], [])
        elif tag == "thead":
            self.in_head = True
        elif tag == "tbody":
            self.in_head = False
        elif tag == "tr" and self.table is not None and not self.in_head:
            self.table.rows.append([])
        elif tag in ("td", "th"):
            self.cell, self.cell_parts = Cell(""), []
        elif tag == "a":
            self.link = Link(dict(attrs).get("href") or "", "")
        elif tag in ("code", "pre"):
            self.code += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self.heading is not None:
            level, parts = self.heading
            self.last_heading = "".join(parts).strip()
            self.out.headings.append((level, self.last_heading))
            self.heading = None
        elif tag == "table" and self.table is not None:
            self.out.tables.append(self.table)
            self.table = None
        elif tag in ("td", "th") and self.cell is not None and self.table is not None:
            self.cell.text = "".join(self.cell_parts).strip()
            if tag == "th":
                self.table.header.append(self.cell.text)
            else:
                self.table.rows[-1].append(self.cell)
            self.cell = None
        elif tag == "a" and self.link is not None:
            self.out.links.append(self.link)
            if self.cell is not None:
                self.cell.links.append(self.link)
            self.link = None
        elif tag in ("code", "pre"):
            self.code -= 1

    def handle_data(self, data: str) -> None:
        if self.heading is not None:
            self.heading[1].append(data)
        if self.cell is not None:
            self.cell_parts.append(data)
        if self.link is not None:
            self.link.text += data
        if not self.code:
            self.out.texts.append(data)
            if self.link is None:
                self.out.plain.append(data)


def gfm(markdown: str) -> Rendered:
    """``markdown`` rendered by GitHub's renderer and read back."""
    rendered = Rendered(gfm_html(markdown))
    reader = _Reader(rendered)
    reader.feed(rendered.html)
    reader.close()
    return rendered


def gfm_texts(markdown: str) -> list[str]:
    """The text pieces of ``markdown`` as GitHub renders it, code left out."""
    return gfm(markdown).texts


GITHUB_ISSUE_URL = re.compile(
    r"github\.com/[\w.-]+/[\w.-]+/(?:issues|pull|discussions)/\d", re.IGNORECASE
)


def linking(markdown: str) -> list[str]:
    """The text pieces of ``markdown`` that GitHub would turn into a mention or reference: text
    outside code and links (GitHub looks nowhere else), and links to an issue or pull request."""
    rendered = gfm(markdown)
    texts = [t for t in rendered.plain if GITHUB_LINKING.search(t)]
    return texts + [link.href for link in rendered.links if GITHUB_ISSUE_URL.search(link.href)]
