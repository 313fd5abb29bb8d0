"""Corrupt store files: an odd value anywhere is exit 3 naming the file, before any request.

A store file is ours, but it lives in a git repository where a bad merge, a hand edit or another
tool can change it. Each case takes a store the tracker wrote itself (a real ``update`` against the
loopback server) and changes one value in its JSON text. ``update``, ``render`` and ``list`` must
then exit 3 with one stderr line naming the file, ask the server nothing, write nothing, and leave
the file byte for byte as it was. The fuzzed case puts arbitrary JSON (huge and non-finite
numbers, deep nesting, lone surrogates, every type) in a random place of the same file: the outcome
is exit 0 with every output rendered, or that same one-line exit 3; never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.reliability.reliability_support import (
    Figures,
    cli_env,
    invoke,
    write_tracker,
)

pytestmark = pytest.mark.reliability

PLACEHOLDER = '"@@VALUE@@"'

CORRUPTIONS = [
    (("papers", 0, "version"), "9" * 5001),
    (("papers", 0, "version"), "1e400"),
    (("papers", 0, "version"), "NaN"),
    (("papers", 0, "version"), "0"),
    (("papers", 0, "id"), '"2611/../../x"'),
    (("papers", 0, "id"), '"2611.00002"'),
    (("papers", 0, "title"), '"\\ud800"'),
    (("papers", 0, "abstract"), '"half a pair \\udbff"'),
    (("papers", 0, "authors"), '[["nested"]]'),
    (("papers", 0, "updated"), '"yesterday"'),
    (("papers", 0, "published"), '"2026-02-30T00:00:00Z"'),
    (("papers", 0, "first_seen"), '"someday"'),
    (("papers", 0), "[" * 50_000 + "]" * 50_000),
    (("papers",), "{" + '"a":' * 3000 + "1" + "}" * 3000),
    (("health", "failures"), "1e400"),
    (("health", "failures"), "9" * 5001),
    (("health", "since"), '"not a date"'),
    (("health",), '"broken"'),
    (("last_success",), '"2026-11-31"'),
    (("total_results",), "Infinity"),
    (("total_results",), "-1"),
    (("query",), '"\\udfff"'),
    (("pending",), '["2611.00001", "../x"]'),
    (("pending",), '"2611.00001"'),
]


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv(make_papers(3, "world model")) as fake:
        yield fake


@pytest.fixture(scope="session")
def written(server: FakeArxiv, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The store file a real run writes, as a JSON document to corrupt."""
    folder = write_tracker(tmp_path_factory.mktemp("first"), ["World Model"])
    assert invoke(folder, "update", env=cli_env(server.url)).exit_code == 0
    document: dict[str, Any] = json.loads((folder / "data" / "world-model.json").read_text())
    document["health"] = {"failures": 1, "since": "2026-11-21", "error": "HTTP 503"}
    return document


def _with(document: dict[str, Any], location: tuple[str | int, ...], raw: str) -> str:
    copy = json.loads(json.dumps(document))
    target = copy
    for key in location[:-1]:
        target = target[key]
    target[location[-1]] = PLACEHOLDER.strip('"')
    return json.dumps(copy, indent=2).replace(PLACEHOLDER, raw, 1)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file but the run lock, which ``update`` takes before it reads the store."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock")
    return {str(p.relative_to(folder)): p.read_bytes() for p in files}


def _tracker_with(folder: Path, content: str) -> Path:
    write_tracker(folder, ["World Model"])
    (folder / "data").mkdir()
    (folder / "data" / "world-model.json").write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("location", "raw"), CORRUPTIONS)
@pytest.mark.parametrize("command", ["update", "render", "list"])
def test_an_odd_value_is_exit_3_naming_the_file_before_anything_happens(
    command: str,
    location: tuple[str | int, ...],
    raw: str,
    written: dict[str, Any],
    server: FakeArxiv,
    tmp_path: Path,
    figures: Figures,
) -> None:
    folder = _tracker_with(tmp_path / "t", _with(written, location, raw))
    before = _snapshot(folder)
    requests = len(server.requests)

    result = invoke(folder, command, env=cli_env(server.url))

    figures.add("corrupt_stores_refused")
    store = folder / "data" / "world-model.json"
    assert result.exit_code == 3, result.stderr[-500:]
    assert result.stderr.startswith(f"dailypapers: {store}: "), result.stderr[:500]
    assert result.stderr.count("\n") == 1 and len(result.stderr) < 400, result.stderr[:500]
    assert "left untouched" in result.stderr
    assert len(server.requests) == requests
    assert _snapshot(folder) == before


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(
        [
            "9" * 5001,
            "1e400",
            "-1e400",
            "NaN",
            "Infinity",
            "[" * 3000 + "]" * 3000,
            '"\\ud800"',
            '"2026-11-22"',
            '"2026-11-22T00:00:00Z"',
            '"2611.00009"',
            "0",
            "-1",
            "999",
            "1000",
        ]
    ).map(lambda raw: ("raw", raw)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def _raw(value: Any) -> str:
    if isinstance(value, tuple):
        return str(value[1])
    if isinstance(value, list):
        return "[" + ", ".join(_raw(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_raw(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


LOCATIONS = [
    *[("papers", 0, key) for key in ("id", "version", "title", "abstract", "comment")],
    *[("papers", 0, key) for key in ("authors", "published", "updated", "categories")],
    *[("papers", 0, key) for key in ("primary_category", "doi", "journal_ref", "first_seen")],
    ("papers", 1),
    ("papers", 0, "extra"),
    ("health", "failures"),
    ("health", "since"),
    ("health", "error"),
    ("health",),
    ("last_success",),
    ("total_results",),
    ("query",),
    ("keyword",),
    ("schema",),
    ("papers",),
    ("pending",),
]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(location=st.sampled_from(LOCATIONS), value=json_values)
def test_any_json_anywhere_is_rendered_or_refused_in_one_line(
    location: tuple[str | int, ...],
    value: Any,
    written: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
    figures: Figures,
) -> None:
    folder = _tracker_with(tmp_path_factory.mktemp("fuzz"), _with(written, location, _raw(value)))
    content = (folder / "data" / "world-model.json").read_bytes()

    result = invoke(folder, "render")

    figures.add("corrupt_stores_fuzzed")
    assert "Traceback" not in result.stderr
    if result.exit_code == 3:
        figures.add("corrupt_stores_refused")
        assert result.stderr.count("\n") == 1 and len(result.stderr) < 400, result.stderr[:500]
        assert (folder / "data" / "world-model.json").read_bytes() == content
        assert not (folder / "site").exists()
    else:
        assert result.exit_code == 0, result.stderr[-500:]
        assert (folder / "site" / "index.html").exists()
