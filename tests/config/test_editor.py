"""`add` and `remove` edit keywords.yaml as text: comments, blank lines and order stay put."""

from __future__ import annotations

from pathlib import Path

import pytest

from dailypapers.config.editor import add_keyword, remove_keyword
from dailypapers.errors import InputError

MAPPING_LAST = (
    "keywords:\n"
    "  - World Model\n"
    "  - name: Video Diffusion\n"
    "    phrases: [video diffusion]\n"
    "\n"
    "max_papers: 100\n"
)


def keywords_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keywords.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_add_after_a_mapping_keyword_keeps_the_blank_line_after_the_list(tmp_path: Path) -> None:
    path = keywords_file(tmp_path, MAPPING_LAST)
    add_keyword(path, "Robotics")
    assert path.read_text(encoding="utf-8") == (
        "keywords:\n"
        "  - World Model\n"
        "  - name: Video Diffusion\n"
        "    phrases: [video diffusion]\n"
        "  - Robotics\n"
        "\n"
        "max_papers: 100\n"
    )


def test_add_after_a_mapping_with_a_block_list_goes_after_its_last_value(tmp_path: Path) -> None:
    path = keywords_file(
        tmp_path,
        "keywords:\n  - name: A\n    phrases:\n      - a\n      - b\n  # the end\n\n"
        "sort: updated\n",
    )
    add_keyword(path, "B")
    assert path.read_text(encoding="utf-8") == (
        "keywords:\n  - name: A\n    phrases:\n      - a\n      - b\n  - B\n  # the end\n\n"
        "sort: updated\n"
    )


def test_removing_a_mapping_keyword_between_two_others_removes_only_its_lines(
    tmp_path: Path,
) -> None:
    path = keywords_file(
        tmp_path,
        "keywords:\n  - World Model\n  - name: Video Diffusion\n    phrases: [video diffusion]\n"
        "  # next: B\n  - name: B\n    phrases: [b]\n",
    )
    remove_keyword(path, "Video Diffusion")
    assert path.read_text(encoding="utf-8") == (
        "keywords:\n  - World Model\n  # next: B\n  - name: B\n    phrases: [b]\n"
    )


def test_add_writes_categories_and_exclusions(tmp_path: Path) -> None:
    path = keywords_file(tmp_path, MAPPING_LAST)
    config = add_keyword(path, "Robot Learning", categories=["cs.RO", "cs"], exclude=["survey"])
    (keyword,) = [k for k in config.keywords if k.name == "Robot Learning"]
    assert keyword.categories == ("cs.RO", "cs")
    assert keyword.exclude == ("survey",)
    assert keyword.phrases == ("Robot Learning",)
    assert "  - name: Robot Learning\n    categories: [cs.RO, cs]\n    exclude: [survey]\n" in (
        path.read_text(encoding="utf-8")
    )


def test_add_refuses_an_unknown_category_naming_the_keyword(tmp_path: Path) -> None:
    path = keywords_file(tmp_path, MAPPING_LAST)
    with pytest.raises(InputError, match=r"'Robots' not added: categories: .*did you mean cs\.CV"):
        add_keyword(path, "Robots", categories=["cs.CVV"])
    assert path.read_text(encoding="utf-8") == MAPPING_LAST


def test_a_name_yaml_would_take_for_a_date_is_added_quoted(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text("keywords:\n  - World model\n", encoding="utf-8")
    config = add_keyword(path, "2024-02-30", exclude=["0x_"])
    assert [k.name for k in config.keywords] == ["World model", "2024-02-30"]
    assert '- name: "2024-02-30"' in path.read_text(encoding="utf-8")


def test_removing_the_only_keyword_is_refused_by_its_name_and_the_file_stays(
    tmp_path: Path,
) -> None:
    """The file would list no keyword, which the reader refuses; the refusal said
    "keywords.yaml:1: 'keywords' must be a list", a line the user never wrote wrong."""
    text = "# mine\nkeywords:\n  - World Model   # the one\nsort: updated\n"
    path = keywords_file(tmp_path, text)
    with pytest.raises(InputError) as refused:
        remove_keyword(path, "world model")
    assert str(refused.value) == (
        f"{path}: 'World Model' not removed: it is the only keyword, and the file needs one; "
        "add the next one first"
    )
    assert path.read_text(encoding="utf-8") == text


def test_remove_matches_the_name_ignoring_case_and_spacing_and_returns_it_as_written(
    tmp_path: Path,
) -> None:
    """`dailypapers remove "world  model"` said it had removed 'world  model', a keyword the
    file never had; it names the one it removed."""
    path = keywords_file(tmp_path, "keywords:\n  - World Model\n  - Video\n")
    assert remove_keyword(path, " world  model ") == "World Model"
    assert path.read_text(encoding="utf-8") == "keywords:\n  - Video\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("keywords:\n", "keywords:\n  - World Model\n"),
        (
            "# mine\nkeywords: []   # none yet\n\nsort: updated\n",
            "# mine\nkeywords:  # none yet\n  - World Model\n\nsort: updated\n",
        ),
        ("keywords:\r\nsort: updated\r\n", "keywords:\r\n  - World Model\r\nsort: updated\r\n"),
    ],
)
def test_add_writes_the_first_keyword_into_a_list_emptied_by_hand(
    tmp_path: Path, before: str, after: str
) -> None:
    """A file whose keywords were all deleted is refused ('keywords' must list at least one
    keyword), and `add` was refused with it, so the message asked for the very thing the
    command was doing. The first keyword goes where the list was; comments stay."""
    path = keywords_file(tmp_path, before)
    config = add_keyword(path, "World Model")
    assert [k.name for k in config.keywords] == ["World Model"]
    assert path.read_bytes() == after.encode()


def test_a_first_keyword_that_is_refused_leaves_the_empty_list_as_it_was(tmp_path: Path) -> None:
    path = keywords_file(tmp_path, "keywords: []\n")
    with pytest.raises(InputError, match="keyword 'X' not added: categories: "):
        add_keyword(path, "X", categories=["cs.CVV"])
    assert path.read_text(encoding="utf-8") == "keywords: []\n"
