"""The daily issue as GitHub reads it: no mention, no reference, rows for every keyword."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.config import Config, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs.digest import build
from dailypapers.store import KeywordStore, Snapshot
from tests.factories import snapshot_of
from tests.support import gfm_texts, linking

DAY = "2026-11-22"
README = "https://github.com/owner/tracker"
TABLES = f"{README}/blob/HEAD/papers"


def paper(
    number: int, *, title: str = "", comment: str = "", authors: tuple[str, ...] = ()
) -> Paper:
    return Paper(
        id=f"2611.{number:05d}",
        version=1,
        title=title or f"Paper {number}",
        comment=comment,
        authors=authors,
        updated=f"2026-11-20T{number % 24:02d}:{number // 24 % 60:02d}:00Z",
    )


def snapshot(config: Config, *new: list[Paper]) -> Snapshot:
    """The store after a run that found ``new`` per keyword: all of it waits for the issue."""
    stores = [
        KeywordStore(keyword=k, papers=tuple(p), pending=tuple(x.id for x in p))
        for k, p in zip(config.keywords, new, strict=True)
    ]
    return snapshot_of(config, tuple(stores))


TWO = parse_config("keywords:\n  - World Model\n  - Video Understanding\n")


def test_real_comments_with_at_and_hash_ping_no_one() -> None:
    papers = [
        paper(1, title="Reply to @alice: #12 is fixed", comment="Oral @ICLR2026"),
        paper(2, comment="@inproceedings{smith2026, title={World}} see #12, GH-3, owner/repo#5"),
        paper(3, comment="#1234 first, then a long comment that is collapsed"),
    ]
    digest = build(snapshot(TWO, papers, []), DAY, README, tables=TABLES)
    assert digest is not None
    assert linking(digest.body) == []
    shown = "".join(gfm_texts(digest.body)).replace("\u2060", "")
    assert "Oral @ICLR2026" in shown and "owner/repo#5" in shown


def test_the_templates_own_text_is_left_alone() -> None:
    digest = build(snapshot(TWO, [paper(1)], []), DAY, README, tables=TABLES)
    assert digest is not None
    assert "&#8288;" not in digest.body


hostile = st.lists(
    st.sampled_from(
        ["@", "#", "GH-", "gh-", "/", "\\", "&", "`", "*", "[", "]", " ", "a", "1", "é"]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None)
@given(title=hostile.filter(lambda s: s.strip() != ""), comment=hostile)
def test_hostile_paper_text_in_the_issue_mentions_and_references_nothing(
    title: str, comment: str
) -> None:
    digest = build(snapshot(TWO, [paper(1, title=title, comment=comment)], []), DAY, README)
    assert digest is not None
    assert linking(digest.body) == []


def test_one_huge_comment_does_not_empty_the_other_keywords() -> None:
    world = [paper(1, comment="x" * 200_000), *[paper(i) for i in range(2, 40)]]
    video = [paper(100 + i) for i in range(40)]
    digest = build(snapshot(TWO, world, video), DAY, README, tables=TABLES, budget=8_000)
    assert digest is not None
    assert len(digest.body) <= 8_000
    world_part, video_part = digest.body.split("## Video Understanding")
    assert world_part.count("| **[") >= 5
    assert video_part.count("| **[") >= 5
    assert "Paper 1](" not in world_part or "…" in world_part


def test_one_huge_title_does_not_empty_the_issue() -> None:
    world = [paper(1, title="T" * 100_000), *[paper(i) for i in range(2, 10)]]
    video = [paper(100 + i) for i in range(10)]
    digest = build(snapshot(TWO, world, video), DAY, README, tables=TABLES)
    assert digest is not None
    assert digest.body.count("| **[") == 19


def test_more_links_go_to_each_keywords_complete_table() -> None:
    world = [paper(i, comment="c" * 300) for i in range(300)]
    digest = build(snapshot(TWO, world, [paper(1000)]), DAY, README, tables=TABLES, budget=20_000)
    assert digest is not None
    assert re.search(
        rf"…and \d+ more in the \[complete table\]\({TABLES}/world-model\.md\)\.", digest.body
    )


def test_an_issue_body_imports_back_without_the_word_joiners(tmp_path: Path) -> None:
    from dailypapers.importer import read

    comment = "Oral @ICLR2026; @inproceedings{x} see #12, GH-3 and owner/repo#5"
    title = "Reply to @alice on #7"
    digest = build(snapshot(TWO, [paper(1, title=title, comment=comment)], []), DAY, README)
    assert digest is not None
    body = tmp_path / "issue.md"
    body.write_text(digest.body, encoding="utf-8")
    (section,) = read(body).paper_sections
    (imported,) = section.papers
    assert (imported.title, imported.comment) == (title, comment)
