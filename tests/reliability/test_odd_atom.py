"""One keyword's odd answer is at most that keyword's failure: the others and the outputs go on.

A keyword's answer is valid Atom in shapes arXiv does not usually send (an ``arxiv:comment``
with an attribute and no text, ``arxiv:primary_category`` as text, nested or repeated
elements...), drawn by hypothesis. The other two keywords are answered by the loopback arXiv as
usual. Whatever the shape, the run ends: the odd keyword is stored or reported failed, and the
others are stored and rendered. The shapes arXiv's schema allows must parse.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dailypapers import pipeline as api
from dailypapers.settings import Settings
from tests.fakes.arxiv import FakeArxiv, make_papers
from tests.reliability.reliability_support import Figures

pytestmark = pytest.mark.reliability

KEYWORDS = "keywords:\n  - World Model\n  - Odd Keyword\n  - Graph Sampling\n"
README = "<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
NS = (
    'xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" '
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
)
BASE = (
    "<id>http://arxiv.org/abs/2612.00001v1</id><title>Odd Keyword: a paper</title>"
    "<updated>2026-12-01T00:00:00Z</updated><published>2026-12-01T00:00:00Z</published>"
)
TEXT_ELEMENTS = ("arxiv:comment", "arxiv:doi", "arxiv:journal_ref", "summary")
# Shapes the arXiv schema allows: each must give a stored paper.
VALID = st.one_of(
    st.tuples(st.sampled_from(TEXT_ELEMENTS), st.sampled_from(['xml:lang="en"', 'a="b"'])).map(
        lambda t: f"<{t[0]} {t[1]}/>"
    ),
    st.sampled_from(
        [
            "<arxiv:primary_category>cs.LG</arxiv:primary_category>",
            '<arxiv:primary_category term="cs.LG"/>',
            '<arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>',
            '<category term="cs.CV"/>',
            "<category/>",
            "<author/>",
            "<author><name/></author>",
            "<arxiv:comment/>",
        ]
    ),
)
# Anything else that is still well-formed: stored or that keyword's reported failure.
TAGS = (*TEXT_ELEMENTS, "arxiv:primary_category", "category", "author", "name", "link", "source")
ODD = st.recursive(
    st.tuples(
        st.sampled_from(TAGS),
        st.sampled_from(["", ' term="cs.LG"', ' a="b"', ' type="xhtml"', ' href="x"']),
        st.sampled_from(["", "x", "cs.LG", "2026-12-01T00:00:00Z"]),
    ).map(lambda t: f"<{t[0]}{t[1]}>{t[2]}</{t[0]}>"),
    lambda inner: st.tuples(st.sampled_from(TAGS), st.lists(inner, max_size=3)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"
    ),
    max_leaves=6,
)


def page(extra: str) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><feed {NS}><id>q</id>"
        "<opensearch:totalResults>1</opensearch:totalResults>"
        f"<entry>{BASE}{extra}</entry></feed>"
    ).encode()


class OddTransport(httpx.HTTPTransport):
    """The loopback arXiv for every keyword but ``Odd``, which gets ``body``."""

    body = b""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "Odd" in request.url.params.get("search_query", ""):
            return httpx.Response(200, content=self.body, request=request)
        return super().handle_request(request)


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def server() -> Iterator[FakeArxiv]:
    papers = make_papers(2, "World Model") + make_papers(2, "Graph Sampling", first_number=50)
    with FakeArxiv(papers) as fake:
        yield fake


def run(folder: Path, server: FakeArxiv, body: bytes) -> api.UpdateReport:
    (folder / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    paths = api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )
    transport = OddTransport()
    transport.body = body
    report = api.update(
        api.load_config(paths.config),
        paths,
        settings=Settings(api_url=server.url, delay=0, retries=0),
        transport=transport,
    )
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for name, first in (("World Model", 1), ("Graph Sampling", 50)):
        assert f"{name}: synthetic study {first}" in readme
    return report


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(shape=VALID)
def test_shapes_arxivs_schema_allows_are_stored(
    tmp_path_factory: pytest.TempPathFactory, server: FakeArxiv, figures: Figures, shape: str
) -> None:
    report = run(tmp_path_factory.mktemp("t"), server, page(shape))

    assert report.failed == [], report.failed[0].error
    assert [len(k.new) for k in report.keywords] == [2, 1, 2]
    figures.add("odd_atom_shapes")


@SETTINGS
@given(shape=st.lists(ODD, min_size=1, max_size=4).map("".join))
def test_any_other_shape_is_at_most_its_keywords_failure(
    tmp_path_factory: pytest.TempPathFactory, server: FakeArxiv, figures: Figures, shape: str
) -> None:
    report = run(tmp_path_factory.mktemp("t"), server, page(shape))

    assert [k.keyword.name for k in report.failed] in ([], ["Odd Keyword"])
    figures.add("odd_atom_shapes")
    figures.add("odd_atom_shapes_failed", len(report.failed))
