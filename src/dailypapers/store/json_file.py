"""The JSON store on disk: one file per keyword, identical bytes for identical data.

Written atomically, so a crash leaves the old file or the new one; any file that does not hold
what we wrote is refused whole (exit 3) and left untouched for the user to inspect.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from ..config import Config, Keyword
from ..errors import StoreError
from ..fetch import Paper
from ..fetch.interface import ARXIV_ID, MAX_VERSION, UTC_TIME
from ..fileio import write_atomic
from .model import Health, KeywordStore, Snapshot, StoreEntry, Summary

SCHEMA = 1
_PAPER_FIELDS = {f.name for f in fields(Paper)}
_LISTS = ("authors", "categories")
_STAMPS = ("published", "updated")
_MAX_DIGITS = 18
_MAX_COUNT = 10**9
_SURROGATE = re.compile("[\ud800-\udfff]")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_NONE: list[str] = []


class _Odd(ValueError):
    """A value the tracker never writes; the message says where in the file it is."""


def _refuse_constant(name: str) -> Any:
    raise _Odd(f"{name} is not a JSON number")


def _bounded_int(digits: str) -> int:
    # Python refuses int() beyond 4,300 digits with an error of its own, and a few thousand
    # digits below that still cost time: no count the store keeps needs more than 18.
    if len(digits.lstrip("-")) > _MAX_DIGITS:
        raise _Odd(f"a number of {len(digits)} digits")
    return int(digits)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Odd(f"the number {text[:20]} is out of range")
    return value


def _decode(text: str) -> Any:
    return json.loads(
        text,
        parse_int=_bounded_int,
        parse_float=_finite_float,
        parse_constant=_refuse_constant,
    )


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise _Odd(f"{where} must be text")
    if not value.isascii() and _SURROGATE.search(value):
        raise _Odd(f"{where} holds a lone surrogate, which is not Unicode text")
    return value


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _Odd(f"{where} must be a whole number from {low} to {high}")
    return value


def _parses(parse: Callable[[str], object], value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True


def _day(value: Any, where: str) -> str:
    day = _text(value, where)
    if day and not (_DAY.fullmatch(day) and _parses(date.fromisoformat, day)):
        raise _Odd(f"{where} must be a day (YYYY-MM-DD), not {day[:40]!r}")
    return day


def _stamp(value: Any, where: str) -> str:
    stamp = _text(value, where)
    if stamp and not (UTC_TIME.fullmatch(stamp) and _parses(datetime.fromisoformat, stamp[:-1])):
        raise _Odd(f"{where} must be a UTC time (YYYY-MM-DDTHH:MM:SSZ), not {stamp[:40]!r}")
    return stamp


def paper_to_json(paper: Paper) -> dict[str, Any]:
    data = asdict(paper)
    data["authors"] = list(paper.authors)
    data["categories"] = list(paper.categories)
    return data


# Paper's fields in order: the fast path builds papers positionally, which halves their cost.
_ORDER = (
    "id",
    "version",
    "title",
    "abstract",
    "comment",
    "authors",
    "published",
    "updated",
    "primary_category",
    "categories",
    "journal_ref",
    "doi",
    "first_seen",
)
if tuple(f.name for f in fields(Paper)) != _ORDER:
    raise ImportError("store.json_file._ORDER must list Paper's fields in their order")
# Valid first-seen days, each one string: a store has a few hundred for 100 papers.
_DAYS: dict[str, str] = {"": ""}
_MAX_DAYS = 100_000


def _paper_if_plain(data: Any) -> Paper | None:
    """The paper when ``data`` passes every check of ``_paper_checked``, else None.

    A store holds 50,000 papers at 500 keywords, and naming where a value is wrong costs a string
    per field; this path only asks whether anything is wrong and leaves saying what and where to
    ``_paper_checked``. It must never accept what that refuses (tests/store check both agree).
    """
    if type(data) is not dict or not data.keys() <= _PAPER_FIELDS:
        return None
    get = data.get
    ident: Any = get("id")
    version = get("version")
    title: Any = get("title")
    abstract = get("abstract", "")
    comment = get("comment", "")
    authors = get("authors", _NONE)
    published = get("published", "")
    updated = get("updated", "")
    primary = get("primary_category", "")
    categories = get("categories", _NONE)
    journal_ref = get("journal_ref", "")
    doi = get("doi", "")
    first_seen = get("first_seen", "")
    if (
        type(version) is not int
        or not 1 <= version <= MAX_VERSION
        or type(authors) is not list
        or type(categories) is not list
    ):
        return None
    # One string of every text value: join refuses anything but text, and a lone surrogate
    # in any value is one in the whole (isascii reads a flag, so ASCII text skips the scan).
    try:
        joined = "".join(
            (ident, title, abstract, comment, published, updated, primary, journal_ref, doi,
             first_seen, *authors, *categories)
        )  # fmt: skip
    except TypeError:
        return None
    if (not joined.isascii() and _SURROGATE.search(joined)) or not ARXIV_ID.fullmatch(ident):
        return None
    try:
        for stamp in (published, updated):
            if stamp:
                if not UTC_TIME.fullmatch(stamp):
                    return None
                datetime.fromisoformat(stamp[:-1])
        day = _DAYS.get(first_seen)
        if day is None:
            if not _DAY.fullmatch(first_seen):
                return None
            date.fromisoformat(first_seen)
            day = sys.intern(first_seen)
            if len(_DAYS) < _MAX_DAYS:
                _DAYS[day] = day
    except ValueError:
        return None
    return Paper(
        ident,
        version,
        title,
        abstract,
        comment,
        tuple(authors),
        published,
        updated,
        sys.intern(primary),
        tuple(map(sys.intern, categories)),
        journal_ref,
        doi,
        day,
    )


def paper_from_json(data: Any, where: str = "paper") -> Paper:
    """One stored paper, every field checked: what the tracker writes and nothing else."""
    paper = _paper_if_plain(data)
    return paper if paper is not None else _paper_checked(data, where)


def _paper_checked(data: Any, where: str) -> Paper:
    if not isinstance(data, dict):
        raise _Odd(f"{where} must be an object")
    unknown = set(data) - _PAPER_FIELDS
    if unknown:
        raise _Odd(f"{where}: unknown field(s) {sorted(unknown)}")
    for key in ("id", "version", "title"):
        if key not in data:
            raise _Odd(f"{where} has no '{key}'")
    values: dict[str, Any] = {}
    for key, value in data.items():
        at = f"{where}.{key}"
        if key == "version":
            values[key] = _whole(value, at, 1, MAX_VERSION)
        elif key in _LISTS:
            if not isinstance(value, list):
                raise _Odd(f"{at} must be a list of text")
            # Categories repeat across thousands of papers: share one copy each.
            items = (_text(item, f"{at}[{i}]") for i, item in enumerate(value))
            values[key] = tuple(sys.intern(i) if key == "categories" else i for i in items)
        elif key in _STAMPS:
            values[key] = _stamp(value, at)
        elif key == "first_seen":
            values[key] = sys.intern(_day(value, at))
        else:
            values[key] = _text(value, at)
    if not ARXIV_ID.fullmatch(values["id"]):
        raise _Odd(f"{where}.id is not an arXiv id: {values['id'][:40]!r}")
    if "primary_category" in values:
        values["primary_category"] = sys.intern(values["primary_category"])
    return Paper(**values)


def _papers(value: Any) -> tuple[Paper, ...]:
    if not isinstance(value, list):
        raise _Odd("'papers' must be a list")
    papers = tuple(
        _paper_if_plain(item) or _paper_checked(item, f"papers[{i}]")
        for i, item in enumerate(value)
    )
    seen: set[str] = set()
    for i, paper in enumerate(papers):
        if paper.id in seen:
            raise _Odd(f"papers[{i}]: paper {paper.id} is stored twice")
        seen.add(paper.id)
    return papers


def _pending(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _Odd("'pending' must be a list of paper ids")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not ARXIV_ID.fullmatch(item):
            raise _Odd(f"'pending' must be a list of paper ids; pending[{i}] is not an arXiv id")
    return tuple(sorted(set(value)))


def _health(value: Any) -> Health:
    if value is None:
        return Health()
    if not isinstance(value, dict):
        raise _Odd("'health' must be an object")
    unknown = set(value) - {"failures", "since", "error"}
    if unknown:
        raise _Odd(f"health: unknown field(s) {sorted(unknown)}")
    return Health(
        failures=_whole(value.get("failures", 0), "health.failures", 0, _MAX_COUNT),
        since=_day(value.get("since", ""), "health.since"),
        error=_text(value.get("error", ""), "health.error"),
    )


def dumps(store: KeywordStore) -> str:
    document = {
        "schema": SCHEMA,
        "keyword": store.keyword.name,
        "last_success": store.last_success,
        "health": asdict(store.health),
        "query": store.query,
        "total_results": store.total_results,
    }
    stored = {p.id for p in store.papers}
    pending = sorted(i for i in set(store.pending) if i in stored)
    if pending:
        # Only while something waits, so that stores written before this field, and stores
        # with nothing to announce, keep their bytes.
        document["pending"] = pending
    document["papers"] = [paper_to_json(p) for p in store.papers]
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def loads(text: str, path: str, keyword: Keyword) -> KeywordStore:
    """A store file, refused whole (StoreError, exit 3) unless every value is one we write.

    Outputs trust what the store holds, so an odd value found here would otherwise surface
    later as a traceback in a template, a sort or an encoder, after the run had fetched.
    """
    try:
        document = _decode(text)
    except json.JSONDecodeError as exc:
        raise StoreError(
            path, f"not valid JSON (line {exc.lineno}: {exc.msg}); left untouched"
        ) from None
    except _Odd as exc:
        raise StoreError(path, f"unreadable store ({exc}); left untouched") from None
    except RecursionError:
        raise StoreError(path, "unreadable store (nested too deeply); left untouched") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise StoreError(path, f"not a dailypapers store of schema {SCHEMA}; left untouched")
    try:
        total = document.get("total_results")
        if total is not None:
            total = _whole(total, "'total_results'", 0, _MAX_COUNT)
        _text(document.get("keyword", ""), "'keyword'")
        return KeywordStore(
            keyword=keyword,
            papers=_papers(document.get("papers")),
            last_success=_day(document.get("last_success", ""), "'last_success'"),
            health=_health(document.get("health")),
            query=_text(document.get("query", ""), "'query'"),
            total_results=total,
            pending=_pending(document.get("pending", [])),
        )
    except _Odd as exc:
        raise StoreError(path, f"unreadable store ({exc}); left untouched") from None


def store_path(data_dir: Path, slug: str) -> Path:
    return data_dir / f"{slug}.json"


def load(data_dir: Path, keyword: Keyword) -> KeywordStore:
    path = store_path(data_dir, keyword.slug)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return KeywordStore(keyword=keyword)
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
    return loads(text, str(path), keyword)


def save(data_dir: Path, store: KeywordStore) -> bool:
    return write_atomic(store_path(data_dir, store.keyword.slug), [dumps(store)])


def fingerprint(data: bytes | memoryview) -> str:
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


_PAPERS_KEY = b'\n  "papers": '


def fingerprints(data: bytes) -> tuple[str, str]:
    """Digests of a store file's bytes, and of its papers alone, in one pass over the file.

    The papers are the last member of what ``dumps`` writes. What the tables show depends on
    them only, while a daily run rewrites every store's ``last_success``. The papers' digest is
    empty (never reuse) for a file not laid out as ``dumps`` lays it out.
    """
    at = data.find(_PAPERS_KEY)
    if at < 0 or data.find(_PAPERS_KEY, at + 1) >= 0:
        return fingerprint(data), ""
    papers = fingerprint(memoryview(data)[at:])
    return fingerprint(data[:at] + papers.encode()), papers


def load_snapshot(config: Config, data_dir: Path, index: Path | None = None) -> Snapshot:
    """Every keyword's store, its papers loaded when an output asks for them.

    A store whose bytes the ``index`` (written by ``save_index`` after an earlier render)
    records as already checked is summarised from there; any other is checked when first
    loaded. A file is read for its fingerprint unless its size and modification time are the
    ones recorded and that time is older than the index by more than a clock tick (as git
    trusts its index): a rewrite since would have given it a later time. A store whose papers
    are the ones the index records, while the rest changed (every daily run moves each store's
    ``last_success``), is summarised by checking only what precedes its papers.
    """
    known, written_at = read_index(index) if index is not None else ({}, 0)
    entries = []
    for keyword in config.keywords:
        path = store_path(data_dir, keyword.slug)
        hit = known.get(keyword.slug)
        try:
            status = path.stat()
            stat = (status.st_size, status.st_mtime_ns)
            data = b""
            if hit is not None and hit.stat == stat and stat[1] < written_at - _RACY_NS:
                digest, papers = hit.fingerprint, hit.papers
            else:
                data = path.read_bytes()
                digest, papers = fingerprints(data)
        except FileNotFoundError:
            entries.append(StoreEntry.of(KeywordStore(keyword=keyword)))
            continue
        except OSError as exc:
            raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
        summary = None
        if hit is not None and hit.fingerprint == digest:
            summary = hit.summary
        elif hit is not None and papers and hit.papers == papers:
            summary = _summary_before_papers(data, str(path), keyword, hit.summary.count)
        del data
        loader = _checked_loader(path, keyword, digest, stat)
        entries.append(StoreEntry(keyword, digest, loader, summary, stat, papers))
    return Snapshot(config, tuple(entries))


def _summary_before_papers(data: bytes, path: str, keyword: Keyword, count: int) -> Summary:
    """The summary of a store whose papers were checked before: the file up to its papers,
    closed with an empty list, goes through the same checks as a whole store."""
    head = data[: data.find(_PAPERS_KEY)] + _PAPERS_KEY + b"[]\n}\n"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"cannot read ({exc}); left untouched") from None
    store = loads(text, path, keyword)
    return Summary(store.last_success, store.health, store.pending, count)


def _checked_loader(
    path: Path, keyword: Keyword, digest: str, stat: tuple[int, int]
) -> Callable[[], KeywordStore]:
    """Loads the store the snapshot fingerprinted, or refuses: a file whose size or time moved
    since is hashed again and must still have the same bytes."""

    def load_it() -> KeywordStore:
        try:
            with path.open("rb") as handle:
                status = os.fstat(handle.fileno())
                data = handle.read()
        except OSError as exc:
            raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
        moved = (status.st_size, status.st_mtime_ns) != stat
        if moved and fingerprints(data)[0] != digest:
            raise StoreError(str(path), "changed while being rendered; run again")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StoreError(str(path), f"cannot read ({exc}); left untouched") from None
        return loads(text, str(path), keyword)

    return load_it


# --------------------------------------------------------------------------- the store index

INDEX_FORMAT = 3
_FINGERPRINT = re.compile("[0-9a-f]{40}")


@cache
def _checker_id() -> str:
    """Changes with the code that checks a store: a newer check must see every file again."""
    here = Path(__file__).resolve()
    digest = hashlib.sha1(usedforsecurity=False)
    for source in (here, here.parent.parent / "fetch" / "interface.py"):
        digest.update(source.read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Indexed:
    """A store file as an earlier render found it sound."""

    fingerprint: str
    stat: tuple[int, int]
    """Its size and modification time (ns) then."""
    summary: Summary
    papers: str
    """Its ``papers_fingerprint``."""


# Two seconds: the coarsest modification times in use (FAT); ext4 and APFS keep nanoseconds.
_RACY_NS = 2_000_000_000


def read_index(path: Path) -> tuple[dict[str, Indexed], int]:
    """The stores an earlier render checked, by slug, and when the index was written (ns);
    nothing if unusable.

    The index is ours and git-ignored, but a file on disk all the same: each value is checked
    as a store's would be, and anything odd discards the whole index (the stores are then
    checked again, which is only slower).
    """
    try:
        with path.open(encoding="utf-8") as handle:
            written_at = os.fstat(handle.fileno()).st_mtime_ns
            raw: Any = json.loads(handle.read())
        if raw[0] != INDEX_FORMAT or raw[1] != _checker_id():
            return {}, 0
        found = {}
        for slug, (digest, papers, size, mtime, last, health, pending, count) in raw[2].items():
            summary = Summary(
                last_success=_day(last, "last_success"),
                health=_health(dict(zip(("failures", "since", "error"), health, strict=True))),
                pending=_pending(pending),
                count=_whole(count, "count", 0, _MAX_COUNT),
            )
            for value in (digest, papers):
                if not (isinstance(value, str) and _FINGERPRINT.fullmatch(value or "0" * 40)):
                    raise _Odd("fingerprint")
            stat = (_whole(size, "size", 0, 2**62), _whole(mtime, "mtime", 0, 2**62))
            found[_text(slug, "slug")] = Indexed(digest, stat, summary, papers)
        return found, written_at
    except Exception:  # an unusable index only means checking every store again
        return {}, 0


def save_index(path: Path, snapshot: Snapshot) -> None:
    """Record the stores this run checked, so the next one can skip loading unchanged ones."""
    body = {}
    for entry in snapshot.entries:
        summary = entry.known
        if entry.fingerprint and summary is not None and entry.stat is not None:
            health = summary.health
            body[entry.keyword.slug] = [
                entry.fingerprint,
                entry.papers_fingerprint,
                *entry.stat,
                summary.last_success,
                [health.failures, health.since, health.error],
                list(summary.pending),
                summary.count,
            ]
    document = [INDEX_FORMAT, _checker_id(), body]
    write_atomic(path, [json.dumps(document, separators=(",", ":"))], durable=False)
