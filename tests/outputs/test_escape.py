"""Escaping for Markdown cells and link text: reversible, ordinary text untouched, and paper text
shown by GitHub (cmark-gfm) as written: no sign read as markup, no entity shown, web addresses
linked where they say."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dailypapers.outputs.escape import (
    fold,
    issue_cell,
    issue_comment,
    md_cell,
    md_cell_unescape,
    md_comment,
    md_link_text,
    md_link_text_unescape,
    script_json,
)
from tests.support import gfm, linking

markdownish = st.text(
    alphabet=st.one_of(st.sampled_from(list("|\\[]()<>&*_` #!;")), st.characters(codec="utf-8")),
    max_size=60,
)


@given(markdownish)
def test_cell_escaping_is_undone_exactly(text: str) -> None:
    assert md_cell_unescape(md_cell(text)) == fold(text)


@given(markdownish)
def test_link_text_escaping_is_undone_exactly(text: str) -> None:
    assert md_link_text_unescape(md_link_text(text)) == fold(text)


@given(markdownish)
def test_link_text_has_no_bare_bracket(text: str) -> None:
    escaped = md_link_text(text)
    for i, ch in enumerate(escaped):
        if ch in "[]":
            assert escaped[i - 1] == "\\"
            assert i < 2 or escaped[i - 2] != "\\"


def test_ordinary_text_is_unchanged() -> None:
    text = "Sparse $O(n \\log n)$ attention: 3.5x faster (ours), 12% better"
    assert md_cell(text) == text
    assert md_link_text(text) == text


def test_brackets_in_link_text_are_escaped() -> None:
    assert md_link_text("Sampling on (0, 1]") == "Sampling on (0, 1\\]"
    assert md_link_text("a\\[b") == "a&#92;\\[b"


spacey = st.text(
    alphabet=st.one_of(st.sampled_from([" ", "\t", "\n", "\u00a0", "\u2009", "\x1f", "\x00"])),
    max_size=8,
).flatmap(lambda gaps: st.lists(st.sampled_from(["a", "é", gaps, " "]), max_size=12).map("".join))


@given(st.one_of(spacey, st.text(max_size=40)))
def test_folding_collapses_every_kind_of_whitespace_and_is_idempotent(text: str) -> None:
    folded = fold(text)
    assert folded == " ".join(folded.split())
    assert not any(ch.isspace() and ch != " " for ch in folded)
    assert fold(folded) == folded


_JSON_VALUES = st.recursive(
    st.text() | st.just("\ud800 </script>") | st.integers(-(10**6), 10**6) | st.none(),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_the_page_json_is_what_pythons_json_module_writes(value: object) -> None:
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    assert script_json(value) == expected


@pytest.mark.parametrize(
    "comment",
    [
        "`MLHC` 2026, 12 pages, 3 figures",
        "``Accepted'' at ICLR 2026",
        "a\\`b` 2026, 12 pages, 3 figures",
    ],
)
def test_a_backtick_in_a_long_comments_first_letters_opens_no_code_span(comment: str) -> None:
    for cell in (md_comment(comment), issue_comment(comment)):
        html = gfm(f"| C |\n| --- |\n| {cell} |\n").html
        assert f"<summary>{comment[:5]}...</summary><p>" in html.replace("\u2060", "")
        assert "&lt;/summary&gt;" not in html


def shown(cell: str) -> list[tuple[str, str]]:
    """The text and the target of each link GitHub makes of a table cell."""
    return [(link.text, link.href) for link in gfm(f"| C |\n| --- |\n| {cell} |\n").links]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=ecK9m3LXg2c&feature=youtu.be",
        "https://openreview.net/forum?id=BhOJreYmur&noteId=ymnAhncuez",
        "www.example.org/show_document.asp?id=aaaj&download=1",
    ],
)
def test_a_web_address_with_several_parameters_links_where_it_says_and_reads_as_written(
    url: str,
) -> None:
    href = url if url.startswith("http") else "http://" + url
    for cell in (md_cell(f"Video: {url}"), issue_comment(f"Video: {url}")):
        assert (url, href) in shown(cell)


def cell_text(cell: str) -> str:
    """What a reader sees of a table cell, entities decoded."""
    (table,) = gfm(f"| C |\n| --- |\n| {cell} |\n").tables
    return table.rows[0][0].text


references = st.lists(
    st.sampled_from(["&", "#", ";", "amp", "lt", "copy", "92", "x", "a=1", " ", "<", "|"]),
    max_size=20,
).map("".join)


@given(references)
@example("R&D, S&P 500, &amp;lt; and &#92;")
def test_an_ampersand_reads_as_written_whatever_follows_it(text: str) -> None:
    assert cell_text(md_cell(text)) == fold(text).strip()


tex = st.lists(
    st.sampled_from(["\\", "\\", *"%{}'\"$#&|<>^.,-[]`*_~", "a", " ", "\\alpha"]),
    max_size=30,
).map("".join)


@given(tex)
@example('improves 18.6\\%-53.8\\% on $\\{0,1\\}^n$ (Schr\\"odinger, \\\\alpha)')
def test_every_backslash_of_tex_shows_as_written(text: str) -> None:
    assert cell_text(md_cell(text)) == fold(text).strip()
    assert cell_text(issue_cell(text)).replace("\u2060", "") == fold(text).strip()
    assert cell_text(f"[{md_link_text(text)}](https://arxiv.org/abs/2611.00001)") == fold(text)


@pytest.mark.parametrize(
    "text",
    [
        "Reasoning in `<think>` tags & `[MASK]` tokens",
        "a component called the ``Signal'' and the ``Tag Assigner''",
        "run `pip install noisereduce|x`, then `main\\_mdir.py`",
        "`@alice` fixed #12 in `GH-7`",
    ],
)
def test_backticks_show_as_written_and_open_no_code_span(text: str) -> None:
    for cell in (md_cell(text), issue_cell(text)):
        assert "<code>" not in gfm(f"| C |\n| --- |\n| {cell} |\n").html
        assert cell_text(cell).replace("\u2060", "") == text
    assert linking(f"| C |\n| --- |\n| {issue_cell(text)} |\n") == []


@pytest.mark.parametrize(
    "text",
    [
        'Br\\"uning et al.~(2022) bound the complexity parameter~$l$',
        "error rates as low as 5*10-4 and 9*10-4",
        "the counters $\\mathcal{H}_{T}$ and $\\mathcal{K}_{T}$",
        "interactions *a priori*, **twice**, in __init__ and ~~old~~",
    ],
)
def test_tex_tildes_stars_and_underscores_show_as_written(text: str) -> None:
    for cell in (md_cell(text), issue_cell(text)):
        html = gfm(f"| C |\n| --- |\n| {cell} |\n").html
        assert "<em>" not in html and "<strong>" not in html and "<del>" not in html
        assert cell_text(cell).replace("\u2060", "") == text
    assert cell_text(f"[{md_link_text(text)}](https://arxiv.org/abs/2611.00001)") == text


def test_a_web_address_keeps_its_stars_tildes_and_underscores_in_its_link() -> None:
    url = "https://github.com/lab/my_repo~v1/a*b_c"
    assert (url, url) in shown(md_cell(f"code: {url}, *fast*"))
    assert cell_text(md_cell(f"code: {url}, *fast*")) == f"code: {url}, *fast*"


def test_a_web_address_shows_its_backslashes_as_written_in_its_link() -> None:
    url = "https://github.com/Frank-Wang-oss/GNN\\_RUL\\_Benchmarking"
    text = f"Code: {url}."
    assert shown(md_cell(text)) == [(url, url.replace("\\", "%5C"))]
    assert cell_text(md_cell(text)) == text


def test_a_web_address_an_issue_keeps_from_linking_shows_every_sign_as_written() -> None:
    text = "see https://medium.com/@lab/a_~draft~_\\_x and ~this~"
    cell = f"| C |\n| --- |\n| {issue_cell(text)} |\n"
    assert linking(cell) == []
    assert cell_text(issue_cell(text)).replace("\u2060", "") == text
