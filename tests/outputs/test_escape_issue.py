"""Paper text in the daily issue mentions no one and references no issue, yet reads the same."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dailypapers.outputs.escape import issue_cell, issue_comment, issue_link_text
from tests.support import gfm, gfm_texts, linking

INVISIBLE = "\u2060"


def row(title: str, comment: str) -> str:
    return (
        f"| **[{issue_link_text(title)}](https://arxiv.org/pdf/2611.00001v1)** | 2026-11-22 "
        f"| {issue_comment(comment)} |"
    )


def table(title: str, comment: str) -> str:
    return "| **Title** | **Date** | **Comment** |\n| --- | --- | --- |\n" + row(title, comment)


def shown(markdown: str) -> str:
    """The text a reader sees, joiners removed."""
    return "".join(gfm_texts(markdown)).replace(INVISIBLE, "")


@pytest.mark.parametrize(
    "comment",
    [
        "Oral @ICLR2026",
        "@inproceedings{smith2026, title={x}}",
        "see #12 and #345 for details, also GH-3",
        "code: owner/repo#5 and @org/team",
        "Accepted at NeurIPS 2026 (@neurips), issue gh-77",
    ],
)
def test_real_comments_link_nothing_yet_read_the_same(comment: str) -> None:
    body = table("Title", comment)
    assert linking(body) == []
    assert comment in shown(body)


@pytest.mark.parametrize("comment", ["@ICLR 2026 oral, long comment here", "#1234 and more words"])
def test_the_summary_cut_at_five_characters_links_nothing(comment: str) -> None:
    assert linking(table("T", comment)) == []


def test_a_cut_that_makes_a_reference_the_whole_text_lacks_is_made_inert_too() -> None:
    comment = "GH-12a is a model with a long comment"
    body = table("T", comment)
    assert "<summary>GH-&#8288;12...</summary>" in body
    assert linking(body) == []


def test_titles_and_cells_are_made_inert() -> None:
    assert linking(table("Reply to @alice on #12", "x")) == []
    assert linking(issue_cell("by @bob, see #9")) == []


def test_our_own_backslash_entity_is_left_alone() -> None:
    assert issue_cell("a \\|b") == "a &#92;\\|b"


def test_text_without_signs_is_unchanged() -> None:
    text = "Video world models - 12 pages, 3 figures"
    assert issue_cell(text) == text


hostile = st.lists(
    st.one_of(
        st.sampled_from(
            [
                *["@", "#", "GH-", "gh-", "/", "\\", "&", "`", "*", "[", "]", " ", "a", "1"],
                *["https://", "http://", "www.", ".org", "github.com/o/r/issues/", ":", "(", "_"],
            ]
        ),
        st.text(alphabet="ab1-_/@#.", max_size=4),
    ),
    max_size=30,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(title=hostile.filter(lambda s: s.strip() != ""), comment=hostile)
@example(title="@", comment="@@@\\`@@@@@@@@https://")
def test_hostile_paper_text_never_mentions_or_references(title: str, comment: str) -> None:
    assert linking(table(title, comment)) == []


@pytest.mark.parametrize("text", ["a\\\\", "a\\\\|b", "x \\\\\\& y", "\\\\<b>", "t \\\\[1]"])
def test_a_run_of_backslashes_before_an_escape_shows_as_written(text: str) -> None:
    body = table(text, text)
    cells = [t for t in gfm_texts(body) if "a" in t or "x" in t or "b" in t or "t" in t]
    assert text in cells
    assert linking(body) == []


def test_a_link_to_an_issue_or_pull_request_references_nothing_but_reads_the_same() -> None:
    comment = "fixes https://github.com/owner/repo/issues/5 and github.com/o/r/pull/77"
    cell = issue_cell(comment)
    assert "github.com/owner/repo/issues/5" not in cell
    assert "github.com/o/r/pull/77" not in cell
    assert cell.replace("&#8288;", "") == comment


def test_a_link_to_a_repository_is_left_as_it_is() -> None:
    assert (
        issue_cell("code: https://github.com/owner/repo") == "code: https://github.com/owner/repo"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://medium.com/@alice/post",
        "https://example.org/#123",
        "www.x.org/@bob",
        "https://github.com/owner/repo/issues/5",
    ],
)
def test_a_web_address_that_would_ping_reads_the_same_as_text_not_a_broken_link(url: str) -> None:
    comment = f"Code and data: {url} (a long comment)"
    body = table("T", comment)
    assert linking(body) == []
    assert comment in shown(body)
    assert "&#8288;" not in "".join(gfm_texts(body))
    assert [link.href for link in gfm(body).links] == ["https://arxiv.org/pdf/2611.00001v1"]


def test_a_web_address_that_pings_no_one_stays_a_link() -> None:
    body = table("T", "Code: https://github.com/owner/repo, data at www.example.org/d")
    hrefs = [link.href for link in gfm(body).links]
    assert hrefs[1:] == ["https://github.com/owner/repo", "http://www.example.org/d"]
