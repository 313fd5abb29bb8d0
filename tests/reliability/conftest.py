"""The reliability suite's tally: what it injected, killed, tried and lost.

Every test adds what it did to one session-wide count (faults injected, kills survived, inputs
tried, papers lost); with ``DAILYPAPERS_FIGURES=path`` set, the count is written there as JSON when
the session ends, so docs/reliability.md quotes measured numbers rather than remembered ones.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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
    """One file for the whole session: a parallel run's workers hand their counts to the
    controller, which sees every test's outcome and writes the file."""
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:
        worker_output["dailypapers_figures"] = json.dumps(dict(_FIGURES.counts))
        return
    target = os.environ.get(FIGURES_ENV)
    if target and _FIGURES.outcomes:
        Path(target).write_text(_FIGURES.as_json(), encoding="utf-8")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist: a worker finished; add its counts to the session's."""
    counts = getattr(node, "workeroutput", {}).get("dailypapers_figures")
    if counts:
        _FIGURES.counts.update(json.loads(counts))


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES
