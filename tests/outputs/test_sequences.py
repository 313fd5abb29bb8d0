"""Random sequences of edits, git-like restores and killed renders: after each, a render must
equal a render from scratch byte for byte (what nothing stale in any output means)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.outputs import site
from tests.factories import (
    HOSTILE,
    LATEX,
    OLD_STYLE,
    WORLD_MODELS,
    files,
    from_scratch,
    keyword,
    make_tracker,
)

NAMES = ["World Model", "Astro", "Quiet"]
START = {"World Model": [HOSTILE, LATEX], "Astro": [OLD_STYLE, WORLD_MODELS], "Quiet": []}
OPS = st.tuples(
    st.sampled_from(
        ["paper", "version", "last_success", "config", "timezone", "hand", "restore", "kill"]
    ),
    st.integers(0, 2),
    st.integers(0, 10**6),
)


Files = dict[Path, tuple[bytes, int]]


def _all_files(folder: Path) -> Files:
    return {
        p: (p.read_bytes(), p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file() and p.name != ".lock"
    }


def _apply(tracker: Path, op: str, which: int, n: int, history: list[Files]) -> None:
    data = tracker / "data"
    name = NAMES[which]
    if (
        op in ("paper", "version", "last_success")
        and (data / f"{keyword(name).slug}.json").exists()
    ):
        old = store.load(data, keyword(name))
        if op == "paper":
            new = replace(LATEX, id=f"2612.{n % 100000:05d}", title=f"New {n}")
            papers = (new, *(p for p in old.papers if p.id != new.id))
        elif op == "version":  # same size while the version stays one digit
            papers = tuple(replace(p, version=p.version % 9 + 1) for p in old.papers)
        else:
            papers = old.papers
        store.save(data, replace(old, papers=papers, last_success=f"2026-12-{n % 28 + 1:02d}"))
    elif op == "config":
        chosen = [k for i, k in enumerate(NAMES) if (n >> i) & 1] or [name]
        (tracker / "keywords.yaml").write_text(
            "keywords:\n" + "".join(f"  - {k}\n" for k in chosen), encoding="utf-8"
        )
    elif op == "timezone":
        lines = (tracker / "keywords.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
        text = "".join(line for line in lines if not line.startswith("timezone:"))
        (tracker / "keywords.yaml").write_text(f"timezone: Etc/GMT+{n % 12}\n" + text, "utf-8")
    elif op == "hand":
        outputs = sorted(
            p for p in _all_files(tracker) if p.parent.name in ("papers", "feeds", "bib")
        )
        if outputs:
            path = outputs[n % len(outputs)]
            body = bytearray(path.read_bytes())
            first = body.find(b"\n") + 1  # the mark line makes a part ours: an edit keeps it
            # Not the slug on a part's source line: edited, the part names another keyword's
            # table, as an owner's kept copy does, and render refuses to overwrite it (exit 2).
            source = body.rfind(b"<!-- dailypapers:source ")
            slug = source + len(b"<!-- dailypapers:source ") if source >= 0 else len(body)
            if len(body) > first:
                at = first + n % (len(body) - first)
                at = body.index(b" ", at) if slug <= at < body.find(b" ", slug) else at
                body[at] = ord("x") if body[at] != ord("x") else ord("y")
                path.write_bytes(bytes(body))
    elif op == "restore" and history:
        old = history[n % len(history)]
        paths = sorted(p for p in old if p.name not in ("keywords.yaml",))
        if paths:
            path = paths[(n // 7) % len(paths)]
            body, mtime = old[path]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(body)
            os.utime(path, ns=(mtime, mtime))  # as cp -p, rsync -a or tar leave it


def _render(tracker: Path, kill_at: int | None = None) -> None:
    paths = api.Paths(tracker / "keywords.yaml", tracker / "data", tracker / "README.md",
                      tracker / "site")  # fmt: skip
    config = api.load_config(paths.config)
    if kill_at is None:
        api.render(config, paths)
        return
    calls = []
    real = site.render_papers

    def dying(*args: object) -> object:
        calls.append(1)
        if len(calls) > kill_at:
            raise KeyboardInterrupt
        return real(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site, "render_papers", dying)
        with contextlib.suppress(KeyboardInterrupt):
            api.render(config, paths)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(OPS, min_size=1, max_size=6))
def test_any_sequence_renders_like_a_render_from_scratch(
    ops: list[tuple[str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tracker = root / "tracker"
        tracker.mkdir()
        make_tracker(tracker, START)
        _render(tracker)
        history = [_all_files(tracker)]
        for op, which, n in ops:
            _apply(tracker, op, which, n, history)
            _render(tracker, kill_at=n % 3 if op == "kill" else None)
            history.append(_all_files(tracker))
        _render(tracker)
        scratch = root / "scratch"
        scratch.mkdir()
        assert files(tracker) == from_scratch(tracker, scratch)
        shutil.rmtree(scratch)
