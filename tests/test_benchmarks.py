"""The benchmark script still runs end to end; its numbers are not checked (benchmarks are not
tests), only that every section of its report is there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_module(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m module args`` from the repository, which must exit 0."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_benchmark_script_reports_every_section_on_a_tiny_size(tmp_path: Path) -> None:
    raw = tmp_path / "raw.json"
    args = ["--keywords", "2", "--render", "2", "--day", "2", "--page", "1", "--repeat", "1"]
    args += ["--delay", "0", "--pause", "0"]
    args += ["--latency", "0,0", "--parse-seconds", "0", "--json", str(raw)]
    args += ["--situation-keywords", "1", "--backoff", "0", "--timeout", "1"]
    done = run_module("benchmarks.run", *args)
    headings = ("## 1. Daily update", "## 1b. Issue 12", "## 2. Render", "## 3. Start-up")
    for heading in (*headings, "## 4. Parsing"):
        assert heading in done.stdout
    numbers = json.loads(raw.read_text(encoding="utf-8"))
    days = [(r["keywords"], r["day"]) for r in numbers["update"]]
    assert days == [(2, "one"), (2, "two"), (2, "three")]
    assert numbers["update"][1]["new_found"] == numbers["update"][1]["new_expected"] == 20
    assert [r["papers"] for r in numbers["render"]] == [200]
    assert [(r["case"], r["identical"]) for r in numbers["day_render"]] == [
        ("outputs present", True),
        ("scheduled run", True),
        ("after an update", True),
    ]
    assert len(numbers["situations"]) == 6


def test_embedding_benchmark_says_what_is_missing_and_exits_0() -> None:
    """The model and sentence-transformers are not dependencies: without them (or without the
    dev set) the benchmark says so instead of failing."""
    done = run_module("benchmarks.embedding")
    assert "nothing to measure" in done.stdout
