"""Rerunnable benchmark of what dailypapers costs: requests, bytes, wall time, render, start-up.

    python -m benchmarks.run            # full run (politeness delay 3 s; takes ~17 minutes)
    python -m benchmarks.run --quick    # same scenarios, 0.2 s delay and short latency (~1 min)

Everything runs offline: the installed ``dailypapers`` command talks to the loopback arXiv server
of ``tests/fakes/arxiv``, fed with real paper text from ``../shared/fixtures/corpus`` when it is
there (synthetic text of similar size otherwise). The report is Markdown on stdout; ``--json``
also writes the raw numbers. Benchmarks are not tests: nothing here asserts a timing, the report
only compares each number with its target.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

from benchmarks.situations import SituationResult, bench_situations, situation_report
from dailypapers import store as store_mod
from dailypapers.config import Keyword
from dailypapers.fetch import Paper
from dailypapers.fetch.feed import parse_page
from dailypapers.text import fold, slugify
from tests.fakes.arxiv import FakeArxiv, FakePaper, RequestLog, load_corpus

ROOT = Path(__file__).resolve().parents[1]

DAILYPAPERS = Path(sys.executable).with_name("dailypapers")
FIXTURES = ROOT.parent / "shared" / "fixtures" / "arxiv"
MARKERS = "<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
README = "# Benchmark tracker\n\nUser text above the tables.\n\n" + MARKERS + "\nFooter.\n"
PER_DAY = 10
STORED = 100
OLDER = 30
DAY_ONE_NEWEST = datetime(2026, 11, 19, 18, 0, tzinfo=timezone.utc)
HEAVY = ("httpx", "feedparser", "jinja2", "yaml", "rich")


# --------------------------------------------------------------------------- the server


class TimedArxiv(FakeArxiv):
    """The fake server with a seeded latency per request and the time it spent on each.

    Latency is drawn uniformly from ``[low, high]`` by a seeded generator, so two runs with the
    same arguments wait the same total; the server time of a request runs from its parsed request
    line to its last byte sent (latency, search, Atom writing).
    """

    def __init__(self, papers: Sequence[FakePaper], low: float, high: float, seed: int) -> None:
        super().__init__(papers)
        self.low, self.high = low, high
        self.rng = random.Random(seed)
        self.spent: list[float] = []
        self._started: dict[int, float] = {}

    def _begin(self, log: RequestLog) -> None:
        self.latency = self.rng.uniform(self.low, self.high) if self.high > 0 else 0.0
        self._started[threading.get_ident()] = time.monotonic()
        super()._begin(log)

    def _end(self) -> None:
        super()._end()
        began = self._started.pop(threading.get_ident(), None)
        if began is not None:
            self.spent.append(time.monotonic() - began)


# --------------------------------------------------------------------------- papers


def paper_texts(count: int, seed: int) -> tuple[list[FakePaper], str]:
    """``count`` records with real text from the shared corpus, or synthetic of similar size."""
    try:
        corpus = load_corpus(None if count > 30000 else count * 2)
        source = "shared corpus (real titles, abstracts, comments)"
    except FileNotFoundError:
        corpus = []
        source = "synthetic (corpus absent): ~1.3 kB abstracts, 2 authors"
    rng = random.Random(seed)
    rng.shuffle(corpus)
    while len(corpus) < count:
        n = len(corpus)
        words = " ".join(rng.choice(SYNTHETIC_WORDS) for _ in range(190))
        corpus.append(
            FakePaper(
                id=f"0000.{n:05d}",
                version=1,
                title=f"A synthetic study of {rng.choice(SYNTHETIC_WORDS)} number {n}",
                abstract=words.capitalize() + ".",
                comment=f"{8 + n % 9} pages, {n % 6} figures",
                authors=[f"Author {n} {k}" for k in range(2)],
            )
        )
    return corpus[:count], source


SYNTHETIC_WORDS = (
    "model learning data neural network method results show propose approach training graph "
    "performance dataset task deep framework tasks time state art image based video attention "
    "efficient transformer diffusion inference compression sparse robust scalable benchmark"
).split()


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def keyword_name(i: int) -> str:
    return f"Bench Topic {i:03d}"


def bench_keyword(i: int) -> Keyword:
    name = keyword_name(i)
    return Keyword(name=name, slug=slugify(name), phrases=(name,))


def as_keyword_paper(base: FakePaper, i: int, number: int, when: datetime) -> FakePaper:
    """A corpus record given to keyword ``i``: a fresh id, its date, the phrase in the abstract."""
    return FakePaper(
        id=f"{2601 + i // 100}.{i % 100:02d}{number:03d}",
        version=1,
        title=base.title,
        abstract=f"{keyword_name(i)}. {base.abstract}",
        comment=base.comment,
        authors=list(base.authors),
        categories=list(base.categories),
        published=stamp(when),
        updated=stamp(when),
        doi=base.doi,
        journal_ref=base.journal_ref,
    )


@dataclass
class Scenario:
    """Per keyword: 130 papers at ~10 a day before day one, then 10 announced on each later day.

    Day two is an ordinary announcement: arXiv announces in daily batches of everything submitted
    since the previous cut-off, so its papers are dated after the newest one stored. Day three is
    a bad day for a fetcher: its papers carry dates from 20 h before to 24 h after the newest
    stored one, as when yesterday's run saw only part of a batch or papers were held back, so
    about half of them arrive older than papers the tracker already has.
    """

    day_one: list[FakePaper] = field(default_factory=list)
    later: dict[str, list[FakePaper]] = field(default_factory=dict)
    late: int = 0


def scenario(keywords: int, texts: Sequence[FakePaper], seed: int) -> Scenario:
    rng = random.Random(seed)
    out = Scenario(later={"two": [], "three": []})
    per_keyword = STORED + OLDER + 2 * PER_DAY
    for i in range(keywords):
        pool = texts[i * per_keyword : (i + 1) * per_keyword]
        newest = DAY_ONE_NEWEST - timedelta(minutes=rng.randrange(0, 120))
        for n in range(STORED + OLDER):
            day, rank = divmod(n, PER_DAY)
            offset = timedelta(days=day, minutes=rank * 144 + rng.randrange(0, 100))
            when = newest if n == 0 else newest - offset
            out.day_one.append(as_keyword_paper(pool[n], i, n, when))
        base = STORED + OLDER
        batch = [newest + timedelta(minutes=rng.randrange(1, 24 * 60)) for _ in range(PER_DAY)]
        for k, when in enumerate(batch):
            out.later["two"].append(as_keyword_paper(pool[base + k], i, 900 + k, when))
        newest = max(batch)
        for k in range(PER_DAY):
            when = newest + timedelta(minutes=rng.randrange(-20 * 60, 24 * 60))
            out.late += when < newest
            paper = as_keyword_paper(pool[base + PER_DAY + k], i, 950 + k, when)
            out.later["three"].append(paper)
    return out


def to_paper(p: FakePaper, today: str) -> Paper:
    return Paper(
        id=p.id,
        version=p.version,
        title=fold(p.title),
        abstract=fold(p.abstract),
        comment=fold(p.comment),
        authors=tuple(p.authors),
        published=p.published,
        updated=p.updated,
        primary_category=p.primary_category,
        categories=tuple(p.categories),
        journal_ref=p.journal_ref,
        doi=p.doi,
        first_seen=today,
    )


# --------------------------------------------------------------------------- processes


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str


# A forked child starts with the benchmark's own (large) memory, and Linux counts it in the
# child's peak RSS; a small launcher process keeps that out of the measurement. The peak is the
# larger of the largest process's own peak and the sum over the command's process tree (a
# render's worker process beside it), sampled every 10 ms from /proc.
LAUNCHER = """
import json, os, resource, subprocess, sys, threading, time

def tree_kb(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as status:
                total += next(int(l.split()[1]) for l in status if l.startswith("VmRSS:"))
            with open(f"/proc/{p}/task/{p}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except (OSError, StopIteration):
            pass
    return total

def sample(pid, peak, done):
    while not done.wait(0.01):
        peak[0] = max(peak[0], tree_kb(pid))

began = time.perf_counter()
child, peak, done = subprocess.Popen(sys.argv[2:]), [0], threading.Event()
sampler = threading.Thread(target=sample, args=(child.pid, peak, done))
sampler.start()
returncode = child.wait()
wall = time.perf_counter() - began
done.set()
sampler.join()
use = resource.getrusage(resource.RUSAGE_CHILDREN)
with os.fdopen(int(sys.argv[1]), "w") as out:
    json.dump([wall, use.ru_utime + use.ru_stime, max(use.ru_maxrss, peak[0]), returncode], out)
"""


def run_cli(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run the installed command in a fresh process: wall, CPU and peak RSS of that process."""
    read, write = os.pipe()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        launcher = subprocess.Popen(
            [sys.executable, "-I", "-c", LAUNCHER, str(write), str(DAILYPAPERS), *args],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdout=out,
            stderr=err,
            pass_fds=(write,),
        )
        os.close(write)
        with os.fdopen(read) as numbers:
            wall, cpu, maxrss, returncode = json.load(numbers)
        launcher.wait()
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            cpu=cpu,
            peak_mb=maxrss / 1024,
            returncode=returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed with status {run.returncode}:\n{run.stderr}")
    return run


def write_tracker(folder: Path, keywords: int) -> None:
    names = "".join(f"  - {keyword_name(i)}\n" for i in range(keywords))
    (folder / "keywords.yaml").write_text(f"keywords:\n{names}", encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")


# --------------------------------------------------------------------------- 1. update


@dataclass
class DayResult:
    keywords: int
    day: str
    requests: int
    bytes: int
    wall: float
    server: float
    delay: float
    new_found: int = 0
    new_expected: int = 0
    refetch_bytes: int = 0

    @property
    def floor(self) -> float:
        return max(0, self.requests - 1) * self.delay + self.server

    @property
    def over_floor(self) -> float:
        return self.wall / self.floor if self.floor else float("nan")


def bench_update(
    keywords: int, texts: Sequence[FakePaper], args: argparse.Namespace
) -> list[DayResult]:
    plan = scenario(keywords, texts, args.seed)
    env = {
        "DAILYPAPERS_DELAY": str(args.delay),
        "DAILYPAPERS_RETRIES": "0",
        "DAILYPAPERS_TIMEOUT": "60",
    }
    results: list[DayResult] = []
    server = TimedArxiv(plan.day_one, args.latency[0], args.latency[1], args.seed)
    with tempfile.TemporaryDirectory(prefix="dp-bench-") as tmp, server:
        folder = Path(tmp)
        write_tracker(folder, keywords)
        env["DAILYPAPERS_API_URL"] = server.url
        for day in ("one", *plan.later):
            server.add(plan.later.get(day, []))
            seen, spent = len(server.requests), len(server.spent)
            run = checked(run_cli(["update"], folder, env), f"update day {day}")
            logs = server.requests[seen:]
            results.append(
                DayResult(
                    keywords=keywords,
                    day=day,
                    requests=len(logs),
                    bytes=sum(log.bytes_sent for log in logs),
                    wall=run.wall,
                    server=sum(server.spent[spent:]),
                    delay=args.delay,
                )
            )
        stored = set()
        for i in range(keywords):
            stored |= {p.id for p in store_mod.load(folder / "data", bench_keyword(i)).papers}
        refetch = refetch_bytes(server, keywords)
        for result in results[1:]:
            announced = plan.later[result.day]
            result.new_expected = len(announced)
            result.new_found = sum(1 for p in announced if p.id in stored)
            result.refetch_bytes = refetch
    return results


def refetch_bytes(
    server: FakeArxiv, keywords: int, name: Callable[[int], str] = keyword_name
) -> int:
    """What asking for the newest 100 papers of every keyword again would download."""
    server.latency = 0.0
    if isinstance(server, TimedArxiv):
        server.low = server.high = 0.0
    total = 0
    with httpx.Client(headers={"Accept": "application/atom+xml"}) as client:
        for i in range(keywords):
            phrase = f'"{name(i)}"'
            params = {
                "search_query": f"(ti:{phrase} OR abs:{phrase})",
                "start": "0",
                "max_results": str(STORED),
                "sortBy": "lastUpdatedDate",
                "sortOrder": "descending",
            }
            total += len(client.get(server.url, params=params).content)
    return total


# --------------------------------------------------------------------------- 2. render


@dataclass
class RenderResult:
    keywords: int
    papers: int
    store_mb: float
    wall: float
    cpu: float
    beyond_startup: float
    peak_mb: float
    written_mb: float
    files: int


def build_store(folder: Path, keywords: int, texts: Sequence[FakePaper]) -> int:
    write_tracker(folder, keywords)
    data = folder / "data"
    n = 0
    for i in range(keywords):
        papers = []
        for k in range(STORED):
            base = texts[n % len(texts)]
            when = DAY_ONE_NEWEST - timedelta(minutes=144 * k + i)
            papers.append(to_paper(as_keyword_paper(base, i, k, when), "2026-11-20"))
            n += 1
        store = store_mod.KeywordStore(bench_keyword(i), tuple(papers), "2026-11-20")
        store_mod.save(data, store)
    return sum(p.stat().st_size for p in data.glob("*.json"))


def reset_outputs(folder: Path, keep: set[str]) -> None:
    for entry in folder.iterdir():
        if entry.name not in keep:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    (folder / "README.md").write_text(README, encoding="utf-8")


def written_bytes(folder: Path, keep: set[str]) -> tuple[int, int]:
    sizes = [(folder / "README.md").stat().st_size]
    for entry in folder.iterdir():
        if entry.name in keep:
            continue
        paths = entry.rglob("*") if entry.is_dir() else [entry]
        sizes += [p.stat().st_size for p in paths if p.is_file()]
    return sum(sizes), len(sizes)


def bench_render(
    sizes: Sequence[int], texts: Sequence[FakePaper], repeat: int, startup: float
) -> list[RenderResult]:
    results = []
    for keywords in sizes:
        with tempfile.TemporaryDirectory(prefix="dp-render-") as tmp:
            folder = Path(tmp)
            store_bytes = build_store(folder, keywords, texts)
            keep = {"keywords.yaml", "data", "README.md"}
            runs = []
            for _ in range(repeat):
                reset_outputs(folder, keep)
                runs.append(checked(run_cli(["render"], folder), f"render {keywords}"))
            total, files = written_bytes(folder, keep)
            wall = statistics.median(r.wall for r in runs)
            results.append(
                RenderResult(
                    keywords=keywords,
                    papers=keywords * STORED,
                    store_mb=store_bytes / 2**20,
                    wall=wall,
                    cpu=statistics.median(r.cpu for r in runs),
                    beyond_startup=wall - startup,
                    peak_mb=max(r.peak_mb for r in runs),
                    written_mb=total / 2**20,
                    files=files,
                )
            )
    return results


# --------------------------------------------------------------------------- 2b. a day's render


CHANGED = 5
# What a render leaves beside site/ and the README for the next one; a fresh checkout has neither.
CACHES = (".site.render-cache",)


@dataclass
class DayRenderResult:
    keywords: int
    case: str
    wall: float
    cpu: float
    beyond_startup: float
    peak_mb: float
    readme_mb: float
    identical: bool
    phases: dict[str, float] = field(default_factory=dict)


# Where a render's CPU time goes (all threads): each output begun (the checks of what it may
# reuse start in other threads), the store loaded while they run, then each output's pass.
PHASES = """
import json, time
from dailypapers.fileio import Staging
from dailypapers.outputs import OUTPUTS, RenderJob, Visit
from dailypapers.outputs.key import keyword_key, taken_names
from dailypapers.pipeline import Paths, load_config
from dailypapers.store import load_snapshot
paths = Paths()
config, to = load_config(paths.config), paths.destinations({})
spent = {}
begun = []
for output in OUTPUTS:
    began = time.process_time()
    begun.append((output.name, output.begin(config, to)))
    spent[output.name] = time.process_time() - began
began = time.process_time()
snapshot = load_snapshot(config, paths.data)
spent["snapshot"] = time.process_time() - began
job = RenderJob(snapshot, to)
passes = [(name, each.start(job)) for name, each in begun]
with Staging() as staging:
    taken = taken_names(snapshot.config)
    for entry in snapshot.entries:
        slug, papers = entry.keyword.slug, entry.papers_fingerprint
        key = keyword_key(snapshot.config, entry.keyword, papers, "README.md", taken[slug])
        visit = Visit(entry, key)
        for name, each in passes:
            began = time.process_time()
            each.keyword(visit, staging)
            spent[name] += time.process_time() - began
    staging.commit()
for name, each in passes:
    began = time.process_time()
    each.finish()
    spent[name] += time.process_time() - began
print(json.dumps(spent))
"""


def phases(folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PHASES], cwd=folder, capture_output=True, text=True, check=True
    )
    spent: dict[str, float] = json.loads(done.stdout)
    return spent


def change_keywords(folder: Path, keywords: int, texts: Sequence[FakePaper]) -> None:
    """The next day: ``CHANGED`` keywords (spread over the list) each gain one new paper."""
    data = folder / "data"
    step = max(1, keywords // CHANGED)
    for i in range(0, keywords, step)[:CHANGED]:
        store = store_mod.load(data, bench_keyword(i))
        when = DAY_ONE_NEWEST + timedelta(hours=6)
        paper = to_paper(as_keyword_paper(texts[i % len(texts)], i, 999, when), "2026-11-21")
        papers = (paper, *store.papers)
        store_mod.save(data, replace(store, papers=papers, last_success="2026-11-21"))


def outputs_of(folder: Path) -> dict[str, bytes]:
    skip = {"data", "keywords.yaml", *CACHES}
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(folder).parts[0] not in skip
    }


PRESENT, SCHEDULED, AFTER_UPDATE = "outputs present", "scheduled run", "after an update"
DAY_TARGETS = {PRESENT: 1.0, SCHEDULED: 4.0, AFTER_UPDATE: 1.0}


def move_last_success(folder: Path, keywords: int) -> None:
    """What ``update`` does to every store each day, new papers or not."""
    data = folder / "data"
    for i in range(keywords):
        store = store_mod.load(data, bench_keyword(i))
        store_mod.save(data, replace(store, last_success="2026-11-21"))


def day_after(base: Path, work: Path, keywords: int, texts: Sequence[FakePaper], case: str) -> None:
    """``work``: ``base`` on the next day, as ``case`` finds it."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(base, work, symlinks=True)
    change_keywords(work, keywords, texts)
    if case == AFTER_UPDATE:
        move_last_success(work, keywords)
    if case == SCHEDULED:
        shutil.rmtree(work / "site")
        for cache in CACHES:
            (work / cache).unlink(missing_ok=True)
    # The copy's 300 MB still being written back would be timed as the render's; a checkout,
    # too, is long on disk by the time the job's render starts.
    os.sync()


def bench_day_render(
    sizes: Sequence[int], texts: Sequence[FakePaper], repeat: int, startup: float
) -> list[DayRenderResult]:
    """Render on the day after a full render, when ``CHANGED`` keywords gained a paper.

    Three cases, each from the same saved state (data/, the README, site/ and the render caches
    of the day before), median of ``repeat`` fresh processes:

    - *outputs present*: only those stores changed, as after a hand edit or an import, on a
      machine that keeps site/ (a local tracker, a self-hosted runner);
    - *scheduled run*: the GitHub job's case, a fresh checkout: data/, the README and papers/
      committed, site/ and the caches absent;
    - *after an update*: outputs present, and every store's ``last_success`` moved to the day,
      as a daily ``update`` leaves them.

    Each result is compared byte for byte with a render from scratch of the same data.
    """
    results = []
    for keywords in sizes:
        with tempfile.TemporaryDirectory(prefix="dp-day-") as tmp:
            base = Path(tmp) / "base"
            base.mkdir()
            build_store(base, keywords, texts)
            checked(run_cli(["render"], base), f"render {keywords}")
            work, scratch = Path(tmp) / "work", Path(tmp) / "scratch"
            # Without site/ and the caches, the first two cases are the same data: one render
            # from scratch serves both; only after an update has every store moved.
            from_scratch: dict[bool, dict[str, bytes]] = {}
            for case in (PRESENT, SCHEDULED, AFTER_UPDATE):
                moved = case == AFTER_UPDATE
                if moved not in from_scratch:
                    day_after(base, scratch, keywords, texts, case)
                    for entry in ("site", *CACHES):
                        path = scratch / entry
                        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
                    checked(run_cli(["render"], scratch), "render from scratch")
                    from_scratch[moved] = outputs_of(scratch)
                expected = from_scratch[moved]
                runs, identical = [], True
                for _ in range(repeat):
                    day_after(base, work, keywords, texts, case)
                    runs.append(checked(run_cli(["render"], work), f"{case} {keywords}"))
                    identical = identical and outputs_of(work) == expected
                day_after(base, work, keywords, texts, case)
                spent = phases(work)
                wall = statistics.median(r.wall for r in runs)
                results.append(
                    DayRenderResult(
                        keywords=keywords,
                        case=case,
                        wall=wall,
                        cpu=statistics.median(r.cpu for r in runs),
                        beyond_startup=wall - startup,
                        peak_mb=max(r.peak_mb for r in runs),
                        readme_mb=(base / "README.md").stat().st_size / 2**20,
                        identical=identical,
                        phases=spent,
                    )
                )
    return results


# --------------------------------------------------------------------------- 2c. the page


@dataclass
class PageResult:
    keywords: int
    page_mb: float
    load_ms: float
    search_ms: float
    first_rows: int
    matches: str


SEARCH = "diffusion"
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--window-size=1200,900",
)
# The search as a reader sees it: from the input event to the frame that shows the results.
TIMED_SEARCH = """
var done = arguments[arguments.length - 1], box = document.getElementById("dp_q");
box.value = arguments[0];
var began = performance.now();
box.dispatchEvent(new Event("input"));
requestAnimationFrame(function () { requestAnimationFrame(function () {
  done([performance.now() - began, document.getElementById("dp_status").textContent]);
}); });
"""


def bench_page(
    sizes: Sequence[int], texts: Sequence[FakePaper], repeat: int, pause: float = 2.0
) -> list[PageResult]:
    """Open site/index.html from disk in headless Chromium: the load event, then a search.

    Each load is a fresh navigation from about:blank; the search is typed ``pause`` seconds after
    the load (a reader's pause, in which the page prepares its search index).
    """
    try:
        from selenium import webdriver
    except ImportError:
        return []
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="dp-page-") as tmp:
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        for flag in (*BROWSER_FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}"):
            options.add_argument(flag)
        service = webdriver.ChromeService(executable_path=driver_path)
        browser = webdriver.Chrome(options=options, service=service)
        browser.set_script_timeout(60)
        browser.set_page_load_timeout(300)
        try:
            for keywords in sizes:
                folder = Path(tmp) / f"k{keywords}"
                folder.mkdir()
                build_store(folder, keywords, texts)
                checked(run_cli(["render"], folder), f"render {keywords}")
                page = folder / "site" / "index.html"
                loads, searches, rows, matches = [], [], 0, ""
                for _ in range(repeat):
                    browser.get("about:blank")
                    browser.get(page.as_uri())
                    loads.append(
                        browser.execute_script(
                            "return performance.getEntriesByType('navigation')[0].loadEventEnd;"
                        )
                    )
                    rows = browser.execute_script(
                        "return document.querySelectorAll('li.paper').length;"
                    )
                    time.sleep(pause)
                    spent, matches = browser.execute_async_script(TIMED_SEARCH, SEARCH)
                    searches.append(spent)
                results.append(
                    PageResult(
                        keywords=keywords,
                        page_mb=page.stat().st_size / 2**20,
                        load_ms=statistics.median(loads),
                        search_ms=statistics.median(searches),
                        first_rows=rows,
                        matches=matches,
                    )
                )
                shutil.rmtree(folder)
        finally:
            browser.quit()
    return results


# --------------------------------------------------------------------------- 3. start-up


@dataclass
class StartupResult:
    help: float
    noop_render: float
    noop_cpu: float
    import_ms: float
    heavy_at_help: list[str]


def bench_startup(repeat: int) -> StartupResult:
    with tempfile.TemporaryDirectory(prefix="dp-start-") as tmp:
        folder = Path(tmp)
        write_tracker(folder, 1)
        checked(run_cli(["render"], folder), "first render")
        helps = [checked(run_cli(["--help"], folder), "--help").wall for _ in range(repeat)]
        noops: list[Run] = []
        for _ in range(repeat):
            run = checked(run_cli(["render"], folder), "no-op render")
            if "wrote" in run.stdout:
                raise SystemExit(f"the no-op render wrote files:\n{run.stdout}")
            noops.append(run)
    probe = (
        "import sys, time; t = time.perf_counter(); import dailypapers.cli; "
        "t = time.perf_counter() - t; "
        f"print(t * 1000, *[m for m in {HEAVY!r} if m in sys.modules])"
    )
    imports = []
    for _ in range(repeat):
        line = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.split()
        imports.append(float(line[0]))
    return StartupResult(
        help=statistics.median(helps),
        noop_render=statistics.median(r.wall for r in noops),
        noop_cpu=statistics.median(r.cpu for r in noops),
        import_ms=statistics.median(imports),
        heavy_at_help=line[1:],
    )


# --------------------------------------------------------------------------- 4. parsing


@dataclass
class ParseResult:
    pages: int
    entries: int
    megabytes: float
    seconds: float

    @property
    def per_second(self) -> float:
        return self.entries / self.seconds if self.seconds else float("nan")


def bench_parse(min_seconds: float) -> ParseResult | None:
    bodies = [p.read_bytes() for p in sorted(FIXTURES.glob("*.xml"))]
    bodies = [b for b in bodies if b"<entry>" in b and b"/api/errors" not in b]
    if not bodies:
        return None
    pages = entries = size = 0
    began = time.perf_counter()
    while True:
        for body in bodies:
            entries += len(parse_page(body).papers)
            size += len(body)
        pages += len(bodies)
        if time.perf_counter() - began >= min_seconds:
            break
    return ParseResult(pages, entries, size / 2**20, time.perf_counter() - began)


# --------------------------------------------------------------------------- the report


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with_model = Path("/proc/cpuinfo")
    if with_model.is_file():
        for line in with_model.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 2**20:.1f} GiB"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "ram": ram,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(
    args: argparse.Namespace,
    source: str,
    update: list[DayResult],
    render: list[RenderResult],
    startup: StartupResult,
    parse: ParseResult | None,
    entry_bytes: float,
    day: list[DayRenderResult] | None = None,
    page: list[PageResult] | None = None,
    situations: Sequence[SituationResult] = (),
) -> Iterator[str]:
    info = machine()
    yield "# dailypapers benchmark"
    yield ""
    yield f"Command: `python benchmarks/{Path(sys.argv[0]).name} {' '.join(sys.argv[1:])}`"
    yield ""
    yield (
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM, "
        f"Python {info['python']}, {info['os']}"
    )
    yield ""
    yield "## 1. Daily update (CLI against the loopback arXiv server)"
    yield ""
    yield (
        f"Politeness delay {args.delay:g} s; server latency uniform "
        f"{args.latency[0]:g}-{args.latency[1]:g} s per request (seed {args.seed}); "
        f"paper text: {source}; mean entry {entry_bytes / 1024:.1f} kB on the wire. "
        f"Each keyword: {STORED + OLDER} papers at ~{PER_DAY} a day before day one, "
        f"{PER_DAY} announced on day two (dated after the newest stored paper) and {PER_DAY} on "
        "day three (dated from 20 h before to 24 h after it)."
    )
    yield ""
    yield (
        "| keywords | day | requests | kB downloaded | wall s | server s | floor s "
        "| wall / floor | new papers found |"
    )
    yield "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
    for r in update:
        found = f"{r.new_found}/{r.new_expected}" if r.new_expected else ""
        yield (
            f"| {r.keywords} | {r.day} | {r.requests} | {r.bytes / 1024:,.0f} | {r.wall:.2f} "
            f"| {r.server:.2f} | {r.floor:.2f} | {r.over_floor:.3f} | {found} |"
        )
    yield ""
    for r in update:
        if not r.refetch_bytes:
            continue
        share = r.bytes / r.refetch_bytes
        per_keyword = f"{r.requests / r.keywords:.2f} requests per keyword"
        of_refetch = (
            f"{share:.1%} of the {r.refetch_bytes / 1024:,.0f} kB that refetching "
            f"{STORED} papers per keyword downloads"
        )
        if r.day == "two":
            yield (
                f"- {r.keywords} keywords, day two: {per_keyword} (target 1: "
                f"{mark(r.requests <= r.keywords)}); {of_refetch} (target ≤ 25%: "
                f"{mark(share <= 0.25)})"
            )
        else:
            yield f"- {r.keywords} keywords, day {r.day} (late papers): {per_keyword}; {of_refetch}"
    for r in update:
        yield (
            f"- {r.keywords} keywords, day {r.day}: wall {r.over_floor - 1:+.1%} over the floor "
            f"(target ≤ +10%: {mark(r.over_floor <= 1.10)})"
        )
    yield ""
    if situations:
        yield from situation_report(situations)
    yield "## 2. Render (`dailypapers render`, fresh process, median of runs)"
    yield ""
    yield (
        "| keywords | papers | store MB | wall s | CPU s | beyond start-up s | µs per paper "
        "| peak RSS MB | written MB (files) |"
    )
    yield "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for x in render:
        yield (
            f"| {x.keywords} | {x.papers:,} | {x.store_mb:.1f} | {x.wall:.3f} | {x.cpu:.3f} "
            f"| {x.beyond_startup:.3f} | {x.beyond_startup / x.papers * 1e6:.1f} "
            f"| {x.peak_mb:.0f} | {x.written_mb:.1f} ({x.files}) |"
        )
    yield ""
    if render:
        big = render[-1]
        yield (
            f"- {big.keywords} keywords x {STORED} papers: "
            f"{big.beyond_startup:.3f} s beyond start-up "
            f"(target < 1 s: {mark(big.beyond_startup < 1)}), peak {big.peak_mb:.0f} MB "
            f"(target < 150 MB: {mark(big.peak_mb < 150)})"
        )
        yield ""
    if day:
        yield (
            f"### A day's render: {CHANGED} keywords gained a paper since the last render "
            "(`dailypapers render`, fresh process, median of runs)"
        )
        yield ""
        yield (
            "| keywords | case | README MB | wall s | CPU s | beyond start-up s | peak RSS MB "
            "| byte-identical to a render from scratch |"
        )
        yield "| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- |"
        for d in day:
            yield (
                f"| {d.keywords} | {d.case} | {d.readme_mb:.1f} | {d.wall:.3f} | {d.cpu:.3f} "
                f"| {d.beyond_startup:.3f} | {d.peak_mb:.0f} | {'yes' if d.identical else 'NO'} |"
            )
        yield ""
        yield "CPU seconds by phase of the same render in one process (store, then each output):"
        yield ""
        for d in day:
            spent = ", ".join(f"{name} {s:.2f}" for name, s in d.phases.items() if s >= 0.005)
            yield f"- {d.keywords} keywords, {d.case}: {spent}"
        yield ""
        for d in day:
            target = DAY_TARGETS[d.case]
            yield (
                f"- {d.keywords} keywords, {d.case}: {d.beyond_startup:.3f} s beyond start-up "
                f"(target ≤ {target:g} s: {mark(d.beyond_startup <= target)}), peak "
                f"{d.peak_mb:.0f} MB (target ≤ 150 MB: {mark(d.peak_mb <= 150)})"
            )
        yield ""
    if page:
        yield (
            "### The page in headless Chromium, opened from disk "
            f"(median of runs; search for {SEARCH!r})"
        )
        yield ""
        yield "| keywords | page MB | load event ms | rows built | search ms | status after it |"
        yield "| ---: | ---: | ---: | ---: | ---: | --- |"
        for g in page:
            yield (
                f"| {g.keywords} | {g.page_mb:.1f} | {g.load_ms:.0f} | {g.first_rows} "
                f"| {g.search_ms:.0f} | {g.matches} |"
            )
        yield ""
        for g in page:
            load_target = 1000 if g.keywords <= 100 else 3000
            yield (
                f"- {g.keywords} keywords: loaded in {g.load_ms:.0f} ms (target ≤ "
                f"{load_target} ms: {mark(g.load_ms <= load_target)}); search {g.search_ms:.0f} ms "
                f"(target ≤ 300 ms: {mark(g.search_ms <= 300)}); page {g.page_mb:.1f} MB "
                f"(target ≤ 100 MB: {mark(g.page_mb <= 100)})"
            )
        yield ""
    yield "## 3. Start-up (median of runs)"
    yield ""
    yield "| command | wall s | target |"
    yield "| --- | ---: | --- |"
    yield f"| `dailypapers --help` | {startup.help:.3f} | < 0.3 s: {mark(startup.help < 0.3)} |"
    yield (
        "| `dailypapers render` (nothing to change, 1 keyword, empty store) "
        f"| {startup.noop_render:.3f} (CPU {startup.noop_cpu:.3f}) "
        f"| < 0.3 s: {mark(startup.noop_render < 0.3)} |"
    )
    yield ""
    heavy = ", ".join(startup.heavy_at_help) or "none"
    yield (
        f"`import dailypapers.cli`: {startup.import_ms:.0f} ms; heavy modules it loads "
        f"(of {', '.join(HEAVY)}): {heavy}."
    )
    yield ""
    yield "## 4. Parsing real arXiv Atom pages (`dailypapers.atom.parse_page`)"
    yield ""
    if parse is None:
        yield f"Skipped: no recorded pages in {FIXTURES}."
    else:
        yield (
            f"{parse.per_second:,.0f} entries/s ({parse.entries:,} entries in {parse.pages} pages, "
            f"{parse.megabytes / parse.seconds:.1f} MB/s, {parse.seconds:.1f} s)."
        )
    yield ""


def mean_entry_bytes(texts: Sequence[FakePaper]) -> float:
    sample = [as_keyword_paper(p, 0, n, DAY_ONE_NEWEST) for n, p in enumerate(texts[:100])]
    with FakeArxiv(sample) as server:
        body = httpx.get(
            server.url,
            params={"id_list": ",".join(p.id for p in sample), "max_results": "100"},
            headers={"Accept": "application/atom+xml"},
        ).content
    return len(body) / len(sample)


def numbers(x: Sequence[str]) -> list[int]:
    return [int(v) for v in x]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="0.2 s delay, 0.05-0.1 s latency")
    ap.add_argument("--delay", type=float, help="politeness delay in seconds (default 3)")
    ap.add_argument(
        "--latency",
        type=lambda s: tuple(float(v) for v in s.split(",")),
        help="server latency range LOW,HIGH in seconds (default 0.3,0.8)",
    )
    ap.add_argument("--keywords", default="5,50", help="keyword counts of the update runs")
    ap.add_argument("--render", default="5,100,500", help="keyword counts of the render runs")
    ap.add_argument("--day", default="100,500", help="keyword counts of the day-after renders")
    ap.add_argument("--page", default="100,500", help="keyword counts of the page in Chromium")
    ap.add_argument("--repeat", type=int, default=5, help="runs per timing (median)")
    ap.add_argument("--parse-seconds", type=float, default=3.0)
    ap.add_argument(
        "--pause", type=float, default=2.0, help="seconds between a page load and its search"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--backoff", type=float, help="retry backoff of section 1b in seconds (default 5)"
    )
    ap.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="DAILYPAPERS_TIMEOUT of section 1b (default 10; a trickled answer costs this much)",
    )
    ap.add_argument(
        "--situation-keywords", type=int, default=5, help="keywords per situation of section 1b"
    )
    ap.add_argument(
        "--no-situations", action="store_true", help="skip issue 12's situations (section 1b)"
    )
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = ap.parse_args(argv)
    if args.delay is None:
        args.delay = 0.2 if args.quick else 3.0
    if args.latency is None:
        args.latency = (0.05, 0.1) if args.quick else (0.3, 0.8)
    if args.backoff is None:
        args.backoff = 0.2 if args.quick else 5.0
    if len(args.latency) != 2:
        ap.error("--latency takes LOW,HIGH")
    args.keywords = numbers(args.keywords.split(",")) if args.keywords else []
    args.render = numbers(args.render.split(",")) if args.render else []
    args.day = numbers(args.day.split(",")) if args.day else []
    args.page = numbers(args.page.split(",")) if args.page else []
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if not DAILYPAPERS.exists():
        raise SystemExit(f"{DAILYPAPERS} not found: install dailypapers in this Python first")
    wanted = max([k * (STORED + OLDER + 2 * PER_DAY) for k in args.keywords] + [STORED * 5, 100])
    texts, source = paper_texts(min(wanted, 30000), args.seed)
    gc.collect()
    entry = mean_entry_bytes(texts)
    update = [r for k in args.keywords for r in bench_update(k, texts, args)]
    situations = [] if args.no_situations else bench_situations(texts, args, run_cli, refetch_bytes)
    startup = bench_startup(args.repeat)
    render = bench_render(args.render, texts, args.repeat, startup.noop_render)
    day = bench_day_render(args.day, texts, args.repeat, startup.noop_render)
    page = bench_page(args.page, texts, args.repeat, args.pause)
    parse = bench_parse(args.parse_seconds)
    lines = report(args, source, update, render, startup, parse, entry, day, page, situations)
    print("\n".join(lines), flush=True)
    if args.json:
        raw: dict[str, Any] = {
            "machine": machine(),
            "args": {k: v for k, v in vars(args).items() if k != "json"},
            "update": [vars(r) | {"floor": r.floor} for r in update],
            "situations": [vars(r) for r in situations],
            "render": [vars(r) for r in render],
            "day_render": [vars(r) for r in day],
            "page": [vars(r) for r in page],
            "startup": vars(startup),
            "parse": vars(parse) if parse else None,
            "children_max_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        }
        args.json.write_text(json.dumps(raw, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
