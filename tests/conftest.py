"""Fixtures shared by the test modules, the ``slow`` and ``reliability`` marks, and the
environment of the processes the tests start."""

from __future__ import annotations

import compileall
import os
import sys
from collections.abc import Iterator
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

# The few long tests, kept out of the inner loop (``-m "not slow"``).
SLOW = (
    "tests/test_benchmarks.py::",  # the benchmark script end to end: about 17 s
    "tests/test_workflow.py::",  # the daily workflow's steps, git and a fake gh: 40 s in all
    "tests/reliability/test_crash.py::test_sigkill_at_each_step",  # 24 kills: about 8 s
    "tests/outputs/test_browser.py::",  # Chromium: about 7 s in all
    "tests/fakes/test_arxiv.py::test_corpus_",  # loading the shared corpus: about 5 s
    "tests/rank/test_devset.py::",  # the ranker on the shared dev set's weeks: about 5 s
)

# What runs first, longest first (seconds on an idle core): with one test handed to a worker at a
# time (``--dist load --maxschedchunk 1``), the long ones spread over the workers and the many
# short ones fill in behind them, instead of one long test ending the run alone. The inner
# loop's own long tests (``-m "not slow and not reliability"``) are here too, so they start
# first there.
FIRST = (
    "tests/test_benchmarks.py::",  # 17
    "tests/test_workflow.py::test_repeated_failures",  # 7
    "tests/test_workflow.py::test_someone_elses_open_health_issue",  # 6
    "tests/reliability/test_crash.py::test_sigkill_at_each_step",  # 7
    "tests/rank/test_devset.py::",  # 5
    "tests/test_workflow.py::",  # 2-6 each
    "tests/outputs/test_browser.py::",
    "tests/fakes/test_arxiv.py::test_corpus_",
    "tests/reliability/test_announce.py::test_forty_days",
    "tests/reliability/test_hostile.py::",
    "tests/reliability/test_odd_atom.py::",
    "tests/cli/test_cli.py::test_requests_start_at_least_three_seconds_apart",  # 4 (waits 3)
    "tests/outputs/test_sequences.py::",  # 3.5
    "tests/cli/test_group.py::test_notify_mentions",  # 3
    "tests/cli/test_group.py::test_add_writes",  # 3
    "tests/cli/test_rank.py::test_a_failed_reference_fetch",  # 2.8
    "tests/test_importer.py::test_rendered_rows_import_back",  # 2.5
    "tests/outputs/test_readme.py::test_hostile_text",  # 2.3
    "tests/reliability/test_corrupt_store.py::test_any_json",
    "tests/outputs/test_digest.py::test_update_command_writes_the_digest",  # 2
    "tests/outputs/test_escape_issue.py::test_hostile_paper_text",  # 2
    "tests/cli/test_cli.py::test_next_day_adds_only_the_new_papers",  # 2
    "tests/cli/test_announce.py::",  # 1-2 each
    "tests/cli/test_rank.py::",  # 1-2 each
    "tests/reliability/test_log_lines.py::",
    "tests/reliability/test_concurrency.py::",
)


# A fixture made once for a module's tests (a browser, a server, a tracker that ran yesterday) is
# session-scoped, i.e. once per worker: with one test handed out at a time, a worker can go from
# module to module, and pytest tears a module-scoped fixture down at each switch and makes it
# again at the module's next test.


def _rank(item: pytest.Item) -> int:
    return next((i for i, p in enumerate(FIRST) if item.nodeid.startswith(p)), len(FIRST))


# What a render writes beside the working directory when a test's Paths leave out ``site``:
# in the checkout, where parallel workers sweep each other's temporary files.
_LEAKS = (Path("site"), Path(".site.render-cache"), Path("data"))


@pytest.fixture(autouse=True)
def _nothing_written_into_the_working_directory() -> Iterator[None]:
    before = {path for path in _LEAKS if path.exists()}
    yield
    leaked = sorted(str(path) for path in _LEAKS if path.exists() and path not in before)
    assert not leaked, f"the test wrote {leaked} into {Path.cwd()}: give its Paths a tmp_path"


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
    crash and hostile-input suite; the long tests are marked ``slow``; the longest run first."""
    for item in items:
        if "/reliability/" in item.path.as_posix():
            item.add_marker(pytest.mark.reliability)
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_rank)
