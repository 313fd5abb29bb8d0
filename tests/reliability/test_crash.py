"""Crash safety: `dailypapers update` killed with SIGKILL at random moments, again and again.

Each round the loopback server announces a new day of papers, a real `dailypapers update` process
starts, and is killed after a random share of a full run's duration (seeded, so a failure replays).
Whatever moment the kill hits, every store file, README.md and every site file must be exactly
its version from before the run or the version the finished run writes, never a mix; and the next
run must finish with exit 0 and hold every paper the server has.
"""

from __future__ import annotations

import random
import signal
import sys
import time
from pathlib import Path

import pytest

from dailypapers.fileio import write_atomic
from dailypapers.text import slugify
from tests.fakes.arxiv import FakeArxiv, FakePaper, make_papers
from tests.reliability.reliability_support import (
    Figures,
    check_readme,
    check_site,
    cli_env,
    invoke,
    lost_papers,
    spawn,
    stored_ids,
    write_tracker,
)

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

KEYWORDS = ("World Model", "Video Understanding", "Graph Neural Network")
KILLS = 30
SEED = 20261122
LATENCY = 0.01


def day_papers(day: int) -> list[FakePaper]:
    """Ten papers per keyword announced on ``day`` (day 0 is the history a tracker starts with)."""
    count = 20 if day == 0 else 10
    start = f"2026-10-{1 + day:02d}T12:00:00Z" if day < 31 else f"2026-11-{day - 30:02d}T12:00:00Z"
    return [
        paper
        for k, name in enumerate(KEYWORDS)
        for paper in make_papers(
            count,
            name,
            start=start,
            step_minutes=60,
            prefix=f"26{day:02d}",
            first_number=k * 100 + 1,
        )
    ]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of the tracker but the lock, temporary files and render caches, by path.

    A render cache is dropped when a render starts and written when it ends, so a killed run
    leaves none (the next render then renders everything); it is not an output.
    """
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock" and not p.name.endswith((".tmp", ".render-cache"))
    }


def temp_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.tmp") if p.is_file())


def full_run_seconds(folder: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    process = spawn(folder, "update", env=env)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    return time.monotonic() - started


def test_sigkill_at_any_moment_leaves_each_file_old_or_new(
    tmp_path: Path, figures: Figures
) -> None:
    rng = random.Random(SEED)
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    served: list[FakePaper] = []
    with FakeArxiv(latency=LATENCY) as server:
        env = cli_env(server.url, retries=0, timeout=10)
        served += day_papers(0)
        server.add(day_papers(0))
        duration = full_run_seconds(folder, env)
        for day in range(1, KILLS + 1):
            served += day_papers(day)
            server.add(day_papers(day))
            before, before_ids = tree(folder), stored_ids(folder)

            process = spawn(folder, "update", env=env)
            time.sleep(rng.uniform(0, duration))
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=60)
            killed = tree(folder)
            killed_ids = stored_ids(folder)
            leftovers = len(temp_files(folder))

            recovered = invoke(folder, "update", env=env)
            assert recovered.exit_code == 0, recovered.stderr
            after = tree(folder)

            figures.add("kills_survived")
            figures.add("kills_mid_write", killed not in (before, after))
            figures.add("temp_files_left_by_kills", leftovers)
            figures.add("papers_lost", lost_papers(before_ids, killed_ids))
            for name in sorted(set(before) | set(after) | set(killed)):
                assert killed.get(name) in (before.get(name), after.get(name)), (day, name)
            assert lost_papers(before_ids, killed_ids) == 0
            for k, name in enumerate(KEYWORDS):
                wanted = {p.id for p in served if p.title.startswith(name)}
                assert stored_ids(folder)[f"{slugify(name)}.json"] == wanted, (day, k)
            check_readme(folder, KEYWORDS)
            check_site(folder)
            assert not temp_files(folder), day


def test_next_write_removes_a_temp_file_a_killed_writer_left(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    target.write_text("old\n", encoding="utf-8")
    orphan = tmp_path / ".README.md.k1ll3d00.tmp"
    orphan.write_text("half a READ", encoding="utf-8")

    write_atomic(target, ["old\n"])

    assert not orphan.exists()
    assert target.read_text(encoding="utf-8") == "old\n"


def test_next_write_leaves_a_temp_file_that_a_live_writer_holds(tmp_path: Path) -> None:
    import fcntl

    target = tmp_path / "README.md"
    busy = tmp_path / ".README.md.4l1ve000.tmp"
    with open(busy, "w", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)

        write_atomic(target, ["new\n"])

        assert busy.exists()
    assert target.read_text(encoding="utf-8") == "new\n"


def test_next_write_leaves_other_files_temps_alone(tmp_path: Path) -> None:
    other = tmp_path / ".README.md.bak.k1ll3d00.tmp"
    other.write_text("x", encoding="utf-8")

    write_atomic(tmp_path / "README.md", ["new\n"])

    assert other.exists()
