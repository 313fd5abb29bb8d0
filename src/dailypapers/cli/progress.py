"""What a run shows people: a live line per keyword on a terminal, plain lines in CI logs."""

from __future__ import annotations

import contextlib
import os
import unicodedata
from typing import TextIO

from .. import settings
from ..config import Keyword
from ..outputs.escape import gha_message, gha_property, log_text
from ..run import KeywordReport, Progress, UpdateReport, no_match_hint


def describe(report: KeywordReport) -> str:
    name = report.keyword.name
    if report.error:
        return f"{name}: FAILED ({report.error_kind}): {report.error}"
    text = f"{name}: {len(report.new)} new, {report.kept} kept, {report.requests} request(s)"
    if report.revised:
        text += f", {len(report.revised)} revised"
    if report.matches_nothing:
        text += f"; {no_match_hint(report.keyword)}"
    if report.unaccounted:
        text += f"; arXiv counts {report.unaccounted} more new match(es), older than all kept"
    if report.repeated:
        text += f"; arXiv repeated {report.repeated} entr{'y' if report.repeated == 1 else 'ies'}"
    if report.unsorted:
        text += (
            "; arXiv ignored the sort order, so the run asked for the lookback window by"
            " submission date and looked up the stored papers by id"
        )
    return text


def _cells(char: str) -> int:
    """Terminal cells a character takes: two for wide ones (CJK, most emoji), none for a
    combining mark."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def clipped_to(text: str, columns: int) -> str:
    """``text`` cut to fit in fewer than ``columns`` cells, ending in '…' when cut."""
    room = max(columns - 1, 1)
    if sum(_cells(ch) for ch in text) <= room:
        return text
    used, kept = 1, []  # the '…'
    for char in text:
        used += _cells(char)
        if used > room:
            break
        kept.append(char)
    return "".join(kept) + "…"


def terminal_columns(stream: TextIO) -> int:
    """The width the live line must fit: COLUMNS when set, else the terminal's own (stderr's,
    which may be a terminal while stdout is piped), else 80."""
    columns = settings.terminal_columns()
    if columns is not None:
        return columns
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return os.get_terminal_size(stream.fileno()).columns or 80
    return 80


class ConsoleProgress(Progress):
    def __init__(self, stream: TextIO, total: int) -> None:
        self.stream, self.total, self.index = stream, total, 0
        self.live = stream.isatty()

    def _live(self, text: str) -> None:
        """Rewrite the live line in place. It is clipped to the terminal's width: ``\r`` goes
        back to the start of the last screen row only, so a line that wrapped left its first
        rows behind at every rewrite, a stack of half lines on a narrow terminal."""
        line = clipped_to(log_text(text), terminal_columns(self.stream))
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()

    def keyword_started(self, keyword: Keyword) -> None:
        self.index += 1
        if self.live:
            self._live(f"[{self.index}/{self.total}] {keyword.name}: asking arXiv...")

    def page(self, keyword: Keyword, received: int, expected: int) -> None:
        if self.live:
            where = f"[{self.index}/{self.total}] {keyword.name}"
            self._live(f"{where}: {received} of {expected} entries")

    def keyword_done(self, report: KeywordReport) -> None:
        prefix = "\r\x1b[K" if self.live else ""
        self.stream.write(f"{prefix}[{self.index}/{self.total}] {log_text(describe(report))}\n")
        self.stream.flush()


def summary_lines(report: UpdateReport) -> list[str]:
    failed = len(report.failed)
    counted, distinct = report.new_count, report.distinct_new
    new = f"{counted} new paper(s)"
    if distinct != counted:
        new = f"{counted} new for their keywords, {distinct} distinct paper(s),"
    lines = [
        f"{report.today}: {new} across {len(report.keywords)} keyword(s)"
        + (f"; {failed} failed" if failed else "")
    ]
    nothing = [k.keyword.name for k in report.keywords if k.matches_nothing]
    if not report.failed and report.new_count == 0 and len(nothing) < len(report.keywords):
        lines.append(
            "arXiv announced nothing new for these keywords (normal on weekends and holidays)"
        )
    if nothing:
        lines.append(
            f"{len(nothing)} keyword(s) match no paper on arXiv at all, which is no quiet day: "
            f"{', '.join(nothing)} (check the spelling)"
        )
    return lines


def workflow_commands(report: UpdateReport) -> list[str]:
    """GitHub Actions workflow commands that pin each failed keyword on the run's page."""
    lines = []
    for keyword in report.keywords:
        # The runner parses a line as a ``::`` command before trying the older ``##[`` form, so
        # the escaped values need nothing more.
        where = gha_property(f"dailypapers: {keyword.keyword.name}")
        if keyword.error:
            runs = "run" if keyword.failures == 1 else "runs in a row"
            text = f"update failed ({keyword.failures} {runs}): {keyword.error}"
            lines.append(f"::error title={where}::{gha_message(text)}")
        elif keyword.matches_nothing:
            text = no_match_hint(keyword.keyword)
            lines.append(f"::warning title={where}::{gha_message(text)}")
        elif keyword.unsorted:
            text = (
                f"arXiv ignored the sort order; {keyword.requests} requests to check the lookback"
                " window by submission date and the stored papers by id"
            )
            lines.append(f"::warning title={where}::{gha_message(text)}")
    for warning in report.warnings:
        lines.append(f"::warning title=dailypapers::{gha_message(warning)}")
    return lines
