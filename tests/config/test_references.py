"""``reference:`` in keywords.yaml: arXiv ids as researchers write them, and BibTeX files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.config import load_config, parse_config
from dailypapers.config.references import parse_bib, parse_id
from dailypapers.errors import ConfigError


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2403.15377", "2403.15377"),
        ("2403.15377v2", "2403.15377"),
        ("arXiv:2403.15377", "2403.15377"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/abs/2501.00001v1", "2501.00001"),
        ("https://arxiv.org/pdf/2501.00001", "2501.00001"),
        ("https://arxiv.org/pdf/2501.00001v3.pdf", "2501.00001"),
        ("https://arxiv.org/html/2501.00001v2", "2501.00001"),
        ("arxiv.org/html/hep-th/9901001v1", "hep-th/9901001"),
        ("10.48550/arXiv.2501.00001", "2501.00001"),
        ("https://doi.org/10.48550/arXiv.2501.00001", "2501.00001"),
    ],
)
def test_ids_are_read_without_their_version(written: str, expected: str) -> None:
    assert parse_id(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "24.1",
        "2403",
        "abc",
        "2403.15377v0",
        "v2",
        "2403.15377x",
        "https://arxiv.org/abs/2403.153771",
        "10.48550/arXiv.2403.153771",
    ],
)
def test_text_that_is_no_arxiv_id_is_none(written: str) -> None:
    assert parse_id(written) is None


@pytest.mark.parametrize(
    "written",
    [
        "2413.00001",  # month 13
        "2400.00001",  # month 0
        "0703.0001",  # before the new style began, in April 2007
        "2401.0001",  # four digits after January 2015
        "1412.00001",  # five digits before it
        "hep-th/9913001",
        "hep-th/0804001",  # after the old style ended, in March 2007
        "https://arxiv.org/abs/2413.00001",
    ],
)
def test_an_id_no_paper_can_have_is_none(written: str) -> None:
    """arXiv answers such an id with an error for the whole batch of references."""
    assert parse_id(written) is None


@pytest.mark.parametrize("written", ["0704.0001", "1412.9999", "1501.00001", "hep-th/9108001"])
def test_the_first_and_last_ids_of_each_style_are_read(written: str) -> None:
    assert parse_id(written) == written


def test_a_bib_entry_with_an_impossible_id_is_skipped() -> None:
    found = parse_bib("@misc{a, eprint = {2413.00001}}\n@misc{b, eprint = {2403.15377}}\n")
    assert found.ids == ("2403.15377",)
    assert found.skipped == 1


@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    found = parse_id(text)
    assert found is None or found in text or found.lower() in text.lower()


def test_top_level_references_apply_to_every_keyword_and_keyword_ones_are_added() -> None:
    config = parse_config(
        "reference: [2403.15377, 2501.00001v2]\n"
        "keywords:\n  - Plain\n  - name: Own\n    reference: [2502.00002, 2403.15377]\n"
    )
    plain, own = config.keywords
    assert config.references_for(plain) == ("2403.15377", "2501.00001")
    assert config.references_for(own) == ("2403.15377", "2501.00001", "2502.00002")
    assert config.all_references == ("2403.15377", "2501.00001", "2502.00002")


def test_an_unquoted_id_keeps_its_trailing_zeros() -> None:
    """YAML reads 2501.10000 as the number 2501.1; the id is taken as written."""
    assert parse_config("reference: [2501.10000]\nkeywords: [A]\n").references == ("2501.10000",)


def test_an_invalid_id_names_its_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config("keywords: [A]\nreference:\n  - 2403.15377\n  - 2403.1\n")
    assert caught.value.line == 4
    assert "not an arXiv id" in caught.value.message


def test_read_first_defaults_to_five_and_zero_turns_it_off() -> None:
    assert parse_config("keywords: [A]\n").read_first == 5
    assert parse_config("read_first: 0\nkeywords: [A]\n").read_first == 0
    with pytest.raises(ConfigError, match="read_first"):
        parse_config("read_first: -1\nkeywords: [A]\n")


BIB = r"""
@comment{ eprint = {9999.99999} }
@article{ours2024,
  title = {A {Video} Paper},
  author = {A. Author and B. Author},
  eprint = {2403.15377},
  archivePrefix = {arXiv},
}
@inproceedings{ours2025, title="Another", url = "https://arxiv.org/abs/2501.00001v2"}
@article{journal, title = {Only in a journal}, doi = {10.1000/xyz}}
@misc{doi, doi = {10.48550/arXiv.2502.00002}}
@article{again, eprint = {2403.15377v2}}
@misc{html, url = {https://arxiv.org/html/2503.00003v1}}
"""


def test_a_bibtex_file_gives_ids_through_eprint_urls_and_arxiv_dois() -> None:
    found = parse_bib(BIB)
    assert found.ids == ("2403.15377", "2501.00001", "2502.00002", "2503.00003")
    assert found.skipped == 1


def test_reference_may_name_a_bibtex_file_beside_keywords_yaml(tmp_path: Path) -> None:
    (tmp_path / "ours.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "keywords.yaml").write_text(
        "reference: [ours.bib, 2601.00003]\nkeywords: [A]\n", encoding="utf-8"
    )
    config = load_config(tmp_path / "keywords.yaml")
    assert config.references == (
        "2403.15377",
        "2501.00001",
        "2502.00002",
        "2503.00003",
        "2601.00003",
    )


def test_a_missing_bibtex_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "keywords.yaml").write_text(
        "keywords: [A]\nreference: gone.bib\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "keywords.yaml")
    assert caught.value.line == 2
    assert "not found" in caught.value.message


def test_a_bibtex_file_not_in_utf_8_names_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "ours.bib").write_bytes(b"@article{a,\n  title = {Caf\xe9},\n}\n")
    (tmp_path / "keywords.yaml").write_text(
        "keywords: [A]\nreference: ours.bib\n", encoding="utf-8"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "keywords.yaml")
    assert caught.value.line == 2
    assert caught.value.message.endswith(
        "ours.bib: line 2: not UTF-8 text: byte 0xe9 at column 15 (invalid continuation byte)"
    )


@given(st.text(max_size=300))
def test_any_bibtex_text_is_read_without_error(text: str) -> None:
    parse_bib(text)


def test_a_long_run_of_letters_outside_any_value_is_read_in_linear_time() -> None:
    """Field names were searched from every letter of such a run: 30 kB took 8 s, the 5 MB a
    .bib may hold took days, and every command reads keywords.yaml. Not a speed claim: 100 kB
    took about 90 s before and takes milliseconds now, and the bound leaves room for any
    machine between the two."""
    started = time.monotonic()
    found = parse_bib("@misc{key, " + "a" * 100_000 + ", eprint = {2403.15377}}")
    assert time.monotonic() - started < 5.0
    assert found.ids == ("2403.15377",)
