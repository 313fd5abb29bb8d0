"""Two `dailypapers update` processes started at the same moment on one folder.

The documented behaviour: the data folder's lock (``data/.lock``) goes to one of them; the other
exits at once with status 4 and a message naming the lock and its holder, before it reads,
fetches or writes anything. The server holds every answer back until the loser has exited, so
the two runs surely overlap, and no test waits for a guessed time; which one wins may vary but the
outcome may not.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from dailypapers.text import slugify
from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.reliability.reliability_support import (
    Figures,
    check_readme,
    check_site,
    cli_env,
    spawn,
    stored_ids,
    write_tracker,
)

pytestmark = pytest.mark.reliability

KEYWORDS = ("World Model", "Video Understanding")
ROUNDS = 3


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def first_to_exit(processes: list[subprocess.Popen[str]], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for i, process in enumerate(processes):
            if process.poll() is not None:
                return i
        time.sleep(0.01)
    raise AssertionError("neither run finished")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_runs_at_once_one_works_the_other_exits_4(
    round_: int, tmp_path: Path, figures: Figures
) -> None:
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    papers = [
        *make_papers(30, KEYWORDS[0], first_number=1),
        *make_papers(30, KEYWORDS[1], first_number=500),
    ]
    with FakeArxiv(papers) as server:
        server.hold()
        env = cli_env(server.url, retries=0, timeout=30)
        before = files(folder)
        runs = [spawn(folder, "update", env=env), spawn(folder, "update", env=env)]

        loser_index = first_to_exit(runs, timeout=30)
        loser, winner = runs[loser_index], runs[1 - loser_index]
        _, loser_err = loser.communicate(timeout=10)
        written_while_loser_ran = files(folder)
        server.release()
        _, winner_err = winner.communicate(timeout=60)

    figures.add("concurrent_runs_started", 2)
    assert loser.returncode == 4, loser_err
    assert loser_err == (
        f"dailypapers: {Path('data') / '.lock'}: another dailypapers run is using this folder "
        f"(pid {winner.pid}); try again when it has finished\n"
    )
    assert written_while_loser_ran == before
    assert winner.returncode == 0, winner_err
    assert server.max_in_flight == 1
    assert len(server.requests) == len(KEYWORDS)
    for name in KEYWORDS:
        expected = {p.id for p in papers if p.title.startswith(name)}
        assert stored_ids(folder)[f"{slugify(name)}.json"] == expected
    check_readme(folder, KEYWORDS)
    check_site(folder)
