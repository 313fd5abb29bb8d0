"""The reliability suite's tally: what it injected, killed, tried and lost.

Every test adds what it did to one session-wide count (faults injected, kills survived, inputs
tried, papers lost); with ``DAILYPAPERS_FIGURES=path`` set, the count is written there as JSON when
the session ends, so docs/reliability.md quotes measured numbers rather than remembered ones.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.reliability.reliability_support import Figures

FIGURES_ENV = "DAILYPAPERS_FIGURES"


_FIGURES = Figures()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "reliability/" not in report.nodeid:
        return
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _FIGURES.outcomes["xfailed" if hasattr(report, "wasxfail") else report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    target = os.environ.get(FIGURES_ENV)
    if target and _FIGURES.outcomes:
        Path(target).write_text(_FIGURES.as_json(), encoding="utf-8")


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES
