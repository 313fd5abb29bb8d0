"""Hostile settings: environment variables and keywords that no request should be made with.

Each case runs ``dailypapers update`` (in this process, through typer's runner) against the
loopback arXiv server with one bad value. The outcome must be exit 2 with exactly one stderr line
naming the variable or the file and line, no request to the server, and nothing written: no
``data/`` folder, no ``site/``, the README untouched. The last cases are the long queries that are
legitimate: they must reach the server, by POST, and store their papers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.reliability.reliability_support import (
    README_TEMPLATE,
    Figures,
    cli_env,
    invoke,
    stored_ids,
    write_tracker,
)

pytestmark = pytest.mark.reliability

BAD_ENVIRONMENT = [
    ("DAILYPAPERS_API_URL", "http://[::1"),
    ("DAILYPAPERS_API_URL", "http://127.0.0.1:99999/api/query"),
    ("DAILYPAPERS_API_URL", "http://127.0.0.1/api query"),
    ("DAILYPAPERS_API_URL", "http://127.0.0.1/api/query?\n::add-mask::x"),
    ("DAILYPAPERS_API_URL", "gopher://127.0.0.1/"),
    ("DAILYPAPERS_API_URL", "http://me:hunter2@127.0.0.1/api/query"),
    ("DAILYPAPERS_TIMEOUT", "0"),
    ("DAILYPAPERS_TIMEOUT", "-1"),
    ("DAILYPAPERS_DELAY", "-3"),
    ("DAILYPAPERS_DELAY", "-0.001"),
    ("DAILYPAPERS_DELAY", "NaN"),
    ("DAILYPAPERS_BACKOFF", "Infinity"),
    ("DAILYPAPERS_RETRIES", "1.5"),
    ("DAILYPAPERS_RETRIES", "9" * 5000),
]


@pytest.fixture()
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv(make_papers(5, "world model")) as fake:
        yield fake


def _refused_before_any_request(folder: Path, server: FakeArxiv, env: dict[str, str]) -> str:
    result = invoke(folder, "update", env=env)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr
    assert server.requests == []
    assert not (folder / "data").exists() and not (folder / "site").exists()
    assert (folder / "README.md").read_text(encoding="utf-8") == README_TEMPLATE
    return result.stderr


@pytest.mark.parametrize(("name", "value"), BAD_ENVIRONMENT)
def test_a_bad_environment_variable_is_one_line_and_no_request(
    name: str, value: str, tmp_path: Path, server: FakeArxiv, figures: Figures
) -> None:
    folder = write_tracker(tmp_path / "t", ["World Model"])
    env = {**cli_env(server.url), name: value}

    stderr = _refused_before_any_request(folder, server, env)

    figures.add("hostile_settings_refused")
    assert stderr.startswith(f"dailypapers: {name}=")
    assert "hunter2" not in stderr and len(stderr) < 300


@pytest.mark.parametrize(
    ("keyword", "words"),
    [
        ("- name: Vision\n    categories: [cs.CVV]", "did you mean cs.CV?"),
        ("- name: Vision\n    categories: [vision]", "not an arXiv category"),
        (
            "- name: Huge\n    phrases: ["
            + ", ".join(f"phrase number {n}" for n in range(1800))
            + "]",
            "at most 4000 fit one arXiv query",
        ),
        ("- name: Raw\n    query: '" + "ti:x OR " * 4000 + "ti:y'", "at most 4000"),
        ("- " + "long " * 50, "at most 200"),
    ],
)
def test_a_keyword_arxiv_cannot_answer_is_refused_before_any_request(
    keyword: str, words: str, tmp_path: Path, server: FakeArxiv, figures: Figures
) -> None:
    folder = write_tracker(tmp_path / "t", ["World Model"])
    config = folder / "keywords.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  " + keyword + "\n", "utf-8")

    stderr = _refused_before_any_request(folder, server, cli_env(server.url))

    figures.add("hostile_settings_refused")
    assert stderr.startswith(f"dailypapers: {config}:") and words in stderr


def test_a_long_but_allowed_keyword_is_fetched_by_post(tmp_path: Path, server: FakeArxiv) -> None:
    phrases = [f"rare phrase {n:03d}" for n in range(200)] + ["world model"]
    assert 3000 < sum(map(len, phrases)) <= 4000
    folder = write_tracker(tmp_path / "t", [])
    (folder / "keywords.yaml").write_text(
        f"keywords:\n  - name: Many Phrases\n    phrases: [{', '.join(phrases)}]\n", "utf-8"
    )

    result = invoke(folder, "update", env=cli_env(server.url))

    assert result.exit_code == 0, result.stderr
    assert {r.method for r in server.requests} == {"POST"}
    assert stored_ids(folder) == {"many-phrases.json": {p.id for p in server.papers}}
