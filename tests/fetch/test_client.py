"""The arXiv client: politeness, retries and backoff, and which answers count as failures.

Time is virtual here: the client's clock and sleep are injected, so the real pacing and backoff
logic runs without waiting.
"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable, Iterator
from itertools import pairwise

import httpx
import pytest

from dailypapers import __version__
from dailypapers.errors import FetchError, QueryRejected
from dailypapers.fetch.client import (
    MAX_REDIRECTS,
    TOLD_TO_WAIT,
    UNREACHABLE,
    ArxivClient,
    Pacer,
)
from dailypapers.settings import Settings
from tests.fakes.arxiv import FakeArxiv, make_papers, refused_url
from tests.support import VirtualTime, shared_fixture


def page_body(name: str = "q_testing_s0_m10.xml") -> bytes:
    return shared_fixture("arxiv", name).read_bytes()


Handler = Callable[[httpx.Request], httpx.Response]


def client_for(
    handler: Handler, time: VirtualTime, *, retries: int = 4, delay: float = 3.0
) -> tuple[ArxivClient, list[tuple[float, httpx.Request]]]:
    seen: list[tuple[float, httpx.Request]] = []

    def recording(request: httpx.Request) -> httpx.Response:
        seen.append((time.now, request))
        return handler(request)

    client = ArxivClient(
        Settings(delay=delay, retries=retries, backoff=5.0),
        jitter=lambda: 0.0,
        transport=httpx.MockTransport(recording),
        clock=time.clock,
        sleep=time.sleep,
    )
    return client, seen


def search(client: ArxivClient, start: int = 0) -> object:
    return client.search("ti:testing", start=start, max_results=10, sort_by="lastUpdatedDate")


def test_requests_start_at_least_the_delay_apart() -> None:
    time = VirtualTime()
    body = page_body()
    client, seen = client_for(lambda r: httpx.Response(200, content=body), time)
    for _ in range(4):
        search(client)
    starts = [t for t, _ in seen]
    assert all(b - a >= 3.0 for a, b in pairwise(starts))


def test_first_request_does_not_wait() -> None:
    time = VirtualTime()
    body = page_body()
    client, _ = client_for(lambda r: httpx.Response(200, content=body), time)
    search(client)
    assert time.sleeps == []


def test_pacer_counts_time_already_spent_elsewhere() -> None:
    time = VirtualTime()
    pacer = Pacer(3.0, time.clock, time.sleep)
    pacer.wait()
    pacer.done()
    time.now += 2.0
    pacer.wait()
    assert time.sleeps == [pytest.approx(1.0)]


def test_request_names_the_project_asks_for_atom_and_sorts_newest_first() -> None:
    time = VirtualTime()
    body = page_body()
    client, seen = client_for(lambda r: httpx.Response(200, content=body), time)
    search(client, start=20)
    request = seen[0][1]
    assert request.headers["user-agent"].startswith(f"dailypapers/{__version__}")
    assert request.headers["accept"] == "application/atom+xml"
    params = request.url.params
    assert params["search_query"] == "ti:testing"
    assert (params["start"], params["max_results"]) == ("20", "10")
    assert (params["sortBy"], params["sortOrder"]) == ("lastUpdatedDate", "descending")


@pytest.mark.parametrize("status", [429, 500, 502, 503])
def test_transient_http_errors_are_retried_then_succeed(status: int) -> None:
    time = VirtualTime()
    body = page_body()
    answers = [httpx.Response(status), httpx.Response(status), httpx.Response(200, content=body)]
    client, seen = client_for(lambda r: answers.pop(0), time)
    page = search(client)
    assert len(seen) == 3
    assert client.stats.retries == 2
    assert len(page.papers) == 10


def test_backoff_grows_exponentially() -> None:
    time = VirtualTime()
    client, seen = client_for(lambda r: httpx.Response(503), time, retries=4)
    with pytest.raises(FetchError):
        search(client)
    starts = [t for t, _ in seen]
    gaps = [b - a for a, b in pairwise(starts)]
    assert gaps == [5.0, 10.0, 20.0, 40.0]


def test_retry_after_is_honoured() -> None:
    time = VirtualTime()
    body = page_body()
    answers = [
        httpx.Response(429, headers={"Retry-After": "30"}),
        httpx.Response(200, content=body),
    ]
    client, seen = client_for(lambda r: answers.pop(0), time)
    search(client)
    assert seen[1][0] - seen[0][0] == 30.0


def test_absurd_retry_after_gives_up_at_once() -> None:
    time = VirtualTime()
    client, seen = client_for(lambda r: httpx.Response(503, headers={"Retry-After": "86400"}), time)
    with pytest.raises(FetchError, match="asks to wait 86400 s"):
        search(client)
    assert len(seen) == 1


def test_retry_after_on_the_last_try_holds_the_next_request() -> None:
    """The next keyword's first request comes right after a keyword's last try: it too must
    wait as long as arXiv asked."""
    time = VirtualTime()
    body = page_body()
    answers = [
        httpx.Response(503, headers={"Retry-After": "30"}),
        httpx.Response(503, headers={"Retry-After": "30"}),
        httpx.Response(200, content=body),
    ]
    client, seen = client_for(lambda r: answers.pop(0), time, retries=1)
    with pytest.raises(FetchError):
        search(client)
    search(client)
    assert seen[2][0] - seen[1][0] == 30.0


def test_after_an_absurd_retry_after_no_further_request_is_sent() -> None:
    time = VirtualTime()
    client, seen = client_for(lambda r: httpx.Response(429, headers={"Retry-After": "86400"}), time)
    with pytest.raises(FetchError):
        search(client)
    with pytest.raises(FetchError, match="said to wait 86400 s more") as caught:
        search(client)
    assert caught.value.kind == TOLD_TO_WAIT
    assert len(seen) == 1 and time.sleeps == []


def test_retries_are_bounded_and_the_error_carries_url_and_tries() -> None:
    time = VirtualTime()
    client, seen = client_for(lambda r: httpx.Response(500), time, retries=2)
    with pytest.raises(FetchError) as caught:
        search(client)
    assert len(seen) == 3
    assert caught.value.attempts == 3
    assert caught.value.url.startswith("https://export.arxiv.org/api/query?search_query=")
    assert "HTTP 500" in str(caught.value) and "3 tries" in str(caught.value)


def test_http_400_error_entry_is_reported_and_not_retried() -> None:
    time = VirtualTime()
    body = page_body("id_abc_s0_m100.xml")
    client, seen = client_for(lambda r: httpx.Response(400, content=body), time)
    with pytest.raises(QueryRejected, match="incorrect id format for abc"):
        search(client)
    assert len(seen) == 1


def test_empty_page_with_positive_total_is_retried() -> None:
    time = VirtualTime()
    full = page_body()
    empty = full[: full.index(b"<entry>")] + b"</feed>\n"
    answers = [httpx.Response(200, content=empty), httpx.Response(200, content=full)]
    client, seen = client_for(lambda r: answers.pop(0), time)
    page = search(client)
    assert len(seen) == 2
    assert page is not None


def test_empty_page_past_the_end_is_a_normal_answer() -> None:
    time = VirtualTime()
    body = page_body("id_0000.0000_s0_m100.xml")
    client, seen = client_for(lambda r: httpx.Response(200, content=body), time)
    assert search(client).papers == ()
    assert len(seen) == 1


@pytest.mark.parametrize(
    "answer",
    [
        lambda: httpx.Response(200, content=b"<html>oops</html>"),
        lambda: httpx.Response(200, content=b"<?xml version='1.0'?><feed"),
    ],
)
def test_malformed_answers_are_retried(answer: Callable[[], httpx.Response]) -> None:
    time = VirtualTime()
    client, seen = client_for(lambda r: answer(), time, retries=1)
    with pytest.raises(FetchError, match="malformed"):
        search(client)
    assert len(seen) == 2


def test_connection_errors_are_retried() -> None:
    time = VirtualTime()
    body = page_body()
    calls = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        if len(calls) == 2:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(200, content=body)

    client, _ = client_for(flaky, time)
    assert len(search(client).papers) == 10
    assert client.stats.retries == 2


def failing_with(cause: OSError) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(str(cause), request=request) from cause

    return handler


@pytest.mark.parametrize(
    ("cause", "words"),
    [
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "does not resolve"),
        (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), "nothing listens"),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), "no network route"),
    ],
)
def test_a_definitive_connection_failure_is_not_retried(cause: OSError, words: str) -> None:
    time = VirtualTime()
    client, seen = client_for(failing_with(cause), time)
    with pytest.raises(FetchError) as raised:
        search(client)
    assert len(seen) == 1
    assert time.sleeps == []
    assert raised.value.kind == UNREACHABLE
    assert words in str(raised.value)
    assert "offline? behind a proxy?" in str(raised.value)
    assert "DAILYPAPERS_API_URL" in str(raised.value)


def test_a_resolver_that_did_not_answer_in_time_is_retried() -> None:
    time = VirtualTime()
    again = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    client, seen = client_for(failing_with(again), time)
    with pytest.raises(FetchError) as raised:
        search(client)
    assert len(seen) == 5
    assert raised.value.kind == "connection"


def test_a_closed_loopback_port_is_reported_as_nothing_listening() -> None:
    time = VirtualTime()
    client = ArxivClient(
        Settings(api_url=refused_url()), clock=time.clock, sleep=time.sleep, jitter=lambda: 0.0
    )
    with client, pytest.raises(FetchError, match=r"nothing listens at 127\.0\.0\.1:") as raised:
        search(client)
    assert raised.value.attempts == 1
    assert time.sleeps == []


def test_redirects_are_followed() -> None:
    time = VirtualTime()
    body = page_body()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "http":
            return httpx.Response(
                301, headers={"Location": str(request.url.copy_with(scheme="https"))}
            )
        return httpx.Response(200, content=body)

    client = ArxivClient(
        Settings(api_url="http://export.arxiv.org/api/query", delay=0),
        transport=httpx.MockTransport(handler),
        clock=time.clock,
        sleep=time.sleep,
    )
    assert len(search(client).papers) == 10


def test_a_redirect_loop_is_paced_cut_short_and_not_retried() -> None:
    """Every hop is a request arXiv counts: httpx alone sent twenty at once, every try."""
    time = VirtualTime()

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "https://export.arxiv.org/api/query"})

    client, seen = client_for(loop, time)
    with pytest.raises(QueryRejected, match="more than 3 redirects") as raised:
        search(client)
    assert raised.value.kind == "redirect"
    assert len(seen) == 1 + MAX_REDIRECTS
    assert all(b - a >= 3.0 for (a, _), (b, _) in pairwise(seen))


def test_a_redirect_to_another_scheme_is_reported_not_retried() -> None:
    time = VirtualTime()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": "ftp://mirror.example/api"})

    client, seen = client_for(handler, time)
    with pytest.raises(QueryRejected, match=r"redirects to 'ftp://mirror\.example/api'"):
        search(client)
    assert len(seen) == 1


def test_an_unreachable_redirect_target_is_the_host_named() -> None:
    time = VirtualTime()
    refused = ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "export.arxiv.org":
            return httpx.Response(302, headers={"Location": "https://mirror.example:8443/q"})
        raise httpx.ConnectError(str(refused), request=request) from refused

    client, _ = client_for(handler, time)
    with pytest.raises(FetchError, match=r"nothing listens at mirror\.example:8443") as raised:
        search(client)
    assert raised.value.kind == UNREACHABLE


class Trickle(httpx.SyncByteStream):
    """An answer that arrives a piece at a time, each piece taking ``gap`` virtual seconds."""

    def __init__(self, body: bytes, time: VirtualTime, gap: float, piece: int = 64) -> None:
        self.body, self.time, self.gap, self.piece = body, time, gap, piece

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, len(self.body), self.piece):
            self.time.now += self.gap
            yield self.body[i : i + self.piece]


def test_timeout_bounds_the_whole_answer_not_each_read() -> None:
    time = VirtualTime()
    body = page_body()  # ~25 kB: ~390 pieces half a second apart, 195 s in all
    client, seen = client_for(
        lambda r: httpx.Response(200, stream=Trickle(body, time, gap=0.5)), time, retries=1
    )
    client.timeout = 30.0
    with pytest.raises(FetchError) as caught:
        search(client)
    assert caught.value.kind == "timeout"
    assert len(seen) == 2
    assert time.now < 2 * (30.0 + 0.5) + 5.0 + 3.0


def test_an_answer_that_arrives_within_the_timeout_is_parsed() -> None:
    time = VirtualTime()
    body = page_body()
    client, _ = client_for(
        lambda r: httpx.Response(200, stream=Trickle(body, time, gap=0.01)), time
    )
    page = search(client)
    assert len(page.papers) == 10  # type: ignore[attr-defined]


def test_lookup_asks_for_the_ids_with_the_query_and_room_for_all_of_them() -> None:
    time = VirtualTime()
    body = page_body("id_0808.05394_1707.08567_s0_m100.xml")
    client, seen = client_for(lambda r: httpx.Response(200, content=body), time)
    page = client.lookup('ti:"world model"', ["0808.05394", "1707.08567"])
    params = seen[0][1].url.params
    assert params["id_list"] == "0808.05394,1707.08567"
    assert params["search_query"] == 'ti:"world model"'
    assert params["max_results"] == "2"
    assert [p.id for p in page.papers] == ["1707.08567"]  # 0808.05394 does not exist


def _long_query(phrases: int) -> str:
    return " OR ".join(f'ti:"rare phrase number {n}"' for n in range(phrases)) + ' OR ti:"world"'


def test_a_long_query_is_sent_as_a_form_post_with_the_same_parameters() -> None:
    papers = [*make_papers(3, "world model"), *make_papers(2, "other", first_number=10)]
    with FakeArxiv(papers) as fake:
        client = ArxivClient(Settings(api_url=fake.url, delay=0))
        query = _long_query(300)
        page = client.search(query, start=0, max_results=10, sort_by="lastUpdatedDate")
    assert len(query) > 8000
    assert {p.id for p in page.papers} == {"2611.00001", "2611.00002", "2611.00003"}
    (request,) = fake.requests
    assert request.method == "POST" and request.params["search_query"] == query
    assert request.params["sortBy"] == "lastUpdatedDate"


def test_a_short_query_is_still_a_get() -> None:
    with FakeArxiv(make_papers(1, "world")) as fake:
        client = ArxivClient(Settings(api_url=fake.url, delay=0))
        client.search('ti:"world"', start=0, max_results=10, sort_by="lastUpdatedDate")
    assert [r.method for r in fake.requests] == ["GET"]


def test_a_redirected_post_is_reported_not_followed_without_its_query() -> None:
    time = VirtualTime()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "https://elsewhere.example/api/query"})

    client, seen = client_for(handler, time)
    with pytest.raises(QueryRejected, match=r"redirects to 'https://elsewhere\.example"):
        client.search(_long_query(300), start=0, max_results=10, sort_by="lastUpdatedDate")
    assert [request.method for _, request in seen] == ["POST"]
