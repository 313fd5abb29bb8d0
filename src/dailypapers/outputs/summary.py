"""The job summary: per keyword, what a run found and whether it worked, readable at a glance.

An empty day (arXiv announces nothing on weekends and holidays) is normal and says so; a failed
fetch says FAILED with arXiv's error, so the two can never be mistaken for each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..update import TopicReport, UpdateReport
from . import environment

OK = "ok"
NOTHING = "arXiv announced nothing new"
FAILED = "FAILED"


@dataclass(frozen=True)
class Row:
    name: str
    new: int
    kept: int
    status: str
    detail: str


def status(report: TopicReport) -> tuple[str, str]:
    """The status word and what to add to it."""
    if report.error:
        runs = "run" if report.failures == 1 else "runs in a row"
        return FAILED, f"{report.failures} {runs}: {report.error}"
    notes = []
    if report.revised:
        notes.append(f"{len(report.revised)} revised")
    if report.unsorted:
        notes.append("arXiv ignored the sort order")
    return (OK if report.new or report.revised else NOTHING), ", ".join(notes)


def rows(report: UpdateReport) -> list[Row]:
    out = []
    for topic in report.topics:
        word, detail = status(topic)
        out.append(Row(topic.topic.name, len(topic.new), topic.kept, word, detail))
    return out


def render(report: UpdateReport) -> str:
    return (
        environment()
        .get_template("summary.md.j2")
        .render(
            today=report.today,
            rows=rows(report),
            new=report.new_count,
            failed=len(report.failed),
            total=len(report.topics),
            failed_word=FAILED,
            nothing_word=NOTHING,
        )
    )


def append(report: UpdateReport, path: Path) -> None:
    """Add to the file rather than replace it: ``$GITHUB_STEP_SUMMARY`` collects every step's."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write(render(report))
