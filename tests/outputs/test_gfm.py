"""Every Markdown file dailypapers writes, as GitHub renders it (cmark-gfm, via ``cmarkgfm``).

Each table must hold exactly the paper rows written, in order and with every cell; nothing of
ours (a "…and N more" line, a link to the next part, a marker) may become a row; headings and
links must come out as meant. Paper text is hostile on purpose: pipes, a "…and N more" of its
own, heading and HTML comment syntax.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from dailypapers import pipeline as api
from dailypapers import store
from dailypapers.config import Config, parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs import digest, health, summary
from dailypapers.run import KeywordReport, UpdateReport
from tests.factories import snapshot_of
from tests.support import Rendered, Table, gfm

NEWEST = datetime(2026, 11, 21, 23, 0, 0)
ABSTRACT = "A sentence of a realistic abstract about world models and video. " * 24
ODD_TITLES = (
    "Pipes | in | a title",
    "…and 3 more in the [complete table](papers/x.md).",
    "## Not a heading <!-- dailypapers:end -->",
)
ARXIV = re.compile(r"^https://arxiv\.org/(?:pdf|abs)/(\d{4}\.\d{5})v\d+$")


def papers(prefix: int, count: int, abstract: str = ABSTRACT) -> list[Paper]:
    made = []
    for i in range(count):
        title = ODD_TITLES[i] if i < len(ODD_TITLES) else f"Paper {i} of keyword {prefix}"
        made.append(
            Paper(
                id=f"26{prefix:02d}.{i:05d}",
                version=1,
                title=title,
                abstract=abstract,
                comment="12 pages | 5 figures; see #12 and @someone" if i % 2 else "",
                updated=(NEWEST - timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
        )
    return made


def tracker(tmp_path: Path, config: Config, counts: list[int]) -> api.Paths:
    paths = api.Paths(
        tmp_path / "keywords.yaml", tmp_path / "data", tmp_path / "README.md", tmp_path / "site"
    )
    paths.readme.write_text(
        "# Our papers\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n", encoding="utf-8"
    )
    for k, (keyword, count) in enumerate(zip(config.keywords, counts, strict=True)):
        stored = tuple(papers(k, count))
        store.save(paths.data, store.KeywordStore(keyword, stored, "2026-11-22"))
    api.render(config, paths)
    return paths


def row_ids(table: Table, cells: int) -> list[str]:
    """The arXiv id each row links in its first cell; every row must be a whole paper row."""
    found = []
    for row in table.rows:
        assert len(row) == cells, [c.text for c in row]
        match = ARXIV.match(row[0].links[0].href) if row[0].links else None
        assert match is not None, f"not a paper row: {[c.text for c in row]}"
        found.append(match.group(1))
    return found


def source_rows(markdown: str) -> int:
    return sum(1 for line in markdown.splitlines() if line.startswith("| **["))


def outside_tables(rendered: Rendered, href: str) -> bool:
    in_cells = {
        id(link) for t in rendered.tables for row in t.rows for c in row for link in c.links
    }
    return any(link.href == href and id(link) not in in_cells for link in rendered.links)


def ids_of(prefix: int, count: int) -> list[str]:
    return [p.id for p in papers(prefix, count)]


# ---------------------------------------------------------------------- README and papers/


def test_the_readme_tables_hold_exactly_the_rows_shown_and_more_is_a_paragraph(
    tmp_path: Path,
) -> None:
    config = parse_config("keywords:\n" + "".join(f"  - Keyword {k}\n" for k in range(5)))
    paths = tracker(tmp_path, config, [100] * 5)
    text = paths.readme.read_text(encoding="utf-8")

    rendered = gfm(text)

    assert rendered.headings[:2] == [(1, "Our papers"), (1, "Daily Papers")]
    assert rendered.headings[2:] == [(2, f"Keyword {k}") for k in range(5)]
    assert [t.heading for t in rendered.tables] == [f"Keyword {k}" for k in range(5)]
    assert sum(len(t.rows) for t in rendered.tables) == source_rows(text)
    for k, table in enumerate(rendered.tables):
        assert table.header == ["Title", "Date", "Abstract", "Comment"]
        shown = row_ids(table, 4)
        assert 0 < len(shown) < 100
        assert shown == ids_of(k, 100)[: len(shown)]
        assert outside_tables(rendered, f"papers/keyword-{k}.md")
    assert [link.text for link in rendered.links if link.href.startswith("papers/")] == [
        "complete table"
    ] * 5
    cells = [c.text for t in rendered.tables for row in t.rows for c in row]
    assert ODD_TITLES[0] in cells and not any(c.startswith("…and ") for c in cells[1::4])


def test_a_readme_that_fits_has_every_paper_row_and_no_link_to_more(tmp_path: Path) -> None:
    config = parse_config("keywords:\n  - World Model\n  - Empty One\n")
    paths = tracker(tmp_path, config, [7, 0])

    rendered = gfm(paths.readme.read_text(encoding="utf-8"))

    world, empty = rendered.tables
    assert row_ids(world, 4) == ids_of(0, 7)
    assert (empty.heading, empty.rows) == ("Empty One", [])
    assert not any(link.href.startswith("papers/") for link in rendered.links)


def test_each_part_of_a_complete_table_holds_its_rows_and_links_its_neighbours(
    tmp_path: Path,
) -> None:
    config = parse_config("keywords:\n  - name: World Model\n    max_papers: 700\n")
    tracker(tmp_path, config, [700])
    names = ["world-model.md", "world-model-2.md", "world-model-3.md"]
    assert {p.name for p in (tmp_path / "papers").iterdir()} == set(names)
    parts = [gfm((tmp_path / "papers" / name).read_text(encoding="utf-8")) for name in names]

    ids = []
    for n, part in enumerate(parts):
        [table] = part.tables
        assert part.headings == [(2, "World Model")]
        ids += row_ids(table, 4)
        assert outside_tables(part, "../README.md")
        if n > 0:
            assert outside_tables(part, names[n - 1])
        if n < len(parts) - 1:
            assert outside_tables(part, names[n + 1])
    assert ids == ids_of(0, 700)


# ---------------------------------------------------------------------- the daily issue


def test_the_daily_issue_lists_each_keywords_rows_and_its_more_line_below_the_table() -> None:
    config = parse_config(
        "keywords:\n  - name: World Model\n    phrases: [w]\n    notify: [alice-w]\n"
        "  - Video Understanding\n  - 'New @topic'\n"
    )
    world, video = papers(0, 60, abstract=""), papers(1, 5, abstract="")
    snapshot = snapshot_of(
        config,
        (
            store.KeywordStore(
                config.keywords[0], tuple(world), pending=tuple(p.id for p in world)
            ),
            store.KeywordStore(
                config.keywords[1], tuple(video), pending=tuple(p.id for p in video)
            ),
            store.KeywordStore(config.keywords[2], tuple(papers(2, 100))),
        ),
    )
    tables = "https://github.com/owner/tracker/blob/HEAD/papers"
    found = digest.build(
        snapshot,
        "2026-11-22",
        "https://github.com/owner/tracker",
        tables=tables,
        budget=6_000,
        tracking=[(config.keywords[2], 100)],
    )
    assert found is not None

    rendered = gfm(found.body)

    assert rendered.headings == [(2, "World Model"), (2, "Video Understanding")]
    first, second = rendered.tables
    assert first.header == ["Title", "Date", "Comment"]
    shown = row_ids(first, 3)
    assert 0 < len(shown) < 60 and shown == [p.id for p in world][: len(shown)]
    assert row_ids(second, 3) == [p.id for p in video][: len(second.rows)]
    assert sum(len(t.rows) for t in rendered.tables) == source_rows(found.body)
    assert outside_tables(rendered, f"{tables}/world-model.md")
    assert not any("dailypapers:announced" in text for text in rendered.texts)
    assert "cc @alice-w" in "".join(rendered.texts)
    assert outside_tables(rendered, f"{tables}/new-topic.md")
    shown = "".join(rendered.texts).replace("\u2060", "")
    assert "Now tracking New @topic: 100 papers in its complete table." in shown
    assert "New @\u2060topic" in "".join(rendered.texts)  # the name mentions no one


# ---------------------------------------------------------------------- job summary and health


def test_the_job_summary_has_one_row_per_keyword_under_its_heading() -> None:
    config = parse_config("keywords:\n  - World Model\n  - 'A | B'\n")
    world, odd = config.keywords
    failing = KeywordReport(odd, kept=3)
    failing.error, failing.error_kind, failing.failures = "HTTP 500 | down", "http 500", 2
    report = UpdateReport("2026-11-22", [KeywordReport(world, kept=10), failing])

    rendered = gfm(summary.render(report))

    assert rendered.headings == [(3, "dailypapers update, 2026-11-22")]
    [table] = rendered.tables
    assert table.header == ["Keyword", "New", "Kept", "Status"]
    assert [[c.text for c in row][:3] for row in table.rows] == [
        ["World Model", "0", "10"],
        ["A | B", "0", "3"],
    ]
    assert "HTTP 500 | down" in table.rows[1][3].text


def test_the_health_issue_has_one_row_per_failing_keyword(tmp_path: Path) -> None:
    config = parse_config("keywords:\n  - World Model\n  - 'A | B'\n  - Fine\n")
    for keyword, failures in zip(config.keywords, (4, 3, 1), strict=True):
        error = "HTTP 429 | rate limited" if failures else ""
        store.save(
            tmp_path,
            store.KeywordStore(keyword, health=store.Health(failures, "2026-11-19", error)),
        )
    output = tmp_path / "health.md"
    health.write(health.failing(store.load_snapshot(config, tmp_path), 3), 3, output)

    rendered = gfm(output.read_text(encoding="utf-8"))

    [table] = rendered.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["World Model", "4", "2026-11-19", "never", "HTTP 429 | rate limited"],
        ["A | B", "3", "2026-11-19", "never", "HTTP 429 | rate limited"],
    ]
    assert rendered.headings == []
