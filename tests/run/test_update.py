"""One keyword's unexpected exception is its own failure; the others and the outputs go on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from dailypapers import pipeline as api
from dailypapers.fetch import Page
from dailypapers.fetch.client import ArxivClient
from dailypapers.run.update import UNEXPECTED, run_update
from dailypapers.settings import Settings
from tests.factories import served
from tests.fakes.arxiv import FakeArxiv, make_papers

KEYWORDS = "keywords:\n  - World Model\n  - Foo Detection\n  - Graph Sampling\n"
README = "# Mine\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
PAPERS = (
    make_papers(3, "World Model")
    + make_papers(3, "Foo Detection", first_number=500)
    + make_papers(3, "Graph Sampling", first_number=900)
)


@pytest.fixture
def server() -> Iterator[FakeArxiv]:
    with served(PAPERS) as fake:
        yield fake


def tracker(folder: Path) -> api.Paths:
    (folder / "keywords.yaml").write_text(KEYWORDS, encoding="utf-8")
    (folder / "README.md").write_text(README, encoding="utf-8")
    return api.Paths(
        folder / "keywords.yaml", folder / "data", folder / "README.md", folder / "site"
    )


class Surprising(httpx.HTTPTransport):
    """Real HTTP to the loopback server, except that Foo's requests raise ``surprise``."""

    def __init__(self, surprise: Exception) -> None:
        super().__init__()
        self.surprise = surprise

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if "Foo" in request.url.params.get("search_query", ""):
            raise self.surprise
        return super().handle_request(request)


def test_an_invalid_url_fails_its_keyword_and_the_others_are_saved_and_rendered(
    tmp_path: Path, server: FakeArxiv
) -> None:
    paths = tracker(tmp_path)
    transport = Surprising(httpx.InvalidURL("Invalid port: ':1'"))

    report = api.update(
        api.load_config(paths.config),
        paths,
        settings=Settings(api_url=server.url, delay=0),
        transport=transport,
    )

    assert [(k.keyword.name, k.error_kind) for k in report.failed] == [
        ("Foo Detection", UNEXPECTED)
    ]
    assert "InvalidURL" in (report.failed[0].error or "")
    assert [len(k.new) for k in report.keywords] == [3, 0, 3]
    readme = paths.readme.read_text(encoding="utf-8")
    assert "World Model: synthetic study 1" in readme
    assert "Graph Sampling: synthetic study 900" in readme
    assert (paths.site / "index.html").exists()


class Raising:
    """A client whose answer for one keyword blows up the way a parser bug would."""

    def __init__(self, real: ArxivClient, error: Exception) -> None:
        self.real, self.error = real, error

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        if "Foo" in query:
            raise self.error
        return self.real.search(query, start=start, max_results=max_results, sort_by=sort_by)


@pytest.mark.parametrize("error", [KeyError("links"), AttributeError("'str' has no 'get'")])
def test_a_parser_bug_in_one_keyword_counts_as_its_failure(
    tmp_path: Path, server: FakeArxiv, error: Exception
) -> None:
    paths = tracker(tmp_path)
    config = api.load_config(paths.config)
    with ArxivClient(Settings(api_url=server.url, delay=0)) as client:
        report = run_update(config, Raising(client, error), data_dir=paths.data)
    api.write_outputs(config, paths, report)

    (failed,) = report.failed
    assert failed.error == f"unexpected error: {type(error).__name__}: {error}"
    assert failed.failures == 1
    stores = sorted(p.name for p in paths.data.glob("*.json"))
    assert stores == ["foo-detection.json", "graph-sampling.json", "world-model.json"]
    assert '"failures": 1' in (paths.data / "foo-detection.json").read_text(encoding="utf-8")
    assert "Graph Sampling: synthetic study 900" in paths.readme.read_text(encoding="utf-8")
