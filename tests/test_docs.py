"""The repository's README is the tracker: short before its tables, every guide link landing."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
START = "<!-- dailypapers:start -->"
# On a fork's front page the first paper must be near the top; the guide lives in docs/.
BEFORE_TABLES_LIMIT = 5_000


def test_at_most_5000_bytes_come_before_the_paper_tables() -> None:
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    start = lines.index(START + "\n")
    first_table = next(n for n, line in enumerate(lines) if n > start and line.startswith("| "))
    assert len("".join(lines[:first_table]).encode("utf-8")) <= BEFORE_TABLES_LIMIT


def test_the_first_two_sh_blocks_are_the_one_line_quick_start_commands() -> None:
    """`.ci/run` executes the line after each of the first two ```sh fences."""
    blocks = re.findall(r"^```sh\n(.*?)^```$", README.read_text(encoding="utf-8"), re.M | re.S)
    install_and_run, install_and_test = blocks[0], blocks[1]
    assert install_and_run.count("\n") == 1 and install_and_run.endswith("dailypapers update\n")
    assert (
        install_and_test.count("\n") == 1
        and "pip install -e '.[test]' && pytest" in install_and_test
    )


def anchors(markdown: str) -> set[str]:
    """GitHub's heading ids: lowercased, punctuation dropped, spaces to hyphens."""
    result = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        result.add(slug)
    return result


def documents() -> list[Path]:
    return [README, *sorted((REPO / "docs").glob("*.md"))]


def test_every_relative_link_of_the_readme_and_the_guide_lands() -> None:
    broken = []
    for document in documents():
        text = re.sub(
            r"^```.*?^```$|`[^`\n]*`", "", document.read_text(encoding="utf-8"), flags=re.M | re.S
        )
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (document.parent / path).resolve() if path else document
            lands = file.exists() and (
                not anchor or anchor in anchors(file.read_text(encoding="utf-8"))
            )
            if not lands:
                broken.append(f"{document.name}: {target}")
    assert broken == []


def test_the_guide_says_that_forks_have_issues_off() -> None:
    setup = (REPO / "docs" / "setup.md").read_text(encoding="utf-8")
    assert "Settings → General → Features" in setup
    assert "docs/setup.md" in README.read_text(encoding="utf-8")
