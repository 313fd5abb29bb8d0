"""Helpers the test modules import: where the shared real-world fixtures live."""

from __future__ import annotations

from pathlib import Path

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
