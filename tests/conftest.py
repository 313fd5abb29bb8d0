"""Fixtures shared by the test modules, the ``slow`` and ``reliability`` marks, and the
environment of the processes the tests start."""

from __future__ import annotations

import compileall
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# With PYTHONDONTWRITEBYTECODE set (as on the machine this project is developed on), nothing
# keeps compiled code: pytest rewrote the asserts of every test module in every worker (4-5 s
# each), and every `dailypapers` process a test starts compiled the package again (0.2 s of its
# 0.4 s start-up). The test run keeps them, in the git-ignored __pycache__ folders where any
# run without that setting keeps them; the processes it starts only read them.
if sys.dont_write_bytecode:
    sys.dont_write_bytecode = False
    for _folder in ("src", "benchmarks", "tests"):
        compileall.compile_dir(ROOT / _folder, quiet=1)

# The test extras bring selenium, and with it trio, which httpcore imports whenever it can: that
# cost every `dailypapers` process a test starts about 0.15 s. A dailypapers install has no
# trio; the processes the tests start see none either (this process keeps its own).
_WITHOUT_TRIO = str(Path(__file__).with_name("without_trio"))
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (_WITHOUT_TRIO, os.environ.get("PYTHONPATH", "")) if p
)

# The few long tests: kept out of the inner loop (``-m "not slow"``) and started first, so that
# in a parallel run they overlap the many short ones instead of ending the run alone.
SLOW = (
    "tests/test_benchmarks.py::",  # the benchmark script end to end: about 20 s
    "tests/test_workflow.py::",  # the daily workflow's steps, git and a fake gh: 30 s in all
    "tests/reliability/test_crash.py::test_sigkill_at_any_moment",  # 30 kills: about 25 s
    "tests/outputs/test_browser.py::",  # Chromium: about 7 s in all
    "tests/fakes/test_arxiv.py::test_corpus_",  # loading the shared corpus: about 5 s
)


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    """A minimal tracker folder: two keywords, a README with user text around the markers."""
    (tmp_path / "keywords.yaml").write_text(
        "# my topics\nkeywords:\n  - World Model\n  - Video Understanding\n", encoding="utf-8"
    )
    (tmp_path / "README.md").write_text(
        "# My tracker\n\nIntro text.\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
        "\nFooter.\n",
        encoding="utf-8",
    )
    return tmp_path


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/reliability is marked, so ``-m "not reliability"`` skips the fault,
    crash and hostile-input suite; the long tests are marked ``slow`` and run first."""
    for item in items:
        if "/reliability/" in item.path.as_posix():
            item.add_marker(pytest.mark.reliability)
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: not item.get_closest_marker("slow"))
