"""The owner's README text is never lost: markers count only alone on a line, one of each."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.errors import ReadmeError
from dailypapers.outputs.readme import END, START, read, split
from tests.factories import snapshot_of
from tests.support import run_cli


def test_one_start_then_one_end_splits_around_the_block() -> None:
    assert split(f"mine\n{START}\nold\n{END}\ntail\n") == ("mine\n", "\ntail\n")


def test_markers_may_have_spaces_around_them_on_their_line() -> None:
    assert split(f"mine\n  {START} \nold\n\t{END}\r\ntail") == ("mine\n  ", "\r\ntail")


def test_a_start_marker_quoted_in_a_sentence_is_the_owners_text() -> None:
    text = f"Tables go between {START} and {END}, see below.\n{START}\nold\n{END}\n"
    before, after = split(text)
    assert before == f"Tables go between {START} and {END}, see below.\n"
    assert after == "\n"


def test_markers_shown_in_a_fenced_code_block_are_the_owners_text() -> None:
    example = f"Set it up like this:\n\n```md\n{START}\n{END}\n```\n\n~~~~\n{START}\n~~~~\n\n"
    text = f"{example}{START}\nold\n{END}\ntail\n"
    assert split(text) == (example, "\ntail\n")
    # Only an example: the block goes at the end, after the fence, not inside it.
    assert split(f"\ufeff```\n{START}\n{END}\n   ```  \r\nmine\n") == (
        f"\ufeff```\n{START}\n{END}\n   ```  \r\nmine\n\n",
        "\n",
    )
    # A closing fence is as long as the opening one, and ``` with backticks after it opens none.
    text = f"````\n```\n{START}\n````\n``` `x`\n{START}\n{END}\n"
    assert split(text) == (f"````\n```\n{START}\n````\n``` `x`\n", "\n")


def test_a_fence_never_closed_hides_no_marker() -> None:
    """Else the block, put after it, would be inside it too: a new one added by every run."""
    text = f"# Mine\n```\nforgot to close\n{START}\nold\n{END}\ntail\n"
    assert split(text) == ("# Mine\n```\nforgot to close\n", "\ntail\n")
    assert split(f"```\n{START}\n{END}\n```\n~~~\n{START}\n{END}\n") == (
        f"```\n{START}\n{END}\n```\n~~~\n",
        "\n",
    )


def test_without_markers_on_their_own_lines_the_block_goes_at_the_end() -> None:
    text = f"The markers are {START} and {END}."
    assert split(text) == (text + "\n\n", "\n")


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        (f"a\nb\n{START}\nowner text\n", 3, f"{START} without an {END} line after it"),
        (f"a\n{END}\nowner\n{START}\nx\n", 2, f"{END} comes before {START} (line 4)"),
        (f"{START}\n{END}\n{START}\n", 3, f"a second {START} (the first is on line 1)"),
        (f"{START}\n{END}\n\n{END}\n", 4, f"a second {END} (the first is on line 2)"),
        (f"owner\n{END}\n", 2, f"{END} without a {START} line before it"),
        (f"x {START}\n{END}\n", 2, f"{END} without a {START} line before it"),
    ],
)
def test_any_other_layout_is_refused_naming_the_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(ReadmeError) as caught:
        split(text, "README.md")
    assert str(caught.value).startswith(f"README.md:{line}: {problem}")
    assert caught.value.exit_code == 2


def test_a_readme_not_in_utf_8_is_refused_naming_the_line(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(f"# Our group\n\nCaf\xe9 notes\n{START}\n{END}\n".encode("latin-1"))
    with pytest.raises(ReadmeError) as caught:
        read(readme)
    assert str(caught.value) == (
        f"{readme}:3: not UTF-8 text: byte 0xe9 at column 4 (invalid continuation byte)"
    )
    assert caught.value.exit_code == 2


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize(
    "layout",
    [
        f"# Mine\n{START}\nmy text after a lost end marker\n",
        f"# Mine\n{END}\nmy text\n{START}\n",
        f"# Mine\n{START}\n{END}\nmy text\n{START}\nmore of my text\n{END}\n",
    ],
)
@pytest.mark.parametrize("command", ["render", "import"])
def test_render_and_import_refuse_a_broken_layout_and_write_nothing(
    tracker: Path, layout: str, command: str
) -> None:
    (tracker / "README.md").write_text(layout, encoding="utf-8")
    (tracker / "old.md").write_text(
        "## World Model\n| **Title** | **Date** | **Abstract** | **Comment** |\n"
        "| --- | --- | --- | --- |\n"
        "| **[T](https://arxiv.org/abs/2611.00001v1)** | 2026-11-20 | "
        "<details><summary>Show</summary><p>A</p></details> |  |\n",
        encoding="utf-8",
    )
    before = digest(tracker)
    args = ["import", "old.md"] if command == "import" else ["render"]

    result = run_cli(tracker, *args)

    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("dailypapers: README.md:")
    assert digest(tracker) == before


def test_update_refuses_a_broken_layout_before_asking_arxiv(tracker: Path) -> None:
    (tracker / "README.md").write_text(f"# Mine\n{START}\nmine\n", encoding="utf-8")
    before = digest(tracker)

    result = run_cli(tracker, "update")

    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"dailypapers: README.md:2: {START} without an {END} line after it; keep exactly one "
        f"{START} line and one {END} line after it"
    )
    assert digest(tracker) == before


line = st.one_of(
    st.sampled_from([START, END, f"  {START}", f"x {START}", f"{END} y", "", "text", "| row |"]),
    st.text(alphabet="ab <!->:", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(line, max_size=12), ending=st.sampled_from(["\n", "\r\n"]))
def test_a_render_never_loses_a_line_of_the_owners_text(lines: list[str], ending: str) -> None:
    text = ending.join(lines)
    try:
        before, after = split(text)
    except ReadmeError:
        return
    starts = [i for i, ln in enumerate(lines) if ln.strip() == START]
    ends = [i for i, ln in enumerate(lines) if ln.strip() == END]
    if not starts:
        assert before.startswith(text)
        return
    owner = lines[: starts[0]] + lines[ends[0] + 1 :]
    kept = before + after
    for owned in owner:
        assert owned in kept
    assert (starts, len(ends)) == ([starts[0]], 1) and ends[0] > starts[0]


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(line, max_size=10))
def test_two_renders_keep_every_line_of_the_owners_text_or_refuse(lines: list[str]) -> None:
    import tempfile

    from dailypapers.config import parse_config
    from dailypapers.store import KeywordStore
    from tests.outputs.assemble import write

    config = parse_config("keywords:\n  - World Model\n")
    snap = snapshot_of(config, tuple(KeywordStore(k) for k in config.keywords))
    text = "\n".join(lines) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        readme = Path(folder) / "README.md"
        readme.write_text(text, encoding="utf-8")
        try:
            before, after = split(text)
        except ReadmeError:
            with pytest.raises(ReadmeError):
                write(snap, readme)
            assert readme.read_text(encoding="utf-8") == text
            return
        write(snap, readme)
        first = readme.read_text(encoding="utf-8")
        write(snap, readme)
        assert readme.read_text(encoding="utf-8") == first
    assert first.startswith(before) and first.endswith(after)
