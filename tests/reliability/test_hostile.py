"""Hostile input: whatever text arXiv or a hand-edited store carries, outputs keep their shape.

Titles, abstracts, comments, authors and keyword names are drawn from every Unicode category but
surrogates (which UTF-8 cannot carry at all), spiced with the characters each output format gives
meaning to: ``|`` and backticks for Markdown tables, tags and entities for HTML and XML, brackets
and emphasis for Markdown, plus very long runs. Each output is then read back by a real parser:

* README: markdown-it (CommonMark + tables) sees one 4-cell row per paper, each title linking to
  its paper, and no raw HTML but the renderer's own ``<details>``, ``<summary>`` and ``<p>``.
* Atom feeds: feedparser reads them without complaint and gets every field back.
* The web page: html.parser finds exactly the elements and attributes of the same page rendered
  from harmless text, and gets each title back as text.

A fuzzed keywords.yaml must end in exit 0 or in exit 2 with one line on stderr; never a traceback.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from xml.etree import ElementTree

import feedparser
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dailypapers.config import Config, parse_config
from dailypapers.errors import ConfigError
from dailypapers.fetch import Paper
from dailypapers.outputs import atom
from dailypapers.outputs import readme as readme_output
from dailypapers.outputs.fragments import render_papers
from dailypapers.store import KeywordStore, Snapshot
from dailypapers.text import fold, slugify
from tests.factories import snapshot_of, stores_of
from tests.outputs import assemble
from tests.reliability.reliability_support import Figures, invoke
from tests.support import MARKDOWN, readme_tables

pytestmark = pytest.mark.reliability

EXAMPLES = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SPICE = [
    "|",
    "\\|",
    "\\",
    "`",
    "```",
    "<",
    ">",
    "&",
    "&amp;",
    "&#124;",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</td>",
    "</details>",
    "<details>",
    "<!--",
    "-->",
    "]]>",
    "[x](javascript:alert(1))",
    "](http://evil.example)",
    "[",
    "]",
    "*",
    "**",
    "_",
    "~~",
    "#",
    "---",
    "| --- |",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x0b",
    "\u2028",
    "\u0085",
    "\ufeff",
    "\u202e",
    "\U0001f600",
    '"',
    "'",
    "$x$",
    "{",
    "}",
    "%",
    "http://example.com",
    "<https://x.y>",
]
ANY_CHAR = st.characters(exclude_categories=["Cs"])
short_hostile = st.lists(
    st.one_of(st.sampled_from(SPICE), st.text(ANY_CHAR, max_size=12)), max_size=12
).map("".join)
# Long text (1,000-3,000 characters, where outputs shorten) is a drawn hostile piece repeated to
# a drawn length, so a cut can land anywhere in any piece; drawing each of 3,000 characters on
# its own took half of this module's time (16.5 -> 8.2 s).
long_hostile = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.one_of(short_hostile, st.text(ANY_CHAR, max_size=40)).filter(bool),
    st.integers(1000, 3000),
)
hostile_text = short_hostile | long_hostile


def _name_ok(name: str) -> bool:
    try:
        parse_config(yaml.safe_dump({"keywords": [name]}, allow_unicode=True))
    except ConfigError:
        return False
    return True


keyword_names = st.one_of(
    st.lists(st.one_of(st.sampled_from(SPICE), st.text(ANY_CHAR, max_size=8)), max_size=6)
    .map("".join)
    .map(lambda s: s + " k"),
    st.text(ANY_CHAR, min_size=1, max_size=300),
).filter(_name_ok)


@st.composite
def papers(draw: st.DrawFn, number: int) -> Paper:
    return Paper(
        id=f"2611.{number:05d}",
        version=draw(st.integers(1, 9)),
        title=draw(hostile_text.filter(lambda s: fold(s) != "")),
        abstract=draw(hostile_text),
        comment=draw(hostile_text),
        authors=tuple(draw(st.lists(hostile_text, max_size=3))),
        published="2026-11-20T10:00:00Z",
        updated=f"2026-11-{21 - number // 24:02d}T{23 - number % 24:02d}:00:00Z",
        categories=("cs.CV",),
    )


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    names = draw(st.lists(keyword_names, min_size=1, max_size=3, unique_by=slugify))
    assume(len({n.casefold() for n in names}) == len(names))
    config = parse_config(yaml.safe_dump({"keywords": names}, allow_unicode=True))
    stores = []
    number = 0
    for keyword in config.keywords:
        count = draw(st.integers(0, 3))
        stored = tuple(draw(papers(number + i)) for i in range(count))
        number += count
        stores.append(KeywordStore(keyword, stored, "2026-11-22"))
    return snapshot_of(config, tuple(stores))


def _inputs(snapshot: Snapshot) -> int:
    fields = sum(4 + len(p.authors) for s in stores_of(snapshot) for p in s.papers)
    return fields + len(stores_of(snapshot))


MARKERS = {readme_output.START, readme_output.END}
ALLOWED_HTML = {"<details>", "</details>", "<summary>", "</summary>", "<p>", "</p>"}


@EXAMPLES
@given(snapshot=snapshots())
def test_readme_tables_keep_their_shape(snapshot: Snapshot, figures: Figures) -> None:
    figures.add("hostile_inputs_tried", _inputs(snapshot))
    text = "".join(assemble.block(snapshot)) + "\n"
    tokens = MARKDOWN.parse(text)

    blocks = [t.content for t in tokens if t.type == "html_block"]
    assert {line for b in blocks for line in b.splitlines()} <= MARKERS
    for token in tokens:
        for child in token.children or []:
            if child.type == "html_inline":
                assert child.content in ALLOWED_HTML, child.content
    headings = [
        tokens[i + 1].content
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2"
    ]
    assert len(headings) == len(stores_of(snapshot))
    tables = readme_tables(text)
    assert len(tables) == len(stores_of(snapshot))
    for heading, section in zip(headings, stores_of(snapshot), strict=True):
        rows = tables[heading]
        assert len(rows) == len(section.papers)
        assert all(len(row) == 4 for row in rows)


@pytest.mark.parametrize("title", ["Sampling on (0, 1]", "See [this](http://evil.example)"])
def test_title_brackets_keep_the_row_link_to_the_paper(title: str) -> None:
    paper = Paper(id="2611.00001", version=1, title=title, updated="2026-11-21T10:00:00Z")
    config = parse_config("keywords:\n  - k\n")
    snapshot = snapshot_of(config, (KeywordStore(config.keywords[0], (paper,)),))
    tokens = MARKDOWN.parse("".join(assemble.block(snapshot)) + "\n")
    hrefs = [
        c.attrs["href"]
        for t in tokens
        if t.type == "inline"
        for c in t.children or []
        if c.type == "link_open"
    ]
    assert hrefs == [paper.pdf_url]


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def _as_feed_text(value: str) -> str:
    """What a reader should get back: the text less the characters XML cannot carry at all."""
    return _XML_INVALID.sub("", value)


@EXAMPLES
@given(snapshot=snapshots())
def test_atom_feeds_parse_cleanly_and_carry_every_field(
    snapshot: Snapshot, figures: Figures
) -> None:
    """feedparser must not flag the feed; a strict XML parser must read back each field exactly
    (feedparser itself reinterprets C1 control characters, so it cannot judge exactness)."""
    figures.add("hostile_inputs_tried", _inputs(snapshot))
    for section in stores_of(snapshot):
        body = "".join(
            assemble.feed(
                section.keyword.name,
                section.keyword.slug,
                render_papers(section.papers, snapshot.config.sort),
                section.last_success,
            )
        ).encode("utf-8")
        parsed = feedparser.parse(body)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.id for e in parsed.entries] == [atom.entry_id(p) for p in section.papers]
        assert [e.link for e in parsed.entries] == [p.abs_url for p in section.papers]

        root = ElementTree.fromstring(body)
        title = f"{_as_feed_text(section.keyword.name)} · dailypapers"
        assert root.findtext(f"{ATOM}title") == title
        entries = root.findall(f"{ATOM}entry")
        assert len(entries) == len(section.papers)
        for entry, paper in zip(entries, section.papers, strict=True):
            assert entry.findtext(f"{ATOM}title") == _as_feed_text(paper.title)
            assert entry.findtext(f"{ATOM}summary") == _as_feed_text(paper.abstract)
            assert entry.findtext(f"{ARXIV}comment", "") == _as_feed_text(paper.comment)
            names = [a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")]
            assert names == [_as_feed_text(a) for a in paper.authors]


class _Structure(HTMLParser):
    """Start tags with their attribute names, and the page's JSON data."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.data = ""
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(name for name, _ in attrs)))
        self._in_data = tag == "script" and ("id", "dp_data") in attrs

    def handle_endtag(self, tag: str) -> None:
        self._in_data = False

    def handle_data(self, data: str) -> None:
        if self._in_data:
            self.data += data

    @property
    def titles(self) -> list[str]:
        keywords = json.loads(self.data)["keywords"]
        return [record[1] for keyword in keywords for record in keyword["papers"]]


def _structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser


def _tame(snapshot: Snapshot) -> Snapshot:
    """The same page with every piece of paper text replaced by a harmless word."""
    stores = tuple(
        KeywordStore(
            s.keyword,
            tuple(
                Paper(
                    id=p.id,
                    version=p.version,
                    title="title",
                    abstract="abstract" if p.abstract else "",
                    comment="comment" if p.comment else "",
                    authors=tuple("author" for _ in p.authors),
                    published=p.published,
                    updated=p.updated,
                    categories=p.categories,
                    first_seen=p.first_seen,
                )
                for p in s.papers
            ),
            s.last_success,
        )
        for s in stores_of(snapshot)
    )
    return snapshot_of(snapshot.config, stores)


@EXAMPLES
@given(snapshot=snapshots())
def test_web_page_markup_comes_only_from_the_template(snapshot: Snapshot, figures: Figures) -> None:
    figures.add("hostile_inputs_tried", _inputs(snapshot))
    page = _structure("".join(assemble.page(snapshot)))
    tame = _structure("".join(assemble.page(_tame(snapshot))))
    assert page.tags == tame.tags
    assert page.titles == [p.title for s in stores_of(snapshot) for p in s.papers]


# --------------------------------------------------------------------------- keywords.yaml

KNOWN_KEYS = ["keywords", "max_papers", "sort", "link", "timezone", "lookback_days"]
TOPIC_KEYS = ["name", "phrases", "fields", "categories", "exclude", "query", "max_papers"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5000),
    st.floats(allow_nan=True),
    st.sampled_from(["title", "abstract", "cs.CV", "cs", "updated", "abs", "UTC", "Mars/Base"]),
    st.text(ANY_CHAR, max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(TOPIC_KEYS) | st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
topic_items = st.one_of(
    scalars,
    st.dictionaries(st.sampled_from(TOPIC_KEYS), values, max_size=5),
)
structured = st.dictionaries(
    st.sampled_from(KNOWN_KEYS) | st.text(max_size=8),
    values | st.lists(topic_items, max_size=5),
    max_size=6,
).map(lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False))

VALID = "max_papers: 50\nkeywords:\n  - World Model\n  - name: Video\n    categories: [cs.CV]\n"
NOISE = [
    "\t",
    ":",
    "-",
    '"',
    "'",
    "[",
    "{",
    "}",
    "&a",
    "*a",
    "!!",
    "%",
    "\x00",
    "\ufeff",
    "\n ",
    "#",
]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 3))
        text = text[:at] + draw(st.sampled_from(NOISE) | st.text(max_size=3)) + text[at + cut :]
    return text


configs = st.one_of(
    structured,
    mutated(),
    st.text(ANY_CHAR, max_size=200),
    st.binary(max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=configs)
def test_fuzzed_keywords_file_ends_in_one_line_or_success(
    content: str | bytes, tmp_path_factory: pytest.TempPathFactory, figures: Figures
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "keywords.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")

    result = invoke(folder, "list")

    figures.add("configs_fuzzed")
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        figures.add("configs_rejected")
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and result.stderr.endswith("\n"), result.stderr
        assert lines[0].startswith(f"dailypapers: {path}"), lines[0]
        assert "Traceback" not in result.stderr
    else:
        assert isinstance(parse_config(path.read_text(encoding="utf-8")), Config)
