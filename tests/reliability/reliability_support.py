"""What every reliability test checks after it has done damage: the tracker is still whole.

"Whole" means: every store file is a valid dailypapers store, no stored paper has gone missing,
and README.md parses as tables of four cells per row that link exactly the stored papers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock
from xml.etree import ElementTree

import typer.testing
from typer import Typer
from typer.main import get_command
from typer.testing import CliRunner, Result

from dailypapers import pipeline as api
from dailypapers.cli import app
from dailypapers.text import slugify
from tests.support import readme_tables

DAILYPAPERS = Path(sys.executable).with_name("dailypapers")
README_TEMPLATE = (
    "# My tracker\n\nIntro text.\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
    "\nFooter.\n"
)


def write_tracker(folder: Path, keywords: Sequence[str], *, max_papers: int = 500) -> Path:
    """A tracker folder with user text around the README's generated block."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"max_papers: {max_papers}", "keywords:", *(f"  - {name}" for name in keywords)]
    (folder / "keywords.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(README_TEMPLATE, encoding="utf-8")
    return folder


def tracker_paths(folder: Path) -> api.Paths:
    return api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )


def stored_ids(folder: Path) -> dict[str, set[str]]:
    """Versionless ids per store file; raises if a file is not a valid store."""
    result: dict[str, set[str]] = {}
    for path in sorted((folder / "data").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["schema"] == 1, path
        result[path.name] = {paper["id"] for paper in document["papers"]}
    return result


def stored_papers(folder: Path, name: str) -> list[dict[str, object]]:
    document = json.loads((folder / "data" / name).read_text(encoding="utf-8"))
    papers: list[dict[str, object]] = document["papers"]
    return papers


def lost_papers(before: dict[str, set[str]], after: dict[str, set[str]]) -> int:
    return sum(len(ids - after.get(name, set())) for name, ids in before.items())


def check_readme(folder: Path, keywords: Sequence[str]) -> None:
    """README.md keeps the user's text and holds one 4-cell table per keyword listing exactly
    the papers in that keyword's store."""
    text = (folder / "README.md").read_text(encoding="utf-8")
    assert text.startswith("# My tracker\n\nIntro text.\n\n<!-- dailypapers:start -->\n")
    assert text.endswith("<!-- dailypapers:end -->\nFooter.\n") or text.endswith(
        "<!-- dailypapers:end -->\n\nFooter.\n"
    )
    tables = readme_tables(text)
    stores = stored_ids(folder)
    for name in keywords:
        rows = tables.get(name, [])
        assert all(len(row) == 4 for row in rows), name
        linked = {row[0].split("/pdf/")[1].rsplit("v", 1)[0] for row in rows}
        assert linked == stores.get(f"{slugify(name)}.json", set()), name


def check_site(folder: Path) -> None:
    """The feeds are well-formed XML and the page exists: rendered from the same store."""
    feeds = sorted((folder / "site" / "feeds").glob("*.xml"))
    assert feeds
    for feed in feeds:
        ElementTree.parse(feed)
    assert (folder / "site" / "index.html").is_file()


class Figures:
    """Named counters; ``papers_lost`` is always present so a clean run reports an explicit 0."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter({"papers_lost": 0})
        self.outcomes: Counter[str] = Counter()
        self.started = time.monotonic()

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] += amount

    def as_json(self) -> str:
        document = {
            **dict(sorted(self.counts.items())),
            "tests": dict(sorted(self.outcomes.items())),
            "seconds": round(time.monotonic() - self.started, 1),
        }
        return json.dumps(document, indent=2) + "\n"


class _Runner(CliRunner):
    """Typer's runner builds the click command from the app's signatures on every call (about
    12 ms, hundreds of calls); an installed command builds it once per process, so do we."""

    _command: Any = None

    def invoke(self, app: Typer, *args: Any, **kwargs: Any) -> Result:
        if _Runner._command is None:
            _Runner._command = get_command(app)
        with mock.patch.object(typer.testing, "_get_command", lambda _: _Runner._command):
            return super().invoke(app, *args, **kwargs)


_RUNNER = _Runner()


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def cli_env(url: str, *, retries: int = 2, timeout: float = 0.2) -> dict[str, str]:
    return {
        "DAILYPAPERS_API_URL": url,
        "DAILYPAPERS_DELAY": "0",
        "DAILYPAPERS_RETRIES": str(retries),
        "DAILYPAPERS_BACKOFF": "0",
        "DAILYPAPERS_TIMEOUT": str(timeout),
        "GITHUB_ACTIONS": "",
    }


def invoke(folder: Path, *args: str, env: dict[str, str] | None = None) -> Outcome:
    """The CLI in this process (typer's runner): same parsing, messages and exit statuses as
    the installed command, without paying interpreter start-up for each of hundreds of runs."""
    paths = ["--config", str(folder / "keywords.yaml")]
    if args[0] in ("update", "render", "list", "confirm", "health"):
        paths += ["--data", str(folder / "data")]
    if args[0] in ("update", "render"):
        paths += ["--readme", str(folder / "README.md"), "--site", str(folder / "site")]
    result = _RUNNER.invoke(app, [*args, *paths], env=env or {})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


def spawn(folder: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """The installed ``dailypapers`` command as a separate process (for kills and races)."""
    return subprocess.Popen(
        [str(DAILYPAPERS), *args],
        cwd=folder,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
