"""The shortcuts that keep a 50,000-paper render affordable write what the plain rule writes.

Each test states the plain rule (as the code held it before the shortcut) and checks the
shortcut against it on hostile text: controls, DEL, lone surrogates, markup, TeX and names
with commas or "and".
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from dailypapers.fetch import Paper
from dailypapers.outputs import bibtex, escape, links
from dailypapers.text import printable

SPICE = "&<>\"'\\{}$%#_~^|,\t\n\r\x00\x07\x7f\x85\u2028\ud800\udfff\ufffe é😀 andAND"
spicy = st.text(st.sampled_from(SPICE), max_size=12) | st.text(max_size=30)
anything = st.text(st.characters(codec=None), max_size=30)
texts = spicy | anything


def plain_xml(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace('"', "&quot;")
    if text.isprintable():
        return text
    text = re.sub("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "", text)
    return text.replace("\r", "&#13;").replace("\n", "&#10;").replace("\t", "&#9;")


@given(texts)
@example('a < b & c > "d"')
@example("tab\there\x00\x7f\ud800")
def test_xml_escape_is_the_plain_rule(text: str) -> None:
    assert escape.xml_escape(text) == plain_xml(text) == escape.xml_text(text)
    assert escape.xml_finalize(text) == plain_xml(text)
    assert type(escape.xml_finalize(text)) is str


@given(texts | st.integers() | st.none())
@example("a" * 65 + "\x00")
@example("a" * 64 + "\x7f")
@example(escape.Safe("<b>"))
def test_the_xml_templates_write_safe_text_as_it_is_and_escape_the_rest(value: object) -> None:
    expected = value if type(value) is escape.Safe else plain_xml(str(value))
    assert escape.xml_finalize(value) == expected


names = st.lists(st.text(st.sampled_from("aAnNdD ,{}\\x.\t"), max_size=8) | spicy, max_size=5)


@given(names)
@example(["and"])
@example(["Smith and Wesson", "X"])
@example(["A", "", "B"])
@example([" A"])
@example(["B", "A "])
@example(["A  B"])
@example(["Band", "andy", "x.and.y"])
@example([])
def test_author_lists_take_the_shortcut_only_when_each_name_would_stay_as_it_is(
    value: list[str],
) -> None:
    assert escape.bibtex_names(value) == escape._bibtex_each_name(value)


json_values: st.SearchStrategy[Any] = st.recursive(
    texts | st.integers() | st.none() | st.booleans(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=8,
)


@given(json_values)
@example(["\x7f", "é", "a\\u00e9", "</script>"])
def test_page_json_is_what_the_unicode_encoder_writes(value: Any) -> None:
    plain = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert escape.script_json(value) == plain.replace("<", "\\u003c")


@given(st.from_regex(r"[A-Za-z0-9./-]+", fullmatch=True))
def test_an_id_of_letters_digits_dots_slashes_and_dashes_is_its_own_verbatim_form(
    ident: str,
) -> None:
    paper = Paper(ident, 1, "T")
    assert escape.bibtex_verbatim(ident) == ident == bibtex._verbatim(ident)
    assert escape.bibtex_verbatim(bibtex.url(paper)) == bibtex.url(paper)


@given(texts)
def test_verbatim_fields_are_the_plain_rule(text: str) -> None:
    assert bibtex._verbatim(text) == escape.bibtex_verbatim(text)


@given(st.from_regex(r"[A-Za-z0-9.]+", fullmatch=True))
def test_an_id_of_letters_digits_and_dots_is_its_own_key_part(ident: str) -> None:
    assert re.sub(r"[^A-Za-z0-9.]", "-", ident) == ident


def plain_key(paper: Paper) -> str:
    def words(text: str) -> list[str]:
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return re.findall("[a-z0-9]+", text.lower())

    surname = ""
    for name in paper.authors[:1]:
        found = [w for w in words(name) if w not in {"jr", "sr", "ii", "iii", "iv"}]
        surname = found[-1] if found else ""
    title = re.sub(r"\$[^$]*\$|\\[A-Za-z]+", " ", paper.title)
    found = [w for w in words(title) if w not in bibtex._STOPWORDS]
    first = found[0] if found else ""
    ident = re.sub(r"[^A-Za-z0-9.]", "-", paper.id)
    return f"{surname or 'anon'}{bibtex.year(paper)}{first}-{ident}"


@given(
    st.sampled_from(["2611.00001", "hep-th/9901001", "math.GT/0309136", "x y{}"]) | texts,
    texts,
    st.lists(texts | st.sampled_from(["David Ha Jr", "III", "Ünal Öz", "A. B. Smith"]), max_size=2),
    st.sampled_from(["", "2018-03-27T17:00:00Z", "1999-x"]),
)
@example(
    "2611.00001", "The $O(n)$ world of \\emph{models}", ["David Ha Jr"], "2018-01-01T00:00:00Z"
)
def test_citation_keys_are_the_plain_rule(
    ident: str, title: str, authors: list[str], published: str
) -> None:
    paper = Paper(ident, 1, title, authors=tuple(authors), published=published)
    assert bibtex.citation_key(paper) == plain_key(paper)


@given(texts | st.text(st.sampled_from("hgithub.com/:wp.xs"), max_size=30))
@example("see github.com/a/b")
@example("gitlab.com/x and huggingface.co/m")
@example("https://x.org")
@example("github.com")
def test_a_text_the_link_prefilter_skips_has_no_link(text: str) -> None:
    if not links._may_link(text):
        assert links._URL.search(text) is None
        assert links._candidates(text) == []
        assert links.find_links(text) == ()


@given(st.text(st.sampled_from("ab \x00\t\n\x1f\x7f~"), min_size=60, max_size=200) | texts)
@example("a" * 100)
@example("a" * 100 + "\x7f")
@example("a" * 100 + "\x1f")
@example("é" * 100)
def test_printable_is_isprintable(text: str) -> None:
    assert printable(text) == text.isprintable()
