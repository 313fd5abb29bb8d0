"""Every paper is announced exactly once, whatever stops a run between fetching and the issue.

A paper stays pending in its store until ``dailypapers confirm`` reads it back from an opened
issue. These tests stop runs at each point where that chain can break (the render fails, the
process is killed after a keyword was saved, GitHub refuses the issue, GitHub opens it but the
answer is lost, confirm fails, a commit is lost) and then count, over all the issues opened, how
often each paper was listed: always exactly once.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dailypapers.outputs.digest import announced_ids
from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault, make_papers
from tests.reliability.reliability_support import (
    Figures,
    cli_env,
    invoke,
    spawn,
    stored_ids,
    write_tracker,
)
from tests.support import tracked_before

pytestmark = pytest.mark.reliability

KEYWORDS = ("World Model", "Foo Detection")
SEED = 20261202
DAYS = 40
# What the workflow's job can run into on a day (see .github/workflows/update.yml).
POINTS = (
    "clean",
    "render fails",
    "keyword fails",
    "gh refuses the issue",
    "gh opens the issue but reports a failure",
    "confirm fails",
    "the commit of confirm is lost",
    "the day's commit is lost",
)
RECENT = 5  # the workflow reads back this many of the latest issues before fetching
FIRST_DAY = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


def day_papers(day: int) -> list[FakePaper]:
    """Three papers per keyword and one matching both, dated ``day`` days after Nov 1."""
    start = (FIRST_DAY + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")
    prefix = f"27{day:02d}"
    papers = [
        paper
        for k, name in enumerate(KEYWORDS)
        for paper in make_papers(3, name, start=start, prefix=prefix, first_number=k * 100 + 1)
    ]
    return papers + make_papers(1, " ".join(KEYWORDS), start=start, prefix=prefix, first_number=900)


def digest_body(folder: Path) -> str | None:
    path = folder / "digest.md"
    return path.read_text(encoding="utf-8") if path.exists() else None


def all_stored(folder: Path) -> set[str]:
    return set().union(*stored_ids(folder).values())


def test_render_failure_leaves_the_papers_for_the_next_digest(
    tmp_path: Path, figures: Figures
) -> None:
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    tracked_before(folder)  # past its first day: what a run finds is news
    with FakeArxiv(day_papers(0)) as server:
        env = cli_env(server.url)
        (folder / "site").write_text("not a folder\n", encoding="utf-8")  # the render fails

        broken = invoke(folder, "update", "--digest", str(folder / "digest.md"), env=env)
        assert broken.exit_code == 2, broken.stderr
        assert all_stored(folder) == {p.id for p in day_papers(0)}  # saved, never announced

        (folder / "site").unlink()
        again = invoke(folder, "update", "--digest", str(folder / "digest.md"), env=env)

    assert again.exit_code == 0, again.stderr
    assert announced_ids([digest_body(folder) or ""]) == {p.id for p in day_papers(0)}
    figures.add("announce_crash_points")


def test_a_run_killed_after_one_keyword_was_saved_hands_it_to_the_next_digest(
    tmp_path: Path, figures: Figures
) -> None:
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    tracked_before(folder)  # past its first day: what a run finds is news
    with FakeArxiv(day_papers(0), stall_seconds=60) as server:
        # Foo's answer never comes: the run is surely killed after World Model was saved.
        server.inject(Fault("timeout_headers", match=lambda q: "Foo" in q["search_query"]))
        env = cli_env(server.url, retries=0, timeout=60)
        process = spawn(folder, "update", "--digest", "digest.md", env=env)
        saved = folder / "data" / "world-model.json"

        def stalled() -> bool:
            return saved.exists() and any(r.fault == "timeout_headers" for r in server.requests)

        deadline = time.monotonic() + 30
        while not stalled() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert stalled() and process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert digest_body(folder) is None

        again = invoke(folder, "update", "--digest", str(folder / "digest.md"), env=env)

    assert again.exit_code == 0, again.stderr
    assert announced_ids([digest_body(folder) or ""]) == {p.id for p in day_papers(0)}
    figures.add("announce_crash_points")
    figures.add("kills_survived")


def test_forty_days_of_broken_runs_announce_every_paper_exactly_once(
    tmp_path: Path, figures: Figures
) -> None:
    rng = random.Random(SEED)
    folder = write_tracker(tmp_path / "tracker", KEYWORDS)
    tracked_before(folder)  # past its first day: what a run finds is news
    digest = str(folder / "digest.md")
    aside = tmp_path / "site-aside"
    issues: list[str] = []
    served: set[str] = set()
    with FakeArxiv() as server:
        env = cli_env(server.url, retries=0)
        for day in range(DAYS + 1):
            point = "clean" if day == DAYS else rng.choice(POINTS)
            papers = day_papers(day)
            server.add(papers)
            served |= {p.id for p in papers}
            figures.add("announce_days")
            figures.add("announce_crash_points", point != "clean")

            # Before fetching, the workflow reads the latest issues back (`confirm`).
            if issues:
                recent = tmp_path / "recent.md"
                recent.write_text("\n".join(issues[-RECENT:]), encoding="utf-8")
                assert invoke(folder, "confirm", str(recent), env=env).exit_code == 0
            before = tmp_path / "before"
            shutil.rmtree(before, ignore_errors=True)
            shutil.copytree(folder / "data", before)

            if point == "render fails":
                if (folder / "site").exists():
                    (folder / "site").rename(aside)
                (folder / "site").write_text("not a folder\n", encoding="utf-8")
            if point == "keyword fails":
                server.inject(Fault("500", match=lambda q: "Foo" in q["search_query"]))
            run = invoke(folder, "update", "--digest", digest, env=env)
            if point == "render fails":
                (folder / "site").unlink()
                if aside.exists():
                    aside.rename(folder / "site")
                assert run.exit_code == 2, run.stderr
                continue  # the job stops; what was saved is committed by the next one
            if point == "the day's commit is lost":
                shutil.rmtree(folder / "data")
                shutil.copytree(before, folder / "data")
                continue  # the job stops at the push: nothing of the day is kept
            body = digest_body(folder)
            if body is None or point == "gh refuses the issue":
                continue
            issues.append(body)
            if point in ("gh opens the issue but reports a failure", "confirm fails"):
                continue
            confirmed = tmp_path / "before-confirm"
            shutil.rmtree(confirmed, ignore_errors=True)
            shutil.copytree(folder / "data", confirmed)
            assert invoke(folder, "confirm", digest, env=env).exit_code == 0
            if point == "the commit of confirm is lost":
                shutil.rmtree(folder / "data")
                shutil.copytree(confirmed, folder / "data")

    listed = Counter(i for body in issues for i in announced_ids([body]))
    figures.add("announce_issues", len(issues))
    figures.add("papers_announced_twice", sum(1 for n in listed.values() if n > 1))
    figures.add("papers_never_announced", len(served - set(listed)))
    assert served == all_stored(folder)
    assert {i for i, n in listed.items() if n != 1} == set()
    assert set(listed) == served
