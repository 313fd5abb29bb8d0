"""Keywords that keep failing: one bad run is weather, several in a row is a stalled tracker.

The failure counters live in each store file (``health``), so they survive between scheduled
runs; this module only reads them and words the alarm the daily job raises as an issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..store import Snapshot
from .interface import Output, RenderJob, write_or_remove
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
    return [
        Failing(
            name=s.keyword.name,
            failures=s.health.failures,
            since=s.health.since,
            error=s.health.error,
            last_success=s.last_success,
        )
        for s in snapshot.stores
        if s.health.failures >= min_failures
    ]


def render(entries: list[Failing], min_failures: int) -> str:
    return template("health.md.j2").render(entries=entries, min_failures=min_failures)


def write(entries: list[Failing], min_failures: int, output: Path) -> bool:
    """Write the issue body when something is failing; otherwise remove a stale one.

    Returns whether a body was written, which is what the workflow tests for (file or none).
    """
    write_or_remove(output, render(entries, min_failures) if entries else None)
    return bool(entries)


class HealthOutput:
    """The tracker-health issue body, written when a destination is given."""

    name = "health"

    def write(self, job: RenderJob) -> list[Path]:
        if job.to.health is None:
            return []
        entries = failing(job.snapshot, job.to.min_failures)
        return write_or_remove(
            job.to.health, render(entries, job.to.min_failures) if entries else None
        )


OUTPUT: Output = HealthOutput()
