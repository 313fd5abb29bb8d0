"""What a run reports about itself: the health alarm, the job summary, the log annotations."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dailypapers import store
from dailypapers.cli.progress import describe, summary_lines, workflow_commands
from dailypapers.config import Keyword, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs import summary
from dailypapers.outputs.escape import gha_message, gha_property
from dailypapers.outputs.health import failing, write
from dailypapers.run import KeywordReport, UpdateReport
from tests.support import gfm, linking, run_cli

CONFIG = parse_config("keywords:\n  - World Model\n  - Video Understanding\n")
WORLD, VIDEO = CONFIG.keywords
DAILYPAPERS = Path(sys.executable).with_name("dailypapers")


def save_health(data: Path, slug: str, failures: int, error: str = "HTTP 503") -> None:
    health = store.Health(failures, "2026-11-19" if failures else "", error if failures else "")
    keyword = Keyword(name=slug, slug=slug, phrases=(slug,))
    store.save(data, store.KeywordStore(keyword, last_success="2026-11-18", health=health))


def failed(topic_report: KeywordReport, failures: int, error: str = "HTTP 500 (5 tries)") -> None:
    topic_report.error, topic_report.error_kind, topic_report.failures = error, "http 500", failures


# ---------------------------------------------------------------------- health


def test_only_keywords_failing_at_least_the_threshold_raise_the_alarm(tmp_path: Path) -> None:
    save_health(tmp_path, WORLD.slug, 3)
    save_health(tmp_path, VIDEO.slug, 2)

    entries = failing(store.load_snapshot(CONFIG, tmp_path), min_failures=3)

    assert [(e.name, e.failures, e.since, e.error) for e in entries] == [
        ("World Model", 3, "2026-11-19", "HTTP 503")
    ]


def test_health_body_names_keywords_errors_and_since_when(tmp_path: Path) -> None:
    save_health(tmp_path, WORLD.slug, 4, error="HTTP 429 | rate limited")
    output = tmp_path / "health.md"

    assert write(failing(store.load_snapshot(CONFIG, tmp_path), 3), 3, output)

    body = output.read_text(encoding="utf-8")
    assert "| World Model | 4 | 2026-11-19 | 2026-11-18 | HTTP 429 \\| rate limited |" in body
    assert "Video Understanding" not in body


PROXY_PAGE = (
    "HTTP 403: Access Denied. Reference #18.2f3c; contact @octocat or @acme/netops, "
    "see GH-7 and owner/repo#1"
)


def test_the_health_body_mentions_no_one_and_references_nothing_yet_reads_the_same(
    tmp_path: Path,
) -> None:
    config = parse_config("keywords:\n  - name: 'Ask @alice about #12'\n    phrases: [x]\n")
    [keyword] = config.keywords
    store.save(
        tmp_path,
        store.KeywordStore(
            keyword, last_success="2026-11-18", health=store.Health(3, "2026-11-19", PROXY_PAGE)
        ),
    )
    output = tmp_path / "health.md"

    assert write(failing(store.load_snapshot(config, tmp_path), 3), 3, output)

    body = output.read_text(encoding="utf-8")
    assert linking(body) == []
    [table] = gfm(body).tables
    [row] = table.rows
    shown = [cell.text.replace("\u2060", "") for cell in row]
    assert shown == ["Ask @alice about #12", "3", "2026-11-19", "2026-11-18", PROXY_PAGE]


def test_the_day_every_keyword_of_a_big_tracker_fails_the_alarm_still_fits_in_an_issue(
    tmp_path: Path,
) -> None:
    config = parse_config(
        "keywords:\n" + "".join(f"  - Keyword {n} on video world models\n" for n in range(600))
    )
    error = (
        "arXiv failed every retry for Keyword 1 on video world models and Keyword 2 on video "
        "world models just before; the run stopped asking"
    )
    for keyword in config.keywords:
        health = store.Health(3, "2026-11-19", error)
        store.save(tmp_path, store.KeywordStore(keyword, last_success="2026-11-18", health=health))
    output = tmp_path / "health.md"

    assert write(failing(store.load_snapshot(config, tmp_path), 3), 3, output)

    body = output.read_text(encoding="utf-8")
    assert len(body) <= 65_536
    [table] = gfm(body).tables
    assert 100 < len(table.rows) < 600
    assert "in a row for 600 keywords." in body
    assert f"…and {600 - len(table.rows)} more: the run's job summary lists every keyword" in body


def test_a_healthy_tracker_removes_the_stale_health_body(tmp_path: Path) -> None:
    output = tmp_path / "health.md"
    output.write_text("old alarm", encoding="utf-8")
    save_health(tmp_path, WORLD.slug, 0)

    assert not write(failing(store.load_snapshot(CONFIG, tmp_path), 1), 1, output)
    assert not output.exists()


def test_health_command_writes_the_body_only_while_something_fails(tracker: Path) -> None:
    command = ["health", "--min-failures", "2", "--output", "health.md"]
    save_health(tracker / "data", WORLD.slug, 2)
    alarm = run_cli(tracker, *command)
    body_written = (tracker / "health.md").exists()
    save_health(tracker / "data", WORLD.slug, 0)
    calm = run_cli(tracker, *command)

    assert (alarm.returncode, calm.returncode) == (0, 0)
    assert body_written and "World Model: failed 2 run(s) in a row" in alarm.stdout
    assert not (tracker / "health.md").exists()


# ---------------------------------------------------------------------- job summary


def test_summary_tells_an_empty_day_from_a_failure(tmp_path: Path) -> None:
    world, video = KeywordReport(WORLD, kept=10), KeywordReport(VIDEO, kept=7)
    failed(video, 2)
    path = tmp_path / "summary.md"
    path.write_text("earlier step\n", encoding="utf-8")

    summary.append(UpdateReport("2026-11-22", [world, video]), path)

    text = path.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    assert re.search(r"\| World Model \| 0 \| 10 \| .*arXiv announced nothing new", text)
    assert re.search(r"\| Video Understanding \| 0 \| 7 \| .*FAILED.*2 runs in a row", text)
    assert "1 of 2 keywords failed" in text


def test_summary_of_a_normal_day_counts_new_papers() -> None:
    paper = Paper(id="2611.00001", version=1, title="T", updated="2026-11-21T00:00:00Z")
    text = summary.render(UpdateReport("2026-11-22", [KeywordReport(WORLD, new=[paper], kept=1)]))

    assert "| World Model | 1 | 1 | :white_check_mark: ok |" in text
    assert "FAILED" not in text and "failed" not in text


def test_summary_says_a_first_fill_is_not_announced() -> None:
    paper = Paper(id="2611.00001", version=1, title="T", updated="2026-11-21T00:00:00Z")
    report = KeywordReport(WORLD, new=[paper], kept=1, first_fill=True)

    text = summary.render(UpdateReport("2026-11-22", [report]))

    assert "| World Model | 1 | 1 | :white_check_mark: ok (first fill: stored as history" in text


def test_summary_of_a_day_without_news_is_not_a_failure() -> None:
    text = summary.render(UpdateReport("2026-11-22", [KeywordReport(WORLD, kept=3)]))

    assert "announced nothing new" in text and "not a failure" in text
    assert "FAILED" not in text


# ---------------------------------------------------------------------- annotations


def test_each_failed_keyword_becomes_one_error_annotation() -> None:
    world, video = KeywordReport(WORLD), KeywordReport(VIDEO)
    failed(video, 3, error="HTTP 503\nRetry later: 100%")

    lines = workflow_commands(UpdateReport("2026-11-22", [world, video]))

    assert lines == [
        "::error title=dailypapers%3A Video Understanding::"
        "update failed (3 runs in a row): HTTP 503%0ARetry later: 100%25"
    ]


def test_an_unsorted_answer_is_a_warning() -> None:
    world = KeywordReport(WORLD, unsorted=True)

    [line] = workflow_commands(UpdateReport("2026-11-22", [world]))

    assert line.startswith("::warning title=dailypapers%3A World Model::")


def test_a_run_warning_becomes_one_warning_annotation() -> None:
    report = UpdateReport("2026-11-22", [KeywordReport(WORLD)])
    report.warnings.append("references not fetched: HTTP 503")

    assert workflow_commands(report) == [
        "::warning title=dailypapers::references not fetched: HTTP 503"
    ]


def test_a_keyword_line_says_when_arxiv_counts_more_new_papers_than_arrived() -> None:
    world = KeywordReport(WORLD, kept=100, requests=5, unaccounted=2)

    assert describe(world) == (
        "World Model: 0 new, 100 kept, 5 request(s); "
        "arXiv counts 2 more new match(es), older than all kept"
    )


def test_update_prints_annotations_only_under_github_actions(tracker: Path) -> None:
    plain = run_cli(tracker, "update", DAILYPAPERS_RETRIES="0")
    actions = run_cli(tracker, "update", DAILYPAPERS_RETRIES="0", GITHUB_ACTIONS="true")

    assert (plain.returncode, actions.returncode) == (1, 1)
    assert "::error" not in plain.stdout
    assert actions.stdout.count("::error title=dailypapers%3A ") == 2


def _decode(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: chr(int(m.group(1), 16)), text)


@given(st.text())
def test_an_annotation_message_is_one_line_and_decodes_back(text: str) -> None:
    encoded = gha_message(text)

    assert "\n" not in encoded and "\r" not in encoded
    assert _decode(encoded) == text


@given(st.text())
def test_an_annotation_property_cannot_end_early(text: str) -> None:
    encoded = gha_property(text)

    assert not set(encoded) & set(":,\r\n")
    assert _decode(encoded) == text


# ---------------------------------------------------------------------- a keyword matching nothing

TYPO, LISTED = parse_config(
    "keywords:\n  - Vidoe Undrestanding\n"
    "  - name: Video Diffusion\n    phrases: video diffusion, text-to-video\n"
).keywords


def test_summary_says_a_keyword_matching_no_paper_is_no_quiet_day() -> None:
    world = KeywordReport(WORLD, kept=3, total=120)
    typo = KeywordReport(TYPO, total=0)

    text = summary.render(UpdateReport("2026-11-22", [world, typo]))

    assert re.search(r"\| World Model \| 0 \| 3 \| :zzz: arXiv announced nothing new \|", text)
    assert re.search(
        r"\| Vidoe Undrestanding \| 0 \| 0 \| :warning: \*\*matches no paper\*\*", text
    )
    assert "check the spelling" in text
    assert ":warning: 1 keyword matches no paper on arXiv at all" in text


def test_a_phrase_with_a_comma_is_hinted_to_be_a_list() -> None:
    report = KeywordReport(LISTED, total=0)

    line = describe(report)

    assert "matching this keyword at all: check the spelling" in line
    assert "'video diffusion, text-to-video' holds a comma" in line
    assert "phrases: [video diffusion, text-to-video]" in line
    text = summary.render(UpdateReport("2026-11-22", [report]))
    assert "phrases: [video diffusion, text-to-video]" in text
    assert "announced nothing new" not in text  # not a quiet day


def test_a_keyword_matching_no_paper_is_a_warning_annotation() -> None:
    quiet = KeywordReport(WORLD, total=5)
    typo = KeywordReport(TYPO, total=0)

    lines = workflow_commands(UpdateReport("2026-11-22", [quiet, typo]))

    assert lines == [
        "::warning title=dailypapers%3A Vidoe Undrestanding::arXiv counts no paper matching"
        " this keyword at all: check the spelling"
    ]


def test_a_paper_new_for_two_keywords_is_counted_both_ways_and_said_so() -> None:
    shared = Paper(id="2611.00001", version=1, title="T", updated="2026-11-21T00:00:00Z")
    own = Paper(id="2611.00002", version=1, title="U", updated="2026-11-21T00:00:00Z")
    report = UpdateReport(
        "2026-11-22",
        [KeywordReport(WORLD, new=[shared, own], kept=2), KeywordReport(VIDEO, new=[shared])],
    )

    (first,) = summary_lines(report)
    text = summary.render(report)

    assert first == (
        "2026-11-22: 3 new for their keywords, 2 distinct paper(s), across 2 keyword(s)"
    )
    assert ":white_check_mark: 3 new papers for their keywords: 2 distinct, as the day's" in text
