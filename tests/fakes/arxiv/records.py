"""The fake arXiv's papers and faults: records, synthetic papers, the real corpus."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

SHARED_DIR = Path(__file__).resolve().parents[4] / "shared"
CORPUS_PATH = SHARED_DIR / "fixtures" / "corpus" / "papers.jsonl.gz"

FAULT_KINDS = frozenset(
    {
        "refuse",
        "timeout_headers",
        "timeout_body",
        "429",
        "500",
        "502",
        "503",
        "empty_page",
        "truncated",
        "html_200",
        "invalid_xml",
        "missing_id",
        "missing_dates",
        "error_400",
        "trickle",
        "repeat",
    }
)

MAX_RESULTS_CAP = 2000
MAX_START = 30000
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"

# records


@dataclass
class FakePaper:
    """One record the server can serve (the newest version of a paper)."""

    id: str
    version: int
    title: str
    abstract: str = ""
    comment: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=lambda: ["cs.CV"])
    published: str = "2026-11-01T00:00:00Z"
    updated: str = "2026-11-01T00:00:00Z"
    doi: str = ""
    journal_ref: str = ""

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""


@dataclass
class Fault:
    """A misbehaviour to apply to matching requests (see the server's docs for the kinds).

    ``trickle`` sends the answer one byte every ``FakeArxiv.trickle_seconds``; ``repeat`` serves
    each page with its first entry again in second place, pushing the page's last entry off it
    (the next page starts after it, as if the list had shifted)."""

    kind: str
    times: int = 1
    retry_after: str | None = None
    match: Callable[[dict[str, str]], bool] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(FAULT_KINDS)}")


@dataclass
class RequestLog:
    """What the server saw and did for one request.

    ``status`` is 0 when no HTTP response was sent at all (``refuse``, ``timeout_headers``).
    """

    started: float
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    method: str = "GET"
    status: int = 0
    bytes_sent: int = 0
    fault: str | None = None
    total_results: int = 0
    entries: int = 0


# corpus helpers

_FIRST = ["Ada", "Alan", "Grace", "Emmy", "Kurt", "Sofia", "Yuki", "Chen", "Amara", "Lars"]
_LAST = ["Lovelace", "Turing", "Hopper", "Noether", "Gödel", "Kovalevskaya", "Tanaka", "Wei"]


def _pseudo_authors(key: str, count: int = 2) -> list[str]:
    h = zlib.crc32(key.encode("utf-8"))
    return [
        f"{_FIRST[(h >> (4 * i)) % len(_FIRST)]} {_LAST[(h >> (4 * i + 2)) % len(_LAST)]}"
        for i in range(count)
    ]


def load_corpus(limit: int | None = None) -> list[FakePaper]:
    """Load the shared corpus of real papers (raises FileNotFoundError when it is absent).

    Missing fields are filled in: ``published`` = ``updated``, ``categories`` = ``["cs.LG"]``,
    authors = two deterministic made-up names. The primary category is moved to the front.
    """
    if not CORPUS_PATH.is_file():
        raise FileNotFoundError(str(CORPUS_PATH))
    papers: list[FakePaper] = []
    with gzip.open(CORPUS_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(papers) >= limit:
                break
            if not line.strip():
                continue
            d: dict[str, Any] = json.loads(line)
            cats = [str(c) for c in d.get("categories") or []] or ["cs.LG"]
            primary = d.get("primary_category") or ""
            if primary:
                cats = [primary, *[c for c in cats if c != primary]]
            updated = str(d.get("updated") or "2026-01-01T00:00:00Z")
            papers.append(
                FakePaper(
                    id=str(d["id"]),
                    version=int(d.get("version") or 1),
                    title=str(d.get("title") or ""),
                    abstract=str(d.get("abstract") or ""),
                    comment=str(d.get("comment") or ""),
                    authors=[str(a) for a in d.get("authors") or []]
                    or _pseudo_authors(str(d["id"])),
                    categories=cats,
                    published=str(d.get("published") or updated),
                    updated=updated,
                    doi=str(d.get("doi") or ""),
                    journal_ref=str(d.get("journal_ref") or ""),
                )
            )
    return papers


def _fmt_time(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_papers(
    n: int,
    words: str,
    *,
    start: str = "2026-11-20T12:00:00Z",
    step_minutes: int = 37,
    prefix: str = "2611",
    first_number: int = 1,
    categories: Iterable[str] = ("cs.CV",),
) -> list[FakePaper]:
    """Deterministic synthetic papers whose titles contain ``words``.

    Paper ``i`` gets id ``f"{prefix}.{first_number + i:05d}"`` and ``published`` = ``updated`` =
    ``start - i * step_minutes`` (so the list goes back in time).
    """
    t0 = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    cats = list(categories)
    out: list[FakePaper] = []
    for i in range(n):
        num = first_number + i
        when = _fmt_time(t0 - timedelta(minutes=step_minutes * i))
        out.append(
            FakePaper(
                id=f"{prefix}.{num:05d}",
                version=1,
                title=f"{words}: synthetic study {num}",
                abstract=f"We present synthetic paper {num} about {words}. Results are made up.",
                comment=f"{4 + num % 9} pages, {num % 5} figures",
                authors=_pseudo_authors(f"{prefix}.{num}", 1 + num % 3),
                categories=list(cats),
                published=when,
                updated=when,
            )
        )
    return out
