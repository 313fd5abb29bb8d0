"""What GitHub shows of the README: under 500 KiB with the owner's text, every paper reachable."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from dailypapers.config import Config, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs.readme import END, GITHUB_LIMIT, START
from dailypapers.outputs.tables import MARK, PART_LIMIT
from dailypapers.store import KeywordStore, Snapshot
from tests.factories import snapshot_of, stores_of
from tests.outputs.assemble import write
from tests.support import readme_tables

KIB_500 = 512_000
NEWEST = datetime(2026, 11, 21, 23, 0, 0)
ABSTRACT = "A sentence of a realistic abstract about world models and video. " * 24


def papers(prefix: int, count: int, abstract: str = ABSTRACT) -> list[Paper]:
    return [
        Paper(
            id=f"26{prefix:02d}.{i:05d}",
            version=1,
            title=f"Paper {i} of keyword {prefix}",
            abstract=abstract,
            comment="12 pages, 5 figures, accepted at a conference with a long name",
            updated=(NEWEST - timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for i in range(count)
    ]


def snapshot(config: Config, counts: list[int], abstract: str = ABSTRACT) -> Snapshot:
    stores = []
    for k, (keyword, count) in enumerate(zip(config.keywords, counts, strict=True)):
        stored = sorted(papers(k, count, abstract), key=lambda p: (p.updated, p.id), reverse=True)
        stores.append(KeywordStore(keyword, tuple(stored), "2026-11-22"))
    return snapshot_of(config, tuple(stores))


def keywords(n: int, extra: str = "") -> Config:
    return parse_config("keywords:\n" + "".join(f"  - Keyword {i}\n" for i in range(n)) + extra)


def ids(markdown: str) -> list[str]:
    return re.findall(r"\]\(https://arxiv\.org/pdf/(\d{4}\.\d{5})v\d+\)", markdown)


def owner_readme(path: Path, owner_bytes: int) -> str:
    text = "# My tracker\n\n" + ("Owner text that must stay. " * (owner_bytes // 27)) + "\n\n"
    path.write_text(text + START + "\n" + END + "\nFooter.\n", encoding="utf-8")
    return text


def test_five_keywords_of_100_papers_with_owner_text_stay_under_github_limit(
    tmp_path: Path,
) -> None:
    readme = tmp_path / "README.md"
    owner = owner_readme(readme, 40_000)
    snap = snapshot(keywords(5), [100] * 5)

    write(snap, readme)

    data = readme.read_bytes()
    assert len(data) < KIB_500
    text = data.decode()
    assert text.startswith(owner) and text.endswith(END + "\nFooter.\n")
    tables = readme_tables(text)
    for k in range(5):
        shown = [ids(" ".join(row)) for row in tables[f"Keyword {k}"]]
        assert 20 <= len(shown) < 100
        assert f"more in the [complete table](papers/keyword-{k}.md)." in text


def test_each_keyword_shows_its_newest_papers_in_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    snap = snapshot(keywords(5), [100] * 5)
    write(snap, readme)
    text = readme.read_text(encoding="utf-8")
    for section in stores_of(snap):
        shown = ids(text.split(f"## {section.keyword.name}\n")[1].split("\n## ")[0])
        assert shown == [p.id for p in section.papers[: len(shown)]]


def test_every_stored_paper_is_in_its_complete_table_in_the_readme_row_format(
    tmp_path: Path,
) -> None:
    readme = tmp_path / "README.md"
    snap = snapshot(keywords(3), [100, 7, 0])
    write(snap, readme)
    for section in stores_of(snap):
        table = (tmp_path / "papers" / f"{section.keyword.slug}.md").read_text(encoding="utf-8")
        assert table.startswith(MARK + "\n## " + section.keyword.name + "\n")
        assert ids(table) == [p.id for p in section.papers]
    readme_rows = [ln for ln in readme.read_text().splitlines() if ln.startswith("| **[")]
    table_rows = {
        line for table in (tmp_path / "papers").iterdir() for line in table.read_text().splitlines()
    }
    assert readme_rows and set(readme_rows) <= table_rows


def test_a_readme_that_fits_has_no_links_to_the_complete_tables(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    write(snapshot(keywords(2), [10, 10]), readme)
    text = readme.read_text(encoding="utf-8")
    assert "complete table" not in text
    assert len(ids(text)) == 20


def test_the_readme_stays_under_the_limit_for_500_keywords(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    owner_readme(readme, 20_000)
    write(snapshot(keywords(500), [10] * 500, abstract="Short abstract."), readme)
    data = readme.read_bytes()
    assert len(data) < KIB_500
    tables = readme_tables(data.decode())
    assert len(tables) == 500
    assert all(rows for rows in tables.values())


def test_owner_text_too_large_for_any_row_still_keeps_every_line_of_it(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    owner = owner_readme(readme, GITHUB_LIMIT)
    write(snapshot(keywords(2), [5, 5]), readme)
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(owner)
    assert ids(text) == []
    assert text.count("[complete table](papers/") == 2


def test_a_table_over_500_kib_continues_in_linked_parts(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    config = keywords(1, "max_papers: 2000\n")
    snap = snapshot(config, [2000])
    write(snap, readme)

    folder = tmp_path / "papers"
    names = sorted(p.name for p in folder.iterdir())
    assert names[0] == "keyword-0-2.md" and "keyword-0.md" in names
    assert len(names) >= 3
    parts = ["keyword-0.md", *[f"keyword-0-{n}.md" for n in range(2, len(names) + 1)]]
    assert set(parts) == set(names)
    seen: list[str] = []
    for n, name in enumerate(parts):
        data = (folder / name).read_bytes()
        assert len(data) < PART_LIMIT <= KIB_500
        text = data.decode()
        assert f"part {n + 1} of {len(parts)}" in text
        if n + 1 < len(parts):
            assert f"]({parts[n + 1]})" in text
        if n:
            assert f"[previous part]({parts[n - 1]})" in text
        seen += ids(text)
    assert seen == [p.id for p in stores_of(snap)[0].papers]


def test_parts_no_longer_needed_are_removed_but_not_the_owners_files(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    config = keywords(1, "max_papers: 2000\n")
    write(snapshot(config, [2000]), readme)
    mine = tmp_path / "papers" / "notes.md"
    mine.write_text("# my notes\n", encoding="utf-8")

    write(snapshot(config, [10]), readme)

    assert sorted(p.name for p in (tmp_path / "papers").iterdir()) == ["keyword-0.md", "notes.md"]


def test_a_part_never_takes_the_name_of_another_keywords_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    config = parse_config("max_papers: 2000\nkeywords:\n  - Foo\n  - Foo 2\n")
    snap = snapshot(config, [2000, 3])
    write(snap, readme)
    folder = tmp_path / "papers"
    assert ids((folder / "foo-2.md").read_text()) == [p.id for p in stores_of(snap)[1].papers]
    assert (folder / "foo_2.md").exists()
    assert "](foo_2.md)" in (folder / "foo.md").read_text()


def test_the_header_names_keywords_that_keep_another_number_of_papers(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    config = parse_config(
        "keywords:\n  - A\n  - name: B\n    max_papers: 50\n  - name: C\n    max_papers: 2000\n"
    )
    write(snapshot(config, [1, 1, 1]), readme)
    assert (
        "it keeps the 100 most recent papers (50 for B; 2000 for C), newest first."
        in readme.read_text(encoding="utf-8")
    )


def test_the_header_keeps_its_words_when_every_keyword_keeps_the_same(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    write(snapshot(keywords(2, "max_papers: 30\n"), [1, 1]), readme)
    assert "it keeps the 30 most recent papers, newest first." in readme.read_text()


def test_many_overrides_are_summed_up_not_listed(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    names = "".join(f"  - name: K{i}\n    max_papers: {10 + i}\n" for i in range(12))
    config = parse_config(f"keywords:\n  - A\n  - B\n{names}")
    write(snapshot(config, [0] * 14), readme)
    assert "(another number for 12 keywords, as set in `keywords.yaml`)" in readme.read_text()


def corpus_papers(count: int) -> list[Paper]:
    from tests.fakes.arxiv import load_corpus

    try:
        real = load_corpus(limit=count)
    except FileNotFoundError:
        pytest.skip("shared corpus not available")
    return [
        Paper(
            id=p.id,
            version=p.version,
            title=p.title,
            abstract=p.abstract,
            comment=p.comment,
            authors=tuple(p.authors),
            published=p.published,
            updated=p.updated,
        )
        for p in real
    ]


def test_real_papers_five_keywords_of_100_fit_and_all_are_in_the_complete_tables(
    tmp_path: Path,
) -> None:
    real = corpus_papers(500)
    config = keywords(5)
    stores = []
    for k, keyword in enumerate(config.keywords):
        mine = sorted(real[k * 100 : (k + 1) * 100], key=lambda p: (p.updated, p.id), reverse=True)
        stores.append(KeywordStore(keyword, tuple(mine), "2026-11-22"))
    snap = snapshot_of(config, tuple(stores))
    readme = tmp_path / "README.md"
    owner_readme(readme, 10_000)

    write(snap, readme)

    assert len(readme.read_bytes()) < KIB_500
    tables = readme_tables(readme.read_text(encoding="utf-8"))
    for store in stores_of(snap):
        table = (tmp_path / "papers" / f"{store.keyword.slug}.md").read_bytes()
        assert len(table) < KIB_500
        linked = re.findall(r"\]\(https://arxiv\.org/pdf/(\S+?)v\d+\)", table.decode())
        assert linked == [p.id for p in store.papers]
        assert tables[store.keyword.name]


def test_a_killed_writers_temporary_file_in_papers_is_swept(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    write(snapshot(keywords(1), [1]), readme)
    stale = tmp_path / "papers" / ".keyword-0.md.abcd1234.tmp"
    stale.write_text("half", encoding="utf-8")
    write(snapshot(keywords(1), [1]), readme)
    assert not stale.exists()


def test_a_paper_is_one_row_whatever_line_separators_its_text_holds(tmp_path: Path) -> None:
    from dailypapers.outputs.tables import rows

    config = keywords(1, "columns: [title, date, abstract, comment, code]\n")
    odd = "a\u2028b\x85c\x1cd\u2029e\x0bf\x0cg"
    paper = Paper(id="2611.00001", version=1, title=odd, abstract=odd, comment=odd)
    (row,) = rows(KeywordStore(config.keywords[0], (paper,)), config)
    assert row.startswith("| **[") and row.endswith(" |")
