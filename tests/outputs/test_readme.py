"""README tables: the established row format, hostile text kept inert, the user's text kept."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dailypapers.config import Config, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs.readme import END, START
from dailypapers.store import KeywordStore, Snapshot
from tests.factories import snapshot_of
from tests.outputs.assemble import write
from tests.support import gfm_html

WORLD_MODELS = Paper(
    id="1803.10122",
    version=4,
    title="World Models",
    abstract="We explore building generative neural network models of popular reinforcement "
    "learning environments.",
    updated="2018-05-09T13:51:30Z",
    published="2018-03-27T17:51:36Z",
)
ALLOWED_HTML = {"<details>", "</details>", "<summary>", "</summary>", "<p>", "</p>", START}
markdown = MarkdownIt("commonmark").enable("table")


def snapshot(
    papers: list[Paper], config: Config | None = None, day: str = "2026-11-22"
) -> Snapshot:
    config = config or parse_config("keywords:\n  - World Model\n")
    stores = tuple(
        KeywordStore(keyword=k, papers=tuple(papers), last_success=day) for k in config.keywords
    )
    return snapshot_of(config, stores)


def render(tmp_path: Path, papers: list[Paper], config: Config | None = None) -> str:
    readme = tmp_path / "README.md"
    write(snapshot(papers, config), readme)
    return readme.read_text(encoding="utf-8")


def rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| **[")]


def test_row_has_the_established_format(tmp_path: Path) -> None:
    (row,) = rows(render(tmp_path, [WORLD_MODELS]))
    assert row == (
        "| **[World Models](https://arxiv.org/pdf/1803.10122v4)** | 2018-05-09 | "
        "<details><summary>Show</summary><p>We explore building generative neural network models "
        "of popular reinforcement learning environments.</p></details> |  |"
    )


def test_abs_links_when_configured(tmp_path: Path) -> None:
    config = parse_config("link: abs\nkeywords:\n  - World Model\n")
    (row,) = rows(render(tmp_path, [WORLD_MODELS], config))
    assert "(https://arxiv.org/abs/1803.10122v4)" in row


def test_published_sort_shows_the_v1_date(tmp_path: Path) -> None:
    config = parse_config("sort: published\nkeywords:\n  - World Model\n")
    (row,) = rows(render(tmp_path, [WORLD_MODELS], config))
    assert " | 2018-03-27 | " in row


def test_short_comment_stands_as_is(tmp_path: Path) -> None:
    paper = Paper(id="1", version=1, title="T", comment="17 pages, 2 figures")
    (row,) = rows(render(tmp_path, [paper]))
    assert row.endswith("| 17 pages, 2 figures |")


def test_long_comment_is_collapsed_behind_its_first_five_characters(tmp_path: Path) -> None:
    paper = Paper(id="1", version=1, title="T", comment="23 pages, 2 figures. Under review")
    (row,) = rows(render(tmp_path, [paper]))
    assert row.endswith(
        "| <details><summary>23 pa...</summary><p>23 pages, 2 figures. Under review</p></details> |"
    )


def test_comment_of_exactly_twenty_characters_is_not_collapsed(tmp_path: Path) -> None:
    paper = Paper(id="1", version=1, title="T", comment="x" * 20)
    (row,) = rows(render(tmp_path, [paper]))
    assert row.endswith(f"| {'x' * 20} |")


def test_block_has_heading_last_update_and_a_blank_line_after_each_table(tmp_path: Path) -> None:
    text = render(tmp_path, [WORLD_MODELS])
    block = text[text.index(START) : text.index(END)]
    assert "\n# Daily Papers\n" in block
    assert "\nLast update: 2026-11-22\n" in block
    assert (
        "## World Model\n| **Title** | **Date** | **Abstract** | **Comment** |\n"
        "| --- | --- | --- | --- |\n"
    ) in block
    assert block.endswith("|\n\n")


def test_text_outside_the_markers_is_kept_byte_for_byte(tracker: Path) -> None:
    readme = tracker / "README.md"
    original = "# Mine\r\n\r\nKeep   this  \r\n" + START + "\nold\n" + END + "\r\nTail \t\r\n"
    readme.write_bytes(original.encode())
    write(snapshot([WORLD_MODELS]), readme)
    text = readme.read_bytes().decode()
    assert text.startswith("# Mine\r\n\r\nKeep   this  \r\n" + START)
    assert text.endswith(END + "\r\nTail \t\r\n")
    assert "\nold\n" not in text


def test_markers_are_appended_when_missing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Mine\nno markers", encoding="utf-8")
    write(snapshot([WORLD_MODELS]), readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith("# Mine\nno markers\n\n" + START + "\n")
    assert text.endswith(END + "\n")


def test_missing_readme_is_created(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    write(snapshot([WORLD_MODELS]), readme)
    assert readme.read_text(encoding="utf-8").startswith(START)


def test_same_store_and_date_give_the_same_bytes_and_no_write(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    written = write(snapshot([WORLD_MODELS]), readme)
    assert sorted(written) == [readme, tmp_path / "papers/world-model.md"]
    first = readme.read_bytes()
    assert write(snapshot([WORLD_MODELS]), readme) == []
    assert readme.read_bytes() == first


def table_rows(text: str) -> list[list[str]]:
    """Cells of every body row, as a GitHub-flavoured Markdown parser sees them."""
    tokens = markdown.parse(text)
    result: list[list[str]] = []
    in_body = False
    for token in tokens:
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close":
            in_body = False
        elif in_body and token.type == "tr_open":
            result.append([])
        elif in_body and token.type == "inline":
            result[-1].append(token.content)
    return result


def live_html(text: str) -> set[str]:
    tags: set[str] = set()
    for token in markdown.parse(text):
        for child in token.children or []:
            if child.type == "html_inline":
                tags.add(child.content)
        if token.type == "html_block":
            tags.add(token.content.strip())
    return tags


hostile = (
    st.lists(
        st.one_of(
            st.sampled_from([*"|\\<>&*_`[]()#!\n\r\t\"' ", "</details>", "<script>", "&amp;"]),
            st.characters(codec="utf-8", exclude_categories=("Cs",)),
        ),
        min_size=1,
        max_size=40,
    )
    .map("".join)
    .filter(lambda s: s.strip() != "")
)


@settings(max_examples=200, deadline=None)
@given(title=hostile, abstract=hostile, comment=hostile)
def test_hostile_text_never_breaks_the_table_or_becomes_html(
    title: str, abstract: str, comment: str
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        paper = Paper(id="2611.00001", version=1, title=title, abstract=abstract, comment=comment)
        text = render(Path(folder), [paper, WORLD_MODELS])
    block = text[text.index(START) : text.index(END)]
    body = table_rows(block)
    assert len(body) == 2
    assert all(len(cells) == 4 for cells in body)
    assert live_html(block) <= ALLOWED_HTML


def test_ordinary_text_is_untouched(tmp_path: Path) -> None:
    text = "Latent $\\mathrm{tr}\\Sigma_V(q)$ (ours) — 3,383 patients; code: github.com/x/y."
    paper = Paper(id="1", version=1, title=text, abstract=text)
    (row,) = rows(render(tmp_path, [paper]))
    assert row.count(text) == 2


def test_markup_characters_are_escaped(tmp_path: Path) -> None:
    paper = Paper(id="1", version=1, title="a|b <script>x</script> &amp; c")
    (row,) = rows(render(tmp_path, [paper]))
    assert "a\\|b &lt;script&gt;x&lt;/script&gt; &amp;amp; c" in row
    assert re.search(r"<script>", row) is None


def test_an_owners_fenced_example_of_the_markers_stays_code_and_the_tables_render(
    tmp_path: Path,
) -> None:
    """As GitHub renders it: the example is a code block, the tables below it are tables."""
    readme = tmp_path / "README.md"
    example = f"# Mine\n\nSet it up like this:\n\n```md\n{START}\n{END}\n```\n\n"
    readme.write_text(f"{example}{START}\n{END}\n", encoding="utf-8")
    write(snapshot([WORLD_MODELS]), readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(example)
    html = gfm_html(text)
    assert html.count("<table>") == 1 and "World Models</a>" in html.split("<table>")[1]
    assert "&lt;!-- dailypapers:start --&gt;" in html.split("</pre>")[0]
