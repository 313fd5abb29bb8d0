"""The digest issue body: every paper not yet announced, always small enough for GitHub."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dailypapers.config import Config, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs.digest import (
    GITHUB_BODY_LIMIT,
    announced_ids,
    build,
    readme_url,
    title,
    write,
)
from dailypapers.store import KeywordStore, Snapshot
from tests.factories import snapshot_of
from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.support import run_cli, tracked_before

DAY = "2026-11-22"
README = "https://github.com/owner/tracker"
CONFIG = parse_config("keywords:\n  - World Model\n  - Video Understanding\n")
markdown = MarkdownIt("commonmark").enable("table")


def paper(number: int, *, title: str = "", comment: str = "", hour: int = 0) -> Paper:
    return Paper(
        id=f"2611.{number:05d}",
        version=1,
        title=title or f"Paper {number}",
        abstract=f"Abstract of paper {number} that the digest never shows.",
        comment=comment,
        updated=f"2026-11-{20 - hour // 24:02d}T{hour % 24:02d}:00:00Z",
        published=f"2026-11-{20 - hour // 24:02d}T{hour % 24:02d}:00:00Z",
    )


def snapshot(
    *new: list[Paper], revised: list[Paper] | None = None, config: Config = CONFIG
) -> Snapshot:
    """The store after a run that found ``new`` (pending) per keyword and ``revised`` (not)."""
    stores = [
        KeywordStore(keyword=k, papers=tuple(papers), pending=tuple(p.id for p in papers))
        for k, papers in zip(config.keywords, new, strict=False)
    ]
    stores += [KeywordStore(keyword=k) for k in config.keywords[len(stores) :]]
    if revised:
        stores[0] = replace(stores[0], papers=stores[0].papers + tuple(revised))
    return snapshot_of(config, tuple(stores))


def accounted(body: str) -> int:
    """Papers the body announces (its markers), checking that each section shows or counts
    exactly the papers its marker names; a body cut to fit drops whole sections only."""
    sections = re.split(r"^## ", body, flags=re.MULTILINE)[1:]
    total = 0
    for section in sections:
        ids = announced_ids([section])
        shown = len(rows(section))
        more = re.findall(r"…and (\d+) more in the|^(\d+) new in the", section, re.MULTILINE)
        hidden = sum(int(a or b) for a, b in more)
        assert shown + hidden == len(ids) or (not ids and section is sections[-1]), section
        total += len(ids)
    return total


def rows(body: str) -> list[str]:
    return re.findall(r"^\| \*\*\[(.*?)\]\(", body, flags=re.MULTILINE)


def test_lists_new_papers_by_keyword_in_config_order_newest_first() -> None:
    world = [paper(1, hour=1), paper(2, hour=5), paper(3, hour=3)]
    video = [paper(4, hour=2)]

    digest = build(snapshot(world, video), DAY, README)

    assert digest is not None
    body = digest.body
    assert body.index("## World Model") < body.index("## Video Understanding")
    assert rows(body) == ["Paper 2", "Paper 3", "Paper 1", "Paper 4"]


def test_row_is_linked_title_date_and_comment_without_abstract() -> None:
    digest = build(snapshot([paper(7, comment="8 pages")]), DAY, README)

    assert digest is not None
    assert "| **[Paper 7](https://arxiv.org/pdf/2611.00007v1)** | 2026-11-20 | 8 pages |" in (
        digest.body
    )
    assert "Abstract" not in digest.body


def test_top_line_gives_the_count_the_keywords_and_the_readme() -> None:
    digest = build(snapshot([paper(1), paper(2)], [paper(3)]), DAY, README)

    assert digest is not None
    first = digest.body.splitlines()[0]
    assert first.startswith("**3 new papers** on November 22, 2026 for World Model (2) and ")
    assert "Video Understanding (1)" in first
    assert f"]({README})" in first


def test_nothing_new_means_no_digest_even_with_revised_papers() -> None:
    assert build(snapshot([], [], revised=[paper(9)]), DAY, README) is None


def test_revised_papers_are_not_listed() -> None:
    digest = build(snapshot([paper(1)], revised=[paper(2)]), DAY, README)

    assert digest is not None
    assert rows(digest.body) == ["Paper 1"]
    assert digest.count == 1


def test_title_names_the_count_and_the_date() -> None:
    assert title(12, "2026-11-22") == "12 new papers - November 22, 2026"
    assert title(1, "2027-01-03") == "1 new paper - January 3, 2027"


def test_readme_link_points_at_the_repository_on_github() -> None:
    env = {"GITHUB_REPOSITORY": "owner/tracker", "GITHUB_SERVER_URL": "https://ghe.example"}
    assert readme_url(Path("README.md"), env) == "https://ghe.example/owner/tracker"
    assert readme_url(Path("README.md"), {"GITHUB_REPOSITORY": "a/b"}) == "https://github.com/a/b"


def test_readme_link_is_the_relative_file_outside_github() -> None:
    assert readme_url(Path("docs/README.md"), {}) == "docs/README.md"


def test_hostile_titles_and_comments_stay_inside_their_cells() -> None:
    nasty = [
        paper(1, title="A | B <script>alert(1)</script>", comment="x | y"),
        paper(2, title="Trailing backslash \\", comment="& <b>bold</b>"),
    ]
    digest = build(snapshot(nasty), DAY, README)

    assert digest is not None
    tokens = markdown.parse(digest.body)
    assert sum(t.type == "tr_open" for t in tokens) == 3  # header + two papers
    assert not any(t.type == "html_inline" for t in tokens)
    html = [t.content for t in tokens if t.type == "html_block"]
    assert html == ["<!-- dailypapers:announced 2611.00002 2611.00001 -->\n"]


def test_a_busy_day_is_trimmed_the_same_for_every_keyword_with_a_link_for_the_rest() -> None:
    long_comment = "Accepted at a workshop with a rather long name, " * 8
    world = [paper(i, comment=long_comment, hour=i % 400) for i in range(500)]
    video = [paper(1000 + i, comment=long_comment, hour=i) for i in range(40)]

    digest = build(snapshot(world, video), DAY, README, tables=f"{README}/blob/HEAD/papers")

    assert digest is not None
    assert len(digest.body) < GITHUB_BODY_LIMIT
    shown = rows(digest.body)
    assert len(shown) < 540
    more = [int(n) for n in re.findall(r"…and (\d+) more in the \[complete table\]", digest.body)]
    assert sum(more) + len(shown) == 540
    assert f"]({README}/blob/HEAD/papers/world-model.md)" in digest.body
    assert digest.title == "540 new papers - November 22, 2026"


@settings(max_examples=30, deadline=None)
@given(
    counts=st.lists(st.integers(0, 120), min_size=1, max_size=4),
    comment=st.text(max_size=600),
    title_text=st.text(min_size=1, max_size=300),
    budget=st.integers(2_000, 20_000),
)
def test_the_body_always_fits_its_budget_and_accounts_for_every_paper(
    counts: list[int], comment: str, title_text: str, budget: int
) -> None:
    names = "".join(f"  - Keyword {i}\n" for i in range(len(counts)))
    config = parse_config(f"keywords:\n{names}")
    new = [
        [paper(k * 1000 + i, title=f"{title_text} {i}", comment=comment) for i in range(n)]
        for k, n in enumerate(counts)
    ]

    digest = build(snapshot(*new, config=config), DAY, README, budget=budget)

    if sum(counts) == 0:
        assert digest is None
        return
    assert digest is not None
    assert len(digest.body) <= budget
    # Keywords left out stay pending and go first in the next digest.
    assert accounted(digest.body) == digest.count
    assert digest.count == sum(counts) or "do not fit in this issue" in digest.body


def test_even_hundreds_of_keywords_never_exceed_the_budget() -> None:
    names = "".join(f"  - Keyword number {i}\n" for i in range(300))
    config = parse_config(f"keywords:\n{names}")
    new = [[paper(k * 10 + i) for i in range(3)] for k in range(300)]

    digest = build(snapshot(*new, config=config), DAY, README, budget=5_000)

    assert digest is not None
    assert len(digest.body) <= 5_000
    assert digest.title == f"{len(announced_ids([digest.body]))} new papers - November 22, 2026"


def test_keywords_that_do_not_fit_wait_for_the_next_issue_and_go_in_first_there() -> None:
    n = 150
    config = parse_config("keywords:\n" + "".join(f"  - Keyword {i}\n" for i in range(n)))
    found = [[paper(k * 10 + i) for i in range(3)] for k in range(n)]

    first = build(snapshot(*found, config=config), DAY, README, budget=20_000)

    assert first is not None and len(first.body) <= 20_000
    announced = announced_ids([first.body])
    assert accounted(first.body) == len(announced) == first.count
    left_out = n - len(announced) // 3
    assert 0 < left_out < n
    assert f"{left_out} more keywords have new papers that do not fit in this issue" in first.body

    next_day = "2026-11-23"
    waiting = [[replace(p, first_seen=DAY) for p in ps if p.id not in announced] for ps in found]
    fresh = [[replace(paper(k * 10 + 5, hour=-24), first_seen=next_day)] for k in range(n)]
    both = [w + f for w, f in zip(waiting, fresh, strict=True)]
    second = build(snapshot(*both, config=config), next_day, README, budget=20_000)

    assert second is not None
    again = announced_ids([second.body])
    assert {p.id for ps in waiting for p in ps} <= again
    assert not announced & again


def test_write_removes_a_stale_digest_when_nothing_is_new(tmp_path: Path) -> None:
    body, head = tmp_path / "digest.md", tmp_path / "title.txt"
    write(build(snapshot([paper(1)]), DAY, README), body, head)
    assert head.read_text(encoding="utf-8") == "1 new paper - November 22, 2026\n"

    write(build(snapshot([]), DAY, README), body, head)

    assert not body.exists() and not head.exists()


def test_update_command_writes_the_digest_then_removes_it_once_confirmed(
    tracker: Path,
) -> None:
    command = ["update", "--digest", "digest.md", "--digest-title", "title.txt"]
    tracked_before(tracker)
    with FakeArxiv(make_papers(3, "World Model")) as server:
        first = run_cli(tracker, *command, api_url=server.url)
        body = (tracker / "digest.md").read_text(encoding="utf-8")
        confirmed = run_cli(tracker, "confirm", "digest.md", api_url=server.url)
        second = run_cli(tracker, *command, api_url=server.url)

    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert confirmed.stdout == "3 paper(s) marked as announced\n"
    assert "World Model: synthetic study 1" in body
    assert "[README](README.md)" in body
    assert not (tracker / "digest.md").exists()
    assert not (tracker / "title.txt").exists()


def test_a_paper_new_for_several_keywords_is_one_row_under_the_first() -> None:
    config = parse_config("keywords:\n  - World Model\n  - Video\n  - Robots | Arms\n")
    shared, own = paper(1, hour=1), paper(2, hour=2)

    digest = build(snapshot([shared], [shared, own], [shared], config=config), DAY, README)

    assert digest is not None
    assert rows(digest.body) == ["Paper 1", "Paper 2"]
    assert (
        "**[Paper 1](https://arxiv.org/pdf/2611.00001v1)**<br>also in Video, Robots \\| Arms |"
        in (digest.body)
    )
    assert "## Video\n| **Title**" in digest.body
    assert "Also new here: 1 paper listed above." in digest.body
    assert "## Robots | Arms\n\nNew here: 1 paper listed above." in digest.body
    assert digest.title == "2 new papers - November 22, 2026"


def test_each_keywords_people_are_mentioned_under_it_only_when_it_has_new_papers() -> None:
    config = parse_config(
        "keywords:\n  - name: World Model\n    notify: [alice, bob]\n"
        "  - name: Video\n    notify: carol\n  - name: Robots\n    notify: dave\n"
    )

    digest = build(snapshot([paper(1)], [], [paper(2)], config=config), DAY, README)

    assert digest is not None
    assert "## World Model\ncc @alice @bob\n\n| **Title**" in digest.body
    assert "## Robots\ncc @dave\n\n| **Title**" in digest.body
    assert set(re.findall(r"@(\w+)", digest.body)) == {"alice", "bob", "dave"}


@settings(max_examples=30, deadline=None)
@given(
    membership=st.lists(st.sets(st.integers(0, 3), min_size=1), min_size=1, max_size=150),
    budget=st.integers(3_000, 20_000),
)
def test_every_new_paper_is_listed_or_counted_once_whatever_keywords_it_shares(
    membership: list[set[int]], budget: int
) -> None:
    config = parse_config(
        "keywords:\n" + "".join(f"  - name: Keyword {k}\n    notify: user{k}\n" for k in range(4))
    )
    new = [[paper(i, hour=i) for i, keys in enumerate(membership) if k in keys] for k in range(4)]

    digest = build(snapshot(*new, config=config), DAY, README, budget=budget)

    assert digest is not None
    assert len(digest.body) <= budget
    listed = rows(digest.body)
    assert len(listed) == len(set(listed))
    assert accounted(digest.body) == len(membership) or digest.body.endswith("\n…\n")
    for k in range(4):
        if new[k]:
            assert f"## Keyword {k}\ncc @user{k}\n" in digest.body


def test_a_code_link_at_the_end_of_a_long_comment_survives_the_clipping() -> None:
    comment = "Accepted at a workshop with a long name. " * 30 + "Code: https://github.com/a/b."

    digest = build(snapshot([paper(1, comment=comment)]), DAY, README)

    assert digest is not None
    assert "**<br>[GitHub](https://github.com/a/b) |" in digest.body
