"""Helpers the test modules import: where the shared real-world fixtures live."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures"


def shared_fixture(*parts: str) -> Path:
    """A file under ../shared/fixtures, or a clean skip when that folder is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared fixture {path} not available")
    return path


MARKDOWN = MarkdownIt("commonmark").enable("table")


def readme_tables(text: str) -> dict[str, list[list[str]]]:
    """Body rows of each ``## keyword`` table as a CommonMark+tables parser splits them."""
    result: dict[str, list[list[str]]] = {}
    current = ""
    in_body = False
    tokens = MARKDOWN.parse(text)
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
GFM = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _texts(tokens: list[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type == "text":
            yield token.content
        if token.children:
            yield from _texts(token.children)


def gfm_texts(markdown: str) -> list[str]:
    """The text pieces of ``markdown`` as GitHub-flavoured Markdown parses it."""
    return list(_texts(GFM.parse(markdown)))


def linking(markdown: str) -> list[str]:
    """The text pieces of ``markdown`` that GitHub would turn into a mention or reference."""
    return [t for t in gfm_texts(markdown) if GITHUB_LINKING.search(t)]
