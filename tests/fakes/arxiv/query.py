"""The fake arXiv's query language: ``search_query`` parsed and evaluated over records."""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from .records import FakePaper

# text indexing

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
            if name == "au":
                # A phrase matches within one author's name, never across two of them.
                got = " , ".join(" ".join(_words(a)) for a in self.paper.authors)
            else:
                got = " ".join(_words(self._texts()[name]))
            self._toks[name] = got
        return got


# query language


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


def _any(alternatives: list[_Filter]) -> _Filter:
    """``a OR b OR ...`` as one flat loop: a chain of nested closures would overflow Python's
    stack on the long queries (hundreds of phrases) that clients send by POST."""
    if len(alternatives) == 1:
        return alternatives[0]

    def run(recs: list[_Rec]) -> list[_Rec]:
        found: list[_Rec] = []
        seen: set[_Rec] = set()
        for alternative in alternatives:
            for rec in alternative([r for r in recs if r not in seen]):
                seen.add(rec)
                found.append(rec)
        return found

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
        alternatives = [self.parse_and()]
        while (tok := self.peek()) is not None and tok == ("OP", "OR"):
            self.take()
            alternatives.append(self.parse_and())
        return _any(alternatives)

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
