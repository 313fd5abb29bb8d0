"""TeX in titles: what reaches a .bib file or the page's Copy BibTeX can typeset, never act.

A title's ``$...$`` is kept for LaTeX only when every control sequence in it is a harmless math
macro (``\\log``, ``\\alpha``, ``\\mathbb``); anything else prints literally. The check reads the
output the way TeX tokenises it: a control word is a backslash and the letters after it, whatever
surrounds it, so an escaped ``\\textbackslash{}input`` is the harmless ``\\textbackslash`` followed
by the word "input". Every control sequence in every .bib file and in every Copy BibTeX text of
the page must be one of our escapes or an allowed math macro, and ``^^`` (TeX's notation for any
character by its code, ``^^5c`` being a backslash) must not occur at all.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers import pipeline
from dailypapers.config import parse_config
from dailypapers.fetch import Paper
from dailypapers.outputs import bibtex as bibtex_output
from dailypapers.outputs.escape import MATH_MACROS, bibtex_field
from dailypapers.store import KeywordStore, save
from tests.reliability.reliability_support import Figures

pytestmark = pytest.mark.reliability

DANGEROUS = [
    r"\input{/etc/passwd}",
    r"\include{x}",
    r"\write18{rm -rf ~}",
    r"\immediate\write18{id}",
    r"\openout1=x",
    r"\openin",
    r"\read16 to\x",
    r"\catcode`\@=11",
    r"\def\x{y}",
    r"\gdef\x{}",
    r"\edef",
    r"\let\x\input",
    r"\newcommand{\x}{y}",
    r"\renewcommand",
    r"\end{document}",
    r"\begin{document}",
    r"\csname input\endcsname",
    r"\expandafter",
    r"\usepackage{x}",
    r"\jobname",
    r"\special{x}",
    r"\lowercase{\INPUT}",
    r"\scantokens{x}",
    r"\detokenize",
    r"^^5cinput{x}",
    r"^^5c^^5c",
    "^^",
    r"\\input",
    r"\@",
    r"\makeatletter",
    r"\verb|x|",
    r"\url{x}",
]
PRIMITIVES = {m.group(1) for m in re.finditer(r"\\([A-Za-z]+)", " ".join(DANGEROUS))}
HARMLESS = [r"\log", r"\alpha", r"\mathbb{R}", r"O(n\log n)", "x^2", r"\frac{1}{2}", "a_i", r"\,"]
PIECES = [*DANGEROUS, *HARMLESS, "$", "$", "$", "\\", "{", "}", "^", "_", "%", "#", "&", "~", " "]
pieces = st.one_of(
    st.sampled_from(PIECES), st.text(st.characters(exclude_categories=["Cs"]), max_size=5)
)
titles = st.lists(pieces, min_size=1, max_size=16).map("".join).filter(lambda t: t.strip())
# A math span around one dangerous or harmless piece, as an attacker would write it.
math_titles = st.tuples(
    st.sampled_from(["On", "A $", ""]), st.sampled_from(DANGEROUS + HARMLESS), titles
).map(lambda parts: f"{parts[0]} ${parts[1]}$ {parts[2]}")
any_titles = titles | math_titles

# What our own escaping writes: the only TeX a .bib holds besides allowed math.
ESCAPE_WORDS = {
    "textbackslash",
    "textbraceleft",
    "textbraceright",
    "textasciitilde",
    "textasciicircum",
    "textless",
    "textgreater",
    "textbar",
}
ESCAPE_SYMBOLS = set("&%$#_")
MATH_SYMBOLS = set(",;:! |{}_")
_CONTROL = re.compile(r"\\([A-Za-z]+|.?)", re.DOTALL)


def tex_problems(tex: str) -> list[str]:
    """Control sequences and ``^^`` in ``tex`` that are neither our escapes nor harmless math."""
    problems = ["^^"] if "^^" in tex else []
    for match in _CONTROL.finditer(tex):
        name = match.group(1)
        if len(name) > 1 or name.isalpha():
            allowed = name in MATH_MACROS or name in ESCAPE_WORDS
        else:
            allowed = name in ESCAPE_SYMBOLS or name in MATH_SYMBOLS
        if not allowed:
            problems.append("\\" + name)
    return problems


def test_the_checker_sees_what_tex_would_run() -> None:
    assert tex_problems(r"\input{x}") == [r"\input"]
    assert tex_problems(r"$\alpha$ \textbackslash{}input") == []
    assert tex_problems(r"\\write18") == ["\\\\"]  # a line break, then the word
    assert tex_problems("^^5c") == ["^^"]
    assert not PRIMITIVES & MATH_MACROS


@settings(max_examples=300, deadline=None)
@given(title=any_titles)
def test_no_dangerous_control_sequence_survives_in_a_field(title: str, figures: Figures) -> None:
    figures.add("tex_titles_tried")
    assert tex_problems(bibtex_field(title)) == []


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        (r"Sorting in $O(n\log n)$ time", r"$O(n\log n)$"),
        (r"$\alpha$-divergences on $\mathbb{R}^n$", r"$\alpha$-divergences on $\mathbb{R}^n$"),
        (r"A $\frac{1}{2}$-approximation", r"$\frac{1}{2}$"),
    ],
)
def test_harmless_math_is_kept_as_written(title: str, kept: str) -> None:
    assert kept in bibtex_field(title)


@pytest.mark.parametrize("math", [r"$\input{/etc/passwd}$", r"$\alpha\write18{x}$", "$^^5c$"])
def test_math_with_anything_else_prints_literally(math: str) -> None:
    field = bibtex_field(f"Title {math} end")
    assert field.startswith(r"Title \$") and tex_problems(field) == []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def _page_bibtex(page: str) -> list[str]:
    """The Copy BibTeX texts: every entry in the page's JSON data."""
    match = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert match, "the page has no data"
    return [s for s in _strings(json.loads(match.group(1))) if s.startswith("@misc{")]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(titles=st.lists(any_titles, min_size=1, max_size=4), notes=st.lists(any_titles, max_size=2))
def test_no_dangerous_primitive_reaches_a_bib_file_or_the_page(
    titles: list[str], notes: list[str], tmp_path_factory: pytest.TempPathFactory, figures: Figures
) -> None:
    folder = tmp_path_factory.mktemp("tex")
    config = parse_config("keywords: [World Model]\n", str(folder / "keywords.yaml"))
    papers = tuple(
        Paper(
            id=f"2611.{n:05d}",
            version=1,
            title=title,
            authors=(title[:20],),
            journal_ref=notes[n] if n < len(notes) else "",
            updated=f"2026-11-{n + 1:02d}T00:00:00Z",
            published=f"2026-11-{n + 1:02d}T00:00:00Z",
        )
        for n, title in enumerate(titles)
    )
    paths = pipeline.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )
    (folder / "README.md").write_text("# x\n", encoding="utf-8")
    save(paths.data, KeywordStore(config.keywords[0], papers, "2026-11-22"))

    pipeline.render(config, paths, environ={})

    figures.add("tex_titles_tried", len(titles) + len(notes))
    bib_files = sorted((paths.site / bibtex_output.FOLDER).glob("*.bib"))
    assert len(bib_files) == 2
    for path in bib_files:
        text = path.read_text(encoding="utf-8")
        assert text.count("@misc{") == len(papers)
        assert tex_problems(text) == [], path.name
    copied = _page_bibtex((paths.site / "index.html").read_text(encoding="utf-8"))
    assert len(copied) == len(papers)
    assert all(tex_problems(entry) == [] for entry in copied)
