"""The library API does what the CLI does, without a subprocess: load, update, render."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dailypapers import Paths, Settings, load_config, render, update
from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.support import tracked_before


def test_three_calls_fetch_save_and_write_every_output_with_the_issue_body(
    tracker: Path,
) -> None:
    paths = Paths(
        config=tracker / "keywords.yaml",
        data=tracker / "data",
        readme=tracker / "README.md",
        site=tracker / "site",
        digest=tracker / "issue.md",
        digest_title=tracker / "issue-title.txt",
    )
    tracked_before(tracker)
    with FakeArxiv(make_papers(3, "World Model")) as server:
        config = load_config(paths.config)
        report = update(
            config, paths, settings=Settings(api_url=server.url, delay=0), today="2026-11-22"
        )

    assert report.new_count == 3 and not report.failed
    assert (tracker / "data" / "world-model.json").exists()
    assert "World Model: synthetic study 1" in paths.readme.read_text(encoding="utf-8")
    assert (tracker / "site" / "index.html").exists()
    assert paths.digest_title is not None and paths.digest is not None
    assert paths.digest_title.read_text(encoding="utf-8") == "3 new papers - November 22, 2026\n"
    assert "World Model: synthetic study 1" in paths.digest.read_text(encoding="utf-8")


def test_render_writes_from_the_store_alone_and_never_an_issue_body(tracker: Path) -> None:
    paths = Paths(
        config=tracker / "keywords.yaml",
        data=tracker / "data",
        readme=tracker / "README.md",
        site=tracker / "site",
        digest=tracker / "issue.md",
    )
    changed = render(load_config(paths.config), paths).written
    assert paths.readme in changed and (tracker / "site" / "index.html") in changed
    assert not (tracker / "issue.md").exists()


def test_a_render_runs_without_the_cycle_collector_and_turns_it_back_on(
    tracker: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import dailypapers.pipeline as pipeline

    seen = []
    real = pipeline.load_snapshot

    def observed(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(pipeline, "load_snapshot", observed)
    assert gc.isenabled()
    render(
        load_config(tracker / "keywords.yaml"),
        Paths(
            data=tracker / "data",
            config=tracker / "keywords.yaml",
            readme=tracker / "README.md",
            site=tracker / "site",
        ),
    )
    assert seen == [False]
    assert gc.isenabled()


def test_a_render_while_another_run_holds_the_data_folder_exits_4_and_writes_nothing(
    tmp_path: Path,
) -> None:
    from dailypapers.errors import LockedError
    from dailypapers.fileio import data_lock

    (tmp_path / "data").mkdir()
    (tmp_path / "keywords.yaml").write_text("keywords:\n  - World Model\n", encoding="utf-8")
    paths = Paths(
        tmp_path / "keywords.yaml", tmp_path / "data", tmp_path / "README.md", tmp_path / "site"
    )
    with data_lock(paths.data), pytest.raises(LockedError) as caught:
        render(load_config(paths.config), paths)
    assert caught.value.exit_code == 4
    assert not paths.readme.exists()
    assert not paths.site.exists()


@pytest.mark.parametrize(
    ("option", "taken"),
    [
        ({"digest": "README.md"}, "the README"),
        ({"digest_title": "keywords.yaml", "digest": "issue.md"}, "the keywords file"),
        ({"summary": "README.md"}, "the README"),
        ({"digest": "data/issue.md"}, "in the store folder"),
        ({"digest": "issue.md", "digest_title": "issue.md"}, "already the issue body"),
    ],
)
def test_an_issue_body_or_summary_on_one_of_the_trackers_own_files_is_refused_before_any_request(
    tracker: Path, option: dict[str, str], taken: str
) -> None:
    """A day with nothing new removes the issue body, so `--digest README.md` deleted the
    README; a summary is appended to whatever file it names. Such a path is refused (exit 2)
    before anything is fetched, and every file stays as it was."""
    from dailypapers.errors import InputError

    tracked_before(tracker)
    before = {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()}
    paths = Paths(
        tracker / "keywords.yaml",
        tracker / "data",
        tracker / "README.md",
        tracker / "site",
        **{name: tracker / value for name, value in option.items()},
    )
    with FakeArxiv([]) as server, pytest.raises(InputError) as caught:
        update(load_config(paths.config), paths, settings=Settings(api_url=server.url, delay=0))
    assert f"cannot go here, it is {taken}; name another file" in str(caught.value)
    assert caught.value.exit_code == 2
    assert server.requests == []
    assert {p: p.read_bytes() for p in tracker.rglob("*") if p.is_file()} == before
