"""The library entry points the CLI wraps: a test does in three lines what the CLI does.

config = load_config(Path("keywords.yaml"))
report = update(config, Paths(), settings=Settings(api_url=url, delay=0))
render(config, Paths())
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import Config, Keyword, load_config
from .errors import InputError, ReferencesUnavailable
from .fetch import Paper, Searcher
from .fileio import data_lock, render_cache, writable_target
from .run import Progress, UpdateReport
from .settings import Settings
from .store import Snapshot, load_snapshot

# The outputs (Jinja and every template's code) are imported where they are used: `confirm`
# and `health` run in the daily workflow on every run and need none of them.
if TYPE_CHECKING:
    import httpx

    from .outputs import Destinations, RenderReport
    from .rank.interface import Scored
    from .rank.ranking import Ranking

__all__ = ["Paths", "confirm", "load_config", "ranked", "render", "unread_stores", "update"]


@dataclass(frozen=True)
class Paths:
    """Where a tracker lives and where its optional outputs go; the defaults are the
    repository layout."""

    config: Path = Path("keywords.yaml")
    data: Path = Path("data")
    readme: Path = Path("README.md")
    site: Path = Path("site")
    digest: Path | None = None
    """The day's issue body (with ``digest_title``); only ``update`` writes it."""
    digest_title: Path | None = None
    summary: Path | None = None
    """The job summary a run appends to."""
    health: Path | None = None
    """The tracker-health issue body."""
    min_failures: int = 3

    def check_outputs(self) -> None:
        """Refuse an issue body, title, job summary or health body that is one of the tracker's
        own files: a day with nothing new removes the digest (``--digest README.md`` deleted the
        README, ``health --output keywords.yaml`` the keywords), a summary is appended to, and
        a body replaces what is there. Every output must also be a regular file, and each a
        file of its own."""
        from .outputs.tables import folder

        mine = {self.config.resolve(): "the keywords file", self.readme.resolve(): "the README"}
        folders = {
            self.data.resolve(): "in the store folder",
            self.site.resolve(): "in the site folder",
            folder(self.readme.resolve()): "in the complete tables' folder",
        }
        given = (
            (self.digest, "the issue body"),
            (self.digest_title, "the issue title"),
            (self.summary, "the job summary"),
            (self.health, "the health issue body"),
        )
        for output, role in given:
            if output is None:
                continue
            target = writable_target(output).resolve()
            taken = mine.get(target) or next(
                (where for inside, where in folders.items() if target.is_relative_to(inside)), None
            )
            if taken is not None:
                raise InputError(
                    f"{output}: {role} cannot go here, it is {taken}; name another file"
                )
            mine[target] = f"already {role}"

    @property
    def cache(self) -> Path:
        """What the last render of site/ wrote, beside it: never published, never committed."""
        return render_cache(self.site)

    def destinations(self, environ: Mapping[str, str] | None = None) -> Destinations:
        from .outputs import Destinations
        from .outputs.digest import readme_url, tables_url

        return Destinations(
            readme=self.readme,
            site=self.site,
            digest=self.digest,
            digest_title=self.digest_title,
            summary=self.summary,
            health=self.health,
            min_failures=self.min_failures,
            readme_url=readme_url(self.readme, environ or {}),
            cache=self.cache,
            tables_url=tables_url(self.readme, environ or {}),
        )


def write_outputs(
    config: Config,
    paths: Paths,
    report: UpdateReport | None = None,
    environ: Mapping[str, str] | None = None,
) -> RenderReport:
    """Every output from the store on disk, loading only the keywords that must be rendered
    again. The outputs are begun first: the files they may reuse are read and checked in other
    threads while the store loads."""
    from .outputs import Render, RenderJob

    to = paths.destinations(environ)
    with _no_cycle_collection(), Render(config, to) as render:
        snapshot = load_snapshot(config, paths.data)
        for retired in (render_cache(paths.data), render_cache(paths.readme)):
            retired.unlink(missing_ok=True)  # the caches of earlier versions: no longer read
        ranking = ranking_of(snapshot, paths.data)
        return render.write(RenderJob(snapshot, to, report, ranking))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """A render builds a few hundred thousand containers (every paper's row of every keyword)
    and frees them by reference counting, none in a cycle; the cycle collector walked them over
    and over (a twentieth of a day's render at 500 keywords). It runs again after the render."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def ranking_of(snapshot: Snapshot, data: Path) -> Ranking | None:
    """Every keyword's papers scored against the stored references; None without any.

    Scores reach only the issue and the page, so without ``reference:`` nothing is loaded.
    """
    config = snapshot.config
    if not config.all_references:
        return None
    from .rank import references
    from .rank.ranking import rank_stores

    stored, _ = references.load(data)
    if not stored.documents(config.all_references):
        return None
    return rank_stores(config, (entry.load() for entry in snapshot.entries), stored)


def refresh_references(
    config: Config, client: Searcher, data: Path, report: UpdateReport | None = None
) -> list[str]:
    """Fetch the references not asked about yet; the warnings a person should see.

    When the run has just stopped asking arXiv (it is down or refusing), nothing is asked.
    """
    from .rank.references import refresh
    from .run.update import NOT_FETCHED

    wanted = config.all_references
    if not wanted:
        return []
    if report is not None and any(k.error_kind == NOT_FETCHED for k in report.keywords):
        outcome = None
    else:
        outcome = refresh(client, data, wanted)
    warnings = []
    if outcome is None or outcome.error:
        why = outcome.error if outcome else "references not fetched: arXiv is not answering"
        warnings.append(f"{why}; papers without fetched references stay in date order")
    if outcome is not None and outcome.missing:
        known = outcome.references.documents(wanted)
        then = "ranking uses the others" if known else "papers stay in date order"
        warnings.append(
            f"{config.path}: arXiv knows no paper {', '.join(outcome.missing)} (reference:); "
            + then
        )
    return warnings


def render(config: Config, paths: Paths, environ: Mapping[str, str] | None = None) -> RenderReport:
    """Store → every output, without the network. Reports the files it wrote and removed, and
    the keywords whose files it rendered or reused.

    Holds the data folder's lock, like ``update``: a render while a run saves stores would mix
    two days, and the files it stages must not be swept away as a dead writer's.
    """
    from contextlib import nullcontext

    from .outputs.readme import check as check_readme

    check_readme(paths.readme)
    with data_lock(paths.data) if paths.data.is_dir() else nullcontext():
        return write_outputs(config, paths, None, environ)


def update(
    config: Config,
    paths: Paths,
    *,
    settings: Settings | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    jitter: Callable[[], float] | None = None,
    today: str | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> UpdateReport:
    """Fetch, save, then write every output, the issue body and job summary included.

    The HTTP client and the Atom parser are imported here, not at module level: ``render``
    never needs them and they are a large share of its start-up.
    """
    import random

    from .fetch.client import ArxivClient
    from .outputs.readme import check as check_readme
    from .run.update import run_update

    # A README whose markers cannot be trusted, or an output that can be no file, stops the run
    # before anything is fetched or saved.
    check_readme(paths.readme)
    paths.check_outputs()
    with (
        data_lock(paths.data),
        ArxivClient(
            settings or Settings(),
            transport=transport,
            clock=clock,
            sleep=sleep,
            jitter=jitter or random.random,
        ) as client,
    ):
        report = run_update(
            config, client, data_dir=paths.data, today=today, progress=progress, only=only
        )
        report.warnings.extend(refresh_references(config, client, paths.data, report))
        report.written.extend(write_outputs(config, paths, report, environ).changed)
    return report


@dataclass(frozen=True)
class RankedKeyword:
    """One keyword's stored papers, best first, with their scores."""

    keyword: Keyword
    papers: list[tuple[Paper, Scored]]


def ranked(
    config: Config,
    paths: Paths,
    *,
    settings: Settings | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] = time.sleep,
    only: set[str] | None = None,
) -> tuple[list[RankedKeyword], list[str]]:
    """Each keyword's stored papers best first, and warnings; offline once the references are
    stored, else they are fetched first (the store's papers are never fetched here)."""
    from .fetch.client import ArxivClient
    from .rank import references
    from .rank.ranking import rank_stores

    if not config.all_references:
        raise InputError(
            f"{config.path}: no 'reference:' papers to rank against; add some with "
            "`dailypapers add --reference ARXIV_ID`"
        )
    warnings: list[str] = []
    with data_lock(paths.data):
        stored, damaged = references.load(paths.data)
        if damaged or stored.to_fetch(config.all_references):
            with ArxivClient(settings or Settings(), transport=transport, sleep=sleep) as client:
                warnings = refresh_references(config, client, paths.data)
            stored, _ = references.load(paths.data)
        if not stored.documents(config.all_references):
            raise ReferencesUnavailable("; ".join(warnings) or "arXiv knows none of the references")
        stores = [e.load() for e in load_snapshot(config, paths.data).entries]
    chosen = [s for s in stores if only is None or s.keyword.slug in only]
    ranking = rank_stores(config, stores, stored)  # every store is the background
    result = []
    for store in chosen:
        by_id = {paper.id: paper for paper in store.papers}
        order = ranking.ordered(store.keyword.slug, [p.id for p in store.papers])
        result.append(RankedKeyword(store.keyword, [(by_id[s.id], s) for s in order]))
    return result, warnings


def reference_titles(data: Path) -> dict[str, str]:
    """Reference id → title, from the stored references."""
    from .rank import references

    return references.load(data)[0].titles()


def unread_stores(config: Config, data: Path) -> list[Path]:
    """Store files no keyword of ``config`` reads. A keyword renamed or removed in keywords.yaml
    leaves its papers in its old file, kept but no longer shown; ``list`` names them."""
    from .rank.references import FILE_NAME
    from .store import store_path

    read = {store_path(data, keyword.slug).name for keyword in config.keywords} | {FILE_NAME}
    return sorted(p for p in data.glob("*.json") if p.name not in read and p.name[:1] != ".")


def confirm(config: Config, paths: Paths, bodies: list[str]) -> int:
    """Mark the papers that the opened issues ``bodies`` announced as no longer pending.

    Returns how many papers were marked. Idempotent: a paper already marked, or one the bodies
    name but no store holds, is skipped, so the workflow may feed it the latest issues again
    whenever it cannot be sure the last confirm went through.
    """
    from dataclasses import replace

    from .outputs.announced import announced_ids
    from .store import save

    ids = announced_ids(bodies)
    marked: set[str] = set()
    with data_lock(paths.data):
        entries = load_snapshot(config, paths.data).entries
        for entry in entries:
            entry.load()  # every store checked before any is changed
        for entry in entries:
            if ids.intersection(entry.summary.pending):
                store = entry.load()
                done = ids.intersection(store.pending)
                save(
                    paths.data,
                    replace(store, pending=tuple(i for i in store.pending if i not in done)),
                )
                marked |= done
    return len(marked)
