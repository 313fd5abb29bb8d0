"""A research group's settings, end to end: the `dailypapers` command against the loopback arXiv.

Authors to follow, people to notify, code links, and one row per paper in the day's issue.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.support import readme_tables, run_cli, tracked_before

README = "# Group\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"


def paper(number: int, title: str, authors: list[str], **extra: str) -> FakePaper:
    stamp = f"2026-11-20T{number:02d}:00:00Z"
    return FakePaper(
        id=f"2611.{number:05d}",
        version=1,
        title=title,
        abstract=extra.pop("abstract", f"Paper {number}: what it does."),
        authors=authors,
        published=stamp,
        updated=stamp,
        **extra,
    )


DRIVING = paper(
    1,
    "World models for driving",
    ["Limin Wang", "Yi Chen"],
    comment="Code: https://github.com/lab/driving.",
)
VIDEO_WORLD = paper(
    2,
    "A video world model",
    ["Yi Wang", "Ann Other"],
    abstract=(
        "We model video. Project page: https://lab.github.io/vwm/, weights huggingface.co/lab/vwm"
    ),
)
PHYSICS = paper(3, "Unrelated physics", ["Limin Wang"])
SURVEY = paper(4, "World model survey", ["Ann Other"])
# "Yi, Wang" are words of two names here, not the name "Yi Wang".
NEIGHBOURS = paper(5, "Neighbours in the author list", ["Lin Yi", "Wang Chen"])
ALL = [DRIVING, VIDEO_WORLD, PHYSICS, SURVEY, NEIGHBOURS]


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with FakeArxiv(ALL) as fake:
        yield fake


def tracker(folder: Path, keywords: str, *, past_day_one: bool = True) -> Path:
    """A group's tracker; past its first day unless asked, so what a run finds is news."""
    (folder / "keywords.yaml").write_text(keywords, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    if past_day_one:
        tracked_before(folder)
    return folder


def run(folder: Path, server: FakeArxiv, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(folder, *args, api_url=server.url, DAILYPAPERS_RETRIES="0")


def update(folder: Path, server: FakeArxiv) -> str:
    """Run a day's update with an issue body; the body, or "" when nothing was new.

    As the workflow does, an issue opened with the body is confirmed, so its papers are not
    listed again the next day.
    """
    result = run(folder, server, "update", "--digest", "issue.md")
    assert result.returncode == 0, result.stderr
    body = folder / "issue.md"
    if not body.exists():
        return ""
    assert run(folder, server, "confirm", "issue.md").returncode == 0
    return body.read_text(encoding="utf-8")


def stored_ids(folder: Path, slug: str) -> set[str]:
    store = json.loads((folder / "data" / f"{slug}.json").read_text(encoding="utf-8"))
    return {p["id"] for p in store["papers"]}


def mentions(body: str) -> set[str]:
    return set(re.findall(r"(?<![\w/])@([A-Za-z0-9-]+)", body))


def issue_rows(body: str) -> list[str]:
    return re.findall(r"^\| \*\*\[(.*?)\]\(", body, flags=re.MULTILINE)


def test_a_keyword_of_only_authors_follows_those_people(tmp_path: Path, server: FakeArxiv) -> None:
    folder = tracker(
        tmp_path, "keywords:\n  - name: Wang lab\n    authors: [Limin Wang, Yi Wang]\n"
    )

    update(folder, server)

    assert stored_ids(folder, "wang-lab") == {DRIVING.id, VIDEO_WORLD.id, PHYSICS.id}
    assert server.requests[0].params["search_query"] == '(au:"Limin Wang" OR au:"Yi Wang")'


def test_authors_and_phrases_must_both_match(tmp_path: Path, server: FakeArxiv) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - name: Wang world\n    phrases: [world model]\n    authors: [Limin Wang]\n",
    )

    update(folder, server)

    assert stored_ids(folder, "wang-world") == {DRIVING.id}


def test_notify_mentions_a_keywords_people_only_on_days_it_has_new_papers(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - name: World Model\n    notify: [alice, bob-smith]\n"
        "  - name: Quantum gravity\n    notify: carol\n",
    )

    first = update(folder, server)
    assert mentions(first) == {"alice", "bob-smith"}
    assert update(folder, server) == ""

    server.add([paper(6, "Another quantum gravity result", ["Carol Q"])])
    third = update(folder, server)
    assert mentions(third) == {"carol"}


def test_a_keyword_name_with_an_at_sign_mentions_no_one_only_notify_does(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - name: World Model @alice #12\n    phrases: [world model]\n"
        "    notify: [bob]\n",
    )
    body = update(folder, server)
    assert "World Model @" in body
    assert mentions(body) == {"bob"}
    assert not re.search(r"(?<![\w&])#\d", body)


def test_a_name_that_is_not_a_github_user_is_refused_naming_its_line(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - name: World Model\n    notify: [alice, not_a/user]\n",
        past_day_one=False,
    )

    result = run(folder, server, "update", "--digest", "issue.md")

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "dailypapers: keywords.yaml:3: notify: not a GitHub user name (letters, digits and "
        "single hyphens, at most 39): 'not_a/user'"
    ]
    assert (folder / "README.md").read_text(encoding="utf-8") == README
    assert not (folder / "data").exists()
    assert server.requests == []


def test_a_paper_new_for_three_keywords_is_one_row_of_the_issue(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - World Model\n  - Video\n  - name: Wang lab\n    authors: Yi Wang\n",
    )

    body = update(folder, server)

    assert issue_rows(body) == [SURVEY.title, VIDEO_WORLD.title, DRIVING.title]
    row = next(line for line in body.splitlines() if VIDEO_WORLD.title in line)
    assert "also in Video, Wang lab" in row
    assert "**3 new papers**" in body
    assert "## Video\n\nNew here: 1 paper listed above." in body
    tables = readme_tables((folder / "README.md").read_text(encoding="utf-8"))
    for name, slug in (
        ("World Model", "world-model"),
        ("Video", "video"),
        ("Wang lab", "wang-lab"),
    ):
        assert VIDEO_WORLD.id in stored_ids(folder, slug)
        assert any(VIDEO_WORLD.id in row[0] for row in tables[name])


def test_code_links_reach_the_readme_column_the_issue_and_the_feeds(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(
        tmp_path,
        "keywords:\n  - World Model\ncolumns: [title, date, abstract, comment, code]\n",
    )

    body = update(folder, server)

    tables = readme_tables((folder / "README.md").read_text(encoding="utf-8"))
    code = {row[0]: row[4] for row in tables["World Model"]}
    assert code == {
        f"**[{VIDEO_WORLD.title}](https://arxiv.org/pdf/{VIDEO_WORLD.id}v1)**": (
            "[Hugging Face](https://huggingface.co/lab/vwm) · [page](https://lab.github.io/vwm/)"
        ),
        f"**[{DRIVING.title}](https://arxiv.org/pdf/{DRIVING.id}v1)**": (
            "[GitHub](https://github.com/lab/driving)"
        ),
        f"**[{SURVEY.title}](https://arxiv.org/pdf/{SURVEY.id}v1)**": "",
    }
    assert "**<br>[GitHub](https://github.com/lab/driving) |" in body
    feed = (folder / "site" / "feeds" / "world-model.xml").read_text(encoding="utf-8")
    assert (
        '<link rel="related" type="text/html" title="code" href="https://github.com/lab/driving"/>'
        in feed
    )
    page = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert '[["GitHub","https://github.com/lab/driving"]]' in page


def test_without_columns_the_readme_tables_keep_their_four_columns(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(tmp_path, "keywords:\n  - World Model\n")

    update(folder, server)

    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert (
        "| **Title** | **Date** | **Abstract** | **Comment** |\n| --- | --- | --- | --- |\n"
        in readme
    )
    assert "**Code**" not in readme
    assert (
        f"| **[{DRIVING.title}](https://arxiv.org/pdf/{DRIVING.id}v1)** | 2026-11-20 | "
        "<details><summary>Show</summary><p>Paper 1: what it does.</p></details> | "
        "<details><summary>Code:...</summary><p>Code: https://github.com/lab/driving.</p>"
        "</details> |\n"
    ) in readme


def test_add_writes_authors_and_notify_that_update_then_uses(
    tmp_path: Path, server: FakeArxiv
) -> None:
    folder = tracker(tmp_path, "keywords:\n  - World Model   # ours\n")

    added = run(folder, server, "add", "Wang lab", "--author", "Limin Wang", "--notify", "alice")

    assert added.returncode == 0, added.stderr
    assert (folder / "keywords.yaml").read_text(encoding="utf-8") == (
        "keywords:\n  - World Model   # ours\n"
        "  - name: Wang lab\n    authors: [Limin Wang]\n    notify: [alice]\n"
    )
    first_day = update(folder, server)
    server.add([paper(6, "A later paper of the lab", ["Limin Wang"])])
    body = update(folder, server)

    assert "- Now tracking Wang lab: 2 papers in its [complete table]" in first_day
    assert "@alice" not in first_day  # its first papers are history, not news
    section = body.split("## Wang lab\n", 1)[1]
    assert section.startswith("cc @alice\n\n| **Title**")
    assert stored_ids(folder, "wang-lab") == {DRIVING.id, PHYSICS.id, "2611.00006"}


def test_add_refuses_a_bad_notify_name_naming_the_keyword_and_writes_nothing(
    tmp_path: Path, server: FakeArxiv
) -> None:
    keywords = "keywords:\n  - World Model\n"
    folder = tracker(tmp_path, keywords)

    added = run(folder, server, "add", "Wang lab", "--author", "Limin Wang", "--notify", "@al")

    assert added.returncode == 2
    assert added.stderr == (
        "dailypapers: keywords.yaml: keyword 'Wang lab' not added: notify: write GitHub user "
        "names without '@': '@al'\n"
    )
    assert (folder / "keywords.yaml").read_text(encoding="utf-8") == keywords


def test_add_help_names_every_setting_of_a_research_group(
    tmp_path: Path, server: FakeArxiv
) -> None:
    shown = " ".join(run(tmp_path, server, "add", "--help").stdout.split())

    for words in ("--author", "--notify", "--phrase", "columns:", "code", "GitHub user name"):
        assert words in shown
