"""Command line: parses flags, calls dailypapers.api, maps errors to exit statuses.

Exit statuses: 0 success (also when arXiv announced nothing); 1 some keyword failed to update
(the others were saved); 2 bad input (keywords.yaml, arguments); 3 a store file is corrupt;
4 another run holds the data folder's lock.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Track new arXiv papers per keyword: JSON store, README tables, daily digests.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

ConfigOpt = Annotated[
    Path, typer.Option("--config", "-c", help="Keywords file.", show_default=True)
]
DataOpt = Annotated[
    Path, typer.Option("--data", help="Folder of the JSON store (one file per keyword).")
]
ReadmeOpt = Annotated[
    Path, typer.Option("--readme", help="README whose paper tables are regenerated.")
]


def _fail(exc: Exception) -> NoReturn:
    code = getattr(exc, "exit_code", 1)
    typer.echo(f"dailypapers: {exc}", err=True)
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dailypapers {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Track new arXiv papers per keyword.

    Exit statuses: 0 ok (also when arXiv announced nothing), 1 some keyword failed to update,
    2 bad input, 3 corrupt store file, 4 another run is using the data folder.
    """


def _env_number(name: str, default: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= high:
        typer.echo(f"dailypapers: {name}={raw!r}: must be a number from 0 to {high:g}", err=True)
        raise typer.Exit(2)
    return value


@app.command()
def update(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    readme: ReadmeOpt = Path("README.md"),
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="Update only this keyword (repeatable)."),
    ] = None,
) -> None:
    """Fetch new papers from arXiv for every keyword, save them, regenerate the README.

    Set DAILYPAPERS_API_URL to use another arXiv-compatible endpoint and DAILYPAPERS_DELAY for
    the seconds between requests (default 3; raise it when arXiv rate-limits you).
    """
    from . import api
    from .errors import DailyPapersError
    from .progress import ConsoleProgress, summary_lines
    from .source import DEFAULT_DELAY, RetryPolicy

    delay = _env_number("DAILYPAPERS_DELAY", DEFAULT_DELAY, 600)
    policy = RetryPolicy(
        retries=int(_env_number("DAILYPAPERS_RETRIES", RetryPolicy.retries, 10)),
        base=_env_number("DAILYPAPERS_BACKOFF", RetryPolicy.base, 600),
    )
    timeout = _env_number("DAILYPAPERS_TIMEOUT", 30.0, 600) or 30.0
    paths = api.Paths(config=config, data=data, readme=readme)
    try:
        cfg = api.load_config(config)
        only = _select(cfg, keyword) if keyword else None
        progress = ConsoleProgress(sys.stderr, total=len(only or cfg.topics))
        report = api.update(
            cfg, paths, delay=delay, policy=policy, timeout=timeout, progress=progress, only=only
        )
    except DailyPapersError as exc:
        _fail(exc)
    for line in summary_lines(report):
        typer.echo(line)
    if report.failed:
        names = ", ".join(t.topic.name for t in report.failed)
        typer.echo(f"dailypapers: failed keywords: {names}", err=True)
        raise typer.Exit(1)


def _select(cfg: object, names: list[str]) -> set[str]:
    from .errors import InputError
    from .models import Config

    assert isinstance(cfg, Config)
    by_name = {t.name.casefold(): t.slug for t in cfg.topics}
    chosen: set[str] = set()
    for name in names:
        slug = by_name.get(" ".join(name.split()).casefold())
        if slug is None:
            raise InputError(f"{cfg.path}: no keyword named '{name}'")
        chosen.add(slug)
    return chosen


@app.command()
def render(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    readme: ReadmeOpt = Path("README.md"),
) -> None:
    """Regenerate the README tables from the store, without the network."""
    from . import api
    from .errors import DailyPapersError

    try:
        changed = api.render(api.load_config(config), api.Paths(config, data, readme))
    except DailyPapersError as exc:
        _fail(exc)
    for path in changed:
        typer.echo(f"wrote {path}")


@app.command("list")
def list_keywords(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
) -> None:
    """List the keywords, their arXiv query and how many papers each has stored."""
    from . import api
    from .errors import DailyPapersError
    from .query import search_query
    from .update import load_snapshot

    try:
        snapshot = load_snapshot(api.load_config(config), data)
    except DailyPapersError as exc:
        _fail(exc)
    for section in snapshot.sections:
        store = section.store
        status = f"{len(store.papers)} papers"
        if store.last_success:
            status += f", updated {store.last_success}"
        if store.health.failures:
            status += f", failing for {store.health.failures} run(s)"
        typer.echo(f"{section.topic.name}\t{status}\t{search_query(section.topic)}")


@app.command()
def add(
    name: Annotated[
        str, typer.Argument(help="The keyword (a phrase searched in title or abstract).")
    ],
    config: ConfigOpt = Path("keywords.yaml"),
) -> None:
    """Add a keyword to keywords.yaml, keeping its comments; run `update` to fetch its papers."""
    from .errors import DailyPapersError
    from .keywords_file import add_keyword

    try:
        add_keyword(config, name)
    except DailyPapersError as exc:
        _fail(exc)
    except OSError as exc:
        typer.echo(f"dailypapers: {config}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"added '{name}' to {config}")


@app.command()
def remove(
    name: Annotated[str, typer.Argument(help="The keyword's name as in keywords.yaml.")],
    config: ConfigOpt = Path("keywords.yaml"),
) -> None:
    """Remove a keyword from keywords.yaml; its store file in data/ is kept."""
    from .errors import DailyPapersError
    from .keywords_file import remove_keyword

    try:
        remove_keyword(config, name)
    except DailyPapersError as exc:
        _fail(exc)
    except OSError as exc:
        typer.echo(f"dailypapers: {config}: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"removed '{name}' from {config}; run `dailypapers render` to update the README")
