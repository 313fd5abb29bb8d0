"""The arXiv HTTP client: one connection, a politeness clock, bounded retries with backoff.

Everything that waits goes through an injected ``clock``/``sleep`` pair so tests can run the real
retry and pacing logic in virtual time.
"""

from __future__ import annotations

import email.utils
import errno
import functools
import logging
import random
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from ..errors import FetchError, QueryRejected
from ..settings import Settings
from ..text import fold
from ..version import __version__
from .feed import parse_page
from .interface import EMPTY_PAGE, MalformedFeed, Page

log = logging.getLogger(__name__)

MAX_RESULTS_LIMIT = 2000
# Longer request URLs go as a POST of the same form-encoded parameters, which arXiv's API accepts
# ("if the parameters list is unusually long, a POST request might be preferred"); servers and
# proxies commonly refuse request lines beyond a few kilobytes.
MAX_GET_URL = 2000
MAX_REDIRECTS = 3
"""Hops followed for one request: arXiv's own is one (http to https); more is a loop."""
TOLD_TO_WAIT = "told to wait"
"""The ``kind`` of a request not sent: arXiv's ``Retry-After`` said not to ask again before
later than a run can wait."""
UNREACHABLE = "unreachable"
"""The ``kind`` of a failure no retry can mend soon: the host name does not resolve, nothing
listens at the port, no route to the network. The run stops asking at once."""
# EAI_AGAIN (a resolver that did not answer in time) is not here: it passes, runners see it.
_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


@functools.cache
def _tls() -> ssl.SSLContext:
    """One certificate store per process: loading it takes about 70 ms of CPU, which every
    client paid again (a test suite builds hundreds of clients in one process)."""
    return httpx.create_ssl_context(verify=True, trust_env=True)


def user_agent(repo: str = "") -> str:
    where = f"; +https://github.com/{repo}" if repo else ""
    return f"dailypapers/{__version__} (arXiv keyword tracker{where})"


@dataclass
class Pacer:
    """Keeps requests at least ``delay`` seconds apart, across keywords and pages.

    The gap is counted from the end of the previous answer, so arXiv sees at least ``delay``
    between request starts even when connection set-up delays one request and not the next.
    """

    delay: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = None
    _not_before: float | None = None

    def wait(self, at_least: float = 0.0) -> None:
        now = self.clock()
        due = now + at_least
        if self._last is not None:
            due = max(due, self._last + self.delay)
        if self._not_before is not None:
            due = max(due, self._not_before)
        if due > now:
            log.debug("waiting %.1f s before the next request", due - now)
            self.sleep(due - now)

    def done(self) -> None:
        self._last = self.clock()

    def hold(self, seconds: float) -> None:
        """arXiv's ``Retry-After``: it binds every later request of the client, not only the
        retry that read it (the next keyword's first request comes right after a last try)."""
        until = self.clock() + seconds
        self._not_before = until if self._not_before is None else max(self._not_before, until)

    def held(self) -> float:
        """Seconds left of the longest ``Retry-After`` arXiv sent."""
        return 0.0 if self._not_before is None else max(0.0, self._not_before - self.clock())


@dataclass
class RetryPolicy:
    """Exponential backoff with jitter; ``Retry-After`` wins when arXiv sends it."""

    retries: int = 4
    base: float = 5.0
    cap: float = 120.0
    max_retry_after: float = 600.0
    jitter: Callable[[], float] = field(default=random.random)

    def backoff(self, attempt: int) -> float:
        return float(min(self.cap, self.base * 2 ** (attempt - 1)) * (1 + 0.25 * self.jitter()))


@dataclass
class Stats:
    requests: int = 0
    bytes: int = 0
    retries: int = 0


class _Retryable(Exception):
    def __init__(self, kind: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind, self.retry_after = kind, retry_after


class _Unreachable(Exception):
    """A connection that failed for a reason that will still hold on the next try."""


def _unreachable(exc: BaseException, url: httpx.URL) -> str | None:
    """What stopped the connection, in plain words, when retrying cannot help; else None."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, socket.gaierror) and cause.errno in _NO_SUCH_NAME:
            return f"the name {url.host} does not resolve"
        if isinstance(cause, OSError) and cause.errno == errno.ECONNREFUSED:
            return f"nothing listens at {url.host}:{url.port or _PORTS.get(url.scheme, '')}"
        if isinstance(cause, OSError) and cause.errno == errno.ENETUNREACH:
            return f"no network route to {url.host}"
        cause = cause.__cause__ or cause.__context__
    return None


_PORTS = {"http": 80, "https": 443}


class _Final(Exception):
    """An answer that retrying cannot change (HTTP 400 and arXiv's Error entry)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class ArxivClient:
    """Asks ``/api/query`` one page at a time and returns only pages it could fully parse."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        settings = settings or Settings()
        self.base_url = settings.api_url
        self.timeout = settings.timeout
        self._clock = clock
        self.pacer = Pacer(settings.delay, clock, sleep)
        self.policy = RetryPolicy(retries=settings.retries, base=settings.backoff, jitter=jitter)
        self.stats = Stats()
        timeout = settings.timeout
        self._http = httpx.Client(
            headers={
                "User-Agent": user_agent(settings.repository),
                "Accept": "application/atom+xml",
            },
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=False,
            transport=transport,
            verify=_tls(),
        )

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def search(self, query: str, *, start: int, max_results: int, sort_by: str) -> Page:
        return self._ask(
            {
                "search_query": query,
                "start": str(start),
                "max_results": str(min(max_results, MAX_RESULTS_LIMIT)),
                "sortBy": sort_by,
                "sortOrder": "descending",
            },
            start,
        )

    def count(self, query: str) -> int:
        """How many papers arXiv counts for ``query``, asked with ``max_results=0`` (one small
        answer without entries)."""
        params = {"search_query": query, "start": "0", "max_results": "0"}
        return self._ask(params, 0, entries=False).total_results

    def lookup(self, query: str, ids: Sequence[str]) -> Page:
        """The current version of each of ``ids`` that still matches ``query``: arXiv answers
        ``id_list`` together with ``search_query`` with the listed papers the query finds."""
        return self._ask(
            {
                "search_query": query,
                "id_list": ",".join(ids),
                "start": "0",
                "max_results": str(min(len(ids), MAX_RESULTS_LIMIT)),
            },
            0,
        )

    def _ask(self, params: dict[str, str], start: int, *, entries: bool = True) -> Page:
        url = str(httpx.URL(self.base_url, params=params))
        form: dict[str, str] | None = None
        if len(url) > MAX_GET_URL:
            form = params
            url = f"{self.base_url} (POST of a {len(params['search_query'])}-character query)"
        held = self.pacer.held()
        if held > self.policy.max_retry_after:
            raise FetchError(
                f"not asked: arXiv said to wait {held:.0f} s more before the next request",
                url=url,
                attempts=0,
                kind=TOLD_TO_WAIT,
            )
        wait = 0.0
        attempts = 0
        while True:
            attempts += 1
            self.pacer.wait(wait)
            try:
                return self._once(url, form, start, entries)
            except _Retryable as problem:
                if problem.retry_after is not None:
                    self.pacer.hold(problem.retry_after)
                if attempts > self.policy.retries:
                    raise FetchError(
                        str(problem), url=url, attempts=attempts, kind=problem.kind
                    ) from None
                if (
                    problem.retry_after is not None
                    and problem.retry_after > self.policy.max_retry_after
                ):
                    raise FetchError(
                        f"{problem}; arXiv asks to wait {problem.retry_after:.0f} s",
                        url=url,
                        attempts=attempts,
                        kind=problem.kind,
                    ) from None
                self.stats.retries += 1
                wait = self.policy.backoff(attempts)
                if problem.retry_after is not None:
                    wait = max(wait, problem.retry_after)
                log.info(
                    "retry %d of %d in %.1f s after %s",
                    attempts,
                    self.policy.retries,
                    wait,
                    problem,
                )
            except _Unreachable as problem:
                raise FetchError(
                    f"cannot reach arXiv: {problem} (offline? behind a proxy? "
                    "DAILYPAPERS_API_URL sets the address to ask)",
                    url=url,
                    attempts=attempts,
                    kind=UNREACHABLE,
                ) from None
            except _Final as final:
                raise QueryRejected(
                    str(final), url=url, attempts=attempts, kind=final.kind
                ) from None
            finally:
                self.pacer.done()

    def _receive(self, url: str, form: dict[str, str] | None) -> tuple[int, httpx.Headers, bytes]:
        """The answer, after following redirects one hop at a time through the pacer.

        httpx would send each hop at once, and a redirect loop twenty of them in a row, every
        try; each hop is a request arXiv counts. A POST is not followed: a 301 or 302 would
        turn it into a GET without the query, so the caller reports it."""
        if form is None:
            request = self._http.build_request("GET", url)
        else:
            request = self._http.build_request("POST", self.base_url, data=form)
        hops = 0
        while True:
            status, headers, body, next_request = self._send(request)
            if next_request is None or form is not None:
                return status, headers, body
            where = str(next_request.url)[:200]
            if next_request.url.scheme not in _PORTS:
                raise _Final("redirect", f"HTTP {status}: the API URL redirects to {where!r}")
            if hops == MAX_REDIRECTS:
                raise _Final(
                    "redirect", f"more than {MAX_REDIRECTS} redirects, the last to {where!r}"
                )
            hops += 1
            self.pacer.done()
            self.pacer.wait()
            self.stats.requests += 1
            log.info("redirected to %s", where)
            request = next_request

    def _send(
        self, request: httpx.Request
    ) -> tuple[int, httpx.Headers, bytes, httpx.Request | None]:
        """The whole answer within ``timeout`` seconds of asking. httpx's own timeout counts
        each read alone, so an answer trickling one byte at a time would never end; the
        deadline is checked as every piece arrives (a silent connection still ends on httpx's
        read timeout, which is the same number of seconds)."""
        deadline = self._clock() + self.timeout
        try:
            response = self._http.send(request, stream=True)
            try:
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if self._clock() > deadline:
                        self.stats.bytes += len(body)
                        raise _Retryable("timeout", f"answer not complete after {self.timeout:g} s")
            finally:
                response.close()
        except httpx.TimeoutException as exc:
            log.info("timed out: %s", type(exc).__name__)
            raise _Retryable("timeout", f"timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:
            log.info("connection failed: %s", exc)
            cause = _unreachable(exc, request.url)
            if cause is not None:
                raise _Unreachable(cause) from None
            raise _Retryable("connection", f"connection failed: {exc}") from None
        self.stats.bytes += len(body)
        log.info("HTTP %d, %d bytes", response.status_code, len(body))
        return response.status_code, response.headers, bytes(body), response.next_request

    def _once(self, url: str, form: dict[str, str] | None, start: int, entries: bool) -> Page:
        self.stats.requests += 1
        log.info("%s %s", "GET" if form is None else "POST", url)
        status, headers, body = self._receive(url, form)
        if status == 429 or status >= 500:
            raise _Retryable(
                f"http {status}",
                f"HTTP {status}",
                _retry_after(headers.get("Retry-After")),
            )
        if status == 400:
            raise _Final("rejected", f"arXiv rejected the query: {_error_text(body)}")
        if 300 <= status < 400 and "Location" in headers:
            where = headers["Location"][:200]
            raise _Final(f"http {status}", f"HTTP {status}: the API URL redirects to {where!r}")
        if status != 200:
            raise _Final(f"http {status}", f"HTTP {status}")
        try:
            page = parse_page(body)
        except MalformedFeed as exc:
            raise _Retryable("malformed", f"malformed answer: {exc}") from None
        if page.error is not None:
            raise _Final("rejected", f"arXiv error: {page.error}")
        if entries and not page.papers and page.total_results > start:
            raise _Retryable(
                EMPTY_PAGE, f"empty page although arXiv counts {page.total_results} results"
            )
        return page


def _error_text(body: bytes) -> str:
    try:
        page = parse_page(body)
    except MalformedFeed:
        # A proxy's page, on one line: it ends up in log lines and the health issue.
        return fold(body[:200].decode("utf-8", "replace")) or "no explanation"
    return page.error or "no explanation"
