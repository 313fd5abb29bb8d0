"""A loopback HTTP server that speaks the arXiv API (``/api/query``), for tests and benchmarks.

It serves :class:`FakePaper` records as Atom feeds shaped like the real export.arxiv.org
responses (Atom + ``opensearch`` + ``arxiv`` namespaces) and can misbehave on demand
(:class:`Fault`) the ways the real API has been seen to misbehave.

Query semantics (``search_query``), case-insensitive:

* fields ``ti``, ``abs``, ``au``, ``co``, ``jr``, ``cat``, ``id``, ``all`` (``all`` = title,
  abstract, authors, comment or journal ref); a bare term or bare ``"phrase"`` means ``all``;
  an unknown alphabetic field prefix (``foo:bar``) is a malformed query (HTTP 400).
* Text is tokenised on non-alphanumerics and lower-cased; a term matches a word, a quoted phrase
  (or a term that tokenises to several words, e.g. ``au:del_maestro``) matches consecutive words;
  in ``au`` they must be words of one author's name (``au:"Wang Yi"`` does not match the
  authors ``Limin Wang, Yi Chen``).
  Plurals are matched loosely both ways (``model`` ~ ``models``, ``class`` ~ ``classes``,
  ``study`` ~ ``studies``; see ``_reduce``); a trailing ``*`` on one word is a prefix match.
* ``cat:cs.CV`` matches that category exactly, ``cat:cs`` / ``cat:cs.*`` any category of the
  archive.
* ``submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM]`` (inclusive, GMT) filters on ``published``.
  ``lastUpdatedDate:[...]`` is accepted but, like the real API in Nov 2025, also evaluated
  against ``published``.
* Operators ``AND``, ``OR``, ``ANDNOT`` (upper case), parentheses. Precedence: ``AND`` and
  ``ANDNOT`` bind tighter than ``OR``; equal precedence is left-associative. Two terms side by
  side without an operator are ANDed.
* Anything unparseable gives HTTP 400 with a one-entry ``Error`` feed, like the real API.
* Parameters come in the URL (GET) or form-encoded in the body (POST), as arXiv accepts both; a
  request target over ``MAX_TARGET`` bytes gets HTTP 414, as from a web server's default limit.

Run ``python -m tests.fakes.arxiv --port 8080 [--corpus] [--latency 0.2]`` to serve forever.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .atom import _HTML_ERROR, _entry_xml, _feed_xml, error_feed
from .query import QueryError, _parse_id, _Rec, compile_query
from .records import (
    ATOM_CONTENT_TYPE,
    MAX_RESULTS_CAP,
    MAX_START,
    FakePaper,
    Fault,
    RequestLog,
    load_corpus,
    make_papers,
)

# Apache's default LimitRequestLine is 8190 bytes for the whole request line.
MAX_TARGET = 8000

# the server


@dataclass
class _Answer:
    status: int
    body: bytes
    total: int = 0
    entries: int = 0
    content_type: str = ATOM_CONTENT_TYPE


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], fake: FakeArxiv, stop: threading.Event) -> None:
        self.fake = fake
        self.stop_event = stop
        self.conns: set[socket.socket] = set()
        self.conns_lock = threading.Lock()
        super().__init__(addr, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    _t0 = 0.0

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes: without this, Nagle + delayed ACK add
        # ~40 ms to every keep-alive response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.conns_lock:
            self.server.conns.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.conns_lock:
                self.server.conns.discard(self.connection)

    def parse_request(self) -> bool:
        self._t0 = time.monotonic()
        return super().parse_request()

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length) if length > 0 else b"")

    # ------------------------------------------------------------------ plumbing

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        extra: dict[str, str] | None = None,
        length: int | None = None,
        close: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        if length is None or len(body) >= length:
            self._over()  # the client can ask again only once these bytes have arrived
        self.end_headers()
        if body:
            self.wfile.write(body)
        self.wfile.flush()

    def _handle(self, form: bytes) -> None:
        fake = self.server.fake
        stop = self.server.stop_event
        split = urlsplit(self.path)
        params: dict[str, str] = {}
        for source in (split.query, form.decode("utf-8", "replace")):
            for key, values in parse_qs(source, keep_blank_values=True).items():
                params.setdefault(key, values[0])
        log = RequestLog(
            started=self._t0,
            path=split.path,
            params=params,
            headers={k.lower(): v for k, v in self.headers.items()},
            method=self.command,
        )
        fake._begin(log)
        self._in_flight = True
        try:
            if fake.latency > 0:
                stop.wait(fake.latency)
            fake._released.wait()  # set unless a test holds the answers back (``hold``)
            if len(self.path) > MAX_TARGET:
                body = b"URI Too Long\n"
                log.status, log.bytes_sent = 414, len(body)
                self._send(414, body, "text/plain", length=len(body))
                return
            self._respond(fake, stop, log, split.path, params)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            self._over()

    def _over(self) -> None:
        """The request stops counting as in flight, once: just before the last of the answer
        is sent or the connection dropped, so that a client asking again at once (no delay, a
        retry) is not counted as a second connection while this thread is still winding up."""
        if getattr(self, "_in_flight", False):
            self._in_flight = False
            self.server.fake._end()

    def _respond(
        self,
        fake: FakeArxiv,
        stop: threading.Event,
        log: RequestLog,
        path: str,
        params: dict[str, str],
    ) -> None:
        if path.rstrip("/") != "/api/query":
            log.status, log.bytes_sent = 404, 10
            self._send(404, b"Not Found\n", "text/plain", length=10)
            return
        fault = fake._take_fault(params)
        kind = fault.kind if fault else None
        log.fault = kind
        if fault is not None and kind in ("refuse", "timeout_headers"):
            if kind == "timeout_headers":
                stop.wait(fake.stall_seconds)
            self.close_connection = True
            self._drop()
            return
        if fault is not None and kind in ("429", "500", "502", "503"):
            status = int(fault.kind)
            body = f"{status} {self.responses[status][0]}\n".encode()
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else None
            log.status, log.bytes_sent = status, len(body)
            self._send(status, body, "text/plain; charset=utf-8", extra=extra, length=len(body))
            return
        if kind == "html_200":
            log.status, log.bytes_sent = 200, len(_HTML_ERROR)
            self._send(200, _HTML_ERROR, "text/html; charset=utf-8", length=len(_HTML_ERROR))
            return
        if kind == "error_400":
            body = error_feed("simulated server-side error")
            log.status, log.bytes_sent, log.total_results, log.entries = 400, len(body), 1, 1
            self._send(400, body, ATOM_CONTENT_TYPE, length=len(body))
            return
        if fault is None and "accept" not in log.headers:
            body = b"406 Not Acceptable: send an Accept header\n"
            log.status, log.bytes_sent = 406, len(body)
            self._send(406, body, "text/plain; charset=utf-8", length=len(body))
            return

        ans = fake._answer(params, kind)
        log.total_results, log.entries = ans.total, ans.entries
        body = ans.body
        if kind == "invalid_xml":
            body = body.replace(b"<entry>", b"<entry><broken attr=>&", 1)
            if body == ans.body:
                body = body.replace(b"</feed>", b"<entry><broken attr=>&</feed>")
        if kind == "truncated":
            body = body[: len(body) // 2]
            log.status, log.bytes_sent = ans.status, len(body)
            self._send(ans.status, body, ans.content_type, close=True)
            return
        if kind == "timeout_body":
            half = body[: len(body) // 2]
            log.status, log.bytes_sent = ans.status, len(half)
            self._send(ans.status, half, ans.content_type, length=len(body))
            stop.wait(fake.stall_seconds)
            self.close_connection = True
            self._drop()
            return
        if kind == "trickle":
            log.status = ans.status
            self._send(ans.status, b"", ans.content_type, length=len(body))
            for i in range(len(body)):
                if stop.wait(fake.trickle_seconds):
                    break
                self.wfile.write(body[i : i + 1])
                self.wfile.flush()
                log.bytes_sent = i + 1
            return
        log.status, log.bytes_sent = ans.status, len(body)
        self._send(ans.status, body, ans.content_type, length=len(body))

    def _drop(self) -> None:
        self._over()
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)


class FakeArxiv:
    """An arXiv-API-compatible server on 127.0.0.1 (see the module docstring)."""

    def __init__(
        self,
        papers: Iterable[FakePaper] = (),
        *,
        latency: float = 0.0,
        ignore_sort: bool = False,
        stall_seconds: float = 30.0,
        trickle_seconds: float = 0.5,
    ) -> None:
        self.latency = latency
        self.ignore_sort = ignore_sort
        self.stall_seconds = stall_seconds
        self.trickle_seconds = trickle_seconds
        self.papers: list[FakePaper] = []
        self.requests: list[RequestLog] = []
        self.max_in_flight = 0
        self.in_flight = 0
        self.faults: list[Fault] = []
        self.port = 0
        self._lock = threading.RLock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stop_event = threading.Event()
        self._released = threading.Event()
        self._released.set()
        self._cache: dict[int, _Rec] = {}
        self._snap_key: tuple[int, ...] | None = None
        self._snap: list[_Rec] = []
        self._by_id: dict[str, _Rec] = {}
        self._vocab: frozenset[str] | None = None
        self.add(papers)

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/query"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> FakeArxiv:
        if self._server is not None:
            return self
        self._stop_event = threading.Event()
        server = _Server(("127.0.0.1", self.port), self, self._stop_event)
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fake-arxiv-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        self._stop_event.set()
        self._released.set()
        server.shutdown()
        server.server_close()
        with server.conns_lock:
            conns = list(server.conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeArxiv:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ data

    def add(self, papers: Iterable[FakePaper]) -> None:
        """Add papers; a paper with a known id replaces it unless its version is older."""
        with self._lock:
            pos = {p.id: i for i, p in enumerate(self.papers)}
            for paper in papers:
                i = pos.get(paper.id)
                if i is None:
                    pos[paper.id] = len(self.papers)
                    self.papers.append(paper)
                elif paper.version >= self.papers[i].version:
                    self.papers[i] = paper
            self._snapshot()

    def withdraw(self, paper_id: str, when: str) -> FakePaper:
        """Serve a new version of ``paper_id`` dated ``when`` whose abstract is arXiv's
        withdrawal notice: it stops matching a query that found it by its abstract."""
        with self._lock:
            old = next(p for p in self.papers if p.id == paper_id)
        notice = FakePaper(
            id=old.id,
            version=old.version + 1,
            title=old.title,
            abstract="This paper has been withdrawn by the authors.",
            comment="withdrawn",
            authors=list(old.authors),
            categories=list(old.categories),
            published=old.published,
            updated=when,
        )
        self.add([notice])
        return notice

    def hold(self) -> None:
        """Hold every answer back from now until ``release`` (or ``stop``): for a test that
        needs a run to be surely in the middle of its first request, without guessing how long
        that takes on a busy machine."""
        self._released.clear()

    def release(self) -> None:
        """Let the held answers, and every later one, go."""
        self._released.set()

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self.faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _snapshot(self) -> tuple[list[_Rec], dict[str, _Rec]]:
        """The visible records (newest version per id), rebuilt only when `papers` changed."""
        with self._lock:
            key = tuple(map(id, self.papers))
            if key != self._snap_key:
                cache: dict[int, _Rec] = {}
                newest: dict[str, _Rec] = {}
                gc_was_enabled = gc.isenabled()
                gc.disable()  # building ~10^5 small containers: avoid repeated full collections
                try:
                    for p in self.papers:
                        rec = self._cache.get(id(p))
                        if rec is None or rec.paper is not p:
                            rec = _Rec(p)
                        cache[id(p)] = rec
                        old = newest.get(p.id)
                        if old is None or p.version >= old.paper.version:
                            newest[p.id] = rec
                finally:
                    if gc_was_enabled:
                        gc.enable()
                self._cache = cache
                self._snap_key = key
                self._snap = list(newest.values())
                self._by_id = newest
                self._vocab = None
            return self._snap, self._by_id

    def _vocabulary(self) -> frozenset[str]:
        with self._lock:
            recs, _ = self._snapshot()
            if self._vocab is None:
                self._vocab = frozenset().union(*(r.allbag for r in recs))
            return self._vocab

    # ------------------------------------------------------------------ request hooks

    def _begin(self, log: RequestLog) -> None:
        with self._lock:
            self.requests.append(log)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _end(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _take_fault(self, params: dict[str, str]) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times == 0:
                    continue
                if fault.match is not None and not fault.match(params):
                    continue
                if fault.times > 0:
                    fault.times -= 1
                return fault
        return None

    def search(self, params: dict[str, str]) -> tuple[list[tuple[FakePaper, int]], int, int]:
        """Run a query; returns (page of (paper, version), total, start). Raises QueryError."""
        try:
            start = int(params.get("start", "0") or "0")
            per_page = int(params.get("max_results", "10") or "10")
        except ValueError as exc:
            raise QueryError("start and max_results must be integers") from exc
        if start < 0:
            raise QueryError("start must be non-negative")
        if per_page < 0:
            raise QueryError("max_results must be non-negative")
        if start > MAX_START:
            raise QueryError(f"start must be at most {MAX_START}")
        per_page = min(per_page, MAX_RESULTS_CAP)
        sort_by = params.get("sortBy", "") or "relevance"
        order = params.get("sortOrder", "") or "descending"
        if sort_by not in ("relevance", "lastUpdatedDate", "submittedDate"):
            raise QueryError(f"unknown sortBy {sort_by}")
        if order not in ("ascending", "descending"):
            raise QueryError(f"unknown sortOrder {order}")
        pred = compile_query(params.get("search_query", ""), self._vocabulary)
        raw_ids = [s.strip() for s in params.get("id_list", "").split(",") if s.strip()]
        wanted = [_parse_id(s) for s in raw_ids]

        recs, by_id = self._snapshot()
        versions: dict[str, int] = {}
        if wanted:
            hits: list[_Rec] = []
            for pid, ver in wanted:
                rec = by_id.get(pid)
                if rec is None or pid in versions:
                    continue
                if ver is not None and not 1 <= ver <= rec.paper.version:
                    continue
                versions[pid] = ver or rec.paper.version
                hits.append(rec)
            if pred is not None:
                kept = set(pred(hits))
                hits = [rec for rec in hits if rec in kept]
            keep_given_order = True
        elif pred is not None:
            hits = pred(recs)
            keep_given_order = False
        else:
            hits = []
            keep_given_order = True

        if self.ignore_sort:
            sort_by, order = "relevance", "descending"
            keep_given_order = False
        if sort_by == "lastUpdatedDate":
            hits.sort(key=lambda r: (r.upd, r.paper.id), reverse=order == "descending")
        elif sort_by == "submittedDate":
            hits.sort(key=lambda r: (r.pub, r.paper.id), reverse=order == "descending")
        elif not keep_given_order:
            hits.sort(key=lambda r: (r.rel, r.paper.id), reverse=order == "ascending")
        page = hits[start : start + per_page]
        return (
            [(r.paper, versions.get(r.paper.id, r.paper.version)) for r in page],
            len(hits),
            per_page,
        )

    def _answer(self, params: dict[str, str], kind: str | None) -> _Answer:
        try:
            page, total, per_page = self.search(params)
        except QueryError as exc:
            return _Answer(400, error_feed(str(exc)), total=1, entries=1)
        start = int(params.get("start", "0") or "0")
        if kind == "empty_page":
            page = []
        if kind == "repeat" and len(page) > 1:
            page = [page[0], *page[:-1]]
        entries = [
            _entry_xml(
                p,
                v,
                with_id=kind != "missing_id",
                with_dates=kind != "missing_dates",
            )
            for p, v in page
        ]
        body = _feed_xml(params, start, per_page, total, entries)
        return _Answer(200, body, total=total, entries=len(entries))


# manual runs


def refused_url() -> str:
    """An ``/api/query`` URL on a loopback port where nothing listens: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve a fake arXiv API on 127.0.0.1.")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--corpus", action="store_true", help="serve the shared corpus")
    ap.add_argument("--limit", type=int, default=None, help="at most this many corpus papers")
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--ignore-sort", action="store_true")
    ap.add_argument("--synthetic", type=int, default=0, help="also serve N synthetic papers")
    ap.add_argument("--words", default="world model", help="title words of synthetic papers")
    args = ap.parse_args(argv)
    papers: list[FakePaper] = load_corpus(args.limit) if args.corpus else []
    papers += make_papers(args.synthetic, args.words)
    fake = FakeArxiv(papers, latency=args.latency, ignore_sort=args.ignore_sort)
    fake.port = args.port
    with fake:
        print(f"serving {len(fake.papers)} papers at {fake.url}", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
