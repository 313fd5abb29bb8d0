"""End to end: the installed `dailypapers` command against the loopback arXiv server."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault, make_papers
from tests.support import UNREACHABLE, run_cli
from tests.support import readme_tables as sections

DAILYPAPERS = Path(sys.executable).with_name("dailypapers")
WORLD = make_papers(150, "World Model", start="2026-11-20T12:00:00Z", step_minutes=200)
VIDEO = make_papers(
    120, "Video Understanding", start="2026-11-20T11:00:00Z", step_minutes=300, first_number=5000
)


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv([*WORLD, *VIDEO]) as fake:
        yield fake


def run(
    folder: Path, server: FakeArxiv | None, *args: str, delay: str = "0", **env: str
) -> subprocess.CompletedProcess[str]:
    url = server.url if server else UNREACHABLE
    return run_cli(folder, *args, api_url=url, DAILYPAPERS_DELAY=delay, **env)


def snapshot_files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def newest(papers: list[FakePaper], n: int = 100) -> list[str]:
    ordered = sorted(papers, key=lambda p: (p.updated, p.id), reverse=True)
    return [p.versioned_id for p in ordered[:n]]


def linked_ids(rows: list[list[str]]) -> list[str]:
    return [row[0].split("/pdf/")[1].rstrip(")*") for row in rows]


def test_update_writes_the_newest_100_per_keyword_newest_first(
    tracker: Path, server: FakeArxiv
) -> None:
    result = run(tracker, server, "update")
    assert result.returncode == 0, result.stderr
    tables = sections((tracker / "README.md").read_text(encoding="utf-8"))
    assert list(tables) == ["World Model", "Video Understanding"]
    for name, papers in (("World Model", WORLD), ("Video Understanding", VIDEO)):
        assert all(len(row) == 4 for row in tables[name])
        assert linked_ids(tables[name]) == newest(papers)
    assert (tracker / "README.md").read_text(encoding="utf-8").startswith("# My tracker\n\nIntro")


def test_update_stores_one_json_file_per_keyword(tracker: Path, server: FakeArxiv) -> None:
    run(tracker, server, "update")
    document = json.loads((tracker / "data" / "world-model.json").read_text(encoding="utf-8"))
    assert document["keyword"] == "World Model"
    assert len(document["papers"]) == 100


def test_requests_start_at_least_three_seconds_apart_by_default(
    tracker: Path, server: FakeArxiv
) -> None:
    result = run(tracker, server, "update", delay="")
    assert result.returncode == 0, result.stderr
    starts = [r.started for r in server.requests]
    assert len(starts) == 2
    assert starts[1] - starts[0] >= 3.0
    assert server.max_in_flight == 1


def test_second_run_the_same_day_changes_nothing_and_downloads_little(
    tracker: Path, server: FakeArxiv
) -> None:
    run(tracker, server, "update")
    before = snapshot_files(tracker)
    first_bytes = sum(r.bytes_sent for r in server.requests)
    server.requests.clear()
    result = run(tracker, server, "update")
    assert result.returncode == 0, result.stderr
    assert snapshot_files(tracker) == before
    assert len(server.requests) == 2
    assert sum(r.bytes_sent for r in server.requests) < first_bytes * 0.3


def test_next_day_adds_only_the_new_papers_with_one_request_per_keyword(
    tracker: Path, server: FakeArxiv
) -> None:
    run(tracker, server, "update")
    fresh = make_papers(10, "World Model", start="2026-11-21T12:00:00Z", first_number=900)
    server.add(fresh)
    server.requests.clear()
    result = run(tracker, server, "update")
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 2
    tables = sections((tracker / "README.md").read_text(encoding="utf-8"))
    assert linked_ids(tables["World Model"]) == newest([*WORLD, *fresh])
    assert "10 new paper(s)" in result.stdout


def test_the_store_keeps_arxivs_count_and_the_next_day_asks_once_per_keyword(
    tracker: Path, server: FakeArxiv
) -> None:
    run(tracker, server, "update")
    document = json.loads((tracker / "data" / "world-model.json").read_text(encoding="utf-8"))
    assert document["total_results"] == server.requests[0].total_results
    assert "World Model" in document["query"]
    server.add(make_papers(10, "World Model", start="2026-11-21T12:00:00Z", first_number=900))
    server.requests.clear()
    assert run(tracker, server, "update").returncode == 0
    assert len(server.requests) == 2
    assert all(r.entries < 100 for r in server.requests)


def test_a_failing_keyword_keeps_its_papers_and_the_others_update(
    tracker: Path, server: FakeArxiv
) -> None:
    run(tracker, server, "update")
    video_before = (tracker / "data" / "video-understanding.json").read_bytes()
    server.add(make_papers(3, "World Model", start="2026-11-21T12:00:00Z", first_number=900))
    server.inject(Fault("503", times=-1, match=lambda q: "Video" in q.get("search_query", "")))
    result = run(tracker, server, "update")
    assert result.returncode == 1
    assert "failed keywords: Video Understanding" in result.stderr
    tables = sections((tracker / "README.md").read_text(encoding="utf-8"))
    assert len(tables["Video Understanding"]) == 100
    assert linked_ids(tables["World Model"])[0].startswith("2611.00900")
    stored = json.loads((tracker / "data" / "video-understanding.json").read_text(encoding="utf-8"))
    assert stored["papers"] == json.loads(video_before)["papers"]
    assert stored["health"]["failures"] == 1


def test_arxiv_going_away_mid_run_loses_nothing(tracker: Path, server: FakeArxiv) -> None:
    run(tracker, server, "update")
    papers_before = {
        p.name: json.loads(p.read_text(encoding="utf-8"))["papers"]
        for p in (tracker / "data").glob("*.json")
    }
    readme_before = (tracker / "README.md").read_bytes()
    server.inject(Fault("truncated", times=1))
    server.inject(Fault("refuse", times=-1))
    result = run(tracker, server, "update")
    assert result.returncode == 1
    for path in (tracker / "data").glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["papers"] == papers_before[path.name]
    assert (tracker / "README.md").read_bytes() == readme_before


def test_stopped_server_fails_every_keyword_with_exit_1(tracker: Path, server: FakeArxiv) -> None:
    server.stop()
    result = run(tracker, server, "update")
    assert result.returncode == 1
    assert "World Model: FAILED" in result.stderr
    assert "Video Understanding: FAILED" in result.stderr


def test_after_two_dead_keywords_the_rest_are_not_fetched_and_the_run_exits_1(
    tracker: Path, server: FakeArxiv
) -> None:
    config = tracker / "keywords.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  - Diffusion\n", encoding="utf-8")
    server.inject(Fault("503", times=-1))
    result = run(tracker, server, "update")
    assert result.returncode == 1
    assert "World Model: FAILED (http 503)" in result.stderr
    assert "Video Understanding: FAILED (http 503)" in result.stderr
    assert "Diffusion: FAILED (not fetched): arXiv failed every retry for World Model" in (
        result.stderr
    )
    health = json.loads((tracker / "data" / "diffusion.json").read_text(encoding="utf-8"))
    assert health["health"]["failures"] == 1


def test_a_port_where_nothing_listens_stops_the_run_at_the_first_keyword_in_plain_words(
    tracker: Path,
) -> None:
    """Default retries and backoff: a refused connection is not retried like a blip."""
    result = run(tracker, None, "update", DAILYPAPERS_RETRIES="", DAILYPAPERS_BACKOFF="")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert "World Model: FAILED (unreachable): cannot reach arXiv: nothing listens at" in first
    assert "offline? behind a proxy?" in first
    assert "DAILYPAPERS_API_URL" in first
    assert "(1 try;" in first
    assert "Video Understanding: FAILED (not fetched): arXiv could not be reached" in (
        result.stderr
    )


def test_bad_keywords_file_exits_2_with_one_line_and_writes_nothing(
    tracker: Path, server: FakeArxiv
) -> None:
    (tracker / "keywords.yaml").write_text("keywords:\n  - A\n  - a\n", encoding="utf-8")
    before = snapshot_files(tracker)
    result = run(tracker, server, "update")
    assert result.returncode == 2
    assert (
        result.stderr == "dailypapers: keywords.yaml:3: duplicate keyword 'a' (first on line 2)\n"
    )
    assert snapshot_files(tracker) == before
    assert server.requests == []


def test_corrupt_store_exits_3_before_any_request(tracker: Path, server: FakeArxiv) -> None:
    (tracker / "data").mkdir()
    (tracker / "data" / "world-model.json").write_text("{oops", encoding="utf-8")
    before = snapshot_files(tracker)
    result = run(tracker, server, "update")
    assert result.returncode == 3
    assert "world-model.json" in result.stderr and "left untouched" in result.stderr
    assert snapshot_files(tracker) == before
    assert server.requests == []


def test_second_concurrent_run_exits_4(tracker: Path, server: FakeArxiv) -> None:
    from dailypapers.fileio import exclusive_lock

    with exclusive_lock(tracker / "data" / ".lock"):
        result = run(tracker, server, "update")
    assert result.returncode == 4
    assert "another dailypapers run" in result.stderr
    assert server.requests == []


def test_the_refusal_names_the_running_holders_pid(tmp_path: Path) -> None:
    from dailypapers.errors import LockedError
    from dailypapers.fileio import exclusive_lock

    lock = tmp_path / "data" / ".lock"
    refused = pytest.raises(LockedError, match=rf"\(pid {os.getpid()}\)")
    with exclusive_lock(lock), refused, exclusive_lock(lock):
        pass


def test_a_finished_run_leaves_no_pid_for_a_later_refusal_to_name(tmp_path: Path) -> None:
    from dailypapers.fileio import exclusive_lock

    lock = tmp_path / "data" / ".lock"
    with exclusive_lock(lock):
        pass
    assert lock.read_text(encoding="utf-8") == ""


def test_render_needs_no_network(tracker: Path, server: FakeArxiv) -> None:
    run(tracker, server, "update")
    readme = tracker / "README.md"
    expected = readme.read_bytes()
    readme.write_text(readme.read_text(encoding="utf-8").replace("| --- |", "|---|"), "utf-8")
    result = run(tracker, None, "render")
    assert result.returncode == 0, result.stderr
    assert readme.read_bytes() == expected


# What the commands the daily workflow runs on every run besides `update` (`confirm`, `health`)
# and the quick ones (`--version`, `list`) leave unloaded: a third of their start-up.
HEAVY = ("jinja2", "httpx", "feedparser")
ONE_PROCESS = f"""
import sys
from dailypapers.cli import app
for args in sys.argv[1:]:
    try:
        app(args.split(), prog_name="dailypapers")
    except SystemExit as exc:
        assert not exc.code, (args, exc.code)
print("loaded:", *sorted(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_confirm_health_list_and_version_load_no_template_engine_and_no_http_client(
    tracker: Path,
) -> None:
    (tracker / "data").mkdir()
    (tracker / "body.md").write_text("An issue without marker lines.\n", encoding="utf-8")
    commands = ["--version", "list", "confirm body.md", "health"]
    done = subprocess.run(
        [sys.executable, "-c", ONE_PROCESS, *commands],
        cwd=tracker,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("dailypapers ")
    assert "0 paper(s) marked as announced" in lines
    assert "no keyword has failed 3 or more runs in a row" in lines
    assert lines[-1] == "loaded:"


def test_logs_are_one_line_per_keyword_when_not_a_terminal(
    tracker: Path, server: FakeArxiv
) -> None:
    result = run(tracker, server, "update")
    lines = result.stderr.splitlines()
    assert lines == [
        "[1/2] World Model: 100 new, 100 kept, 1 request(s)",
        "[2/2] Video Understanding: 100 new, 100 kept, 1 request(s)",
    ]
    assert result.stdout.startswith("2026-") or "200 new paper(s)" in result.stdout


def test_one_keyword_can_be_updated_alone(tracker: Path, server: FakeArxiv) -> None:
    result = run(tracker, server, "update", "-k", "world model")
    assert result.returncode == 0, result.stderr
    assert len(server.requests) == 1
    assert not (tracker / "data" / "video-understanding.json").exists()


def test_add_and_remove_keep_the_files_comments(tracker: Path) -> None:
    assert run(tracker, None, "add", "Video Generation").returncode == 0
    text = (tracker / "keywords.yaml").read_text(encoding="utf-8")
    assert text == (
        "# my topics\nkeywords:\n  - World Model\n  - Video Understanding\n  - Video Generation\n"
    )
    assert run(tracker, None, "remove", "world model").returncode == 0
    text = (tracker / "keywords.yaml").read_text(encoding="utf-8")
    assert text == "# my topics\nkeywords:\n  - Video Understanding\n  - Video Generation\n"


def test_add_asks_arxiv_once_for_the_count_and_warns_when_nothing_matches(
    tracker: Path, server: FakeArxiv
) -> None:
    result = run(tracker, server, "add", "Vidoe Undrestanding", "--phrase", "Vidoe Undrestanding")
    assert result.returncode == 0, result.stderr
    assert "Vidoe Undrestanding" in (tracker / "keywords.yaml").read_text(encoding="utf-8")
    assert "warning: arXiv counts no paper matching 'Vidoe Undrestanding'" in result.stderr
    assert "check the spelling" in result.stderr
    (asked,) = server.requests
    assert asked.params["max_results"] == "0"


def test_add_says_how_many_papers_arxiv_counts(tracker: Path, server: FakeArxiv) -> None:
    result = run(tracker, server, "add", "Video Diffusion", "--phrase", "World Model")
    assert result.returncode == 0, result.stderr
    assert f"arXiv counts {len(WORLD)} paper(s) matching 'Video Diffusion'" in result.stdout
    assert result.stderr == ""


def test_add_hints_that_a_phrase_with_a_comma_may_be_a_list(
    tracker: Path, server: FakeArxiv
) -> None:
    result = run(tracker, server, "add", "Video Diffusion", "--phrase", "video diffusion, t2v")
    assert "holds a comma" in result.stderr
    assert "phrases: [video diffusion, t2v]" in result.stderr


def test_add_offline_adds_the_keyword_with_a_note(tracker: Path) -> None:
    result = run(tracker, None, "add", "Video Generation")
    assert result.returncode == 0, result.stderr
    assert "added 'Video Generation'" in result.stdout
    assert "could not ask arXiv how many papers match, so it is added unchecked" in result.stdout
    assert "Video Generation" in (tracker / "keywords.yaml").read_text(encoding="utf-8")


def test_add_with_a_bad_environment_variable_exits_2_and_leaves_keywords_yaml_as_it_was(
    tracker: Path, server: FakeArxiv
) -> None:
    """The count `add` asks for needs the DAILYPAPERS_* settings; one it cannot use is refused
    before the file is edited (it was refused after, the keyword already written)."""
    before = (tracker / "keywords.yaml").read_bytes()
    result = run(tracker, server, "add", "Video Generation", DAILYPAPERS_TIMEOUT="0")
    assert result.returncode == 2
    assert (
        result.stderr == "dailypapers: DAILYPAPERS_TIMEOUT='0': must be a number from 0.1 to 600\n"
    )
    assert result.stdout == ""
    assert (tracker / "keywords.yaml").read_bytes() == before
    assert server.requests == []


def test_add_narrows_a_keyword_by_category_and_exclusion(tracker: Path) -> None:
    result = run(
        tracker,
        None,
        "add",
        "Robot Learning",
        "--category",
        "cs.RO",
        "--category",
        "cs.LG",
        "--exclude",
        "survey",
        "--no-check",
    )
    assert result.returncode == 0, result.stderr
    text = (tracker / "keywords.yaml").read_text(encoding="utf-8")
    assert text.endswith(
        "  - name: Robot Learning\n    categories: [cs.RO, cs.LG]\n    exclude: [survey]\n"
    )


def test_add_no_check_sends_no_request(tracker: Path, server: FakeArxiv) -> None:
    result = run(tracker, server, "add", "Video Generation", "--no-check")
    assert result.returncode == 0, result.stderr
    assert server.requests == []


def test_a_keyword_matching_no_paper_is_named_in_the_terminal_and_as_a_warning(
    tracker: Path, server: FakeArxiv
) -> None:
    config = tracker / "keywords.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  - Vidoe Undrestanding\n", "utf-8")
    result = run(tracker, server, "update", "--summary", "summary.md", GITHUB_ACTIONS="true")
    assert result.returncode == 0, result.stderr
    assert "Vidoe Undrestanding: 0 new, 0 kept, 1 request(s); arXiv counts no paper" in (
        result.stderr
    )
    assert "1 keyword(s) match no paper on arXiv at all" in result.stdout
    assert (
        "::warning title=dailypapers%3A Vidoe Undrestanding::arXiv counts no paper matching"
        in result.stdout
    )
    summary = (tracker / "summary.md").read_text(encoding="utf-8")
    assert "| Vidoe Undrestanding | 0 | 0 | :warning: **matches no paper** (" in summary


def test_from_a_subfolder_every_command_uses_the_trackers_files(
    tracker: Path, server: FakeArxiv
) -> None:
    (tracker / ".git").mkdir()
    sub = tracker / "papers" / "notes"
    sub.mkdir(parents=True)
    result = run(sub, server, "update")
    assert result.returncode == 0, result.stderr
    assert (tracker / "data" / "world-model.json").exists()
    assert "## World Model" in (tracker / "README.md").read_text(encoding="utf-8")
    assert not (sub / "data").exists() and not (sub / "site").exists()
    listed = run(sub, None, "list")
    assert listed.returncode == 0, listed.stderr
    assert "- World Model\t100 papers" in listed.stdout


def test_without_a_keywords_file_up_to_the_repository_root_it_says_where_it_looked(
    tmp_path: Path,
) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "sub"
    sub.mkdir()
    result = run(sub, None, "list")
    assert result.returncode == 2
    assert result.stderr == (
        f"dailypapers: keywords.yaml: file not found in {sub.resolve()} nor in any folder above "
        f"it up to the repository root, {tmp_path.resolve()} (run from the tracker's folder, or "
        "give --config)\n"
    )


def test_a_current_folder_removed_under_the_shell_is_one_line_not_a_traceback(
    tmp_path: Path,
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    result = subprocess.run(
        ["sh", "-c", 'cd "$1" && rmdir "$1" && exec "$2" list', "sh", str(gone), str(DAILYPAPERS)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "dailypapers: the current folder no longer exists (cd to the tracker's folder, or give "
        "--config)\n"
    )


def test_an_explicit_config_is_not_looked_for_elsewhere(tracker: Path) -> None:
    (tracker / ".git").mkdir()
    sub = tracker / "sub"
    sub.mkdir()
    result = run(sub, None, "list", "--config", "keywords.yaml")
    assert result.returncode == 2
    assert result.stderr == "dailypapers: keywords.yaml: file not found\n"


@pytest.mark.parametrize(
    "command", [["add", "Agents"], ["remove", "World Model"], ["add", "--reference", "2403.15377"]]
)
def test_an_edit_of_a_keywords_file_not_in_utf_8_is_refused_naming_the_line(
    tmp_path: Path, command: list[str]
) -> None:
    text = b"keywords:\n  - World Model\n  - Caf\xe9\n"
    (tmp_path / "keywords.yaml").write_bytes(text)
    result = run(tmp_path, None, *command)
    assert result.returncode == 2
    assert result.stderr == (
        "dailypapers: keywords.yaml:3: not UTF-8 text: byte 0xe9 at column 8 "
        "(invalid continuation byte)\n"
    )
    assert (tmp_path / "keywords.yaml").read_bytes() == text


@pytest.mark.parametrize(
    "options",
    [["--digest", "out"], ["--digest", "issue.md", "--digest-title", "out"], ["--summary", "out"]],
)
def test_an_output_path_that_can_be_no_file_stops_update_before_anything_is_fetched(
    tracker: Path, server: FakeArxiv, options: list[str]
) -> None:
    (tracker / "out").mkdir()
    before = snapshot_files(tracker)
    result = run(tracker, server, "update", *options)
    assert result.returncode == 2
    assert result.stderr == "dailypapers: out: not a regular file\n"
    assert server.requests == []
    assert snapshot_files(tracker) == before


@pytest.mark.parametrize("output", ["keywords.yaml", "README.md"])
def test_health_output_on_the_keywords_file_or_readme_is_refused_and_removes_nothing(
    tracker: Path, output: str
) -> None:
    """With no keyword failing, `health --output` removes a stale body: given keywords.yaml
    or the README by mistake, it deleted them."""
    (tracker / "data").mkdir()
    before = snapshot_files(tracker)
    result = run(tracker, None, "health", "--output", output)
    assert result.returncode == 2
    assert result.stderr.startswith(f"dailypapers: {output}: the health issue body cannot go here")
    assert result.stderr.count("\n") == 1
    assert snapshot_files(tracker) == before


def test_a_summary_and_an_issue_body_in_a_folder_not_made_yet_are_written_there(
    tracker: Path, server: FakeArxiv
) -> None:
    """The issue body's folder was made, the summary's was not: the run exited 2 at the end,
    with the store and the README already written."""
    result = run(tracker, server, "update", "--digest", "out/a/issue.md", "--summary", "out/b/s.md")
    assert result.returncode == 0, result.stderr
    assert "| World Model |" in (tracker / "out" / "b" / "s.md").read_text(encoding="utf-8")


def test_adding_a_duplicate_keyword_is_refused(tracker: Path) -> None:
    result = run(tracker, None, "add", "World model")
    assert result.returncode == 2
    assert "duplicate keyword" in result.stderr
    assert "World model" not in (tracker / "keywords.yaml").read_text(encoding="utf-8")


def test_list_shows_each_keyword_and_its_query(tracker: Path) -> None:
    result = run(tracker, None, "list")
    assert result.returncode == 0
    assert 'World Model\t0 papers\t(ti:"World Model" OR abs:"World Model")' in result.stdout


def test_list_names_a_store_file_no_keyword_reads_any_more(tracker: Path) -> None:
    """A keyword renamed by hand: its papers stay in its old file, which `list` points to."""
    result = run(tracker, None, "list")
    assert result.returncode == 0 and "note:" not in result.stdout
    (tracker / "data").mkdir(exist_ok=True)
    (tracker / "data" / "world-models.json").write_text("{}", encoding="utf-8")
    result = run(tracker, None, "list")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == (
        "note: data/world-models.json belongs to no keyword in keywords.yaml (renamed or "
        "removed?): its papers are kept there but not shown"
    )


def test_a_reader_that_stops_early_ends_the_run_as_sigpipe_would_and_prints_nothing(
    tmp_path: Path,
) -> None:
    """`dailypapers list | head -1`: status 141 (128 + SIGPIPE), not 1, which says a keyword
    failed to update, and no traceback."""
    names = "".join(f"  - topic number {i}\n" for i in range(2000))  # more than a pipe holds
    (tmp_path / "keywords.yaml").write_text(f"keywords:\n{names}", encoding="utf-8")
    with subprocess.Popen(
        [str(DAILYPAPERS), "list"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith("- topic number 0\t")
        process.stdout.close()
        assert process.wait(timeout=60) == 141
        assert process.stderr.read() == ""


def test_version_and_help(tracker: Path) -> None:
    assert run(tracker, None, "--version").stdout.startswith("dailypapers ")
    help_text = run(tracker, None, "--help").stdout
    for command in ("update", "render", "list", "add", "remove"):
        assert command in help_text


def test_add_help_sends_the_reader_to_the_page_that_lists_every_setting(tracker: Path) -> None:
    """It sent them to "README.md's keywords.yaml section", which the README does not have."""
    help_text = " ".join(run(tracker, None, "add", "--help").stdout.split())
    (page,) = re.findall(r"(docs/\S+\.md) lists them all", help_text)
    listed = (Path(__file__).resolve().parents[2] / page).read_text(encoding="utf-8")
    for setting in ("fields:", "max_papers:", "columns:"):
        assert setting in listed


def test_a_bad_environment_variable_exits_2_with_one_line_and_writes_nothing(
    tracker: Path, server: FakeArxiv
) -> None:
    before = snapshot_files(tracker)
    result = run(tracker, server, "update", DAILYPAPERS_API_URL="http://[::1")
    assert result.returncode == 2
    assert result.stderr.startswith("dailypapers: DAILYPAPERS_API_URL='http://[::1': ")
    assert result.stderr.count("\n") == 1
    assert server.requests == [] and snapshot_files(tracker) == before


@pytest.mark.parametrize(
    "args",
    [("--verbose", "update", "-k", "World Model"), ("update", "-k", "World Model", "--verbose")],
)
def test_verbose_logs_each_request_its_status_bytes_and_retries(
    tracker: Path, server: FakeArxiv, args: tuple[str, ...]
) -> None:
    """Written before the command or after it, as users write it."""
    server.inject(Fault("503", times=1))
    result = run(tracker, server, *args)
    assert result.returncode == 0, result.stderr
    log = result.stderr
    assert "dailypapers.fetch.client: GET http://127.0.0.1:" in log
    assert "HTTP 503" in log and "retry 1 of 1 in 0.0 s after HTTP 503" in log
    assert re.search(r"HTTP 200, \d+ bytes", log)


def test_a_keyword_named_like_the_option_after_a_double_dash_is_a_keyword(tracker: Path) -> None:
    result = run(tracker, None, "add", "--", "-v")
    assert result.returncode == 0, result.stderr
    assert '"-v"' in (tracker / "keywords.yaml").read_text(encoding="utf-8")


def test_without_verbose_no_request_is_logged(tracker: Path, server: FakeArxiv) -> None:
    result = run(tracker, server, "update", "-k", "World Model")
    assert result.returncode == 0, result.stderr
    assert "GET " not in result.stderr and "HTTP 200" not in result.stderr


class _Terminal(io.StringIO):
    """stderr as a terminal: the progress line is rewritten in place."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("name", ["Video Understanding", "🤖 機械学習 Robots"])
def test_the_live_progress_line_fits_a_narrow_terminal(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A live line wider than the terminal wraps, and '\\r' then rewrites its last row only:
    at COLUMNS=40 every rewrite left the line's first 40 characters behind."""
    from dailypapers.cli.progress import ConsoleProgress
    from dailypapers.config import Keyword

    monkeypatch.setenv("COLUMNS", "40")
    stream = _Terminal()
    progress = ConsoleProgress(stream, total=2)
    keyword = Keyword(name=name, slug="k")
    progress.keyword_started(keyword)
    progress.page(keyword, 80, 100)
    lines = [line for line in stream.getvalue().split("\r\x1b[K") if line]
    assert len(lines) == 2
    for line in lines:
        cells = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        assert cells < 40, line
    assert lines[0].startswith(f"[1/2] {name[:10]}")
    assert lines[0].endswith("…")


@pytest.mark.parametrize("command", ["update", "render", "list"])
def test_data_that_is_a_file_is_a_bad_argument_and_nothing_is_written(
    tracker: Path, command: str
) -> None:
    """Exit 3 is a corrupt store file; a --data that names a file is a wrong argument (2)."""
    before = snapshot_files(tracker)
    result = run(tracker, None, command, "--data", "README.md")
    assert result.returncode == 2, result.stderr
    assert result.stderr == (
        "dailypapers: README.md: not a folder; the store (--data) is a folder with one JSON file "
        "per keyword\n"
    )
    assert snapshot_files(tracker) == before
