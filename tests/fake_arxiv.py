"""A loopback HTTP server that speaks the arXiv API (``/api/query``), for tests and benchmarks.

It serves :class:`FakePaper` records as Atom feeds shaped like the real export.arxiv.org
responses (Atom + ``opensearch`` + ``arxiv`` namespaces) and can misbehave on demand
(:class:`Fault`) the ways the real API has been seen to misbehave.

Query semantics (``search_query``), case-insensitive:

* fields ``ti``, ``abs``, ``au``, ``co``, ``jr``, ``cat``, ``id``, ``all`` (``all`` = title,
  abstract, authors, comment or journal ref); a bare term or bare ``"phrase"`` means ``all``;
  an unknown alphabetic field prefix (``foo:bar``) is a malformed query (HTTP 400).
* Text is tokenised on non-alphanumerics and lower-cased; a term matches a word, a quoted phrase
  (or a term that tokenises to several words, e.g. ``au:del_maestro``) matches consecutive words.
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

Run ``python tests/fake_arxiv.py --port 8080 [--corpus] [--latency 0.2]`` to serve forever.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import gzip
import hashlib
import json
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

__all__ = [
    "CORPUS_PATH",
    "FAULT_KINDS",
    "SHARED_DIR",
    "FakeArxiv",
    "FakePaper",
    "Fault",
    "RequestLog",
    "load_corpus",
    "make_papers",
]

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS_PATH = SHARED_DIR / "fixtures" / "corpus" / "papers.jsonl.gz"

FAULT_KINDS = frozenset(
    {
        "refuse",
        "timeout_headers",
        "timeout_body",
        "429",
        "500",
        "502",
        "503",
        "empty_page",
        "truncated",
        "html_200",
        "invalid_xml",
        "missing_id",
        "missing_dates",
        "error_400",
    }
)

MAX_RESULTS_CAP = 2000
MAX_START = 30000
ATOM_CONTENT_TYPE = "application/atom+xml; charset=utf-8"


# --------------------------------------------------------------------------- records


@dataclass
class FakePaper:
    """One record the server can serve (the newest version of a paper)."""

    id: str
    version: int
    title: str
    abstract: str = ""
    comment: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=lambda: ["cs.CV"])
    published: str = "2026-11-01T00:00:00Z"
    updated: str = "2026-11-01T00:00:00Z"
    doi: str = ""
    journal_ref: str = ""

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}"

    @property
    def primary_category(self) -> str:
        return self.categories[0] if self.categories else ""


@dataclass
class Fault:
    """A misbehaviour to apply to matching requests (see module docs for the kinds)."""

    kind: str
    times: int = 1
    retry_after: str | None = None
    match: Callable[[dict[str, str]], bool] | None = None

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(FAULT_KINDS)}")


@dataclass
class RequestLog:
    """What the server saw and did for one request.

    ``status`` is 0 when no HTTP response was sent at all (``refuse``, ``timeout_headers``).
    """

    started: float
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    status: int = 0
    bytes_sent: int = 0
    fault: str | None = None
    total_results: int = 0
    entries: int = 0


# --------------------------------------------------------------------------- corpus helpers

_FIRST = ["Ada", "Alan", "Grace", "Emmy", "Kurt", "Sofia", "Yuki", "Chen", "Amara", "Lars"]
_LAST = ["Lovelace", "Turing", "Hopper", "Noether", "Gödel", "Kovalevskaya", "Tanaka", "Wei"]


def _pseudo_authors(key: str, count: int = 2) -> list[str]:
    h = zlib.crc32(key.encode("utf-8"))
    return [
        f"{_FIRST[(h >> (4 * i)) % len(_FIRST)]} {_LAST[(h >> (4 * i + 2)) % len(_LAST)]}"
        for i in range(count)
    ]


def load_corpus(limit: int | None = None) -> list[FakePaper]:
    """Load the shared corpus of real papers (raises FileNotFoundError when it is absent).

    Missing fields are filled in: ``published`` = ``updated``, ``categories`` = ``["cs.LG"]``,
    authors = two deterministic made-up names. The primary category is moved to the front.
    """
    if not CORPUS_PATH.is_file():
        raise FileNotFoundError(str(CORPUS_PATH))
    papers: list[FakePaper] = []
    with gzip.open(CORPUS_PATH, "rt", encoding="utf-8") as fh:
        for line in fh:
            if limit is not None and len(papers) >= limit:
                break
            if not line.strip():
                continue
            d: dict[str, Any] = json.loads(line)
            cats = [str(c) for c in d.get("categories") or []] or ["cs.LG"]
            primary = d.get("primary_category") or ""
            if primary:
                cats = [primary, *[c for c in cats if c != primary]]
            updated = str(d.get("updated") or "2026-01-01T00:00:00Z")
            papers.append(
                FakePaper(
                    id=str(d["id"]),
                    version=int(d.get("version") or 1),
                    title=str(d.get("title") or ""),
                    abstract=str(d.get("abstract") or ""),
                    comment=str(d.get("comment") or ""),
                    authors=[str(a) for a in d.get("authors") or []]
                    or _pseudo_authors(str(d["id"])),
                    categories=cats,
                    published=str(d.get("published") or updated),
                    updated=updated,
                    doi=str(d.get("doi") or ""),
                    journal_ref=str(d.get("journal_ref") or ""),
                )
            )
    return papers


def _fmt_time(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_papers(
    n: int,
    words: str,
    *,
    start: str = "2026-11-20T12:00:00Z",
    step_minutes: int = 37,
    prefix: str = "2611",
    first_number: int = 1,
    categories: Iterable[str] = ("cs.CV",),
) -> list[FakePaper]:
    """Deterministic synthetic papers whose titles contain ``words``.

    Paper ``i`` gets id ``f"{prefix}.{first_number + i:05d}"`` and ``published`` = ``updated`` =
    ``start - i * step_minutes`` (so the list goes back in time).
    """
    t0 = datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    cats = list(categories)
    out: list[FakePaper] = []
    for i in range(n):
        num = first_number + i
        when = _fmt_time(t0 - timedelta(minutes=step_minutes * i))
        out.append(
            FakePaper(
                id=f"{prefix}.{num:05d}",
                version=1,
                title=f"{words}: synthetic study {num}",
                abstract=f"We present synthetic paper {num} about {words}. Results are made up.",
                comment=f"{4 + num % 9} pages, {num % 5} figures",
                authors=_pseudo_authors(f"{prefix}.{num}", 1 + num % 3),
                categories=list(cats),
                published=when,
                updated=when,
            )
        )
    return out


# --------------------------------------------------------------------------- text indexing

_WORD_RE = re.compile(r"[^\W_]+")


_ASCII_SEPARATORS = str.maketrans({chr(i): " " for i in range(128) if not chr(i).isalnum()})


def _words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (runs of letters and digits)."""
    low = text.lower()
    if low.isascii():
        return low.translate(_ASCII_SEPARATORS).split()
    return _WORD_RE.findall(low)


def _reduce(word: str) -> str:
    """Crude plural stripping: studies -> study, classes -> class, models -> model."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _forms(word: str) -> frozenset[str]:
    """The text words a query word matches: those with the same :func:`_reduce` form."""
    base = _reduce(word)
    candidates = {base, base + "s", base + "es"}
    if base.endswith("y"):
        candidates.add(base[:-1] + "ies")
    return frozenset(c for c in candidates if _reduce(c) == base)


_NON_DIGITS = re.compile(r"\D+")


def _digits14(stamp: str) -> str:
    return _NON_DIGITS.sub("", stamp)[:14].ljust(14, "0")


_TEXT_FIELDS = ("ti", "abs", "au", "co", "jr")


class _Rec:
    """A paper with everything the query engine needs precomputed."""

    __slots__ = ("_toks", "allbag", "archives", "bags", "cats", "paper", "pub", "rel", "upd")

    def __init__(self, paper: FakePaper) -> None:
        self.paper = paper
        self.bags = {name: frozenset(_words(text)) for name, text in self._texts().items()}
        self.allbag = frozenset().union(*self.bags.values())
        self._toks: dict[str, str] = {}
        self.cats = frozenset(c.lower() for c in paper.categories)
        self.archives = frozenset(c.split(".")[0] for c in self.cats)
        self.pub = _digits14(paper.published)
        self.upd = _digits14(paper.updated)
        self.rel = zlib.crc32(paper.id.encode("utf-8"))

    def _texts(self) -> dict[str, str]:
        p = self.paper
        return {
            "ti": p.title,
            "abs": p.abstract,
            "au": " , ".join(p.authors),
            "co": p.comment,
            "jr": p.journal_ref,
        }

    def joined(self, name: str) -> str:
        """The words of one field joined by single spaces (made on first use, for phrases)."""
        got = self._toks.get(name)
        if got is None:
            got = self._toks[name] = " ".join(_words(self._texts()[name]))
        return got


# --------------------------------------------------------------------------- query language


class QueryError(ValueError):
    """A malformed search_query / id_list / paging parameter (HTTP 400)."""


_Filter = Callable[[list[_Rec]], list[_Rec]]
_OPERATORS = ("AND", "OR", "ANDNOT")
_FIELDS = {
    "ti",
    "abs",
    "au",
    "co",
    "jr",
    "cat",
    "all",
    "id",
    "submitteddate",
    "lastupdateddate",
}
_RANGE_RE = re.compile(r"^\[\s*(\d{8}|\d{12}|\d{14})\s+TO\s+(\d{8}|\d{12}|\d{14})\s*\]$")


def _lex(query: str) -> list[tuple[str, str]]:
    """Split a search_query into ("(" | ")" | "OP" | "TERM", text) tokens."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            out.append((ch, ch))
            i += 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in "()":
            if query[j] in '"[':
                close = '"' if query[j] == '"' else "]"
                k = query.find(close, j + 1)
                if k < 0:
                    raise QueryError(f"unterminated {query[j]} in query")
                j = k + 1
                continue
            j += 1
        word = query[i:j]
        out.append(("OP" if word in _OPERATORS else "TERM", word))
        i = j
    return out


def _text_filter(
    fields: tuple[str, ...], words: list[str], vocab: Callable[[], frozenset[str]] | None
) -> _Filter:
    """Match one word, a phrase (consecutive words) or, with ``vocab``, a word prefix."""
    every = fields == _TEXT_FIELDS
    if vocab is not None:
        stem = words[0]

        def prefix_filter(recs: list[_Rec]) -> list[_Rec]:
            hits = frozenset(w for w in vocab() if w.startswith(stem))
            if every:
                return [r for r in recs if not r.allbag.isdisjoint(hits)]
            return [r for r in recs if any(not r.bags[f].isdisjoint(hits) for f in fields)]

        return prefix_filter

    forms = [_forms(w) for w in words]

    def has_all(recs: list[_Rec], name: str | None) -> list[_Rec]:
        for one in forms:
            if name is None:
                recs = [r for r in recs if not r.allbag.isdisjoint(one)]
            else:
                recs = [r for r in recs if not r.bags[name].isdisjoint(one)]
        return recs

    if len(forms) == 1:
        if every:
            return lambda recs: has_all(recs, None)
        if len(fields) == 1:
            return lambda recs: has_all(recs, fields[0])
        return lambda recs: [
            r for r in recs if any(not r.bags[f].isdisjoint(forms[0]) for f in fields)
        ]

    pattern = re.compile(
        "(?<![^ ])"
        + " ".join("(?:" + "|".join(map(re.escape, sorted(f))) + ")" for f in forms)
        + "(?![^ ])"
    )

    def in_order(rec: _Rec) -> bool:
        return any(pattern.search(rec.joined(name)) for name in fields)

    def phrase_filter(recs: list[_Rec]) -> list[_Rec]:
        return [r for r in has_all(recs, None) if in_order(r)]

    return phrase_filter


def _term_filter(term: str, vocab: Callable[[], frozenset[str]]) -> _Filter:
    field_name = "all"
    value = term
    m = re.match(r"^([A-Za-z_]+):(.*)$", term, re.S)
    if m:
        if m.group(1).lower() not in _FIELDS:
            raise QueryError(f"unknown field {m.group(1)!r} in query")
        field_name, value = m.group(1).lower(), m.group(2)
    if not value:
        raise QueryError(f"empty value for field {field_name!r}")

    if field_name in ("submitteddate", "lastupdateddate"):
        r = _RANGE_RE.match(value)
        if not r:
            raise QueryError(f"malformed date range {value!r}")
        lo = r.group(1).ljust(14, "0")
        hi_raw = r.group(2)
        hi = hi_raw + "235959"[len(hi_raw) - 8 :] if len(hi_raw) < 14 else hi_raw
        # lastUpdatedDate is evaluated against the submission date, as the real API did.
        return lambda recs: [r for r in recs if lo <= r.pub <= hi]

    quoted = len(value) >= 2 and value.startswith('"') and value.endswith('"')
    if quoted:
        value = value[1:-1]

    if field_name == "cat":
        cat = value.strip().lower()
        if not cat:
            raise QueryError("empty category")
        if cat.endswith(".*"):
            archive = cat[:-2]
            return lambda recs: [r for r in recs if archive in r.archives]
        if "." not in cat:
            return lambda recs: [r for r in recs if cat in r.archives]
        return lambda recs: [r for r in recs if cat in r.cats]

    if field_name == "id":
        wanted = re.sub(r"v\d+$", "", value.strip()).lower()
        return lambda recs: [r for r in recs if r.paper.id.lower() == wanted]

    prefix = not quoted and value.endswith("*")
    words = _words(value)
    if not words:
        raise QueryError(f"no searchable words in {term!r}")
    if prefix and len(words) != 1:
        prefix = False
    if prefix:
        words = [value[:-1].lower()]
        if not _WORD_RE.fullmatch(words[0]):
            raise QueryError(f"bad wildcard term {term!r}")
    fields = _TEXT_FIELDS if field_name == "all" else (field_name,)
    return _text_filter(fields, words, vocab if prefix else None)


def _and(a: _Filter, b: _Filter) -> _Filter:
    return lambda recs: b(a(recs))


def _and_not(a: _Filter, b: _Filter) -> _Filter:
    def run(recs: list[_Rec]) -> list[_Rec]:
        left = a(recs)
        drop = set(b(left))
        return [r for r in left if r not in drop]

    return run


def _or(a: _Filter, b: _Filter) -> _Filter:
    def run(recs: list[_Rec]) -> list[_Rec]:
        left = a(recs)
        seen = set(left)
        return left + b([r for r in recs if r not in seen])

    return run


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], vocab: Callable[[], frozenset[str]]) -> None:
        self.toks = tokens
        self.vocab = vocab
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> _Filter:
        pred = self.parse_or()
        if self.peek() is not None:
            raise QueryError(f"unexpected {self.toks[self.pos][1]!r} in query")
        return pred

    def parse_or(self) -> _Filter:
        left = self.parse_and()
        while (tok := self.peek()) is not None and tok == ("OP", "OR"):
            self.take()
            right = self.parse_and()
            left = _or(left, right)
        return left

    def parse_and(self) -> _Filter:
        left = self.parse_unary()
        while (tok := self.peek()) is not None:
            if tok == ("OP", "AND"):
                self.take()
                right = self.parse_unary()
                left = _and(left, right)
            elif tok == ("OP", "ANDNOT"):
                self.take()
                right = self.parse_unary()
                left = _and_not(left, right)
            elif tok[0] in ("TERM", "("):
                right = self.parse_unary()
                left = _and(left, right)
            else:
                break
        return left

    def parse_unary(self) -> _Filter:
        tok = self.peek()
        if tok is None:
            raise QueryError("query ends unexpectedly")
        if tok[0] == "(":
            self.take()
            inner = self.parse_or()
            if self.peek() != (")", ")"):
                raise QueryError("unbalanced parentheses in query")
            self.take()
            return inner
        if tok[0] == "TERM":
            self.take()
            return _term_filter(tok[1], self.vocab)
        raise QueryError(f"unexpected {tok[1]!r} in query")


def compile_query(query: str, vocab: Callable[[], frozenset[str]] = frozenset) -> _Filter | None:
    """Compile a search_query into a filter over records; None for an empty query.

    ``vocab`` returns every (normalised) word of the served texts; only wildcard terms use it.
    """
    tokens = _lex(query)
    if not tokens:
        return None
    return _Parser(tokens, vocab).parse()


_NEW_ID = re.compile(r"^(\d{4}\.\d{4,5})(?:v(\d+))?$")
_OLD_ID = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?$")


def _parse_id(raw: str) -> tuple[str, int | None]:
    m = _NEW_ID.match(raw) or _OLD_ID.match(raw)
    if not m:
        raise QueryError(f"incorrect id format for {raw}")
    return m.group(1), int(m.group(2)) if m.group(2) else None


# --------------------------------------------------------------------------- Atom output

_BAD_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NS = (
    'xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom"'
)


def _x(text: str) -> str:
    return escape(_BAD_XML_CHARS.sub("", text))


def _a(text: str) -> str:
    return quoteattr(_BAD_XML_CHARS.sub("", text))


def _now() -> str:
    return _fmt_time(datetime.now(timezone.utc))


def _entry_xml(p: FakePaper, version: int, *, with_id: bool, with_dates: bool) -> str:
    vid = f"{p.id}v{version}"
    out = ["  <entry>\n"]
    if with_id:
        out.append(f"    <id>http://arxiv.org/abs/{_x(vid)}</id>\n")
    out.append(f"    <title>{_x(p.title)}</title>\n")
    if with_dates:
        out.append(f"    <updated>{_x(p.updated)}</updated>\n")
    out.append(
        f'    <link href={_a("https://arxiv.org/abs/" + vid)} rel="alternate" type="text/html"/>\n'
        f"    <link href={_a('https://arxiv.org/pdf/' + vid)} "
        'rel="related" type="application/pdf" title="pdf"/>\n'
    )
    out.append(f"    <summary>{_x(p.abstract)}</summary>\n")
    for cat in p.categories:
        out.append(f'    <category term={_a(cat)} scheme="http://arxiv.org/schemas/atom"/>\n')
    if with_dates:
        out.append(f"    <published>{_x(p.published)}</published>\n")
    if p.comment:
        out.append(f"    <arxiv:comment>{_x(p.comment)}</arxiv:comment>\n")
    if p.categories:
        out.append(f"    <arxiv:primary_category term={_a(p.categories[0])}/>\n")
    if p.journal_ref:
        out.append(f"    <arxiv:journal_ref>{_x(p.journal_ref)}</arxiv:journal_ref>\n")
    for name in p.authors:
        out.append(f"    <author>\n      <name>{_x(name)}</name>\n    </author>\n")
    if p.doi:
        out.append(f"    <arxiv:doi>{_x(p.doi)}</arxiv:doi>\n")
        out.append(f'    <link rel="related" href={_a("https://doi.org/" + p.doi)} title="doi"/>\n')
    out.append("  </entry>\n")
    return "".join(out)


def _feed_xml(
    params: dict[str, str],
    start: int,
    per_page: int,
    total: int,
    entries: list[str],
) -> bytes:
    sq = params.get("search_query", "")
    ids = params.get("id_list", "")
    title = f"arXiv Query: search_query={sq}&id_list={ids}&start={start}&max_results={per_page}"
    link = (
        f"https://arxiv.org/api/query?search_query={quote(sq, safe=':')}"
        f"&start={start}&max_results={per_page}&id_list={quote(ids, safe='/,')}"
    )
    digest = hashlib.sha1(title.encode("utf-8")).digest()
    feed_id = base64.b64encode(digest).decode("ascii").rstrip("=")
    head = (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f"<feed {_NS}>\n"
        f"  <id>https://arxiv.org/api/{feed_id}</id>\n"
        f"  <title>{_x(title)}</title>\n"
        f"  <updated>{_now()}</updated>\n"
        f'  <link href={_a(link)} type="application/atom+xml"/>\n'
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
    )
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")


def error_feed(message: str) -> bytes:
    """The body of an HTTP 400 answer: a feed with one entry titled ``Error``."""
    slug = re.sub(r"[^0-9A-Za-z]+", "_", message).strip("_")
    url = f"https://arxiv.org/api/errors#{slug}"
    now = _now()
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        f"<feed {_NS}>\n"
        "  <id>https://arxiv.org/</id>\n"
        "  <title>arXiv Search Results</title>\n"
        f"  <updated>{now}</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        "  <entry>\n"
        f"    <id>{_x(url)}</id>\n"
        "    <title>Error</title>\n"
        f"    <updated>{now}</updated>\n"
        f'    <link href={_a(url)} rel="alternate" type="text/html"/>\n'
        f"    <summary>{_x(message)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n"
        "</feed>\n"
    ).encode()


_HTML_ERROR = (
    b"<!DOCTYPE html>\n<html><head><title>arXiv is temporarily unavailable</title></head>\n"
    b"<body><h1>Service temporarily unavailable</h1>\n"
    b"<p>We are experiencing problems. Please try again later.</p></body></html>\n"
)


# --------------------------------------------------------------------------- the server


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
        )
        fake._begin(log)
        try:
            if fake.latency > 0:
                stop.wait(fake.latency)
            self._respond(fake, stop, log, split.path, params)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True
        finally:
            fake._end()

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
        log.status, log.bytes_sent = ans.status, len(body)
        self._send(ans.status, body, ans.content_type, length=len(body))

    def _drop(self) -> None:
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
    ) -> None:
        self.latency = latency
        self.ignore_sort = ignore_sort
        self.stall_seconds = stall_seconds
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
            kwargs={"poll_interval": 0.05},
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


# --------------------------------------------------------------------------- manual runs


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
