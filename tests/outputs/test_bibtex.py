"""BibTeX under site/bib: entries a BibTeX parser reads back, stable unique keys, escaped text."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers import pipeline as api
from dailypapers.outputs.bibtex import citation_key
from dailypapers.outputs.escape import bibtex_field, bibtex_names, bibtex_text
from dailypapers.text import fold
from tests.factories import HOSTILE, LATEX, OLD_STYLE, WORLD_MODELS, make_tracker, render

KEYWORDS = {"World Model": [HOSTILE, LATEX, WORLD_MODELS], "Astro": [OLD_STYLE, WORLD_MODELS]}


def parse(path: Path) -> dict[str, dict[str, str]]:
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    return {e.key: {k: f.value for k, f in e.fields_dict.items()} for e in library.entries}


def entry_of(site: Path, paper_id: str) -> dict[str, str]:
    entries = parse(site / "bib" / "all.bib")
    [entry] = [e for e in entries.values() if e["eprint"] == paper_id]
    return entry


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return render(tmp_path, KEYWORDS)


def test_each_keyword_file_holds_one_misc_entry_per_paper(site: Path) -> None:
    library = bibtexparser.parse_string((site / "bib" / "world-model.bib").read_text("utf-8"))
    assert library.failed_blocks == []
    assert [e.entry_type for e in library.entries] == ["misc"] * 3
    assert [e["eprint"] for e in library.entries] == [p.id for p in KEYWORDS["World Model"]]


def test_an_entry_carries_the_arxiv_fields(site: Path) -> None:
    assert entry_of(site, "1803.10122") == {
        "title": "{World Models}",
        "author": "David Ha and Jürgen Schmidhuber",
        "year": "2018",
        "eprint": "1803.10122",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.LG",
        "doi": "10.5281/zenodo.1207631",
        "note": "NeurIPS 2018",
        "url": "https://arxiv.org/abs/1803.10122",
    }


def test_old_style_ids_keep_their_archive(site: Path) -> None:
    entry = entry_of(site, "astro-ph/0601001")
    assert entry["url"] == "https://arxiv.org/abs/astro-ph/0601001"
    assert entry["author"] == "Zoë Ångström"


def test_keys_read_author_year_word_and_end_with_the_id(site: Path) -> None:
    keys = set(parse(site / "bib" / "all.bib"))
    assert "ha2018world-1803.10122" in keys
    assert "angstrom2006cosmic-astro-ph-0601001" in keys
    assert "li2026sorting-2611.00002" in keys


def test_all_bib_has_each_paper_once_with_unique_keys(site: Path) -> None:
    text = (site / "bib" / "all.bib").read_text(encoding="utf-8")
    keys = re.findall(r"^@misc\{([^,]+),", text, flags=re.MULTILINE)
    assert len(keys) == len(set(keys)) == 4


def test_a_paper_has_the_same_key_in_every_file(site: Path) -> None:
    in_world = {v["eprint"]: k for k, v in parse(site / "bib" / "world-model.bib").items()}
    in_astro = {v["eprint"]: k for k, v in parse(site / "bib" / "astro.bib").items()}
    assert in_world["1803.10122"] == in_astro["1803.10122"] == "ha2018world-1803.10122"


def test_colliding_papers_still_get_distinct_keys() -> None:
    twin = replace(WORLD_MODELS, id="1803.99999", abstract="Another one.")
    assert citation_key(WORLD_MODELS) != citation_key(twin)
    assert citation_key(WORLD_MODELS).startswith("ha2018world")
    assert citation_key(twin).startswith("ha2018world")


def test_keys_do_not_change_when_other_papers_arrive(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, {"World Model": [WORLD_MODELS]})
    api.render(config, paths)
    before = set(parse(paths.site / "bib" / "all.bib"))
    twin = replace(WORLD_MODELS, id="1803.99999", updated="2018-06-01T00:00:00Z")
    config, paths = make_tracker(tmp_path, {"World Model": [twin, WORLD_MODELS]})
    api.render(config, paths)
    assert before < set(parse(paths.site / "bib" / "all.bib"))


def test_rendering_again_leaves_every_bib_file_byte_identical(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = {p.name: p.read_bytes() for p in (paths.site / "bib").iterdir()}
    changed = api.render(config, paths).changed
    assert [p for p in changed if "bib" in p.parts] == []
    assert {p.name: p.read_bytes() for p in (paths.site / "bib").iterdir()} == before


def test_latex_specials_in_titles_are_escaped_and_math_is_kept(site: Path) -> None:
    title = entry_of(site, "2611.00002")["title"]
    assert title == (
        r"{Sorting in $O(n \log n)$: 100\% of a\_b \textbraceleft{}x\textbraceright{} "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{}emph\textbraceleft{}y"
        r"\textbraceright{} \# \& \$5}"
    )


def test_names_with_a_comma_or_and_stay_one_author(site: Path) -> None:
    assert entry_of(site, "2611.00002")["author"] == "{Ana Li, Jr.} and {Ben and Jerry}"


def test_a_stray_brace_cannot_break_the_file(tmp_path: Path) -> None:
    broken = replace(LATEX, title="Unbalanced } brace { and $\\{x$ math")
    site = render(tmp_path, {"Braces": [broken, WORLD_MODELS]})
    assert len(parse(site / "bib" / "braces.bib")) == 2


# The inverse of bibtex_text's escapes, written out here independently.
_UNESCAPE = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\textless{}": "<",
    r"\textgreater{}": ">",
    r"\textbar{}": "|",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
_UNESCAPE_RE = re.compile("|".join(re.escape(k) for k in _UNESCAPE))


def _bibtex_braces_balance(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@given(st.text())
def test_bibtex_text_shows_exactly_the_original_text(value: str) -> None:
    escaped = bibtex_text(value)
    assert _UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group()], escaped) == fold(value)


@given(st.text())
def test_bibtex_text_leaves_no_special_character_unescaped(value: str) -> None:
    bare = _UNESCAPE_RE.sub("", bibtex_text(value))
    assert not set(bare) & set("\\{}&%$#_~^<>|")


@given(st.text(alphabet=st.sampled_from("ab $\\{}%#&_^~x"), max_size=40) | st.text())
def test_bibtex_field_always_balances_braces(value: str) -> None:
    assert _bibtex_braces_balance(bibtex_field(value))


@given(st.text(alphabet=st.sampled_from("ab $\\{}%#&_^~x,\n"), max_size=40) | st.text())
def test_any_title_parses_back_from_an_entry(value: str) -> None:
    field = bibtex_field(value)
    library = bibtexparser.parse_string(f"@misc{{k,\n  title = {{{{{field}}}}}\n}}\n")
    assert library.failed_blocks == []
    assert library.entries[0]["title"] == "{" + field + "}"


def _split_names(value: str) -> list[str]:
    """How BibTeX splits an author field: at " and " (any case) outside braces."""
    names, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth == 0 and value[i : i + 5].lower() == " and ":
            names.append(value[start:i])
            start = i + 5
    return [*names, value[start:]] if value else names


@given(st.lists(st.text(alphabet=st.sampled_from("aAnNdD ,{}\\x")) | st.text()))
def test_author_lists_split_into_exactly_the_given_names(names: list[str]) -> None:
    expected = [fold(n) for n in names if fold(n)]
    shown = []
    for part in _split_names(bibtex_names(names)):
        unbraced = part[1:-1] if part.startswith("{") and part.endswith("}") else part
        shown.append(_UNESCAPE_RE.sub(lambda m: _UNESCAPE[m.group()], unbraced))
    assert shown == expected
