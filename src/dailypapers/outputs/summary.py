"""The job summary: per keyword, what a run found and whether it worked, readable at a glance.

An empty day (arXiv announces nothing on weekends and holidays) is normal and says so; a failed
fetch says FAILED with arXiv's error, so the two can never be mistaken for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..run import KeywordReport, UpdateReport, no_match_hint
from .interface import (
    NOTHING_PER_KEYWORD,
    AtEnd,
    BeginsLater,
    Output,
    Pass,
    RenderJob,
)
from .templating import template

OK = "ok"
NOTHING = "arXiv announced nothing new"
FAILED = "FAILED"
MATCHES_NONE = "matches no paper"


@dataclass(frozen=True)
class Row:
    name: str
    new: int
    kept: int
    status: str
    detail: str


def status(report: KeywordReport) -> tuple[str, str]:
    """The status word and what to add to it."""
    if report.error:
        runs = "run" if report.failures == 1 else "runs in a row"
        return FAILED, f"{report.failures} {runs}: {report.error}"
    if report.matches_nothing:
        return MATCHES_NONE, no_match_hint(report.keyword)
    notes = []
    if report.first_fill:
        notes.append("first fill: stored as history, not announced")
    if report.revised:
        notes.append(f"{len(report.revised)} revised")
    if report.unsorted:
        notes.append(f"arXiv ignored the sort order ({report.requests} requests)")
    return (OK if report.new or report.revised else NOTHING), ", ".join(notes)


def rows(report: UpdateReport) -> list[Row]:
    out = []
    for keyword in report.keywords:
        word, detail = status(keyword)
        out.append(Row(keyword.keyword.name, len(keyword.new), keyword.kept, word, detail))
    return out


def render(report: UpdateReport) -> str:
    return template("summary.md.j2").render(
        today=report.today,
        rows=rows(report),
        new=report.new_count,
        distinct=report.distinct_new,
        failed=len(report.failed),
        total=len(report.keywords),
        failed_word=FAILED,
        nothing_word=NOTHING,
        none_word=MATCHES_NONE,
        matching_none=sum(1 for k in report.keywords if k.matches_nothing),
    )


def append(report: UpdateReport, path: Path) -> None:
    """Add to the file rather than replace it: ``$GITHUB_STEP_SUMMARY`` collects every step's.

    Its folder is made as the issue body's is: a missing one failed the run (exit 2) at the
    very end, after the store and the README had been written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(render(report))


class SummaryOutput(BeginsLater):
    """The run's report appended to ``$GITHUB_STEP_SUMMARY``; written only after a run."""

    name = "summary"

    def start(self, job: RenderJob) -> Pass:
        summary = job.to.summary
        if job.report is None or summary is None:
            return NOTHING_PER_KEYWORD
        report = job.report

        def finish() -> list[Path]:
            append(report, summary)
            return [summary]

        return AtEnd(finish)


OUTPUT: Output = SummaryOutput()
