"""Keywords that keep failing: one bad run is weather, several in a row is a stalled tracker.

The failure counters live in each store file (``health``), so they survive between scheduled
runs; this module only reads them and words the alarm the daily job raises as an issue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .files import write_atomic
from .models import Config
from .outputs import environment
from .update import load_snapshot

DEFAULT_MIN_FAILURES = 3


@dataclass(frozen=True)
class Failing:
    name: str
    failures: int
    since: str
    error: str
    last_success: str


def failing(config: Config, data_dir: Path, min_failures: int) -> list[Failing]:
    """Keywords whose last ``min_failures`` or more runs all failed, in keywords.yaml order."""
    snapshot = load_snapshot(config, data_dir)
    return [
        Failing(
            name=s.topic.name,
            failures=s.store.health.failures,
            since=s.store.health.since,
            error=s.store.health.error,
            last_success=s.store.last_success,
        )
        for s in snapshot.sections
        if s.store.health.failures >= min_failures
    ]


def render(entries: list[Failing], min_failures: int) -> str:
    return (
        environment()
        .get_template("health.md.j2")
        .render(entries=entries, min_failures=min_failures)
    )


def write(entries: list[Failing], min_failures: int, output: Path) -> bool:
    """Write the issue body when something is failing; otherwise remove a stale one.

    Returns whether a body was written, which is what the workflow tests for (file or none).
    """
    if not entries:
        output.unlink(missing_ok=True)
        return False
    write_atomic(output, [render(entries, min_failures)])
    return True
