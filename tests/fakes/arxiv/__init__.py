"""A loopback HTTP server that speaks the arXiv API, for tests and benchmarks (see ``server``)."""

from .atom import error_feed
from .query import QueryError, compile_query
from .records import (
    CORPUS_PATH,
    FAULT_KINDS,
    SHARED_DIR,
    FakePaper,
    Fault,
    RequestLog,
    load_corpus,
    make_papers,
)
from .server import FakeArxiv, refused_url

__all__ = [
    "CORPUS_PATH",
    "FAULT_KINDS",
    "SHARED_DIR",
    "FakeArxiv",
    "FakePaper",
    "Fault",
    "QueryError",
    "RequestLog",
    "compile_query",
    "error_feed",
    "load_corpus",
    "make_papers",
    "refused_url",
]
