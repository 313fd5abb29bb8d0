"""The web page site/index.html, read with an HTML parser: content, links, escaping, stability."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import bibtexparser
import pytest

from dailypapers import pipeline as api
from tests.factories import (
    HOSTILE,
    LATEX,
    OLD_STYLE,
    TODAY,
    WORLD_MODELS,
    make_tracker,
    render,
)

KEYWORDS = {
    "World Model": [HOSTILE, LATEX, WORLD_MODELS],
    "Astro": [WORLD_MODELS, OLD_STYLE],
}  # newest first, as stored
VOID = {"meta", "link", "input", "br", "img", "hr", "source", "wbr"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def all(self, tag: str, **attrs: str) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and all(child.cls(k, v) for k, v in attrs.items()):
                    found.append(child)
                found += child.all(tag, **attrs)
        return found

    def one(self, tag: str, **attrs: str) -> Node:
        [node] = self.all(tag, **attrs)
        return node

    def cls(self, key: str, value: str) -> bool:
        actual = self.attrs.get(key.rstrip("_")) or ""
        return value in actual.split() if key == "class_" else actual == value


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def load(site: Path) -> Node:
    builder = TreeBuilder()
    builder.feed((site / "index.html").read_text(encoding="utf-8"))
    builder.close()
    assert builder.stack == [builder.root]
    return builder.root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return render(tmp_path, KEYWORDS)


@pytest.fixture
def page(site: Path) -> Node:
    return load(site)


def data_of(page: Node) -> dict[str, Any]:
    element = page.one("script", id="dp_data")
    assert element.attrs["type"] == "application/json"
    data: dict[str, Any] = json.loads(element.text)
    return data


def records_of(page: Node, slug: str) -> list[list[str]]:
    [keyword] = [k for k in data_of(page)["keywords"] if k["slug"] == slug]
    records: list[list[str]] = keyword["papers"]
    return records


def test_the_papers_travel_as_data_not_as_html(page: Node) -> None:
    assert page.all("li") == []
    assert page.one("main", id="dp_papers").children == []


def test_each_keyword_lists_its_papers_in_store_order(page: Node) -> None:
    keywords = data_of(page)["keywords"]
    assert [(k["name"], k["slug"], k["stem"]) for k in keywords] == [
        ("World Model", "world-model", "world-model"),
        ("Astro", "astro", "astro"),
    ]
    assert [r[1] for r in records_of(page, "world-model")] == [
        p.title for p in KEYWORDS["World Model"]
    ]


def test_a_record_carries_what_a_row_shows(page: Node) -> None:
    assert data_of(page)["base"] == "https://arxiv.org"
    assert records_of(page, "astro")[0] == [
        "1803.10122v4",
        "World Models",
        "David Ha, Jürgen Schmidhuber",
        "2018-05-09",
        "cs.LG stat.ML",
        WORLD_MODELS.comment,
        WORLD_MODELS.journal_ref,
        WORLD_MODELS.abstract,
        "2026-11-20",
        records_of(page, "astro")[0][9],
        [["page", "https://worldmodels.github.io"]],
    ]


def test_hostile_text_stays_inside_the_data_and_comes_back_intact(site: Path, page: Node) -> None:
    raw = (site / "index.html").read_text(encoding="utf-8")
    assert raw.lower().count("</script") == 2
    assert "<!--" not in raw
    assert len(page.all("script")) == 2
    assert page.all("img") == []
    record = records_of(page, "world-model")[0]
    assert record[1:3] == [HOSTILE.title, ", ".join(HOSTILE.authors)]
    assert record[5] == HOSTILE.comment
    assert record[7] == HOSTILE.abstract


def test_records_carry_the_first_seen_day_the_page_compares_with_the_last_update(
    page: Node,
) -> None:
    assert data_of(page)["last"] == TODAY
    seen = {r[0]: r[8] for k in data_of(page)["keywords"] for r in k["papers"]}
    assert seen == {
        HOSTILE.versioned_id: TODAY,
        LATEX.versioned_id: TODAY,
        WORLD_MODELS.versioned_id: WORLD_MODELS.first_seen,
        OLD_STYLE.versioned_id: OLD_STYLE.first_seen,
    }


def test_nothing_is_new_before_the_first_successful_update(tmp_path: Path) -> None:
    page = load(render(tmp_path, KEYWORDS, last_success=""))
    assert data_of(page)["last"] == ""
    assert "Last update: never" in page.one("header").text


def test_the_page_links_every_feed_and_bibliography(page: Node) -> None:
    alternates = [
        link.attrs["href"]
        for link in page.all("link", rel="alternate", type="application/atom+xml")
    ]
    assert alternates == ["feeds/all.xml", "feeds/world-model.xml", "feeds/astro.xml"]
    hrefs = {a.attrs["href"] for a in page.all("a")}
    assert {"feeds/all.xml", "bib/all.bib"} <= hrefs


def test_every_linked_site_file_exists(site: Path, page: Node) -> None:
    local = [
        str(n.attrs["href"])
        for n in page.all("a") + page.all("link")
        if not str(n.attrs["href"]).startswith(("https://", "data:"))
    ]
    for keyword in data_of(page)["keywords"]:
        local += [f"feeds/{keyword['stem']}.xml", f"bib/{keyword['stem']}.bib"]
    assert local
    for href in local:
        assert (site / href).is_file(), href


def _elements(node: Node) -> list[Node]:
    found = []
    for child in node.children:
        if isinstance(child, Node):
            found += [child, *_elements(child)]
    return found


def test_the_page_requests_nothing_from_elsewhere(page: Node) -> None:
    for element in _elements(page):
        assert not {"src", "action", "style"} & element.attrs.keys(), element.tag
    assert page.all("link", rel="stylesheet") == []
    for link in page.all("link"):
        assert not str(link.attrs["href"]).startswith(("http:", "https:", "//"))
    assert not re.search(r"@import|url\(", page.one("style").text)


def test_the_content_security_policy_admits_only_the_page_script(page: Node) -> None:
    policy = page.one("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    [script] = [s.text for s in page.all("script") if "type" not in s.attrs]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}';" in str(policy)
    assert "default-src 'none'" in str(policy)
    assert "unsafe-inline" not in str(policy).split("script-src")[1].split(";")[0]


def test_the_copy_button_holds_the_same_entry_as_the_bib_file(site: Path, page: Node) -> None:
    entry = bibtexparser.parse_string(records_of(page, "world-model")[1][9]).entries
    in_file = bibtexparser.parse_string((site / "bib" / "world-model.bib").read_text("utf-8"))
    assert [e.key for e in entry] == [in_file.entries[1].key]
    assert entry[0].fields_dict.keys() == in_file.entries[1].fields_dict.keys()
    assert entry[0]["title"] == in_file.entries[1]["title"]


def test_every_control_has_a_label(page: Node) -> None:
    labelled = {label.attrs.get("for") for label in page.all("label")}
    controls = page.all("input") + page.all("select")
    assert sorted(str(c.attrs["id"]) for c in controls) == ["dp_fresh", "dp_kw", "dp_q"]
    assert all(c.attrs["id"] in labelled for c in controls)
    assert [b.text for b in page.all("button")] == ["Show more papers"]


def test_the_keyword_filter_offers_every_keyword(page: Node) -> None:
    options = page.one("select", id="dp_kw").all("option")
    assert [(o.attrs["value"], o.text) for o in options] == [
        ("", "All keywords"),
        ("world-model", "World Model"),
        ("astro", "Astro"),
    ]


def test_the_page_declares_language_charset_and_viewport(site: Path, page: Node) -> None:
    assert page.one("html").attrs["lang"] == "en"
    assert page.all("meta", charset="utf-8")
    assert (
        page.one("meta", name="viewport").attrs["content"] == "width=device-width, initial-scale=1"
    )


def test_rendering_again_leaves_the_page_byte_identical(tmp_path: Path) -> None:
    config, paths = make_tracker(tmp_path, KEYWORDS)
    api.render(config, paths)
    before = (paths.site / "index.html").read_bytes()
    assert paths.site / "index.html" not in api.render(config, paths).changed
    assert (paths.site / "index.html").read_bytes() == before


def test_yesterdays_new_papers_are_not_new_after_the_next_update(tmp_path: Path) -> None:
    page = load(render(tmp_path, KEYWORDS, last_success="2026-11-23"))
    assert not any("data-new" in li.attrs for li in page.all("li", class_="paper"))
