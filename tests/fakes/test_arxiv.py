"""Tests of the loopback fake arXiv API server (tests/fakes/arxiv), over real HTTP."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import feedparser
import httpx
import pytest

from tests.fakes.arxiv import (
    FAULT_KINDS,
    SHARED_DIR,
    FakeArxiv,
    FakePaper,
    Fault,
    load_corpus,
    make_papers,
    refused_url,
)

ACCEPT = {"Accept": "application/atom+xml"}
FIXTURES = SHARED_DIR / "fixtures" / "arxiv"


def paper(pid: str, title: str, **kw: Any) -> FakePaper:
    return FakePaper(id=pid, version=kw.pop("version", 1), title=title, **kw)


PAPERS = [
    paper("2611.00001", "Learning a World Model for Driving", abstract="We train agents."),
    paper("2611.00002", "World Models", abstract="A short note.", categories=["cs.LG"]),
    paper("2611.00003", "The model of the world", abstract="Words in another order."),
    paper(
        "2611.00004",
        "Diffusion for images",
        abstract="Image diffusion with a world model inside.",
        categories=["eess.IV", "cs.CV"],
        authors=["Ada Lovelace", "Alan Turing"],
        comment="Accepted at CVPR 2026",
        published="2026-10-01T08:00:00Z",
        updated="2026-11-05T08:00:00Z",
    ),
    paper(
        "astro-ph/0601001",
        "Hot Jupiters",
        abstract="Transit surveys.",
        categories=["astro-ph"],
        published="2006-01-02T14:57:58Z",
        updated="2006-01-02T14:57:58Z",
        journal_ref="ActaAstron.56:1-50,2006",
    ),
    paper(
        "2611.00006",
        "Classes of graph networks",
        abstract="We study class imbalance.",
        categories=["cs.LG", "stat.ML"],
        published="2026-11-10T00:00:00Z",
        updated="2026-11-10T00:00:00Z",
    ),
]


@pytest.fixture()
def fake() -> Iterator[FakeArxiv]:
    with FakeArxiv(PAPERS, stall_seconds=5.0) as server:
        yield server


_CLIENT = httpx.Client()  # one client: building an SSL context per request is slow


def get(fake: FakeArxiv, headers: dict[str, str] | None = None, **params: Any) -> httpx.Response:
    return _CLIENT.get(fake.url, params=params, headers=ACCEPT if headers is None else headers)


def ids(fake: FakeArxiv, query: str, **params: Any) -> list[str]:
    resp = get(fake, search_query=query, max_results=100, **params)
    assert resp.status_code == 200, resp.text
    feed = feedparser.parse(resp.content)
    return [e.id.split("/abs/")[-1].rsplit("v", 1)[0] for e in feed.entries]


def matches(fake: FakeArxiv, query: str) -> set[str]:
    return set(ids(fake, query))


# --------------------------------------------------------------------------- query semantics


def test_phrase_vs_word(fake: FakeArxiv) -> None:
    assert matches(fake, 'ti:"world model"') == {"2611.00001", "2611.00002"}
    assert matches(fake, "ti:world AND ti:model") == {"2611.00001", "2611.00002", "2611.00003"}
    assert matches(fake, 'abs:"world model"') == {"2611.00004"}
    assert matches(fake, '"world model"') == {"2611.00001", "2611.00002", "2611.00004"}
    assert matches(fake, "ti:WORLD") == {"2611.00001", "2611.00002", "2611.00003"}


def test_plural_loose_both_ways(fake: FakeArxiv) -> None:
    assert matches(fake, "ti:models") == {"2611.00001", "2611.00002", "2611.00003"}
    assert matches(fake, "ti:class") == {"2611.00006"}
    assert matches(fake, "abs:classes") == {"2611.00006"}
    assert matches(fake, "ti:clas") == set()


def test_boolean_operators_and_parentheses(fake: FakeArxiv) -> None:
    assert matches(fake, "ti:world ANDNOT ti:learning") == {"2611.00002", "2611.00003"}
    assert matches(fake, "ti:jupiters OR ti:diffusion") == {"astro-ph/0601001", "2611.00004"}
    # AND binds tighter than OR.
    assert matches(fake, "ti:jupiters OR ti:world AND ti:learning") == {
        "astro-ph/0601001",
        "2611.00001",
    }
    assert matches(fake, "(ti:jupiters OR ti:world) AND ti:learning") == {"2611.00001"}
    assert matches(fake, "ti:world ti:driving") == {"2611.00001"}  # juxtaposition = AND
    assert matches(fake, "au:lovelace AND co:cvpr") == {"2611.00004"}
    assert matches(fake, "jr:actaastron") == {"astro-ph/0601001"}
    assert matches(fake, "all:turing") == {"2611.00004"}
    assert matches(fake, "ti:diff*") == {"2611.00004"}


def test_author_phrases_match_within_one_name(fake: FakeArxiv) -> None:
    assert matches(fake, 'au:"Ada Lovelace"') == {"2611.00004"}
    assert matches(fake, 'au:"alan turing" OR au:"Nobody Here"') == {"2611.00004"}
    # "Lovelace, Alan" spans two authors: not a name of either.
    assert matches(fake, 'au:"Lovelace Alan"') == set()


def test_category_matching(fake: FakeArxiv) -> None:
    assert matches(fake, "cat:cs.CV") == {"2611.00001", "2611.00003", "2611.00004"}
    assert matches(fake, "cat:stat.ml") == {"2611.00006"}
    cs = {"2611.00001", "2611.00002", "2611.00003", "2611.00004", "2611.00006"}
    assert matches(fake, "cat:cs") == cs
    assert matches(fake, "cat:cs.*") == cs
    assert matches(fake, "cat:astro-ph") == {"astro-ph/0601001"}
    assert matches(fake, "cat:cs.C") == set()


def test_submitted_date_range(fake: FakeArxiv) -> None:
    got = matches(fake, "submittedDate:[202609010000 TO 202610312359]")
    assert got == {"2611.00004"}
    got = matches(fake, "cat:cs AND submittedDate:[202610310000 TO 202611302359]")
    assert got == {"2611.00001", "2611.00002", "2611.00003", "2611.00006"}


@pytest.mark.parametrize(
    "query",
    ["ti:(world", "ti:world)", 'ti:"world', "foo:bar", "ti:world AND", "OR ti:x", "ti:", "()"],
)
def test_malformed_query_gives_400_error_feed(fake: FakeArxiv, query: str) -> None:
    resp = get(fake, search_query=query)
    assert resp.status_code == 400
    feed = feedparser.parse(resp.content)
    assert [e.title for e in feed.entries] == ["Error"]
    assert feed.entries[0].summary
    assert feed.entries[0].id.startswith("https://arxiv.org/api/errors#")


# --------------------------------------------------------------------------- sorting, paging, ids


def test_sorting(fake: FakeArxiv) -> None:
    desc = ids(fake, "cat:cs", sortBy="submittedDate", sortOrder="descending")
    assert desc[0] == "2611.00006" and desc[-1] == "2611.00004"
    asc = ids(fake, "cat:cs", sortBy="submittedDate", sortOrder="ascending")
    assert asc == list(reversed(desc))
    upd = ids(fake, "cat:cs", sortBy="lastUpdatedDate", sortOrder="descending")
    assert upd[:2] == ["2611.00006", "2611.00004"]
    rel = ids(fake, "cat:cs")
    assert sorted(rel) == sorted(desc) and rel == ids(fake, "cat:cs", sortBy="relevance")


def test_ignore_sort_quirk() -> None:
    papers = make_papers(20, "world model")
    with FakeArxiv(papers, ignore_sort=True) as fake:
        relevance = ids(fake, "ti:world")
        by_date = ids(fake, "ti:world", sortBy="submittedDate", sortOrder="descending")
        assert by_date == relevance
        assert by_date != [p.id for p in papers]


def test_paging_and_total_results() -> None:
    papers = make_papers(25, "world model")
    with FakeArxiv(papers) as fake:
        seen: list[str] = []
        for start in (0, 10, 20):
            resp = get(
                fake,
                search_query='ti:"world model"',
                sortBy="submittedDate",
                start=start,
                max_results=10,
            )
            feed = feedparser.parse(resp.content)
            assert feed.feed.opensearch_totalresults == "25"
            assert feed.feed.opensearch_startindex == str(start)
            assert feed.feed.opensearch_itemsperpage == "10"
            seen += [e.id for e in feed.entries]
        assert len(seen) == 25 == len(set(seen))
        assert seen[0].endswith("2611.00001v1") and seen[-1].endswith("2611.00025v1")
        feed = feedparser.parse(get(fake, search_query="ti:world", start=30).content)
        assert feed.entries == [] and feed.feed.opensearch_totalresults == "25"
        assert fake.requests[-1].entries == 0 and fake.requests[-1].total_results == 25


def test_max_results_cap_and_deep_paging() -> None:
    with FakeArxiv(make_papers(2001, "x")) as fake:
        resp = get(fake, search_query="ti:x", max_results=5000)
        assert fake.requests[-1].entries == 2000 == resp.text.count("<entry>")
        assert "<opensearch:itemsPerPage>2000</opensearch:itemsPerPage>" in resp.text
        assert "<opensearch:totalResults>2001</opensearch:totalResults>" in resp.text
        assert get(fake, search_query="ti:x", start=30001).status_code == 400
        assert get(fake, search_query="ti:x", start="abc").status_code == 400


def test_id_list(fake: FakeArxiv) -> None:
    def fetch(id_list: str, **kw: Any) -> list[str]:
        resp = get(fake, id_list=id_list, **kw)
        assert resp.status_code == 200
        return [e.id for e in feedparser.parse(resp.content).entries]

    assert fetch("2611.00002,astro-ph/0601001") == [
        "http://arxiv.org/abs/2611.00002v1",
        "http://arxiv.org/abs/astro-ph/0601001v1",
    ]
    assert fetch("2611.00003v1") == ["http://arxiv.org/abs/2611.00003v1"]
    assert fetch("2611.00003v2") == []
    assert fetch("0000.0000") == []
    assert fetch("2611.00001,2611.00002,2611.00004", search_query="cat:cs.CV") == [
        "http://arxiv.org/abs/2611.00001v1",
        "http://arxiv.org/abs/2611.00004v1",
    ]
    resp = get(fake, id_list="abc")
    assert resp.status_code == 400
    entry = feedparser.parse(resp.content).entries[0]
    assert entry.title == "Error" and entry.summary == "incorrect id format for abc"
    assert entry.id == "https://arxiv.org/api/errors#incorrect_id_format_for_abc"


def test_newest_version_replaces_older(fake: FakeArxiv) -> None:
    fake.add([paper("2611.00002", "World Models, revised", version=3)])
    fake.add([paper("2611.00002", "World Models, stale", version=2)])
    assert len([p for p in fake.papers if p.id == "2611.00002"]) == 1
    feed = feedparser.parse(get(fake, id_list="2611.00002").content)
    assert [(e.id, e.title) for e in feed.entries] == [
        ("http://arxiv.org/abs/2611.00002v3", "World Models, revised")
    ]
    fake.papers.append(paper("2611.00100", "Appended directly"))
    assert matches(fake, "ti:appended") == {"2611.00100"}


def test_post_form(fake: FakeArxiv) -> None:
    resp = httpx.post(fake.url, data={"search_query": "ti:jupiters"}, headers=ACCEPT)
    assert resp.status_code == 200
    assert feedparser.parse(resp.content).entries[0].title == "Hot Jupiters"


# --------------------------------------------------------------------------- HTTP behaviour


def test_headers_and_406_without_accept(fake: FakeArxiv) -> None:
    resp = get(fake, search_query="ti:world")
    assert resp.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert int(resp.headers["content-length"]) == len(resp.content)
    with httpx.Client() as client:
        client.headers.pop("accept", None)
        resp = client.get(fake.url, params={"search_query": "ti:world"})
    assert resp.status_code == 406
    assert fake.requests[-1].status == 406 and "accept" not in fake.requests[-1].headers


def test_request_log(fake: FakeArxiv) -> None:
    before = time.monotonic()
    get(fake, search_query="ti:world", max_results=2, headers={**ACCEPT, "User-Agent": "UA/1"})
    log = fake.requests[-1]
    assert before <= log.started <= time.monotonic()
    assert log.path == "/api/query"
    assert log.params == {"search_query": "ti:world", "max_results": "2"}
    assert log.headers["user-agent"] == "UA/1"
    assert (log.status, log.fault, log.total_results, log.entries) == (200, None, 3, 2)
    assert log.bytes_sent > 500
    assert get(fake, search_query="x").status_code == 200 and len(fake.requests) == 2
    assert fake.max_in_flight == 1


def test_max_in_flight_counts_concurrent_requests() -> None:
    with FakeArxiv(PAPERS, latency=0.3) as fake:
        threads = [threading.Thread(target=get, args=(fake,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert fake.max_in_flight == 3
        get(fake)
        assert fake.max_in_flight == 3 and len(fake.requests) == 4


def test_stop_then_start_on_same_port() -> None:
    fake = FakeArxiv(PAPERS)
    fake.start()
    url = fake.url
    with httpx.Client(headers=ACCEPT) as client:
        assert client.get(url, params={"id_list": "2611.00001"}).status_code == 200
        fake.stop()
        with pytest.raises(httpx.TransportError):
            client.get(url, params={"id_list": "2611.00001"})
        fake.start()
        assert fake.url == url
        assert client.get(url, params={"id_list": "2611.00001"}).status_code == 200
    fake.stop()


def test_exit_is_quick_while_a_handler_stalls() -> None:
    fake = FakeArxiv(PAPERS, stall_seconds=30)
    fake.start()
    fake.inject(Fault("timeout_headers"))
    errors: list[Exception] = []

    def call() -> None:
        try:
            get(fake)
        except httpx.HTTPError as exc:
            errors.append(exc)

    t = threading.Thread(target=call)
    t.start()
    time.sleep(0.2)
    began = time.monotonic()
    fake.stop()
    t.join(5)
    assert time.monotonic() - began < 2 and not t.is_alive()
    assert len(errors) == 1


# --------------------------------------------------------------------------- faults


def fault_response(fake: FakeArxiv, kind: str, **kw: Any) -> httpx.Response:
    fake.inject(Fault(kind, **kw))
    resp = httpx.get(fake.url, params={"search_query": "ti:world"}, headers=ACCEPT, timeout=0.5)
    assert fake.requests[-1].fault == kind
    return resp


@pytest.mark.parametrize("kind", ["refuse", "timeout_headers", "timeout_body", "truncated"])
def test_transport_faults(fake: FakeArxiv, kind: str) -> None:
    expected: dict[str, type[Exception]] = {
        "refuse": httpx.RemoteProtocolError,
        "timeout_headers": httpx.ReadTimeout,
        "timeout_body": httpx.ReadTimeout,
    }
    if kind == "truncated":
        resp = fault_response(fake, kind)
        assert resp.status_code == 200 and "content-length" not in resp.headers
        assert feedparser.parse(resp.content).bozo
        assert fake.requests[-1].bytes_sent == len(resp.content)
    else:
        with pytest.raises(expected[kind]):
            fault_response(fake, kind)
    assert get(fake, search_query="ti:world").status_code == 200  # times=1: next one is fine


@pytest.mark.parametrize("kind", ["429", "500", "502", "503"])
def test_status_faults(fake: FakeArxiv, kind: str) -> None:
    resp = fault_response(fake, kind, retry_after="7")
    assert resp.status_code == int(kind)
    assert resp.headers["retry-after"] == "7"
    assert fake.requests[-1].status == int(kind)


def test_content_faults(fake: FakeArxiv) -> None:
    resp = fault_response(fake, "empty_page")
    feed = feedparser.parse(resp.content)
    assert resp.status_code == 200 and feed.entries == []
    assert feed.feed.opensearch_totalresults == "3"

    resp = fault_response(fake, "html_200")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert b"<html>" in resp.content

    resp = fault_response(fake, "invalid_xml")
    assert resp.status_code == 200 and feedparser.parse(resp.content).bozo

    resp = fault_response(fake, "missing_id")
    entries = feedparser.parse(resp.content).entries
    assert len(entries) == 3 and all("id" not in e for e in entries)

    resp = fault_response(fake, "missing_dates")
    entries = feedparser.parse(resp.content).entries
    assert len(entries) == 3 and all("published" not in e and "updated" not in e for e in entries)

    resp = fault_response(fake, "error_400")
    assert resp.status_code == 400
    assert [e.title for e in feedparser.parse(resp.content).entries] == ["Error"]


def test_every_fault_kind_is_covered() -> None:
    assert len(FAULT_KINDS) == 16
    with pytest.raises(ValueError):
        Fault("nope")


def test_fault_times_match_and_order(fake: FakeArxiv) -> None:
    fake.inject(Fault("503", times=2, match=lambda p: p.get("start") == "10"))
    fake.inject(Fault("429", times=-1, match=lambda p: "id_list" in p))
    assert get(fake, search_query="ti:world").status_code == 200
    assert get(fake, search_query="ti:world", start=10).status_code == 503
    assert get(fake, search_query="ti:world", start=10).status_code == 503
    assert get(fake, search_query="ti:world", start=10).status_code == 200
    for _ in range(3):
        assert get(fake, id_list="2611.00001").status_code == 429
    fake.clear_faults()
    assert get(fake, id_list="2611.00001").status_code == 200


# --------------------------------------------------------------------------- parsers agree

HOSTILE = FakePaper(
    id="2611.99999",
    version=2,
    title="A <script>alert('x')</script> & B | C: $\\mathcal{O}(n^2)$ für Ünïcödé — “ok”",
    abstract="Text with & ampersands, <b>tags</b>, pipes | and \\LaTeX{} \\\\ backslashes; 漢字.",
    comment="12 pages & 3 figures | code: https://x.org/?a=1&b=2",
    authors=["Jürgen O'Brien", "Zoë <Evil> & Co"],
    categories=["stat.ML", "cs.LG"],
    published="2026-11-01T09:15:00Z",
    updated="2026-11-03T17:45:30Z",
    doi="10.1000/x&y<z>",
    journal_ref="J. Phys. A & B <42> (2026)",
)
PLAIN = FakePaper(id="cs/0703132", version=1, title="Plain old paper", categories=["cs.DS"])


def test_feedparser_reads_back_the_fields() -> None:
    with FakeArxiv([HOSTILE, PLAIN]) as fake:
        feed = feedparser.parse(get(fake, id_list="2611.99999,cs/0703132").content)
    assert not feed.bozo
    e, plain = feed.entries
    assert e.id == "http://arxiv.org/abs/2611.99999v2"
    assert e.title == HOSTILE.title
    assert e.summary == HOSTILE.abstract
    assert e.arxiv_comment == HOSTILE.comment
    assert [a.name for a in e.authors] == HOSTILE.authors
    assert [t.term for t in e.tags] == HOSTILE.categories
    assert e.arxiv_primary_category["term"] == "stat.ML"
    assert (e.published, e.updated) == (HOSTILE.published, HOSTILE.updated)
    assert e.arxiv_doi == HOSTILE.doi
    assert e.arxiv_journal_ref == HOSTILE.journal_ref
    links = {(link.rel, link.get("title")): link.href for link in e.links}
    assert links[("alternate", None)] == "https://arxiv.org/abs/2611.99999v2"
    assert links[("related", "pdf")] == "https://arxiv.org/pdf/2611.99999v2"
    assert plain.id == "http://arxiv.org/abs/cs/0703132v1"
    assert "arxiv_comment" not in plain and "arxiv_doi" not in plain
    assert "arxiv_journal_ref" not in plain and "authors" not in plain


def test_arxiv_package_reads_back_the_fields() -> None:
    arxiv = pytest.importorskip("arxiv")
    with FakeArxiv([HOSTILE]) as fake:
        body = get(fake, id_list="2611.99999").content
    if hasattr(arxiv.Result, "_from_feed_entry"):
        result = arxiv.Result._from_feed_entry(feedparser.parse(body).entries[0])
    else:  # arxiv >= 3 parses the Atom itself
        from arxiv import _feed

        result = _feed.parse(body).results[0]
    assert result.get_short_id() == "2611.99999v2"
    assert result.title == HOSTILE.title
    assert result.summary == HOSTILE.abstract
    assert result.comment == HOSTILE.comment
    assert [a.name for a in result.authors] == HOSTILE.authors
    assert result.categories == HOSTILE.categories
    assert result.primary_category == "stat.ML"
    assert result.published.isoformat() == "2026-11-01T09:15:00+00:00"
    assert result.updated.isoformat() == "2026-11-03T17:45:30+00:00"
    assert result.doi == HOSTILE.doi
    assert result.journal_ref == HOSTILE.journal_ref
    assert result.pdf_url == "https://arxiv.org/pdf/2611.99999v2"


def test_arxiv_client_pages_through_the_server() -> None:
    arxiv = pytest.importorskip("arxiv")
    with FakeArxiv(make_papers(12, "world model")) as fake:
        client = arxiv.Client(page_size=5, delay_seconds=0, num_retries=0)
        client.query_url_format = fake.url + "?{}"
        search = arxiv.Search(
            query='ti:"world model"', max_results=None, sort_by=arxiv.SortCriterion.SubmittedDate
        )
        got = [r.get_short_id() for r in client.results(search)]
    assert got == [f"2611.{i:05d}v1" for i in range(1, 13)]


def test_output_has_the_shape_of_a_real_response() -> None:
    fixture = FIXTURES / "q_testing_s0_m10.xml"
    if not fixture.is_file():
        pytest.skip("shared fixtures absent")
    import xml.etree.ElementTree as ET

    real = ET.fromstring(fixture.read_bytes())
    doi_paper = FakePaper(
        id="2202.12139",
        version=1,
        title="t",
        comment="c",
        journal_ref="j",
        doi="10.1/x",
        authors=["A"],
        categories=["cs.SE", "cs.LG"],
    )
    with FakeArxiv([doi_paper]) as fake:
        ours = ET.fromstring(get(fake, search_query="ti:t").content)

    def shape(root: ET.Element) -> tuple[list[str], list[str]]:
        feed_tags = [c.tag for c in root if not c.tag.endswith("entry")]
        entry = next(c for c in root if c.tag.endswith("entry"))
        entry_tags = [c.tag for c in entry]
        dedup = [t for i, t in enumerate(entry_tags) if i == 0 or entry_tags[i - 1] != t]
        return feed_tags, dedup

    assert shape(ours) == shape(real)
    real_entry = next(c for c in real if c.tag.endswith("entry"))
    our_entry = next(c for c in ours if c.tag.endswith("entry"))
    real_links = [sorted(link.attrib) for link in real_entry if link.tag.endswith("link")]
    our_links = [sorted(link.attrib) for link in our_entry if link.tag.endswith("link")]
    assert our_links == real_links


# --------------------------------------------------------------------------- data helpers


def test_make_papers_is_deterministic() -> None:
    a = make_papers(3, "graph neural network", prefix="2612", first_number=40, step_minutes=60)
    assert a == make_papers(
        3, "graph neural network", prefix="2612", first_number=40, step_minutes=60
    )
    assert [p.id for p in a] == ["2612.00040", "2612.00041", "2612.00042"]
    assert all("graph neural network" in p.title for p in a)
    assert [p.published for p in a] == [
        "2026-11-20T12:00:00Z",
        "2026-11-20T11:00:00Z",
        "2026-11-20T10:00:00Z",
    ]


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def corpus() -> list[FakePaper]:
    try:
        return load_corpus()
    except FileNotFoundError:
        pytest.skip("shared corpus absent")


def test_corpus_loads_with_defaults(corpus: list[FakePaper]) -> None:
    """Only the loading: a server over the corpus would build its query index (three times
    the loading's time) for nothing."""
    assert len(corpus) == 30876
    assert all(p.categories and p.authors and p.published for p in corpus)
    astro = next(p for p in corpus if p.id == "astro-ph/0601001")
    assert astro.categories[0] == "astro-ph" and "Gould" in astro.authors[0]
    assert load_corpus(limit=5) == corpus[:5]


def test_corpus_queries_answer_with_many_matches(corpus: list[FakePaper]) -> None:
    """Realistic queries over the whole corpus (their speed is for benchmarks, not tests)."""
    queries = [
        'ti:"large language model" OR abs:"large language model"',
        "all:testing",
        "cat:cs AND (abs:diffusion ANDNOT ti:image)",
    ]
    params = {"max_results": "100", "sortBy": "submittedDate"}
    with FakeArxiv(corpus) as server:
        for q in queries:
            resp = get(server, search_query=q, **params)
            assert resp.status_code == 200 and server.requests[-1].total_results > 100


# --------------------------------------------------------------------------- issue 12's days


def test_repeat_serves_the_first_entry_twice_and_pushes_the_last_off(fake: FakeArxiv) -> None:
    plain = ids(fake, "cat:cs", sortBy="submittedDate")
    fake.inject(Fault("repeat"))
    repeated = ids(fake, "cat:cs", sortBy="submittedDate")
    assert repeated == [plain[0], *plain[:-1]]


def test_withdraw_serves_a_new_version_that_no_longer_matches_its_abstract(
    fake: FakeArxiv,
) -> None:
    assert "2611.00004" in matches(fake, 'abs:"world model"')
    notice = fake.withdraw("2611.00004", "2026-11-21T00:00:00Z")
    assert notice.version == 2 and notice.updated == "2026-11-21T00:00:00Z"
    assert "2611.00004" not in matches(fake, 'abs:"world model"')


def test_trickle_sends_the_answer_a_byte_at_a_time(fake: FakeArxiv) -> None:
    fake.trickle_seconds = 0.0
    fake.inject(Fault("trickle"))
    assert matches(fake, "cat:cs.CV") == {"2611.00001", "2611.00003", "2611.00004"}
    (log,) = fake.requests
    assert log.fault == "trickle" and log.bytes_sent > 0


def test_refused_url_refuses_connections() -> None:
    with pytest.raises(httpx.ConnectError):
        _CLIENT.get(refused_url(), headers=ACCEPT)


def test_a_request_target_too_long_for_a_web_server_gets_414(fake: FakeArxiv) -> None:
    query = " OR ".join(f'ti:"phrase {n}"' for n in range(600))
    assert get(fake, search_query=query).status_code == 414
    posted = _CLIENT.post(fake.url, data={"search_query": query}, headers=ACCEPT)
    assert posted.status_code == 200
    assert [r.method for r in fake.requests] == ["GET", "POST"]


def test_thousands_of_alternatives_are_evaluated_without_recursion(fake: FakeArxiv) -> None:
    query = " OR ".join(f'ti:"phrase {n}"' for n in range(3000)) + " OR ti:jupiters"
    posted = _CLIENT.post(fake.url, data={"search_query": query}, headers=ACCEPT)
    assert posted.status_code == 200
    assert len(feedparser.parse(posted.content).entries) == len(matches(fake, "ti:jupiters")) > 0
