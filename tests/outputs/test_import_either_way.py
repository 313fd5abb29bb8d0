"""``import`` reads a README that fitted and one that links to its complete tables alike."""

from __future__ import annotations

import shutil
from pathlib import Path

from dailypapers.config import parse_config
from dailypapers.fetch import Paper
from dailypapers.importer import import_file, read, summary_lines
from dailypapers.store import KeywordStore, Snapshot, load
from tests.factories import snapshot_of, stores_of
from tests.outputs.assemble import write

K0 = parse_config("keywords:\n  - K0\n").keywords[0]
ABSTRACT = "An abstract long enough to make the README overflow its budget quickly. " * 30


def stored(n: int, prefix: int) -> list[Paper]:
    return [
        Paper(
            id=f"26{prefix:02d}.{i:05d}",
            version=1,
            title=f"Paper {i}",
            abstract=ABSTRACT,
            updated=f"2026-11-{20 - i // 100:02d}T{23 - i % 24:02d}:{59 - i % 60:02d}:00Z",
        )
        for i in range(n)
    ]


def render(folder: Path, counts: list[int]) -> tuple[Path, Snapshot]:
    config = parse_config(
        "max_papers: 2000\nkeywords:\n" + "".join(f"  - K{i}\n" for i in range(len(counts)))
    )
    stores = []
    for k, (keyword, n) in enumerate(zip(config.keywords, counts, strict=True)):
        papers = sorted(stored(n, k), key=lambda p: (p.updated, p.id), reverse=True)
        stores.append(KeywordStore(keyword, tuple(papers), "2026-11-22"))
    snap = snapshot_of(config, tuple(stores))
    readme = folder / "README.md"
    write(snap, readme)
    return readme, snap


def new_tracker(folder: Path, names: list[str]) -> tuple[Path, Path]:
    folder.mkdir()
    config = folder / "keywords.yaml"
    config.write_text(
        "max_papers: 2000\nkeywords:\n" + "".join(f"  - {n}\n" for n in names), encoding="utf-8"
    )
    return config, folder / "data"


def test_a_cut_readme_imports_every_paper_from_its_complete_tables(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    readme, snap = render(old, [1200, 300])
    assert "complete table" in readme.read_text(encoding="utf-8")
    assert (old / "papers" / "k0-2.md").exists()
    config, data = new_tracker(tmp_path / "new", ["K0", "K1"])

    report = import_file(readme, config, data, today="2026-11-23")

    for section in stores_of(snap):
        got = load(data, section.keyword).papers
        assert sorted(p.id for p in got) == sorted(p.id for p in section.papers)
        assert {p.first_seen for p in got} == {"2026-11-22"}
    assert report.notes == []


def test_a_cut_readme_without_its_tables_imports_what_it_shows_and_says_so(
    tmp_path: Path,
) -> None:
    old = tmp_path / "old"
    old.mkdir()
    readme, _ = render(old, [1200])
    shutil.rmtree(old / "papers")
    config, data = new_tracker(tmp_path / "new", ["K0"])

    report = import_file(readme, config, data, today="2026-11-23")

    got = load(data, K0).papers
    assert 0 < len(got) < 1200
    (note,) = report.notes
    assert "'K0' shows only its newest papers" in note and "papers/k0.md" in note
    assert note in summary_lines(report)


def test_a_complete_table_imports_on_its_own(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    _, snap = render(old, [50])
    parsed = read(old / "papers" / "k0.md")
    (section,) = parsed.paper_sections
    assert [p.id for p in section.papers] == [p.id for p in stores_of(snap)[0].papers]


def test_a_readme_that_fitted_imports_as_before(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    readme, snap = render(old, [5])
    shutil.rmtree(old / "papers")
    config, data = new_tracker(tmp_path / "new", ["K0"])
    report = import_file(readme, config, data, today="2026-11-23")
    got = load(data, K0).papers
    assert sorted(p.id for p in got) == sorted(p.id for p in stores_of(snap)[0].papers)
    assert report.notes == []
