"""Issue 12's days: what each costs a daily run and how many announced papers it misses.

Each situation starts from a tracker that ran yesterday (its own keywords, its own loopback
server), changes the server the way arXiv behaved that day, runs ``dailypapers update`` once and
counts requests, bytes, wall time and the announced papers that did not reach the store.
"""

from __future__ import annotations

import argparse
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dailypapers import store as store_mod
from dailypapers.config import Keyword
from dailypapers.text import slugify
from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault, refused_url

STORED = 100


@dataclass
class Situation:
    name: str
    what: str
    per_day: int = 10
    matches: int = 130


SITUATIONS = (
    Situation(
        "ordinary day, 15 new",
        "a busy keyword (15 a day) gets its usual 15, dated after the newest stored paper",
        per_day=15,
    ),
    Situation(
        "arXiv ignores sortBy",
        "answers in relevance order over 3,000 matches; 5 new, 1 held back 9 h, 1 new version "
        "of a stored paper",
        matches=3000,
    ),
    Situation(
        "count rises by less",
        "a stored paper is withdrawn (leaves the query) the day 10 new and 1 held back 20 h arrive",
    ),
    Situation(
        "repeated entries",
        "every page repeats its first entry, pushing its last one off; 2 new, 1 held back 23 h",
    ),
    Situation(
        "trickling answer",
        "the first answer for each keyword trickles one byte every 0.5 s; 10 new",
    ),
    Situation(
        "arXiv unreachable",
        "nothing listens on the API port; the next run, against a working arXiv, catches up "
        "on 10 new",
    ),
)


@dataclass
class SituationResult:
    name: str
    what: str
    keywords: int
    requests: int
    bytes: int
    wall: float
    announced: int
    missed: int
    refetch_bytes: int
    note: str = ""


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def name(i: int) -> str:
    return f"Situation Topic {i:02d}"


def record(base: FakePaper, i: int, n: int, when: datetime, version: int = 1) -> FakePaper:
    """Corpus text given to keyword ``i`` (phrase in the abstract only) under a fresh id."""
    return FakePaper(
        id=f"{2701 + i}.{n:05d}",
        version=version,
        title=base.title,
        abstract=f"{name(i)}. {base.abstract}",
        comment=base.comment,
        authors=list(base.authors),
        categories=list(base.categories),
        published=stamp(when),
        updated=stamp(when),
    )


@dataclass
class Day:
    history: list[FakePaper]
    newest: dict[int, datetime]


def history(
    texts: Sequence[FakePaper], s: Situation, rng: random.Random, now: datetime, keywords: int
) -> Day:
    out: list[FakePaper] = []
    newest: dict[int, datetime] = {}
    step = 24 * 60 // s.per_day
    for i in range(keywords):
        top = now - timedelta(minutes=rng.randrange(0, 120))
        newest[i] = top
        for n in range(s.matches):
            when = top - timedelta(minutes=n * step + (rng.randrange(0, step // 2) if n else 0))
            out.append(record(texts[(i * 7919 + n) % len(texts)], i, n, when))
    return Day(out, newest)


def fresh(texts: Sequence[FakePaper], i: int, top: datetime, count: int) -> list[FakePaper]:
    return [
        record(
            texts[(i * 104729 + 50000 + k) % len(texts)], i, 90000 + k, top + timedelta(hours=1 + k)
        )
        for k in range(count)
    ]


def held(texts: Sequence[FakePaper], i: int, top: datetime, hours: float) -> FakePaper:
    return record(texts[(i * 31 + 60000) % len(texts)], i, 95000, top - timedelta(hours=hours))


def stored_versions(folder: Path, keywords: int) -> dict[str, int]:
    versions: dict[str, int] = {}
    for i in range(keywords):
        keyword = Keyword(name=name(i), slug=slugify(name(i)))
        versions |= {p.id: p.version for p in store_mod.load(folder / "data", keyword).papers}
    return versions


def bench_situations(
    texts: Sequence[FakePaper],
    args: argparse.Namespace,
    run_cli: Callable[..., object],
    refetch: Callable[[FakeArxiv, int, Callable[[int], str]], int],
) -> list[SituationResult]:
    # Situations with the same history (per day, matches) start from the same day one: it is
    # run once and copied, as the seeded history and the fixed clock make it the same run.
    with tempfile.TemporaryDirectory(prefix="dp-day-one-") as kept:
        day_ones: dict[tuple[int, int], Path] = {}
        return [_one(s, texts, args, run_cli, refetch, day_ones, Path(kept)) for s in SITUATIONS]


def _one(
    s: Situation,
    texts: Sequence[FakePaper],
    args: argparse.Namespace,
    run_cli: Callable[..., object],
    refetch: Callable[[FakeArxiv, int, Callable[[int], str]], int],
    day_ones: dict[tuple[int, int], Path],
    kept: Path,
) -> SituationResult:
    rng = random.Random(args.seed)
    now = datetime(2026, 11, 19, 18, 0)
    count = args.situation_keywords
    day = history(texts, s, rng, now, count)
    backoff = f"{args.backoff:g}"
    env = {
        "DAILYPAPERS_DELAY": str(args.delay),
        "DAILYPAPERS_RETRIES": "4",
        "DAILYPAPERS_BACKOFF": backoff,
        "DAILYPAPERS_TIMEOUT": f"{args.timeout:g}",
    }
    server = FakeArxiv(day.history, trickle_seconds=0.5)
    with tempfile.TemporaryDirectory(prefix="dp-situation-") as tmp, server:
        folder = Path(tmp)
        keywords = "".join(f"  - {name(i)}\n" for i in range(count))
        (folder / "keywords.yaml").write_text(f"keywords:\n{keywords}", encoding="utf-8")
        (folder / "README.md").write_text(
            "<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n", encoding="utf-8"
        )
        env["DAILYPAPERS_API_URL"] = server.url
        same_day_one = (s.per_day, s.matches)
        if same_day_one in day_ones:
            shutil.copytree(day_ones[same_day_one], folder, dirs_exist_ok=True)
        else:
            first = run_cli(["update"], folder, env)
            assert getattr(first, "returncode", 1) == 0, getattr(first, "stderr", "")
            day_ones[same_day_one] = kept / f"{s.per_day}-{s.matches}"
            shutil.copytree(folder, day_ones[same_day_one])
        before = stored_versions(folder, count)
        announced: list[FakePaper] = []
        note = ""
        for i in range(count):
            top = day.newest[i]
            if s.name.startswith("ordinary"):
                announced += fresh(texts, i, top, 15)
            elif s.name.startswith("arXiv ignores"):
                mine = sorted(
                    (p for p in day.history if p.id.startswith(f"{2701 + i}.")),
                    key=lambda p: p.updated,
                    reverse=True,
                )
                old = mine[40]
                revision = record(
                    texts[(i * 17 + 70000) % len(texts)],
                    i,
                    int(old.id.split(".")[1]),
                    top + timedelta(hours=3),
                    version=2,
                )
                revision.published = old.published
                announced += [*fresh(texts, i, top, 5), held(texts, i, top, 9), revision]
            elif s.name.startswith("count"):
                mine = [p for p in day.history if p.id.startswith(f"{2701 + i}.")]
                server.withdraw(mine[3].id, stamp(top + timedelta(hours=2)))
                announced += [*fresh(texts, i, top, 10), held(texts, i, top, 20)]
            elif s.name.startswith("repeated"):
                announced += [*fresh(texts, i, top, 2), held(texts, i, top, 23)]
            else:
                announced += fresh(texts, i, top, 10)
        server.add(announced)
        if s.name.startswith("arXiv ignores"):
            server.ignore_sort = True
        if s.name.startswith("repeated"):
            server.inject(Fault("repeat", times=-1))
        if s.name.startswith("trickling"):
            for i in range(count):
                phrase = name(i)
                server.inject(
                    Fault("trickle", match=lambda q, p=phrase: p in q.get("search_query", ""))
                )
        seen = len(server.requests)
        if s.name.startswith("arXiv unreachable"):
            down = run_cli(["update"], folder, {**env, "DAILYPAPERS_API_URL": refused_url()})
            stderr = getattr(down, "stderr", "")
            note = (
                f"unreachable run: exit {getattr(down, 'returncode', '?')}, "
                f"{stderr.count('FAILED (connection)')} keywords tried, "
                f"{stderr.count('FAILED (not fetched)')} not fetched, "
                f"{getattr(down, 'wall', 0.0):.1f} s (retries 4, backoff {backoff} s)"
            )
        run = run_cli(["update"], folder, env)
        logs = server.requests[seen:]
        versions = stored_versions(folder, count)
        missed = sum(1 for p in announced if versions.get(p.id, 0) < p.version)
        assert before  # day one stored something
        server.ignore_sort = False
        server.clear_faults()
        refetch_bytes = refetch(server, count, name)
        return SituationResult(
            name=s.name,
            what=s.what,
            keywords=count,
            requests=len(logs),
            bytes=sum(log.bytes_sent for log in logs),
            wall=getattr(run, "wall", 0.0),
            announced=len(announced),
            missed=missed,
            refetch_bytes=refetch_bytes,
            note=note or f"exit {getattr(run, 'returncode', '?')}",
        )


def mark(ok: bool) -> str:
    return "met" if ok else "**missed**"


def situation_report(results: Sequence[SituationResult]) -> Iterator[str]:
    yield (
        f"## 1b. Issue 12's situations ({results[0].keywords if results else 0} keywords each, "
        "one run after a normal day one)"
    )
    yield ""
    yield (
        "| situation | requests | per keyword | kB | % of a refetch of 100 | wall s "
        "| announced | missed |"
    )
    yield "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    for r in results:
        share = r.bytes / r.refetch_bytes if r.refetch_bytes else float("nan")
        yield (
            f"| {r.name} | {r.requests} | {r.requests / r.keywords:.1f} | {r.bytes / 1024:,.0f} "
            f"| {share:.1%} | {r.wall:.1f} | {r.announced} | {r.missed} |"
        )
    yield ""
    for r in results:
        yield f"- {r.name}: {r.what}. {r.note}."
    missed = sum(r.missed for r in results)
    yield f"- Missed papers over all situations: {missed} (target 0: {mark(missed == 0)})."
    ordinary = next(r for r in results if r.name.startswith("ordinary"))
    share = ordinary.bytes / ordinary.refetch_bytes
    yield (
        f"- Ordinary day with 15 new: {ordinary.requests / ordinary.keywords:.1f} requests per "
        f"keyword (target 1: {mark(ordinary.requests <= ordinary.keywords)}), "
        f"{share:.1%} of a refetch of 100 (target ≤ 25%: {mark(share <= 0.25)})."
    )
    yield ""
