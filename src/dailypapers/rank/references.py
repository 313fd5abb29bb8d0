"""The group's reference papers, fetched from arXiv once and kept in ``data/references.json``.

The daily job runs in a fresh checkout: the file is committed so that it asks arXiv for nothing
once the references are known. Only ids the file has not asked about yet are fetched, by
``id_list`` in batches of 100; an id arXiv does not know is remembered as asked, so it costs
a warning once, not a request a day. The file holds what arXiv said and nothing we derive, so
a damaged one is only a reason to ask again, never a reason to stop a run.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import FetchError
from ..fetch import Paper, Searcher
from ..fileio import read_regular, write_atomic
from .interface import Document

log = logging.getLogger(__name__)

FILE_NAME = "references.json"
BATCH = 100
"""Ids per ``id_list`` request: arXiv answers at most this many entries at once."""
_TEXT_LIMIT = 100_000
"""Longer than any arXiv title or abstract: a longer value is not one."""


@dataclass(frozen=True)
class Reference:
    """One reference paper as arXiv gave it."""

    id: str
    """arXiv id without version."""
    version: int
    """The version arXiv sent (the newest when it was fetched)."""
    title: str
    abstract: str

    @property
    def document(self) -> Document:
        return Document(self.id, self.title, self.abstract)


@dataclass(frozen=True)
class ReferenceSet:
    """The contents of ``data/references.json``."""

    asked: tuple[str, ...] = ()
    """Every id arXiv was asked about, known to it or not, in the order first asked."""
    papers: tuple[Reference, ...] = ()
    """The asked ids arXiv knew, in the same order."""

    def to_fetch(self, wanted: Sequence[str]) -> list[str]:
        asked = set(self.asked)
        return [i for i in wanted if i not in asked]

    def missing(self, wanted: Sequence[str]) -> list[str]:
        """Asked-about ids arXiv does not know."""
        asked, known = set(self.asked), {paper.id for paper in self.papers}
        return [i for i in wanted if i in asked and i not in known]

    def documents(self, wanted: Sequence[str]) -> list[Document]:
        by_id = {paper.id: paper for paper in self.papers}
        return [by_id[i].document for i in wanted if i in by_id]

    def titles(self) -> dict[str, str]:
        return {paper.id: paper.title for paper in self.papers}


@dataclass(frozen=True)
class Refresh:
    """What one refresh did, for the terminal and the job summary."""

    references: ReferenceSet
    requests: int = 0
    missing: tuple[str, ...] = ()
    """Ids arXiv does not know (each asked once; warned about on every run)."""
    error: str = ""
    """Why the fetch failed; the papers are then shown in date order."""


def path_in(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load(data_dir: Path) -> tuple[ReferenceSet, str]:
    """The stored references and, when the file is damaged, why it was set aside."""
    path = path_in(data_dir)
    try:
        raw = json.loads(read_regular(path))
    except FileNotFoundError:
        return ReferenceSet(), ""
    except (OSError, ValueError) as exc:
        return ReferenceSet(), f"{path}: cannot be read ({exc}); the references are asked again"
    except RecursionError:
        return ReferenceSet(), f"{path}: nested too deeply; the references are asked again"
    try:
        return _checked(raw), ""
    except (TypeError, ValueError) as exc:
        return ReferenceSet(), f"{path}: {exc}; the references are asked again"


def _checked(raw: object) -> ReferenceSet:
    if not isinstance(raw, dict) or not isinstance(raw.get("asked"), list):
        raise ValueError("not a references file (no 'asked' list)")
    asked = raw["asked"]
    if not all(isinstance(i, str) and 0 < len(i) < 40 for i in asked):
        raise ValueError("'asked' must list arXiv ids")
    papers = []
    for n, item in enumerate(raw.get("papers", [])):
        if not isinstance(item, dict):
            raise ValueError(f"papers[{n}] is not an object")
        fields = (item.get("id"), item.get("version"), item.get("title"), item.get("abstract"))
        paper_id, version, title, abstract = fields
        if not (isinstance(paper_id, str) and paper_id in asked):
            raise ValueError(f"papers[{n}].id is not an asked id")
        if isinstance(version, bool) or not isinstance(version, int) or not 0 < version < 1000:
            raise ValueError(f"papers[{n}].version must be a whole number from 1 to 999")
        for name, text in (("title", title), ("abstract", abstract)):
            if not isinstance(text, str) or len(text) > _TEXT_LIMIT or not _encodable(text):
                raise ValueError(f"papers[{n}].{name} must be text")
        papers.append(Reference(paper_id, version, str(title), str(abstract)))
    return ReferenceSet(tuple(dict.fromkeys(asked)), tuple(papers))


def _encodable(text: str) -> bool:
    """Whether ``text`` can be written out: a lone surrogate (``\\ud800`` in the JSON) cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def save(data_dir: Path, references: ReferenceSet) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    body = {
        "asked": list(references.asked),
        "papers": [
            {"id": p.id, "version": p.version, "title": p.title, "abstract": p.abstract}
            for p in references.papers
        ],
    }
    write_atomic(path_in(data_dir), [json.dumps(body, ensure_ascii=False, indent=1) + "\n"])


def refresh(client: Searcher, data_dir: Path, wanted: Sequence[str]) -> Refresh:
    """Ask arXiv about the wanted ids it was never asked about, and save what it says.

    A failure saves nothing, so the next run asks again; the run itself goes on.
    """
    stored, damaged = load(data_dir)
    if damaged:
        log.warning("%s", damaged)
    todo = stored.to_fetch(wanted)
    requests = 0
    got: dict[str, Paper] = {}
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        requests += 1
        try:
            page = client.lookup("", batch)
        except FetchError as exc:
            return Refresh(stored, requests, (), f"references not fetched: {exc}")
        got.update((paper.id, paper) for paper in page.papers if paper.id in batch)
    fresh = [got[i] for i in todo if i in got]
    keep = set(wanted)
    kept = ReferenceSet(
        tuple(i for i in (*stored.asked, *todo) if i in keep),
        tuple(p for p in stored.papers if p.id in keep)
        + tuple(Reference(p.id, p.version, p.title, p.abstract) for p in fresh),
    )
    if kept != stored or damaged:
        save(data_dir, kept)
    return Refresh(kept, requests, tuple(kept.missing(wanted)))
