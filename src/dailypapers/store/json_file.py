"""The JSON store on disk: one file per keyword, identical bytes for identical data.

Written atomically, so a crash leaves the old file or the new one; any file that does not hold
what we write is refused whole (exit 3) and left untouched for the user to inspect. One typed
schema (msgspec) is the only check: it refuses wrong types, unknown fields, NaN, huge numbers,
lone surrogates and deep nesting by itself; the calendar and duplicate checks follow it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, replace
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import msgspec
from msgspec import Meta, Struct
from msgspec.structs import astuple

from ..config import Config, Keyword, SortKey
from ..config.references import ARXIV_ID
from ..errors import StoreError
from ..fetch import Paper
from ..fetch.interface import MAX_TOTAL_RESULTS, MAX_VERSION, UTC_TIME, on_calendar
from ..fileio import Ahead, content_digest, data_folder, read_regular, write_atomic
from .model import Health, KeywordStore, Snapshot, StoreEntry, Summary, order_key

SCHEMA = 1
_MAX_COUNT = MAX_TOTAL_RESULTS
_Id = Annotated[str, Meta(pattern=f"^(?:{ARXIV_ID.pattern})$")]
_Day = Annotated[str, Meta(pattern=r"^(?:\d{4}-\d{2}-\d{2})?$")]
_Stamp = Annotated[str, Meta(pattern=f"^(?:{UTC_TIME.pattern})?$")]
_Count = Annotated[int, Meta(ge=0, le=_MAX_COUNT)]


class _Paper(Struct, forbid_unknown_fields=True):
    id: _Id
    version: Annotated[int, Meta(ge=1, le=MAX_VERSION)]
    title: str
    abstract: str = ""
    comment: str = ""
    authors: tuple[str, ...] = ()
    published: _Stamp = ""
    updated: _Stamp = ""
    primary_category: str = ""
    categories: tuple[str, ...] = ()
    journal_ref: str = ""
    doi: str = ""
    first_seen: _Day = ""

    def __post_init__(self) -> None:
        _on_calendar(self, "published", "updated", "first_seen")


class _Health(Struct, forbid_unknown_fields=True):
    failures: _Count = 0
    since: _Day = ""
    error: str = ""

    def __post_init__(self) -> None:
        _on_calendar(self, "since")


class _Document(Struct, forbid_unknown_fields=True):
    schema: Annotated[int, Meta(ge=SCHEMA, le=SCHEMA)]
    papers: list[_Paper]
    keyword: str = ""
    last_success: _Day = ""
    health: _Health | None = None
    query: str = ""
    total_results: _Count | None = None
    pending: list[_Id] = []

    def __post_init__(self) -> None:
        _on_calendar(self, "last_success")
        ids = [paper.id for paper in self.papers]
        if len(set(ids)) < len(ids):
            twice = next(i for n, i in enumerate(ids) if i in ids[:n])
            raise ValueError(f"paper {twice} is stored twice")


_DECODER = msgspec.json.Decoder(_Document)

# What each field must be, in the words of an error message.
_WHOLE, _DAY_IS = f"a whole number from 0 to {_MAX_COUNT}", "a day (YYYY-MM-DD) from 1991 on"
_TIME, _TEXTS = "a UTC time (YYYY-MM-DDTHH:MM:SSZ) from 1991 on", "a list of text"
_MUST = {"version": f"a whole number from 1 to {MAX_VERSION}", "failures": _WHOLE,
         "total_results": _WHOLE, "id": "an arXiv id", "pending": "a list of paper ids",
         "pending[]": "an arXiv id", "published": _TIME, "updated": _TIME, "first_seen": _DAY_IS,
         "since": _DAY_IS, "last_success": _DAY_IS, "authors": _TEXTS, "categories": _TEXTS,
         "papers": "a list of papers", "papers[]": "an object", "health": "an object"}  # fmt: skip
# A \u escape of half a surrogate pair (not after a backslash itself escaped); NaN, Infinity.
_HIGH, _LOW = rb"\\ud[89ab]..", rb"\\ud[c-f].."
_LONE = re.compile(rb"(?<!\\)(?:\\\\)*(?:%b(?!%b)|(?<!%b)%b)" % (_HIGH, _LOW, _HIGH, _LOW), re.I)
_CONSTANT = re.compile(rb"-?(?:NaN|Infinity)")


def _on_calendar(struct: Struct, *names: str) -> None:
    """What a pattern cannot say: that each day and time is on the calendar, in a year a run's
    date arithmetic can use. The error names the field; msgspec adds where the struct is."""
    for name in names:
        if getattr(struct, name) and not on_calendar(getattr(struct, name)):
            raise ValueError(name)


def _explain(error: msgspec.ValidationError) -> str:
    """msgspec's message in plain words: the field, and what it must be."""
    what, _, where = str(error).partition(" - at `$")
    where, name = where.strip(".`"), what.rsplit(" ", 1)[-1].strip("`")
    if what in _MUST:  # raised by _on_calendar
        where = f"{where}.{what}".lstrip(".")
    elif " twice" in what:  # raised by _Document
        return what
    elif "unknown field" in what:
        return f"{where or 'the store'}: unknown field {name!r}"
    elif where == "schema" or (not where and name != "papers"):  # not what we write at all
        return "schema"
    elif "missing required field" in what:
        return f"{where or 'the store'} has no {name!r}"
    field = re.sub(r"\[\d+\]", "", where.rsplit(".", 1)[-1])
    return f"{where} must be {_MUST.get(field + '[]' if where.endswith(']') else field, 'text')}"


def _undecodable(data: bytes, error: msgspec.DecodeError) -> str:
    """Why bytes msgspec refused as JSON are not a store, by line, naming what Python's json
    module would have let through: a lone surrogate (and the field it is in), NaN, Infinity."""
    found = re.search(r"\(byte (\d+)\)", str(error))
    try:
        at = int(found[1]) if found else len(data.decode("utf-8").encode())
    except UnicodeDecodeError as invalid:  # msgspec gives no position for it
        at = invalid.start
    lone, constant = _LONE.search(data, 0, at), _CONSTANT.match(data, max(at - 1, 0))
    if lone:
        at, keys = lone.start(), re.findall(rb'"(\w+)": ', data[: lone.start()])
        reason = f"{keys[-1].decode() if keys else 'a key'} holds a lone surrogate"
    elif constant := constant or _CONSTANT.match(data, at):
        reason = f"{constant[0].decode()} is not a JSON number"
    else:
        reason = "not valid JSON: " + str(error).removeprefix("JSON is malformed: ").split(" (")[0]
    line = data.count(b"\n", 0, at) + 1
    return f"line {line}, {reason}"


def _decoded(data: bytes, path: str) -> _Document:
    try:
        return _DECODER.decode(data)
    except msgspec.ValidationError as exc:
        reason = _explain(exc)
    except msgspec.DecodeError as exc:
        reason = _undecodable(data, exc)
    if reason == "schema":
        raise StoreError(path, f"not a dailypapers store of schema {SCHEMA}; left untouched")
    raise StoreError(path, f"unreadable store ({reason}); left untouched")


def _store(document: _Document, keyword: Keyword) -> KeywordStore:
    return KeywordStore(
        keyword=keyword,
        papers=tuple(msgspec.convert(document.papers, list[Paper], from_attributes=True)),
        last_success=document.last_success,
        health=Health(*astuple(document.health or _Health())),
        query=document.query,
        total_results=document.total_results,
        pending=tuple(sorted(set(document.pending))),
    )


def dumps(store: KeywordStore) -> str:
    document: dict[str, Any] = {"schema": SCHEMA, "keyword": store.keyword.name,
                                "last_success": store.last_success, "health": asdict(store.health),
                                "query": store.query,
                                "total_results": store.total_results}  # fmt: skip
    stored = {p.id for p in store.papers}
    pending = sorted(i for i in set(store.pending) if i in stored)
    if pending:
        # Only while something waits: older stores, and ones with nothing pending, keep their bytes.
        document["pending"] = pending
    document["papers"] = [asdict(p) for p in store.papers]  # tuples are written as lists
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str | bytes | None, path: str, keyword: Keyword) -> KeywordStore:
    """A store file, refused whole (StoreError, exit 3) unless every value is one we write:
    outputs trust the store, so an odd value would surface later as a traceback. No file yet
    (None) is the keyword's empty store."""
    if text is None:
        return KeywordStore(keyword=keyword)
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return _store(_decoded(data, path), keyword)


def store_path(data_dir: Path, slug: str) -> Path:
    """data/references.json holds the reference papers (rank.references), never a keyword."""
    return data_dir / (f"{slug}_keyword.json" if slug == "references" else f"{slug}.json")


def _read(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None


def load(data_dir: Path, keyword: Keyword) -> KeywordStore:
    path = store_path(data_dir, keyword.slug)
    return loads(_read(path), str(path), keyword)


def save(data_dir: Path, store: KeywordStore) -> bool:
    return write_atomic(store_path(data_dir, store.keyword.slug), [dumps(store)])


_PAPERS_KEY = b'\n  "papers": '
# How each paper begins as ``dumps`` writes it (its id first), counted in every store a render
# reads (90 MB at 500 keywords): the longer the needle, the further the search skips, and this
# one is counted in half the time "\n    {\n" was (0.03 s against 0.06 s).
_PAPER_START = b'\n    {\n      "id": "'


def papers_fingerprint(store: KeywordStore) -> str:
    """The digest of the papers as ``dumps`` writes them: what ``load_snapshot`` gives a file."""
    data = dumps(store).encode("utf-8")
    return content_digest(memoryview(data)[data.index(_PAPERS_KEY) :])


def load_snapshot(config: Config, data_dir: Path) -> Snapshot:
    """Every keyword's store (found by the config's keywords, never by listing ``data_dir``).

    Each file is read and hashed whole, with no index to trust: what precedes its papers is
    checked now, its papers taken as raw bytes into ``papers_fingerprint`` (which keys what
    outputs reuse) and checked when an output loads them. A file laid out otherwise than by
    ``dumps`` is loaded now and fingerprinted as ``dumps`` would write it.
    """
    entries = []
    data_folder(data_dir)
    paths = [store_path(data_dir, keyword.slug) for keyword in config.keywords]
    for keyword, path, found in zip(config.keywords, paths, Ahead(_scan, paths), strict=True):
        if found is None or found[1] < 0:
            store = loads(found and found[0], str(path), keyword)
            summary, papers = Summary.of(store), papers_fingerprint(store)
        else:
            data, at, head, papers = found
            front = _store(_decoded(head + b' "papers": []}', str(path)), keyword)
            summary = replace(Summary.of(front), count=data.count(_PAPER_START, at))
        loader = partial(_load_checked, path, keyword, found and found[1:], summary, config.sort)
        entries.append(StoreEntry(keyword, loader, summary, papers))
    return Snapshot(config, tuple(entries))


def _scan(path: Path) -> tuple[bytes, int, bytes, str] | None:
    """A store file, where its papers start (-1 unless laid out by ``dumps``), the bytes before
    them and their digest (else the whole file's): what a later load must find again. Read and
    hashed in a worker thread ahead of the snapshot."""
    data = _read(path)
    if data is None:
        return None
    at = data.find(_PAPERS_KEY)
    if at < 0 or not data.endswith(b"]\n}\n"):
        return data, -1, b"", content_digest(data)
    return data, at, data[:at], content_digest(memoryview(data)[at:])


def _load_checked(
    path: Path,
    keyword: Keyword,
    seen: tuple[int, bytes, str] | None,
    summary: Summary,
    sort: SortKey,
) -> KeywordStore:
    """The store the snapshot fingerprinted, refusing one rewritten since, or one whose whole
    says otherwise than what precedes its papers (a second "papers" member, hand-made); papers
    newest first by ``sort`` as a save writes them (a hand edit or a changed ``sort:`` may not)."""
    found = _scan(path)
    if (found and found[1:]) != seen:
        raise StoreError(str(path), "changed while being rendered; run again")
    store = loads(found and found[0], str(path), keyword)
    if Summary.of(store) != summary:
        raise StoreError(str(path), "not laid out as dailypapers writes it; left untouched")
    return replace(store, papers=tuple(sorted(store.papers, key=order_key(sort), reverse=True)))
