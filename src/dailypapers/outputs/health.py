"""Keywords that keep failing: one bad run is weather, several in a row is a stalled tracker.

The failure counters live in each store file (``health``), so they survive between scheduled
runs; this module only reads them and words the alarm the daily job raises as an issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Keyword
from ..fileio import Staging
from ..store import Snapshot, Summary
from .digest import BUDGET, clip
from .interface import (
    NOTHING_PER_KEYWORD,
    BeginsLater,
    Output,
    Pass,
    RenderJob,
    Visit,
    write_or_remove,
)
from .templating import template

DEFAULT_MIN_FAILURES = 3


@dataclass(frozen=True)
class Failing:
    name: str
    failures: int
    since: str
    error: str
    last_success: str


def failing(snapshot: Snapshot, min_failures: int) -> list[Failing]:
    """Keywords whose last ``min_failures`` or more runs all failed, in keywords.yaml order."""
    found = (failed(e.keyword, e.summary, min_failures) for e in snapshot.entries)
    return [entry for entry in found if entry is not None]


def failed(keyword: Keyword, summary: Summary, min_failures: int) -> Failing | None:
    health = summary.health
    if health.failures < min_failures:
        return None
    return Failing(
        name=keyword.name,
        failures=health.failures,
        since=health.since,
        error=clip(health.error),
        last_success=summary.last_success,
    )


def render(entries: list[Failing], min_failures: int) -> str:
    """The body, its table cut to the rows that fit and the rest counted.

    GitHub refuses an issue body over 65,536 characters, and the day arXiv is down for a
    tracker of 500 keywords every one of them fails: refused, the alarm was never raised and the
    step's failure skipped the site's upload. The run's job summary lists every keyword.
    """

    def body(shown: int) -> str:
        return template("health.md.j2").render(
            entries=entries[:shown], count=len(entries), min_failures=min_failures
        )

    low, high = 0, len(entries)
    while low < high:
        middle = (low + high + 1) // 2
        if len(body(middle)) <= BUDGET:
            low = middle
        else:
            high = middle - 1
    return body(low)


def write(entries: list[Failing], min_failures: int, output: Path) -> bool:
    """Write the issue body when something is failing; otherwise remove a stale one.

    Returns whether a body was written, which is what the workflow tests for (file or none).
    """
    write_or_remove(output, render(entries, min_failures) if entries else None)
    return bool(entries)


class HealthPass:
    def __init__(self, min_failures: int, output: Path) -> None:
        self.min_failures, self.output = min_failures, output
        self.entries: list[Failing] = []

    def keyword(self, visit: Visit, staging: Staging) -> None:
        entry = failed(visit.keyword, visit.summary, self.min_failures)
        if entry is not None:
            self.entries.append(entry)

    def finish(self) -> list[Path]:
        entries, n = self.entries, self.min_failures
        return write_or_remove(self.output, render(entries, n) if entries else None)


class HealthOutput(BeginsLater):
    """The tracker-health issue body, written when a destination is given."""

    name = "health"

    def start(self, job: RenderJob) -> Pass:
        if job.to.health is None:
            return NOTHING_PER_KEYWORD
        return HealthPass(job.to.min_failures, job.to.health)


OUTPUT: Output = HealthOutput()
