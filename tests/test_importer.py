"""`dailypapers import`: another tracker's README (or issue body) into the store, faithfully."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dailypapers import pipeline as api
from dailypapers.cli import app
from dailypapers.config import Keyword, LinkStyle, parse_config
from dailypapers.errors import InputError, LockedError
from dailypapers.fetch import Paper
from dailypapers.fileio import data_lock
from dailypapers.importer import import_file, parse, read
from dailypapers.store import Health, KeywordStore, load, save
from dailypapers.text import fold
from tests.factories import snapshot_of
from tests.outputs.assemble import block
from tests.support import FIXTURES

README_DIR = FIXTURES / "readmes"
HEADER = "| **Title** | **Date** | **Abstract** | **Comment** |\n| --- | --- | --- | --- |\n"
ISSUE_HEADER = "| **Title** | **Date** | **Comment** |\n| --- | --- | --- |\n"
ROW = (
    "| **[World Models](https://arxiv.org/abs/1803.10122v4)** | 2018-05-09 | "
    "<details><summary>Show</summary><p>We explore generative models.</p></details> | "
    "<details><summary>23 pa...</summary><p>23 pages, 2 figures. Under review</p></details> |"
)
runner = CliRunner()

WORLD_MODEL = Keyword(name="World Model", slug="world-model", phrases=("World Model",))


def readme(*rows: str, name: str = "World Model", last_update: str = "2026-08-21") -> str:
    body = "".join(row + "\n" for row in rows)
    return f"# Daily Papers\n\nLast update: {last_update}\n\n## {name}\n{HEADER}{body}\n"


def only_paper(text: str) -> Paper:
    (section,) = parse(text).sections
    assert section.skipped == []
    (paper,) = section.papers
    return paper


def tracker(folder: Path, keywords: str = "  - World Model\n", extra: str = "") -> api.Paths:
    (folder / "keywords.yaml").write_text(
        f"# my topics\nkeywords:\n{keywords}link: abs\n{extra}", encoding="utf-8"
    )
    return api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )


def path_options(paths: api.Paths) -> list[str]:
    return [
        *("-c", str(paths.config), "--data", str(paths.data)),
        *("--readme", str(paths.readme), "--site", str(paths.site)),
    ]


def import_text(paths: api.Paths, text: str, name: str = "old.md") -> None:
    source = paths.config.parent / name
    source.write_text(text, encoding="utf-8")
    import_file(source, paths.config, paths.data, today="2026-11-22")


def stored(paths: api.Paths, slug: str = "world-model") -> list[Paper]:
    return list(load(paths.data, Keyword(name="", slug=slug)).papers)


def store_bytes(paths: api.Paths) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(paths.data.glob("*.json"))}


# --- reading rows -------------------------------------------------------------------------------


def test_row_gives_id_version_title_date_abstract_and_collapsed_comment() -> None:
    paper = only_paper(readme(ROW))
    assert (paper.id, paper.version, paper.title) == ("1803.10122", 4, "World Models")
    assert paper.updated == "2018-05-09T00:00:00Z"
    assert paper.abstract == "We explore generative models."
    assert paper.comment == "23 pages, 2 figures. Under review"


def test_last_update_becomes_first_seen() -> None:
    assert only_paper(readme(ROW, last_update="2025-12-12")).first_seen == "2025-12-12"


@pytest.mark.parametrize("day", ["2025-02-30", "9999-99-99", "0001-01-01", "3000-01-01"])
def test_a_last_update_off_the_calendar_is_not_taken_for_the_first_seen_day(day: str) -> None:
    assert only_paper(readme(ROW, last_update=day)).first_seen == ""


def test_published_sort_puts_the_date_in_published() -> None:
    (section,) = parse(readme(ROW), sort="published").sections
    assert (section.papers[0].published, section.papers[0].updated) == ("2018-05-09T00:00:00Z", "")


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("https://arxiv.org/pdf/2511.05299v2", ("2511.05299", 2)),
        ("http://arxiv.org/pdf/2511.05299v2.pdf", ("2511.05299", 2)),
        ("https://arxiv.org/abs/astro-ph/0601001v1", ("astro-ph/0601001", 1)),
        ("https://arxiv.org/pdf/math.GT/0309136v3", ("math.GT/0309136", 3)),
    ],
)
def test_pdf_links_and_old_style_ids(link: str, expected: tuple[str, int]) -> None:
    paper = only_paper(readme(ROW.replace("https://arxiv.org/abs/1803.10122v4", link)))
    assert (paper.id, paper.version) == expected


def test_short_and_empty_comments() -> None:
    short = ROW.split("| <details><summary>23")[0] + "| 40 pages |"
    empty = ROW.split("| <details><summary>23")[0] + "|  |"
    assert only_paper(readme(short)).comment == "40 pages"
    assert only_paper(readme(empty)).comment == ""


def test_escapes_of_our_renderer_are_undone_exactly_once() -> None:
    row = ROW.replace(
        "We explore generative models.", r"a \| b &lt;c&gt; &amp;lt; x&#92;\| y&#92;&amp; z&#92;"
    )
    assert only_paper(readme(row)).abstract == "a | b <c> &lt; x\\| y\\& z\\"


def test_raw_pipes_and_markup_in_a_foreign_abstract_are_kept() -> None:
    abstract = "norms $|x|_2$ | p<0.01 & S&P 500 > 3 </details> <p>"
    paper = only_paper(readme(ROW.replace("We explore generative models.", abstract)))
    assert paper.abstract == abstract
    assert paper.comment == "23 pages, 2 figures. Under review"


def test_latex_backslashes_emoji_and_brackets_in_the_title() -> None:
    title = r"$\mathcal{O}(n)$ [Re]thinking 🚀 \textbf{X}](a)"
    assert only_paper(readme(ROW.replace("World Models", title))).title == title


def test_crlf_and_trailing_whitespace() -> None:
    text = readme(ROW + "   \t").replace("\n", "\r\n")
    paper = only_paper(text)
    assert paper.comment == "23 pages, 2 figures. Under review"
    assert paper.first_seen == "2026-08-21"


def test_line_separators_inside_a_cell_do_not_split_the_row() -> None:
    paper = only_paper(readme(ROW.replace("generative models", "generative\u2028models\x1c")))
    assert paper.abstract == "We explore generative models."


def test_a_row_that_cannot_be_understood_is_skipped_with_its_line_number() -> None:
    broken = "| **[Half a row](https://arxiv.org/abs/2401.00001v1)** | 2024-01-0"
    not_arxiv = ROW.replace("https://arxiv.org/abs/1803.10122v4", "https://example.org/abs/1v1")
    bad_date = ROW.replace("2018-05-09", "2018-13-45")
    (section,) = parse(readme(broken, ROW, not_arxiv, bad_date)).sections
    assert [p.id for p in section.papers] == ["1803.10122"]
    assert [s.line for s in section.skipped] == [8, 10, 11]
    assert "arXiv" in section.skipped[1].reason
    assert "date" in section.skipped[2].reason


@pytest.mark.parametrize("day", ["0001-01-01", "1990-12-31", "3000-01-01", "9999-12-31"])
def test_a_row_dated_outside_arxivs_years_is_skipped(day: str) -> None:
    """The store refuses such a date: before 1991 or from 3000 on, a run's date arithmetic
    overflows (the imported keyword failed on every ``update`` with an OverflowError)."""
    (section,) = parse(readme(ROW.replace("2018-05-09", day))).sections
    assert section.papers == []
    assert [s.reason for s in section.skipped] == [f"not a date from 1991 on: {day}"]


def test_an_issue_title_dated_outside_arxivs_years_gives_no_first_seen_day() -> None:
    issue = "---\ntitle: Latest 15 Papers - August 21, 0001\n---\n## World Model\n"
    (section,) = parse(
        issue + ISSUE_HEADER + ROW.split(" <details><summary>Show")[0] + " |\n"
    ).sections
    assert [p.first_seen for p in section.papers] == [""]


def test_a_section_without_a_table_is_not_a_keyword_section() -> None:
    text = readme(ROW) + "## About\nJust prose.\n\n## Empty Keyword\n" + HEADER
    parsed = parse(text)
    assert [s.name for s in parsed.paper_sections] == ["World Model", "Empty Keyword"]
    assert parsed.paper_sections[1].papers == []


def test_headings_are_unescaped_as_our_renderer_escapes_them() -> None:
    (section,) = parse(readme(ROW, name="R&amp;D &lt;3")).sections
    assert section.name == "R&D <3"


def test_our_own_readme_is_read_only_between_the_markers() -> None:
    text = (
        "# Tracker\n\n## Commands\n| command | what |\n| --- | --- |\n| `x` | y |\n\n"
        "<!-- dailypapers:start -->\n" + readme(ROW) + "<!-- dailypapers:end -->\n"
    )
    parsed = parse(text)
    assert [s.name for s in parsed.sections] == ["World Model"]
    assert parsed.sections[0].papers[0].first_seen == "2026-08-21"


def test_issue_body_rows_and_its_title_day() -> None:
    text = (
        "---\ntitle: Latest 15 Papers - August 21, 2026\nlabels: documentation\n---\n"
        "**Please check the page.**\n\n## World Model\n"
        + ISSUE_HEADER
        + "| **[World Models](https://arxiv.org/abs/1803.10122v4)** | 2018-05-09 | 40 pages |\n"
    )
    paper = only_paper(text)
    assert (paper.id, paper.title, paper.abstract, paper.comment) == (
        "1803.10122",
        "World Models",
        "",
        "40 pages",
    )
    assert paper.first_seen == "2026-08-21"


def test_readme_with_a_code_column_gives_the_same_papers() -> None:
    header = HEADER.replace("**Comment** |\n", "**Comment** | **Code** |\n") + ""
    header = header.replace("| --- |\n", "| --- | --- |\n")
    text = readme(ROW).replace(HEADER, header)
    coded = text.replace(ROW, ROW + " [GitHub](https://github.com/a/b) · [page](https://a.io/) |")

    assert only_paper(coded) == only_paper(readme(ROW))
    short = ROW.split("| <details><summary>23")[0] + "| 40 \\| pages |  |"
    assert only_paper(text.replace(ROW, short)).comment == "40 | pages"


def test_digest_rows_with_code_links_and_other_keywords_are_read() -> None:
    row = (
        "| **[World Models](https://arxiv.org/abs/1803.10122v4)**<br>[GitHub](https://github.com/"
        "a/b)<br>also in Video \\| Arms, Robots | 2018-05-09 | 40 pages |\n"
    )
    paper = only_paper("## World Model\n" + ISSUE_HEADER + row)
    assert (paper.id, paper.title, paper.comment) == ("1803.10122", "World Models", "40 pages")


def test_unreadable_file_and_file_without_tables_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"missing\.md: cannot read"):
        read(tmp_path / "missing.md")
    (tmp_path / "latin1.md").write_bytes(b"# Notes\n## Caf\xe9\n")
    with pytest.raises(InputError, match=r"latin1\.md:2: not UTF-8 text: byte 0xe9 at column 7"):
        read(tmp_path / "latin1.md")
    (tmp_path / "prose.md").write_text("# Notes\n\n## Ideas\nnone yet\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"prose\.md: no paper tables"):
        read(tmp_path / "prose.md")


# --- merging into the store ---------------------------------------------------------------------

FETCHED = Paper(
    id="1803.10122",
    version=4,
    title="World Models",
    abstract="We explore generative models.",
    comment="23 pages, 2 figures. Under review",
    authors=("David Ha", "Jürgen Schmidhuber"),
    published="2018-03-27T17:51:36Z",
    updated="2018-05-09T13:51:30Z",
    categories=("cs.LG",),
    first_seen="2018-05-10",
)


def test_importing_the_same_readme_twice_changes_no_byte(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    import_text(paths, readme(ROW, ROW.replace("1803.10122v4", "2401.00001v1")))
    first = store_bytes(paths)
    import_text(paths, readme(ROW, ROW.replace("1803.10122v4", "2401.00001v1")))
    assert store_bytes(paths) == first
    assert len(stored(paths)) == 2


def test_same_version_keeps_the_richer_stored_copy(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    save(paths.data, KeywordStore(WORLD_MODEL, (FETCHED,)))
    before = store_bytes(paths)
    import_text(paths, readme(ROW))
    assert stored(paths) == [FETCHED]
    assert store_bytes(paths) == before


def test_newer_version_wins_and_keeps_what_a_row_cannot_carry(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    save(paths.data, KeywordStore(WORLD_MODEL, (FETCHED,)))
    import_text(paths, readme(ROW.replace("1803.10122v4", "1803.10122v5")))
    (paper,) = stored(paths)
    assert (paper.version, paper.updated) == (5, "2018-05-09T00:00:00Z")
    assert (paper.authors, paper.published, paper.first_seen) == (
        FETCHED.authors,
        FETCHED.published,
        FETCHED.first_seen,
    )


def test_an_older_version_never_overwrites_a_newer_one(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    save(paths.data, KeywordStore(WORLD_MODEL, (FETCHED,)))
    import_text(paths, readme(ROW.replace("1803.10122v4", "1803.10122v3").replace("World", "W")))
    assert stored(paths) == [FETCHED]


def test_issue_body_fills_without_erasing_the_stored_abstract(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    import_text(paths, readme(ROW))
    issue = (
        "## World Model\n"
        + ISSUE_HEADER
        + "| **[World Models](https://arxiv.org/abs/1803.10122v5)**"
        " | 2018-06-01 | ICML 2018 |\n"
    )
    import_text(paths, issue, "issue.md")
    (paper,) = stored(paths)
    assert (paper.version, paper.comment) == (5, "ICML 2018")
    assert paper.abstract == "We explore generative models."


def test_only_the_newest_max_papers_are_kept(tmp_path: Path) -> None:
    paths = tracker(tmp_path, "  - name: World Model\n    max_papers: 2\n")
    days = ["2024-01-03", "2024-01-01", "2024-01-02"]
    rows = [
        ROW.replace("1803.10122", f"2401.0000{i}").replace("2018-05-09", d)
        for i, d in enumerate(days)
    ]
    import_text(paths, readme(*rows))
    assert [p.updated[:10] for p in stored(paths)] == ["2024-01-03", "2024-01-02"]


def test_import_leaves_last_success_and_health_alone(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    save(paths.data, KeywordStore(WORLD_MODEL, (), "2026-11-01", Health(2, "2026-10-30", "y")))
    import_text(paths, readme(ROW))
    store = load(paths.data, WORLD_MODEL)
    assert (store.last_success, store.health) == ("2026-11-01", Health(2, "2026-10-30", "y"))


def test_keywords_missing_from_the_config_are_listed_and_not_imported(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    (tmp_path / "old.md").write_text(readme(ROW) + readme(ROW, name="Other Keyword"), "utf-8")
    report = import_file(tmp_path / "old.md", paths.config, paths.data, today="2026-11-22")
    assert report.missing == ["Other Keyword"]
    assert [t.keyword.name for t in report.keywords] == ["World Model"]
    assert not (paths.data / "other-topic.json").exists()


def test_add_keywords_adds_them_keeping_comments_and_order(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    (tmp_path / "old.md").write_text(readme(ROW) + readme(ROW, name="Other  topic"), "utf-8")
    import_file(tmp_path / "old.md", paths.config, paths.data, add_keywords=True, today="x")
    assert paths.config.read_text("utf-8") == (
        "# my topics\nkeywords:\n  - World Model\n  - Other topic\nlink: abs\n"
    )
    assert [p.id for p in stored(paths, "other-topic")] == ["1803.10122"]


def test_add_keywords_adds_none_when_one_name_is_refused(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    before = paths.config.read_bytes()
    (tmp_path / "old.md").write_text(
        readme(ROW, name="Other topic") + readme(ROW, name="\u200b"), "utf-8"
    )
    with pytest.raises(InputError, match="not added"):
        import_file(tmp_path / "old.md", paths.config, paths.data, add_keywords=True, today="x")
    assert paths.config.read_bytes() == before
    assert not (paths.data / "other-topic.json").exists()


@pytest.mark.parametrize("broken", ["other-topic.json", "elsewhere.json"])
def test_a_corrupt_store_stops_the_import_before_anything_is_written(
    tmp_path: Path, broken: str
) -> None:
    """Exit 3 says the stores were left as they were: a keyword imported before the corrupt
    store was reached, the keywords --add-keywords added, or a corrupt store of a keyword the
    file does not name (the render after the import refused it) would all stay written."""
    paths = tracker(tmp_path, "  - World Model\n  - Other topic\n  - Elsewhere\n")
    paths.data.mkdir()
    (paths.data / broken).write_text("{broken", encoding="utf-8")
    before = paths.config.read_bytes()
    text = readme(ROW) + readme(ROW, name="Other topic") + readme(ROW, name="New topic")
    (tmp_path / "old.md").write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["import", str(tmp_path / "old.md"), "--add-keywords", *path_options(paths)]
    )
    assert result.exit_code == 3, result.output
    assert result.output == f"dailypapers: {paths.data / broken}: unreadable store " + (
        "(line 1, not valid JSON: object keys must be strings); left untouched\n"
    )
    assert paths.config.read_bytes() == before
    assert sorted(p.name for p in paths.data.glob("*.json")) == [broken]
    assert not paths.readme.exists()


def test_a_locked_data_folder_leaves_keywords_yaml_as_it_was(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    before = paths.config.read_bytes()
    (tmp_path / "old.md").write_text(readme(ROW, name="New topic"), "utf-8")
    paths.data.mkdir()
    with data_lock(paths.data), pytest.raises(LockedError):
        import_file(tmp_path / "old.md", paths.config, paths.data, add_keywords=True, today="x")
    assert paths.config.read_bytes() == before


def test_sections_match_keywords_ignoring_case_and_spacing(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    import_text(paths, readme(ROW, name="world   MODEL"))
    assert [p.id for p in stored(paths)] == ["1803.10122"]


# --- the command --------------------------------------------------------------------------------


def test_cli_reports_counts_and_skipped_lines_then_renders(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    (tmp_path / "old.md").write_text(readme(ROW, "| **[broken"), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "import",
            str(tmp_path / "old.md"),
            *path_options(paths),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "World Model: 1 row(s) imported (1 new, 0 revised), 1 skipped" in result.output
    assert f"{tmp_path / 'old.md'}:9: skipped:" in result.output
    assert ROW.replace("World Models", "World Models") in paths.readme.read_text("utf-8")


def test_cli_says_which_sections_were_not_imported(tmp_path: Path) -> None:
    paths = tracker(tmp_path)
    (tmp_path / "old.md").write_text(readme(ROW, name="Elsewhere"), encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "import",
            str(tmp_path / "old.md"),
            *path_options(paths),
        ],
    )
    assert result.exit_code == 0
    assert "'Elsewhere'" in result.output and "--add-keywords" in result.output
    assert not paths.data.exists() or not list(paths.data.glob("*.json"))


@pytest.mark.parametrize("content", [None, "# nothing\n"])
def test_cli_refuses_unreadable_or_tableless_files_with_status_2(
    tmp_path: Path, content: str | None
) -> None:
    paths = tracker(tmp_path)
    if content is not None:
        (tmp_path / "old.md").write_text(content, encoding="utf-8")
    result = runner.invoke(
        app,
        ["import", str(tmp_path / "old.md"), "-c", str(paths.config), "--data", str(paths.data)],
    )
    assert result.exit_code == 2
    assert f"dailypapers: {tmp_path / 'old.md'}:" in result.output
    assert len(result.output.strip().splitlines()) == 1


# --- round trip ---------------------------------------------------------------------------------


def fixture_files(issue: bool) -> list[object]:
    files = sorted(README_DIR.glob("*.md")) if README_DIR.is_dir() else []
    chosen: list[object] = [f for f in files if f.read_text("utf-8").startswith("---\n") == issue]
    return chosen or [pytest.param(None, marks=pytest.mark.skip(reason=f"no {README_DIR}"))]


PAPER_ROW = re.compile(
    r"^\| \*\*\[.*\]\(https://arxiv\.org/abs/(?P<id>\S+?)v\d+\)\*\* \| "
    r"(?P<day>\d{4}-\d{2}-\d{2}) \|"
)
UNESCAPED = {
    **{"&amp;": "&", "&lt;": "<", "&gt;": ">", "\\|": "|", "&#92;": "\\", "&#96;": "`"},
    **{"&#42;": "*", "&#95;": "_", "&#126;": "~"},
}


def sections_of(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    name = ""
    for line in text.split("\n"):
        if line.startswith("## "):
            name = " ".join(line[3:].split()).casefold()
            found[name] = []
        elif line.startswith("| **[") and name:
            found[name].append(line.rstrip("\r"))
    return found


def newest_first(rows: list[str]) -> list[str]:
    def key(row: str) -> tuple[str, str]:
        match = PAPER_ROW.match(row)
        assert match, row
        return match["day"], match["id"]

    return sorted(rows, key=key, reverse=True)


def needs_escape(row: str) -> bool:
    """Whether a row's text (its markup and cell borders taken away) has ``& < > |``, a
    backtick, a sign that could emphasise or strike through (``* ~``, ``_`` but inside a word),
    or a backslash that Markdown would read as an escape and not show."""
    text = re.sub(
        r"</?(?:details|summary|p)>| \| |^\*\*\[|\]\(https://arxiv[^)]*\)\*\*", " ", row[2:-2]
    )
    return bool(re.search(r"[&<>|`*~]|(?<![^\W_])_|_(?![^\W_])|\\[!-/:-@\[-`{-~]", text))


def without_escapes(row: str) -> str:
    return re.sub(r"&amp;|&lt;|&gt;|\\\||&#(?:9[256]|42|126);", lambda m: UNESCAPED[m.group()], row)


def fresh_tracker_with(folder: Path, source: Path) -> tuple[api.Paths, str]:
    original = source.read_text("utf-8")
    names = [s.name for s in parse(original).paper_sections]
    keywords = "".join(f"  - {json.dumps(n)}\n" for n in names)
    paths = tracker(folder, keywords, "max_papers: 2000\n")
    return paths, original


@pytest.mark.parametrize("source", fixture_files(issue=False))
def test_every_real_readme_renders_back_row_for_row(tmp_path: Path, source: Path) -> None:
    paths, original = fresh_tracker_with(tmp_path, source)
    result = runner.invoke(
        app,
        [
            "import",
            str(source),
            *path_options(paths),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "skipped" not in result.output.replace(", 0 skipped", "")
    result = runner.invoke(
        app,
        [
            "render",
            *path_options(paths),
        ],
    )
    assert result.exit_code == 0, result.output
    before, after = sections_of(original), sections_of(paths.readme.read_text("utf-8"))
    assert before.keys() == after.keys()
    for name, rows in before.items():
        expected = newest_first(rows)
        assert after[name] == newest_first(after[name])
        assert len(after[name]) == len(expected)
        for old, new in zip(expected, after[name], strict=True):
            if old != new:
                assert needs_escape(old), (old, new)
            assert without_escapes(new) == without_escapes(old)


@pytest.mark.parametrize("source", fixture_files(issue=False))
def test_real_readme_rows_that_need_no_escape_render_byte_for_byte(
    tmp_path: Path, source: Path
) -> None:
    paths, original = fresh_tracker_with(tmp_path, source)
    import_file(source, paths.config, paths.data, today="2026-11-22")
    api.render(api.load_config(paths.config), paths)
    rendered = set(paths.readme.read_text("utf-8").split("\n"))
    plain = [r for rows in sections_of(original).values() for r in rows if not needs_escape(r)]
    assert plain
    assert [r for r in plain if r not in rendered] == []


@pytest.mark.parametrize("source", fixture_files(issue=True))
def test_real_issue_body_on_top_of_its_readme_keeps_the_abstracts(
    tmp_path: Path, source: Path
) -> None:
    full = source.with_name(source.name.replace("-issue", ""))
    if not full.exists():
        pytest.skip(f"no README next to {source.name}")
    paths, _ = fresh_tracker_with(tmp_path, full)
    import_file(full, paths.config, paths.data, today="2026-11-22")
    before = store_bytes(paths)
    report = import_file(source, paths.config, paths.data, today="2026-11-22")
    assert sum(t.rows for t in report.keywords) == sum(len(s.papers) for s in read(source).sections)
    assert report.skipped == 0 and all(t.new == 0 for t in report.keywords)
    assert store_bytes(paths) == before


# --- generated rows -----------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    [
        "|",
        "<",
        ">",
        "&",
        "\\",
        "&amp;",
        "&#92;",
        "\\|",
        "</details>",
        "</p></details> | ",
        "$\\mathcal{O}(n^2)$",
        "**",
        "](",
        ")** | ",
        "...",
        " ",
        "é",
        "🚀",
        "\u2028",
        "\t",
    ]
)
TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=6)), max_size=12).map("".join).map(fold)
IDS = st.one_of(
    st.from_regex(r"\A[0-9]{4}\.[0-9]{4,5}\Z"),
    st.from_regex(r"\A(astro-ph|hep-th|math\.GT|cs\.LG)/[0-9]{7}\Z"),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    id_=IDS,
    version=st.integers(1, 99),
    title=TEXT.filter(bool),
    abstract=TEXT,
    comment=TEXT,
    day=st.dates(date(1991, 1, 1), date(2999, 12, 31)).map(lambda d: f"{d}T00:00:00Z"),
    link=st.sampled_from(["pdf", "abs"]),
)
def test_rendered_rows_import_back_to_the_same_paper(
    id_: str, version: int, title: str, abstract: str, comment: str, day: str, link: LinkStyle
) -> None:
    paper = Paper(id_, version, title, abstract, comment, updated=day)
    config = parse_config(f"keywords:\n  - World Model\nlink: {link}\n")
    store = KeywordStore(config.keywords[0], (paper,), "2026-11-22")
    text = "".join(block(snapshot_of(config, (store,))))
    (section,) = parse(text).sections
    assert section.skipped == []
    assert section.papers == [
        Paper(id_, version, title, abstract, comment, updated=day, first_seen="2026-11-22")
    ]


RAW = st.lists(st.sampled_from(["|", " | ", "<", ">", "&", "$x$", "a", "é", " "]), max_size=20)


@given(abstract=RAW.map("".join).map(fold), comment=RAW.map("".join).map(fold))
def test_foreign_rows_with_raw_special_characters_import_as_written(
    abstract: str, comment: str
) -> None:
    short = len(comment) <= 20
    cell = (
        comment
        if short
        else f"<details><summary>{comment[:5]}...</summary><p>{comment}</p></details>"
    )
    row = (
        f"| **[T](https://arxiv.org/abs/2401.00001v1)** | 2024-01-01 | "
        f"<details><summary>Show</summary><p>{abstract}</p></details> | {cell} |"
    )
    paper = only_paper(readme(row))
    assert (paper.abstract, paper.comment) == (abstract, comment)


def test_an_issue_heading_reads_back_without_the_word_joiners_that_keep_it_inert() -> None:
    (section,) = parse(readme(ROW, name="Team @&#8288;alice &amp; #&#8288;12")).sections
    assert section.name == "Team @alice & #12"
