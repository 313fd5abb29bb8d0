"""Command line: parses flags, calls dailypapers.pipeline, maps errors to exit statuses.

Exit statuses: 0 success (also when arXiv announced nothing); 1 some keyword failed to update
(the others were saved); 2 bad input (keywords.yaml, arguments); 3 a store file is corrupt;
4 another run holds the data folder's lock; 141 the reader of the output went away.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from .. import __version__

if TYPE_CHECKING:
    from ..config import Config, Keyword
    from ..settings import Settings

_VERBOSE = ("--verbose", "-v")


class _Commands(TyperGroup):
    """``dailypapers update --verbose`` as well as ``dailypapers --verbose update``: the option
    belongs to the program, but a user who wants to see a command's requests types it after
    the command, and was told there is no such option."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        moved = [a for a in args[:end] if a in _VERBOSE]
        rest = [a for a in args[:end] if a not in _VERBOSE]
        return super().parse_args(ctx, [*moved[:1], *rest, *args[end:]])

    def invoke(self, ctx: Any) -> Any:
        """Output cut short by its reader (``dailypapers list | head -1``) ends the run as a
        Unix tool killed by SIGPIPE does, with status 141, not 1: 1 says a keyword failed."""
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # What is still buffered goes nowhere, so the last flush at exit cannot fail too.
            devnull = os.open(os.devnull, os.O_WRONLY)
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(OSError, ValueError):
                    os.dup2(devnull, stream.fileno())
            raise typer.Exit(BROKEN_PIPE) from None


BROKEN_PIPE = 141
"""128 + SIGPIPE, as a shell reports a command whose reader went away."""


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    help="Track new arXiv papers per keyword: JSON store, README tables, daily digests.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

_ROOT = "dailypapers.root"


def _defaulted(ctx: typer.Context, param: typer.CallbackParam) -> bool:
    source = ctx.get_parameter_source(param.name or "")
    return source is not None and source.name in ("DEFAULT", "DEFAULT_MAP")


def _find_config(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    """Without --config, keywords.yaml is looked for upward from here, as git looks for its
    folder; the other default paths then belong to the folder where it was found."""
    if not _defaulted(ctx, param) or value.exists():
        return value
    from ..config.locate import find_root
    from ..errors import ConfigError

    try:
        here = Path.cwd()
    except FileNotFoundError:  # removed under the shell, as by a checkout or rm -r
        _fail(
            "the current folder no longer exists (cd to the tracker's folder, or give --config)",
            2,
        )
    try:
        root = find_root(value.name, here)
    except ConfigError as exc:
        _fail(str(exc), exc.exit_code)
    ctx.meta[_ROOT] = root
    return root / value


def _at_root(ctx: typer.Context, param: typer.CallbackParam, value: Path) -> Path:
    root = ctx.meta.get(_ROOT)
    return root / value if root is not None and _defaulted(ctx, param) else value


ConfigOpt = Annotated[
    Path,
    typer.Option(
        "--config",
        "-c",
        help="Keywords file (default: keywords.yaml here or in the nearest folder above, up to "
        "the repository root).",
        show_default=False,
        callback=_find_config,
    ),
]
DataOpt = Annotated[
    Path,
    typer.Option(
        "--data", help="Folder of the JSON store (one file per keyword).", callback=_at_root
    ),
]
ReadmeOpt = Annotated[
    Path,
    typer.Option("--readme", help="README whose paper tables are regenerated.", callback=_at_root),
]
SiteOpt = Annotated[
    Path,
    typer.Option(
        "--site", help="Folder for the Atom feeds, BibTeX files and web page.", callback=_at_root
    ),
]


def _say(line: str, *, err: bool = False) -> None:
    """Every line the CLI prints: outside text in it can never start a line or a command."""
    from ..outputs.escape import log_line

    typer.echo(log_line(line), err=err)


class _GuardedFormatter(logging.Formatter):
    """Log records as lines that start with our own words: the first through ``log_line``,
    any further ones (a traceback) each behind a visible ``  | ``."""

    def format(self, record: logging.LogRecord) -> str:
        from ..outputs.escape import log_line, log_text

        first, *rest = super().format(record).splitlines() or [""]
        return "\n".join([log_line(first), *(f"  | {log_text(line)}" for line in rest)])


class _CliLogHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The CLI's own handler, so a later invocation can replace it."""


def _fail(message: str, code: int) -> NoReturn:
    _say(f"dailypapers: {message}", err=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def _exit_on_error() -> Iterator[None]:
    """Library errors and unwritable files become one line on stderr and their exit status."""
    from ..errors import DailyPapersError

    try:
        yield
    except DailyPapersError as exc:
        _fail(str(exc), exc.exit_code)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}", 2)


def _version(value: bool) -> None:
    if value:
        _say(f"dailypapers {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Log each request to arXiv: URL, status, bytes, retries and waits.",
        ),
    ] = False,
) -> None:
    """Track new arXiv papers per keyword.

    Exit statuses: 0 ok (also when arXiv announced nothing), 1 some keyword failed to update,
    2 bad input, 3 corrupt store file, 4 another run is using the data folder.
    """
    # Without a handler Python would print warnings raw; this passes every line through the
    # guard. One per invocation: a test runner calls main() many times in one process.
    handler = _CliLogHandler(sys.stderr)
    package = logging.getLogger("dailypapers")
    for earlier in [h for h in package.handlers if isinstance(h, _CliLogHandler)]:
        package.removeHandler(earlier)
    package.setLevel(logging.NOTSET)
    if verbose:
        handler.setFormatter(_GuardedFormatter("%(asctime)s %(name)s: %(message)s", "%H:%M:%S"))
        package.setLevel(logging.DEBUG)
    else:
        handler.setFormatter(_GuardedFormatter("dailypapers: %(levelname)s: %(message)s"))
        handler.setLevel(logging.WARNING)
    package.addHandler(handler)


@app.command()
def update(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    readme: ReadmeOpt = Path("README.md"),
    site: SiteOpt = Path("site"),
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="Update only this keyword (repeatable)."),
    ] = None,
    digest: Annotated[
        Path | None,
        typer.Option(
            help="Write the issue body of this run's new papers here (removed if none are new)."
        ),
    ] = None,
    digest_title: Annotated[
        Path | None,
        typer.Option(help="Write the digest's issue title here (removed if none are new)."),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(help="Append a Markdown table of the run per keyword (job summary)."),
    ] = None,
) -> None:
    """Fetch new papers from arXiv for every keyword, save them, regenerate the README.

    Set DAILYPAPERS_API_URL to use another arXiv-compatible endpoint and DAILYPAPERS_DELAY for
    the seconds between requests (default 3; raise it when arXiv rate-limits you).
    """
    from .. import pipeline
    from ..settings import Settings, github_environment
    from .progress import ConsoleProgress, summary_lines, workflow_commands

    if digest_title is not None and digest is None:
        _fail("--digest-title needs --digest", 2)
    paths = pipeline.Paths(
        config=config,
        data=data,
        readme=readme,
        site=site,
        digest=digest,
        digest_title=digest_title,
        summary=summary,
    )
    with _exit_on_error():
        settings, github = Settings.from_env(), github_environment()
        cfg = pipeline.load_config(config)
        only = _select(cfg, keyword) if keyword else None
        progress = ConsoleProgress(sys.stderr, total=len(only or cfg.keywords))
        report = pipeline.update(
            cfg, paths, settings=settings, progress=progress, only=only, environ=github
        )
    for line in summary_lines(report):
        _say(line)
    for warning in report.warnings:
        _say(f"dailypapers: warning: {warning}", err=True)
    if github.get("GITHUB_ACTIONS") == "true":
        for line in workflow_commands(report):
            typer.echo(line)  # our own commands; values escaped
    if report.failed:
        names = ", ".join(k.keyword.name for k in report.failed)
        _say(f"dailypapers: failed keywords: {names}", err=True)
        raise typer.Exit(1)


def _select(cfg: Config, names: list[str]) -> set[str]:
    from ..errors import InputError

    chosen: set[str] = set()
    for name in names:
        keyword = cfg.keyword_named(name)
        if keyword is None:
            raise InputError(f"{cfg.path}: no keyword named '{name}'")
        chosen.add(keyword.slug)
    return chosen


@app.command()
def render(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    readme: ReadmeOpt = Path("README.md"),
    site: SiteOpt = Path("site"),
) -> None:
    """Regenerate the README tables, feeds, BibTeX and web page from the store, offline."""
    from .. import pipeline

    with _exit_on_error():
        changed = pipeline.render(
            pipeline.load_config(config), pipeline.Paths(config, data, readme, site)
        )
    for path in changed.written:
        _say(f"wrote {path}")
    for path in changed.removed:
        _say(f"removed {path}")


@app.command()
def rank(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="Rank only this keyword (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Show at most this many papers per keyword.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON: every keyword, its papers best first.")
    ] = False,
) -> None:
    """Each keyword's stored papers, best first: how close each is to the group's references.

    Works offline once the references are stored in data/references.json; until then it
    fetches them from arXiv first, as `update` does.
    """
    import json

    from .. import pipeline
    from ..settings import Settings

    with _exit_on_error():
        cfg = pipeline.load_config(config)
        only = _select(cfg, keyword) if keyword else None
        result, warnings = pipeline.ranked(
            cfg, pipeline.Paths(config, data), settings=Settings.from_env(), only=only
        )
    for warning in warnings:
        _say(f"dailypapers: warning: {warning}", err=True)
    shown = [(item.keyword, item.papers[:limit] if limit else item.papers) for item in result]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "keywords": [
                        {
                            "name": kw.name,
                            "papers": [
                                {
                                    "id": paper.id,
                                    "version": paper.version,
                                    "score": scored.score,
                                    "closest": scored.closest,
                                }
                                for paper, scored in papers
                            ],
                        }
                        for kw, papers in shown
                    ]
                },
                ensure_ascii=False,
            )
        )
        return
    titles = pipeline.reference_titles(data)
    for kw, papers in shown:
        _say(f"{kw.name}: {len(papers)} paper(s), best first")
        for n, (paper, scored) in enumerate(papers, 1):
            close = ""
            if scored.closest:
                close = f"  [close to {scored.closest} {_clipped(titles.get(scored.closest, ''))}]"
            _say(f"{n:>4}  {scored.score:.4f}  {paper.id}  {_clipped(paper.title, 90)}{close}")


def _clipped(text: str, width: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("list")
def list_keywords(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
) -> None:
    """List the keywords, their arXiv query and how many papers each has stored."""
    from ..config import load_config
    from ..fetch.query import search_query
    from ..pipeline import unread_stores
    from ..store import load_snapshot

    with _exit_on_error():
        cfg = load_config(config)
        snapshot = load_snapshot(cfg, data)
        summaries = [(entry.keyword, entry.summary) for entry in snapshot.entries]
    for keyword, summary in summaries:
        status = f"{summary.count} papers"
        if summary.last_success:
            status += f", updated {summary.last_success}"
        if summary.health.failures:
            status += f", failing for {summary.health.failures} run(s)"
        _say(f"- {keyword.name}\t{status}\t{search_query(keyword)}")
    for path in unread_stores(cfg, data):
        _say(
            f"note: {path} belongs to no keyword in {config} (renamed or removed?): "
            "its papers are kept there but not shown"
        )


@app.command()
def confirm(
    file: Annotated[
        Path, typer.Argument(help="The body of an opened issue (as written by update --digest).")
    ],
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
) -> None:
    """Mark the papers an opened issue lists as announced, so no later digest lists them again.

    Until then a paper stays pending and every `update --digest` lists it. The file may hold
    several issue bodies one after the other; papers already marked are skipped.
    """
    from .. import pipeline
    from ..errors import InputError

    with _exit_on_error():
        try:
            body = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read the issue body ({exc})") from None
        marked = pipeline.confirm(
            pipeline.load_config(config), pipeline.Paths(config, data), [body]
        )
    _say(f"{marked} paper(s) marked as announced")


@app.command()
def health(
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    min_failures: Annotated[
        int,
        typer.Option(min=1, help="Alarm when a keyword failed this many runs in a row."),
    ] = 3,
    output: Annotated[
        Path | None,
        typer.Option(
            help="Write the health issue body here while a keyword is failing; removed otherwise."
        ),
    ] = None,
) -> None:
    """Report keywords that failed on several consecutive runs (exit 0 either way)."""
    from ..config import load_config
    from ..outputs import health as health_output
    from ..pipeline import Paths
    from ..store import load_snapshot

    with _exit_on_error():
        if output is not None:
            Paths(config=config, data=data, health=output).check_outputs()
        entries = health_output.failing(load_snapshot(load_config(config), data), min_failures)
        if output is not None:
            health_output.write(entries, min_failures, output)
    for entry in entries:
        _say(
            f"- {entry.name}: failed {entry.failures} run(s) in a row since {entry.since}: "
            f"{entry.error}"
        )
    if not entries:
        _say(f"no keyword has failed {min_failures} or more runs in a row")


@app.command()
def add(
    name: Annotated[
        str | None,
        typer.Argument(
            help="The keyword: its README heading, and the phrase searched unless --phrase "
            "or --author is given. Optional with --reference."
        ),
    ] = None,
    phrase: Annotated[
        list[str] | None,
        typer.Option(
            "--phrase",
            help="A phrase searched in titles and abstracts instead of the name (repeatable; "
            "any of them matches).",
        ),
    ] = None,
    author: Annotated[
        list[str] | None,
        typer.Option(
            "--author",
            help="Papers by this author, as arXiv writes the name, e.g. 'Limin Wang' "
            "(repeatable; any of them). With --phrase a paper must match both; alone, the "
            "keyword follows these authors. arXiv cannot tell two people with one name apart.",
        ),
    ] = None,
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            help="Only papers in this arXiv category (cs.CV) or whole archive (cs) "
            "(repeatable; any of them).",
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Leave out papers matching this phrase (repeatable), e.g. --exclude survey.",
        ),
    ] = None,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            "--notify",
            help="A GitHub user name, without @, mentioned in the day's issue when this keyword "
            "has new papers (repeatable).",
        ),
    ] = None,
    reference: Annotated[
        list[str] | None,
        typer.Option(
            "--reference",
            help="An arXiv id of the group's own or favourite papers (or a .bib file), added "
            "to the top-level reference: list that ranks every keyword's papers (repeatable).",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check",
            help="Ask arXiv (one request) how many papers the keyword matches, and warn on 0.",
        ),
    ] = True,
    config: ConfigOpt = Path("keywords.yaml"),
) -> None:
    """Add a keyword to keywords.yaml, keeping its comments; run `update` to fetch its papers.

    The other settings of a keyword (fields, max_papers) and of the file
    (columns: [title, date, abstract, comment, code] adds a Code column to the README tables)
    are written by hand; docs/keywords.md lists them all.
    """
    from ..config.editor import add_keyword, add_reference, all_or_nothing
    from ..settings import Settings

    if name is None and not reference:
        _fail("add needs a keyword name or --reference", 2)
    settings = None
    if check and name is not None:
        with _exit_on_error():  # a variable the count cannot use is refused before any edit
            settings = Settings.from_env()
    said: list[str] = []  # printed once every edit is in: a refused one undoes them all
    with _exit_on_error(), all_or_nothing(config):
        added = None
        if name is not None:
            added = add_keyword(
                config,
                name,
                phrases=phrase or (),
                authors=author or (),
                categories=category or (),
                exclude=exclude or (),
                notify=notify or (),
            )
            said.append(f"added '{name}' to {config}")
        for item in reference or ():
            if add_reference(config, item) is None:
                said.append(f"{item} is already a reference in {config}")
            else:
                said.append(f"added reference {item} to {config}; the next update fetches it")
    for line in said:
        _say(line)
    keyword = added.keyword_named(name) if added is not None and name is not None else None
    if settings is not None and keyword is not None:
        with _exit_on_error():
            _say_count(keyword, settings)


def _say_count(keyword: Keyword, settings: Settings) -> None:
    """One polite request for the new keyword's count: a typo shows at once, not after days of
    "nothing new". Offline the keyword stays added, with a note."""
    from dataclasses import replace

    from ..errors import FetchError
    from ..fetch.client import ArxivClient
    from ..fetch.query import search_query
    from ..run import comma_hint

    settings = replace(settings, retries=0, timeout=min(settings.timeout, 10.0))
    try:
        with ArxivClient(settings) as client:
            total = client.count(search_query(keyword))
    except FetchError as exc:
        _say(f"note: could not ask arXiv how many papers match, so it is added unchecked: {exc}")
        return
    if total:
        _say(f"arXiv counts {total} paper(s) matching '{keyword.name}'")
        return
    _say(
        f"warning: arXiv counts no paper matching '{keyword.name}': check the spelling"
        f"{comma_hint(keyword.phrases)} (`dailypapers remove` undoes the add)",
        err=True,
    )


@app.command()
def remove(
    name: Annotated[str, typer.Argument(help="The keyword's name as in keywords.yaml.")],
    config: ConfigOpt = Path("keywords.yaml"),
) -> None:
    """Remove a keyword from keywords.yaml; its store file in data/ is kept."""
    from ..config.editor import remove_keyword

    with _exit_on_error():
        removed = remove_keyword(config, name)
    _say(f"removed '{removed}' from {config}; run `dailypapers render` to update the README")


@app.command("import")
def import_readme(
    file: Annotated[
        Path, typer.Argument(help="A README (or issue body) written by a daily arXiv tracker.")
    ],
    add_keywords: Annotated[
        bool,
        typer.Option("--add-keywords", help="Add the file's sections missing from keywords.yaml."),
    ] = False,
    config: ConfigOpt = Path("keywords.yaml"),
    data: DataOpt = Path("data"),
    readme: ReadmeOpt = Path("README.md"),
    site: SiteOpt = Path("site"),
) -> None:
    """Import the paper tables of another tracker's README into the store, then render.

    Sections are matched to keywords by name; rows that cannot be understood are listed with
    their line numbers and skipped.
    """
    from .. import pipeline
    from ..importer import import_file, summary_lines
    from ..outputs.readme import check as check_readme

    with _exit_on_error():
        check_readme(readme)
        report = import_file(file, config, data, add_keywords=add_keywords)
        changed = pipeline.render(report.config, pipeline.Paths(config, data, readme, site))
    for line in summary_lines(report):
        _say(line)
    for path in changed.written:
        _say(f"wrote {path}")
    for path in changed.removed:
        _say(f"removed {path}")
