"""The issue body that tells watchers what a run found: only papers first seen in that run.

GitHub refuses issue bodies over 65,536 characters and a first run can find hundreds of papers,
so the body is fitted to a budget: every keyword keeps its newest papers, the same number for
all, and the rest are counted with a link to the keyword's README section.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..config import Config, Keyword
from ..fetch import Paper
from ..run import UpdateReport
from ..store import order_key
from .escape import md_anchor
from .interface import Output, RenderJob, write_or_remove
from .templating import template

GITHUB_BODY_LIMIT = 65_536
# Room for what GitHub counts differently from Python (line endings, normalisation) and for a
# maintainer who appends a note; the body never gets near the hard limit.
BUDGET = 60_000

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class DigestRow:
    """A paper listed once, under the first keyword it is new for; ``also`` names the others."""

    paper: Paper
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestSection:
    keyword: Keyword
    rows: tuple[DigestRow, ...]
    listed: int
    total: int
    link: str

    @property
    def papers(self) -> tuple[Paper, ...]:
        return tuple(row.paper for row in self.rows)

    @property
    def more(self) -> int:
        return self.listed - len(self.rows)

    @property
    def above(self) -> int:
        """New papers of this keyword already listed under an earlier one."""
        return self.total - self.listed


@dataclass(frozen=True)
class Digest:
    title: str
    body: str
    count: int


def readme_url(readme: Path, env: Mapping[str, str]) -> str:
    """Where an issue body links for the README: the repository's page on GitHub, else the
    file itself.

    An issue body cannot link relatively, so inside Actions (which sets both variables) the link
    is absolute; elsewhere the relative path is the best there is.
    """
    repo = env.get("GITHUB_REPOSITORY", "").strip("/")
    if repo:
        server = env.get("GITHUB_SERVER_URL", "").rstrip("/") or "https://github.com"
        return f"{server}/{repo}"
    return readme.as_posix()


def long_date(iso_day: str) -> str:
    """``2026-11-22`` as ``November 22, 2026``, the same whatever the machine's locale."""
    day = date.fromisoformat(iso_day)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def title(count: int, iso_day: str) -> str:
    noun = "paper" if count == 1 else "papers"
    return f"{count} new {noun} - {long_date(iso_day)}"


def build(
    report: UpdateReport, config: Config, readme: str, *, budget: int = BUDGET
) -> Digest | None:
    """The digest of ``report``'s new papers, or None when the run found nothing new.

    A paper new for several keywords is one row, under the first of them in keywords.yaml:
    the issue is read as a list of things to look at, and the same paper three times is noise.
    """
    key = order_key(config.sort)
    found = [(k.keyword, sorted(k.new, key=key, reverse=True)) for k in report.keywords if k.new]
    if not found:
        return None
    keywords_of: dict[str, list[str]] = {}
    for keyword, papers in found:
        for paper in papers:
            keywords_of.setdefault(paper.id, []).append(keyword.name)
    placed: list[tuple[Keyword, list[DigestRow], int]] = []
    for keyword, papers in found:
        rows = [
            DigestRow(paper, tuple(keywords_of[paper.id][1:]))
            for paper in papers
            if keywords_of[paper.id][0] == keyword.name
        ]
        placed.append((keyword, rows, len(papers)))
    count = len(keywords_of)

    def render(cap: int | None) -> str:
        sections = [
            DigestSection(
                keyword=keyword,
                rows=tuple(rows if cap is None else rows[:cap]),
                listed=len(rows),
                total=total,
                link=f"{readme}#{md_anchor(keyword.name)}",
            )
            for keyword, rows, total in placed
        ]
        return _render(sections, count, report.today, readme, config)

    body = render(None)
    if len(body) > budget:
        body = _fit(render, max(len(rows) for _, rows, _ in placed), budget)
    return Digest(title=title(count, report.today), body=body, count=count)


def _fit(render: Callable[[int], str], most: int, budget: int) -> str:
    """The body with the largest per-keyword cap that fits.

    Only a tracker with hundreds of keywords overflows even with no rows at all; its body is cut
    at a line end rather than refused by GitHub.
    """
    low, high = 0, most
    best = render(0)
    while low < high:
        cap = (low + high + 1) // 2
        body = render(cap)
        if len(body) <= budget:
            low, best = cap, body
        else:
            high = cap - 1
    if len(best) <= budget:
        return best
    cut = best[:budget].rfind("\n", 0, budget - 2)
    return best[: max(cut, 0)] + "\n…\n"


def _render(
    sections: Sequence[DigestSection],
    count: int,
    today: str,
    readme: str,
    config: Config,
) -> str:
    return template("digest.md.j2").render(
        sections=sections,
        count=count,
        day=long_date(today),
        readme=readme,
        link=config.link,
        sort=config.sort,
    )


def write(digest: Digest | None, body_path: Path, title_path: Path | None = None) -> list[Path]:
    """Write the body (and title); with nothing new remove both so no stale issue is opened."""
    changed = write_or_remove(body_path, digest.body if digest else None)
    if title_path is not None:
        changed += write_or_remove(title_path, digest.title + "\n" if digest else None)
    return changed


class DigestOutput:
    """The daily issue's body and title; written only after a run, when asked for."""

    name = "digest"

    def write(self, job: RenderJob) -> list[Path]:
        if job.report is None or job.to.digest is None:
            return []
        readme = job.to.readme_url or job.to.readme.as_posix()
        found = build(job.report, job.snapshot.config, readme)
        return write(found, job.to.digest, job.to.digest_title)


OUTPUT: Output = DigestOutput()
