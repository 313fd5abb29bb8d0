"""Crash safety: `dailypapers update` SIGKILLed at each kind of step that changes the disk.

One clean run is traced: every call that changes the disk inside the tracker (a file opened for
writing, a rename, a removal, a folder made, a mode change), by kind and folder. The kill points
are the first and the last call of each kind in each folder. Then, one round per point, the
loopback server announces a new day of papers, a real `dailypapers update` (forked from a
warmed-up process, ``forkserver.py``) runs and is SIGKILLed just before that call. Wherever the
kill hits, every store file, README.md and every site file must be exactly its version from
before the run or the version the finished run writes, never a mix; and the next run must finish
with exit 0 and hold every paper the server has. The trace also shows that no tracked file is
ever opened for writing in place: only temporary siblings are, which are renamed over the files,
so no kill between two calls can leave a half-written file.
"""

from __future__ import annotations

import re
import signal
import sys
from pathlib import Path

import pytest

from dailypapers.fileio import write_atomic
from dailypapers.text import slugify
from tests.fakes.arxiv import FakeArxiv, FakePaper, make_papers
from tests.reliability.forkserver import ForkServer
from tests.reliability.reliability_support import (
    Figures,
    check_readme,
    check_site,
    cli_env,
    invoke,
    lost_papers,
    stored_ids,
    write_tracker,
)

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and fork are POSIX"),
]

KEYWORDS = ("World Model", "Video Understanding", "Graph Neural Network")
TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def day_papers(day: int) -> list[FakePaper]:
    """Four papers per keyword announced on ``day`` (day 0 is the history a tracker starts
    with): enough that every run writes every file, few enough that the files stay small over
    the rounds."""
    count = 20 if day == 0 else 4
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


def kill_points(calls: list[tuple[str, str, str]]) -> list[tuple[str, str, int]]:
    """The first and the last call of each kind in each folder, in the order they come.

    A temporary file's mode change is left out: it comes between the file's writing and its
    rename, and a kill just before it leaves what a kill just before the rename leaves, a whole
    temporary file beside the untouched target.
    """
    seen: dict[tuple[str, str], int] = {}
    for kind, folder, _ in calls:
        if kind == "chmod":
            continue
        seen[kind, folder] = seen.get((kind, folder), 0) + 1
    points: list[tuple[str, str, int]] = []
    for (kind, folder), last in seen.items():
        points += [(kind, folder, 1)] + ([(kind, folder, last)] if last > 1 else [])
    return points


def test_sigkill_at_each_step_leaves_each_file_old_or_new(tmp_path: Path, figures: Figures) -> None:
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    served: list[FakePaper] = []
    with FakeArxiv() as server, ForkServer(tmp_path) as runs:
        env = cli_env(server.url, retries=0, timeout=10)
        for day in (0, 1):
            served += day_papers(day)
            server.add(day_papers(day))
            clean, calls = runs.run(folder, ["update"], env, trace=True)
            assert clean.status == 0, clean.stderr
        in_place = [c for c in calls if c[0] in ("write", "truncate") and not TEMP.fullmatch(c[2])]
        assert in_place == [("write", "data", ".lock")]
        points = kill_points(calls)
        assert len(points) >= 20, points
        for day, point in enumerate(points, start=2):
            served += day_papers(day)
            server.add(day_papers(day))
            before, before_ids = tree(folder), stored_ids(folder)

            killed_run, _ = runs.run(folder, ["update"], env, kill=point)
            assert killed_run.signal == signal.SIGKILL, (point, killed_run)
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
                assert killed.get(name) in (before.get(name), after.get(name)), (point, name)
            assert lost_papers(before_ids, killed_ids) == 0
            for k, name in enumerate(KEYWORDS):
                wanted = {p.id for p in served if p.title.startswith(name)}
                assert stored_ids(folder)[f"{slugify(name)}.json"] == wanted, (point, k)
            check_readme(folder, KEYWORDS)
            check_site(folder)
            assert not temp_files(folder), point


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
