"""The issue body that tells watchers what a run found: every paper no issue has listed yet.

A paper is pending in its store from the run that found it until ``confirm`` reads it back from
an opened issue (``announced_ids``), so a run that stopped before its issue was opened hands its
papers to the next digest instead of losing them. Each section ends with a hidden line naming
every paper it announces, the listed ones and those counted in "…and N more", so ``confirm``
marks exactly what the body announced, whatever GitHub or a reader does to the visible text.

GitHub refuses issue bodies over 65,536 characters and a first run can find hundreds of papers,
so the body is fitted to a budget: every keyword keeps its newest papers, the same number for
all (then a row at a time, keyword by keyword, while room is left), and the rest are counted
with a link to the keyword's complete table in ``papers/``. Paper text is made inert for GitHub (see
``escape.unlinked``): in an issue body ``@name`` would e-mail that user and ``#12`` would leave a
mark on issue 12.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from urllib.parse import quote

from ..config import Config, Keyword
from ..fetch import ARXIV_BASE, Paper
from ..fileio import Staging
from ..rank.ranking import Ranking
from ..store import KeywordStore, Snapshot, Summary, order_key
from .announced import MARKER
from .announced import announced_ids as announced_ids
from .budget import Piece, fit
from .escape import Safe, md_marker
from .interface import (
    NOTHING_PER_KEYWORD,
    BeginsLater,
    Output,
    Pass,
    RenderJob,
    Visit,
    write_or_remove,
)
from .links import CodeLink, paper_links
from .tables import FOLDER, first_part
from .tables import folder as tables_folder
from .templating import template

GITHUB_BODY_LIMIT = 65_536
# Room for what GitHub counts differently from Python (line endings, normalisation) and for a
# maintainer who appends a note; the body never gets near the hard limit.
BUDGET = 60_000
CLIP = 600
"""Characters of a title or comment shown in the issue: one paper must not crowd out the day."""

_MONTHS = (
    "January February March April May June July August September October November December"
).split()


@dataclass(frozen=True)
class DigestRow:
    """A paper listed once, under the first keyword it is new for; ``also`` names the others."""

    paper: Paper
    also: tuple[str, ...] = ()
    links: tuple[CodeLink, ...] = ()
    """The paper's code links, found before its comment is clipped for the issue."""


@dataclass(frozen=True)
class Pick:
    """A row of "Read first": one of the run's best new papers, wherever it is listed."""

    paper: Paper
    keyword: Keyword
    reference: str
    """The title of the reference it is closest to (empty: none)."""
    reference_url: str


@dataclass(frozen=True)
class DigestSection:
    keyword: Keyword
    body: Safe
    """Its table (the rows that fit) and the link to the rest, ready to write."""
    listed: int
    total: int
    marker: Safe
    """The hidden line naming every paper placed here, listed or counted (``announced_ids``)."""

    @property
    def above(self) -> int:
        """New papers of this keyword already listed under an earlier one."""
        return self.total - self.listed


@dataclass(frozen=True)
class Tracking:
    """A keyword this run filled for the first time: one line, not its papers (history)."""

    keyword: Keyword
    count: int
    link: str
    """Its complete table."""


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


def tables_url(readme: Path, env: Mapping[str, str]) -> str:
    """Where an issue body links for the complete tables: on GitHub inside Actions, else the
    folder itself. ``blob/HEAD`` is the default branch; a run on another branch links there."""
    folder = tables_folder(readme)
    repo = env.get("GITHUB_REPOSITORY", "").strip("/")
    if repo and not folder.is_absolute():
        server = env.get("GITHUB_SERVER_URL", "").rstrip("/") or "https://github.com"
        ref = quote(env.get("GITHUB_REF_NAME", "") or "HEAD", safe="")
        return f"{server}/{repo}/blob/{ref}/{quote(folder.as_posix())}"
    return folder.as_posix()


def long_date(iso_day: str) -> str:
    """``2026-11-22`` as ``November 22, 2026``, the same whatever the machine's locale."""
    day = date.fromisoformat(iso_day)
    return f"{_MONTHS[day.month - 1]} {day.day}, {day.year}"


def title(count: int, iso_day: str, tracking: int = 0) -> str:
    """Counts only papers new to keywords tracked before; a day of first fills alone says so."""
    if not count and tracking:
        noun = "keyword" if tracking == 1 else "keywords"
        return f"Now tracking {tracking} new {noun} - {long_date(iso_day)}"
    noun = "paper" if count == 1 else "papers"
    return f"{count} new {noun} - {long_date(iso_day)}"


def pending(snapshot: Snapshot) -> list[tuple[Keyword, list[Paper]]]:
    """Each keyword's papers that wait for an issue, newest first; keywords without any left out."""
    found = (waiting(e.keyword, e.summary, e.load, snapshot.config) for e in snapshot.entries)
    return [item for item in found if item is not None]


def waiting(
    keyword: Keyword, summary: Summary, load: Callable[[], KeywordStore], config: Config
) -> tuple[Keyword, list[Paper]] | None:
    """One keyword's papers that wait for an issue, newest first; its store is loaded only if
    its summary says some do."""
    if not summary.pending:
        return None
    ids = set(summary.pending)
    papers = [p for p in load().papers if p.id in ids]
    if not papers:
        return None
    return keyword, sorted(papers, key=order_key(config.sort), reverse=True)


def build(
    snapshot: Snapshot,
    today: str,
    readme: str,
    *,
    tables: str = FOLDER,
    budget: int = BUDGET,
    ranking: Ranking | None = None,
    tracking: Sequence[tuple[Keyword, int]] = (),
) -> Digest | None:
    """``build_from`` for a whole snapshot."""
    found = pending(snapshot)
    return build_from(
        found,
        snapshot.config,
        today,
        readme,
        tables=tables,
        budget=budget,
        ranking=ranking,
        tracking=tracking,
    )


def build_from(
    found: list[tuple[Keyword, list[Paper]]],
    config: Config,
    today: str,
    readme: str,
    *,
    tables: str = FOLDER,
    budget: int = BUDGET,
    ranking: Ranking | None = None,
    tracking: Sequence[tuple[Keyword, int]] = (),
) -> Digest | None:
    """The digest of every pending paper, or None when nothing waits to be announced and no
    keyword was filled for the first time.

    A paper new for several keywords is one row, under the first of them in keywords.yaml:
    the issue is read as a list of things to look at, and the same paper three times is noise.
    ``tables`` is where the complete tables are read (``tables_url``): a keyword that cannot
    show all its new papers links to its own. ``tracking`` lists the keywords this run filled
    for the first time, with their paper counts: a line each, since their papers were already on
    arXiv before anyone asked for them and listing them all would bury the day's news.

    On a day when not even a heading, a line and the hidden marker of every keyword with news
    fit, the keywords whose papers have waited longest go in and the others wait for the next
    issue, which counts them as found earlier. Cutting the body at the budget instead lost the
    markers of the keywords last in keywords.yaml, so their papers stayed pending and were cut
    again the next day, and the next: never announced.
    """
    if not found and not tracking:
        return None
    if ranking is not None:
        found = [(keyword, best_first(ranking, keyword, papers)) for keyword, papers in found]
    options = (config, today, readme, tables, budget, ranking, tracking)
    digest = _build(found, *options)
    if digest is not None:
        return digest
    by_age = sorted(range(len(found)), key=lambda i: (min(p.first_seen for p in found[i][1]), i))
    best: Digest | None = None
    low, high = 1, len(found) - 1
    while low <= high:
        middle = (low + high) // 2
        taken = sorted(by_age[:middle])
        digest = _build([found[i] for i in taken], *options, waiting=len(found) - middle)
        if digest is None:
            high = middle - 1
        else:
            best, low = digest, middle + 1
    return best or _build(found, *options, cut=True)


def _build(
    found: list[tuple[Keyword, list[Paper]]],
    config: Config,
    today: str,
    readme: str,
    tables: str,
    budget: int,
    ranking: Ranking | None,
    tracking: Sequence[tuple[Keyword, int]],
    *,
    waiting: int = 0,
    cut: bool = False,
) -> Digest | None:
    """``build_from`` for ``found``, with a line for the ``waiting`` keywords left out; None
    when it does not fit, unless ``cut``."""
    now_tracking = [Tracking(k, n, f"{tables}/{first_part(k.slug)}") for k, n in tracking]
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
    earlier = len({p.id for _, papers in found for p in papers if p.first_seen < today})
    day = title(count, today, len(now_tracking))
    lines = [_rows(rows, config) for _, rows, _ in placed]
    head = template("digest_head.md.j2").render()
    links = [f"{tables}/{first_part(keyword.slug)}" for keyword, _, _ in placed]
    top = _read_first(placed, ranking, config) if ranking is not None else Safe("")

    def sections(shown: Sequence[int]) -> list[DigestSection]:
        result = []
        for (keyword, rows, total), rendered, link, n in zip(
            placed, lines, links, shown, strict=True
        ):
            text = (head + "".join(line + "\n" for line in rendered[:n])) if n else ""
            if n < len(rows):
                text += _more(len(rows) - n, n, len(rows), link)
            marker = md_marker((row.paper.id for row in rows), MARKER)
            result.append(DigestSection(keyword, Safe(text), len(rows), total, marker))
        return result

    def _render(sections: Sequence[DigestSection]) -> str:
        return template("digest.md.j2").render(
            sections=sections,
            count=count,
            earlier=earlier,
            day=long_date(today),
            readme=readme,
            tracking=now_tracking,
            read_first=top,
            waiting=waiting,
        )

    body = _render(sections([len(r) for r in lines]))
    if len(body) <= budget:
        return Digest(title=day, body=body, count=count)
    pieces = []
    for rendered, link in zip(lines, links, strict=True):
        sizes = [len(line) + 1 for line in rendered]
        if sizes:
            sizes[0] += len(head)
        # The link reads "…and N more" under rows and "N new" without: room for the longer.
        more = max(len(_more(len(rendered), n, len(rendered), link)) for n in (0, 1))
        pieces.append(Piece(sizes, more))
    fixed = len(_render([replace(s, body=Safe("")) for s in sections([0] * len(lines))]))
    shown = fit(fixed, pieces, budget)
    if shown is None and not cut:
        return None
    body = _render(sections(shown or [0] * len(lines)))
    if len(body) > budget:
        # Hundreds of keywords filled for the first time, or one keyword's marker of thousands:
        # the body is cut at a line end rather than refused by GitHub.
        end = body[:budget].rfind("\n", 0, budget - 2)
        body = body[: max(end, 0)] + "\n…\n"
    return Digest(title=day, body=body, count=count)


def clip(text: str) -> str:
    """Paper text or an error cut to ``CLIP`` characters, so that one cannot fill an issue."""
    return text if len(text) <= CLIP else text[: CLIP - 1].rstrip() + "…"


def _rows(rows: Sequence[DigestRow], config: Config) -> list[str]:
    """One line per row, as the issue shows it; long titles and comments clipped first."""
    if not rows:
        return []
    clipped = [
        replace(
            r,
            paper=replace(r.paper, title=clip(r.paper.title), comment=clip(r.paper.comment)),
            links=paper_links(r.paper),
        )
        for r in rows
    ]
    text = template("digest_rows.md.j2").render(rows=clipped, link=config.link, sort=config.sort)
    return text.removesuffix("\n").split("\n")


def _more(more: int, shown: int, listed: int, link: str) -> str:
    return template("digest_more.md.j2").render(more=more, shown=shown, listed=listed, link=link)


def best_first(ranking: Ranking, keyword: Keyword, papers: list[Paper]) -> list[Paper]:
    """A keyword's papers by score, best first; equal scores and unscored papers keep their
    (newest first) order, the unscored after the rest."""
    by_id = {paper.id: paper for paper in papers}
    ordered = [by_id[s.id] for s in ranking.ordered(keyword.slug, list(by_id))]
    seen = {paper.id for paper in ordered}
    return ordered + [paper for paper in papers if paper.id not in seen]


def _read_first(
    placed: Sequence[tuple[Keyword, list[DigestRow], int]], ranking: Ranking, config: Config
) -> Safe:
    """The run's best new papers across keywords, each scored for the keyword it is listed
    under; papers sharing nothing with any reference are not picked."""
    if config.read_first == 0:
        return Safe("")
    scored = []
    for order, (keyword, rows, _) in enumerate(placed):
        scores = ranking.of(keyword.slug)
        for position, row in enumerate(rows):
            score = scores.get(row.paper.id)
            if score is not None and score.closest is not None:
                scored.append((-score.score, order, position, keyword, row.paper, score.closest))
    scored.sort(key=lambda item: item[:3])
    picks = [
        Pick(
            replace(paper, title=clip(paper.title)),
            keyword,
            clip(ranking.titles.get(closest, "")),
            f"{ARXIV_BASE}/abs/{closest}",
        )
        for *_, keyword, paper, closest in scored[: config.read_first]
    ]
    if not picks:
        return Safe("")
    return Safe(template("digest_read_first.md.j2").render(picks=picks, link=config.link))


def write(digest: Digest | None, body_path: Path, title_path: Path | None = None) -> list[Path]:
    """Write the body (and title); with nothing new remove both so no stale issue is opened."""
    changed = write_or_remove(body_path, digest.body if digest else None)
    if title_path is not None:
        changed += write_or_remove(title_path, digest.title + "\n" if digest else None)
    return changed


class DigestPass:
    def __init__(self, job: RenderJob) -> None:
        self.job = job
        self.found: list[tuple[Keyword, list[Paper]]] = []

    def keyword(self, visit: Visit, staging: Staging) -> None:
        item = waiting(visit.keyword, visit.summary, visit.store, self.job.snapshot.config)
        if item is not None:
            self.found.append(item)

    def finish(self) -> list[Path]:
        job = self.job
        if job.report is None or job.to.digest is None:
            return []
        readme = job.to.readme_url or job.to.readme.as_posix()
        folder = job.to.tables_url or tables_folder(job.to.readme).as_posix()
        config = job.snapshot.config
        tracking = [(k.keyword, k.kept) for k in job.report.keywords if k.ok and k.first_fill]
        found = build_from(
            self.found,
            config,
            job.report.today,
            readme,
            tables=folder,
            ranking=job.ranking,
            tracking=tracking,
        )
        return write(found, job.to.digest, job.to.digest_title)


class DigestOutput(BeginsLater):
    """The daily issue's body and title; written only after a run, when asked for."""

    name = "digest"

    def start(self, job: RenderJob) -> Pass:
        if job.report is None or job.to.digest is None:
            return NOTHING_PER_KEYWORD
        return DigestPass(job)


OUTPUT: Output = DigestOutput()
