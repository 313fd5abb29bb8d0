"""Code and project-page links found in what authors write, and nothing else."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.outputs import links
from dailypapers.outputs.links import MAX_LINKS, find_links


def urls(*texts: str) -> list[tuple[str, str, str]]:
    return [(link.url, link.kind, link.label) for link in find_links(*texts)]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("Code: https://github.com/a/b.", "https://github.com/a/b"),
        ("(code at https://github.com/a/b)", "https://github.com/a/b"),
        ("see https://github.com/a/b, and more", "https://github.com/a/b"),
        ("at \\url{https://github.com/a/b}.", "https://github.com/a/b"),
        ("is https://github.com/a/b; also", "https://github.com/a/b"),
        ("at 'https://github.com/a/b'!", "https://github.com/a/b"),
        ("wiki https://en.site.org/wiki/Foo_(bar).", "https://en.site.org/wiki/Foo_(bar)"),
        ("code github.com/a/b.", "https://github.com/a/b"),
    ],
)
def test_trailing_punctuation_and_brackets_are_not_part_of_the_link(text: str, url: str) -> None:
    assert [u for u, _, _ in urls(text)] == [url]


def test_code_hosts_are_told_from_project_pages() -> None:
    found = urls(
        "Project page: https://team.github.io/thing/ and code https://github.com/team/thing",
        "Weights at https://huggingface.co/team/model; mirror https://gitlab.com/team/thing",
    )

    assert found == [
        ("https://github.com/team/thing", "code", "GitHub"),
        ("https://huggingface.co/team/model", "code", "Hugging Face"),
        ("https://gitlab.com/team/thing", "code", "GitLab"),
        ("https://team.github.io/thing/", "page", "page"),
    ]


def test_references_to_publications_are_not_project_links() -> None:
    text = (
        "Published at https://doi.org/10.1/2 and https://openreview.net/forum?id=x, "
        "extends https://arxiv.org/abs/2401.00001"
    )
    assert urls(text) == []


def test_a_host_without_a_repository_is_not_code() -> None:
    assert urls("We love https://github.com/ and http://huggingface.co") == []


def test_the_same_link_in_comment_and_abstract_is_listed_once() -> None:
    assert len(urls("Code: https://github.com/a/b", "at https://github.com/a/b/.")) == 1


def test_at_most_a_few_links_per_paper_code_first() -> None:
    text = " ".join(f"https://site{i}.org/p" for i in range(6)) + " https://github.com/a/b"
    found = urls(text)
    assert len(found) == MAX_LINKS
    assert found[0][0] == "https://github.com/a/b"


def test_links_with_user_info_or_odd_schemes_are_ignored() -> None:
    assert urls("javascript:alert(1) https://evil@github.com/a/b ftp://x.org/y") == []


SAFE = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]+")


@given(st.text())
def test_every_link_is_plain_http_made_of_safe_characters(text: str) -> None:
    for link in find_links(text, "https://" + text):
        assert SAFE.fullmatch(link.url)
        assert link.url[-1] not in ".,;:!?'"
        assert link.kind in ("code", "page")


PIECES = st.sampled_from(
    [
        "https://",
        "http://",
        "HTTPS://",
        "github.com/",
        "www.",
        "GitHub.com/",
        "huggingface.co/",
        "gitlab.com/",
        "a",
        "b-c",
        ".",
        "/",
        ")",
        "(",
        " ",
        "@",
        "_",
        ":",
        "x.org",
        "{",
        "é",
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_fast_scan_finds_what_the_pattern_finds(text: str) -> None:
    assert links._candidates(text) == [m.group() for m in links._URL.finditer(text)]


def test_a_link_to_a_github_issue_or_pull_request_becomes_its_repository() -> None:
    found = urls(
        "Fixed in https://github.com/org/repo/pull/12, see https://github.com/a/b/issues/3#x."
    )
    assert [url for url, _, _ in found] == ["https://github.com/org/repo", "https://github.com/a/b"]
