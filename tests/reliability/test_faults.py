"""The fault matrix: every way arXiv has been seen to misbehave, at every point of a daily run.

Each case starts from a tracker that already holds papers, lets the loopback server announce a busy
day (two pages per keyword), and breaks one point of the run: a keyword's first page, its second
page, one keyword of three, or every keyword. A *transient* fault hits twice (the retry budget here
is 2) and must be ridden out with exit 0; a *persistent* one never stops and must end in exit 1
naming the keyword and the fault. Either way no stored paper may disappear, every file stays valid
JSON and `dailypapers render` still produces well-formed tables.

The matrix runs the CLI in-process with ``DAILYPAPERS_BACKOFF=0`` and a short timeout; the backoff
schedule itself is checked through the library API in virtual time, at the documented defaults.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dailypapers import pipeline as api
from dailypapers.fetch.client import RetryPolicy
from dailypapers.run import UpdateReport
from dailypapers.run.update import DEAD_IN_A_ROW
from dailypapers.settings import Settings
from dailypapers.text import slugify
from tests.fakes.arxiv import FAULT_KINDS, FakeArxiv, FakePaper, Fault, make_papers
from tests.reliability.reliability_support import (
    Figures,
    check_readme,
    check_site,
    cli_env,
    invoke,
    lost_papers,
    stored_ids,
    stored_papers,
    tracker_paths,
    write_tracker,
)
from tests.support import VirtualTime

pytestmark = pytest.mark.reliability

KEYWORDS = ("World Model", "Video Understanding", "Graph Neural Network")
RETRIES = 2
TODAY = "2026-11-22"


def _papers(keyword: int, *, new: bool) -> list[FakePaper]:
    name = KEYWORDS[keyword]
    if new:
        return make_papers(
            30,
            name,
            start="2026-11-21T12:00:00Z",
            step_minutes=60,
            first_number=keyword * 1000 + 500,
        )
    return make_papers(
        20, name, start="2026-11-18T12:00:00Z", step_minutes=200, first_number=keyword * 1000 + 1
    )


OLD = [p for k in range(len(KEYWORDS)) for p in _papers(k, new=False)]
NEW = [p for k in range(len(KEYWORDS)) for p in _papers(k, new=True)]
NEW_IDS = {name: {p.id for p in _papers(k, new=True)} for k, name in enumerate(KEYWORDS)}

# What the run's message must say for each fault (besides the keyword's name).
MESSAGE = {
    "refuse": "(connection): connection failed",
    "timeout_headers": "(timeout): timed out",
    "timeout_body": "(timeout): timed out",
    "429": "(http 429): HTTP 429",
    "429_retry_after": "(http 429): HTTP 429",
    "500": "(http 500): HTTP 500",
    "502": "(http 502): HTTP 502",
    "503": "(http 503): HTTP 503",
    "empty_page": "(empty page): empty page although arXiv counts",
    "truncated": "(malformed): malformed answer: not well-formed Atom",
    "html_200": "(malformed): malformed answer: not an Atom feed",
    "invalid_xml": "(malformed): malformed answer: not well-formed Atom",
    "missing_id": "(malformed): malformed answer: an entry has no id",
    "missing_dates": "(malformed): malformed answer: entry",
    "error_400": "(rejected): arXiv rejected the query: simulated server-side error",
    "trickle": "(timeout): ",
}
VARIANTS = sorted(MESSAGE)
# A repeated entry is not a failure; tests/test_never_miss.py covers it.
assert {v.removesuffix("_retry_after") for v in VARIANTS} == FAULT_KINDS - {"repeat"}
POINTS = ("first_page", "later_page", "one_of_several", "every_keyword")
FINAL = {"error_400"}


def _keyword_of(params: dict[str, str]) -> str:
    query = params.get("search_query", "")
    return next(name for name in KEYWORDS if f'"{name}"' in query)


def _fault(variant: str, times: int, match: Callable[[dict[str, str]], bool]) -> Fault:
    kind = variant.removesuffix("_retry_after")
    retry_after = "0" if variant.endswith("_retry_after") else None
    return Fault(kind, times=times, retry_after=retry_after, match=match)


def _faults(variant: str, point: str, times: int) -> tuple[list[Fault], set[str]]:
    """The faults to inject for ``point`` and the keywords they hit."""
    first = KEYWORDS[0]
    if point == "first_page":
        return [_fault(variant, times, lambda q: _keyword_of(q) == first and q["start"] == "0")], {
            first
        }
    if point == "later_page":
        return [_fault(variant, times, lambda q: _keyword_of(q) == first and q["start"] != "0")], {
            first
        }
    if point == "one_of_several":
        middle = KEYWORDS[1]
        return [_fault(variant, times, lambda q: _keyword_of(q) == middle)], {middle}
    return [_fault(variant, times, _for_keyword(name)) for name in KEYWORDS], set(KEYWORDS)


def _for_keyword(name: str) -> Callable[[dict[str, str]], bool]:
    return lambda params: _keyword_of(params) == name


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def baselines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two trackers that ran yesterday: one keyword, and all three."""
    result: dict[str, Path] = {}
    with FakeArxiv(OLD) as server:
        for label, keywords in (("single", KEYWORDS[:1]), ("several", KEYWORDS)):
            folder = write_tracker(tmp_path_factory.mktemp(label), keywords)
            cfg = api.load_config(folder / "keywords.yaml")
            report = api.update(
                cfg,
                tracker_paths(folder),
                settings=Settings(api_url=server.url, delay=0),
                today="2026-11-21",
            )
            assert not report.failed
            result[label] = folder
    return result


@pytest.fixture
def busy_day() -> Iterator[FakeArxiv]:
    with FakeArxiv([*OLD, *NEW], stall_seconds=5) as server:
        yield server


def _tracker(
    baselines: dict[str, Path], point: str, tmp_path: Path
) -> tuple[Path, tuple[str, ...]]:
    single = point in ("first_page", "later_page")
    folder = tmp_path / "tracker"
    shutil.copytree(baselines["single" if single else "several"], folder)
    return folder, KEYWORDS[:1] if single else KEYWORDS


def _requests_per_page(server: FakeArxiv) -> Counter[tuple[str, str]]:
    return Counter((_keyword_of(r.params), r.params["start"]) for r in server.requests)


@pytest.mark.parametrize("persistent", [False, True], ids=["transient", "persistent"])
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_fault_loses_nothing_and_is_reported(
    variant: str,
    point: str,
    persistent: bool,
    baselines: dict[str, Path],
    busy_day: FakeArxiv,
    tmp_path: Path,
    figures: Figures,
) -> None:
    folder, keywords = _tracker(baselines, point, tmp_path)
    before = stored_ids(folder)
    before_papers = {name: stored_papers(folder, name) for name in before}
    faults, hit = _faults(variant, point, -1 if persistent else RETRIES)
    for fault in faults:
        busy_day.inject(fault)
    # Only a stalled answer needs a short timeout; any other fault gets a long one, so a slow
    # answer on a loaded machine cannot pass for a timeout (a 429 test once failed that way).
    timeout = 0.2 if variant.startswith(("timeout", "trickle")) else 10.0

    env = cli_env(busy_day.url, retries=RETRIES, timeout=timeout)
    result = invoke(folder, "update", env=env)

    failed = hit if persistent or variant in FINAL else set()
    after = stored_ids(folder)
    lost = lost_papers(before, after)
    figures.add("faults_injected", sum(1 for r in busy_day.requests if r.fault))
    figures.add("fault_runs")
    figures.add("papers_lost", lost)
    assert lost == 0
    assert result.exit_code == (1 if failed else 0), result.stderr

    tries = 1 if variant in FINAL else 1 + RETRIES
    dead = 0
    for name in keywords:
        store = f"{slugify(name)}.json"
        if name in failed:
            assert stored_papers(folder, store) == before_papers[store]
            if dead >= DEAD_IN_A_ROW:
                assert f"] {name}: FAILED (not fetched)" in result.stderr
                hit = hit - {name}
            else:
                assert f"] {name}: FAILED {MESSAGE[variant]}" in result.stderr
                assert f"({tries} tr" in result.stderr
            dead = 0 if variant in FINAL else dead + 1
        else:
            dead = 0
            assert after[store] == before[store] | NEW_IDS[name]
    if failed:
        assert f"failed keywords: {', '.join(k for k in keywords if k in failed)}" in result.stderr

    per_page = _requests_per_page(busy_day)
    assert max(per_page.values()) <= 1 + RETRIES
    faulted = {(_keyword_of(r.params), r.params["start"]) for r in busy_day.requests if r.fault}
    assert {name for name, _ in faulted} == hit
    if point == "later_page":
        ((name, start),) = faulted
        assert name == KEYWORDS[0] and start != "0"
    for page in faulted:
        assert per_page[page] == (tries if failed else RETRIES + 1)
    if not variant.startswith(("timeout", "trickle")):
        # A timed-out request stays open on the server's side after the client gave up on it.
        assert busy_day.max_in_flight == 1

    readme = (folder / "README.md").read_bytes()
    rendered = invoke(folder, "render")
    assert rendered.exit_code == 0, rendered.stderr
    assert rendered.stdout == ""
    assert (folder / "README.md").read_bytes() == readme
    check_readme(folder, keywords)
    check_site(folder)
    assert not list((folder / "data").glob(".*.tmp"))


def test_refused_connection_fails_every_keyword_and_loses_nothing(
    baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path, figures: Figures
) -> None:
    folder, keywords = _tracker(baselines, "every_keyword", tmp_path)
    before = stored_ids(folder)
    busy_day.stop()

    result = invoke(folder, "update", env=cli_env(busy_day.url, retries=RETRIES))

    figures.add("faults_injected", 1)
    figures.add("fault_runs")
    assert lost_papers(before, stored_ids(folder)) == 0
    assert result.exit_code == 1
    first, *rest = keywords
    assert f"{first}: FAILED (unreachable): cannot reach arXiv: nothing listens" in result.stderr
    for name in rest:
        assert f"{name}: FAILED (not fetched)" in result.stderr
    assert invoke(folder, "render").exit_code == 0
    check_readme(folder, keywords)


def test_retry_after_is_waited_for_between_the_tries(
    baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path, figures: Figures
) -> None:
    folder, _ = _tracker(baselines, "first_page", tmp_path)
    busy_day.inject(Fault("429", times=1, retry_after="1"))

    result = invoke(folder, "update", env=cli_env(busy_day.url, retries=RETRIES))

    figures.add("faults_injected")
    assert result.exit_code == 0, result.stderr
    first, second = busy_day.requests[:2]
    assert first.status == 429 and second.status == 200
    assert second.started - first.started >= 1.0


def _run_in_virtual_time(
    server: FakeArxiv, folder: Path, policy: RetryPolicy, *, timeout: float = 10.0
) -> tuple[VirtualTime, UpdateReport]:
    """The waits are virtual; the timeout is real, so only a stalled answer should get a short
    one (an answer slowed by a busy machine must not pass for a timeout)."""
    clock = VirtualTime()
    cfg = api.load_config(folder / "keywords.yaml")
    settings = Settings(
        api_url=server.url, delay=0, retries=policy.retries, backoff=policy.base, timeout=timeout
    )
    report = api.update(
        cfg,
        tracker_paths(folder),
        settings=settings,
        jitter=policy.jitter,
        clock=clock.clock,
        sleep=clock.sleep,
        today=TODAY,
    )
    return clock, report


RETRYABLE = sorted(set(VARIANTS) - FINAL - {"429_retry_after"})


@pytest.mark.parametrize("kind", RETRYABLE)
def test_backoff_follows_the_documented_schedule(
    kind: str, baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path, figures: Figures
) -> None:
    """Defaults: 4 retries after 5, 10, 20 and 40 s, each plus up to 25% jitter."""
    folder, _ = _tracker(baselines, "first_page", tmp_path)
    busy_day.inject(Fault(kind, times=-1))
    policy = RetryPolicy(jitter=random.Random(kind).random)
    # A stalled answer times out after 0.1 s, five times per kind.
    timeout = 0.1 if kind.startswith(("timeout", "trickle")) else 10.0

    clock, report = _run_in_virtual_time(busy_day, folder, policy, timeout=timeout)

    figures.add("faults_injected", len(busy_day.requests))
    assert report.failed and len(busy_day.requests) == 5
    assert len(clock.sleeps) == 4
    for sleep, base in zip(clock.sleeps, (5, 10, 20, 40), strict=True):
        assert base <= sleep <= base * 1.25


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(retries=10, base=5, jitter=lambda: 1.0)
    waits = [policy.backoff(attempt) for attempt in range(1, 11)]
    assert waits[-1] == policy.cap * 1.25
    assert max(waits) == policy.cap * 1.25


def test_retry_after_wins_over_a_shorter_backoff(
    baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path, figures: Figures
) -> None:
    folder, _ = _tracker(baselines, "first_page", tmp_path)
    busy_day.inject(Fault("429", times=-1, retry_after="30"))

    clock, report = _run_in_virtual_time(busy_day, folder, RetryPolicy(jitter=lambda: 0.0))

    figures.add("faults_injected", len(busy_day.requests))
    assert report.failed
    assert clock.sleeps == [30, 30, 30, 40]


def test_retry_after_beyond_ten_minutes_gives_up_at_once(
    baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path, figures: Figures
) -> None:
    folder, _ = _tracker(baselines, "first_page", tmp_path)
    busy_day.inject(Fault("503", times=-1, retry_after="3600"))
    before = stored_ids(folder)

    clock, report = _run_in_virtual_time(busy_day, folder, RetryPolicy())

    figures.add("faults_injected", len(busy_day.requests))
    assert len(busy_day.requests) == 1 and clock.sleeps == []
    assert report.failed[0].error is not None and "wait 3600 s" in report.failed[0].error
    assert lost_papers(before, stored_ids(folder)) == 0


def test_transient_faults_cost_only_their_backoff(
    baselines: dict[str, Path], busy_day: FakeArxiv, tmp_path: Path
) -> None:
    """Two 503s on the second page, then success: exactly two waits, the first two of the
    schedule, and the keyword's new papers arrive."""
    folder, _ = _tracker(baselines, "later_page", tmp_path)
    busy_day.inject(Fault("503", times=2, match=lambda q: q["start"] != "0"))

    clock, report = _run_in_virtual_time(busy_day, folder, RetryPolicy(jitter=lambda: 0.0))

    assert not report.failed and len(report.keywords[0].new) == 30
    assert clock.sleeps == [5, 10]
