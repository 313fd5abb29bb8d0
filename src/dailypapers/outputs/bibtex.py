"""BibTeX files, one per keyword plus ``all.bib``: an ``@misc`` arXiv entry per paper.

Citation keys read like Google Scholar's (first author's surname, year, first title word) and
always end with the arXiv id, e.g. ``ha2018world-1803.10122``. The id makes a key unique and,
unlike a suffix added only on collision, means a key never changes when other papers enter or
leave the store, so ``\\cite`` commands written last month keep working.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from ..models import ARXIV_BASE, Paper
from . import ALL, Snapshot, environment, file_stem, write_folder

FOLDER = "bib"
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards"}
_MATH = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")
_WORD = re.compile(r"[a-z0-9]+")
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9.]")


def _ascii_words(text: str) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _WORD.findall(text.lower())


def citation_key(paper: Paper) -> str:
    surname = ""
    for name in paper.authors[:1]:
        words = [w for w in _ascii_words(name) if w not in _NAME_SUFFIXES]
        surname = words[-1] if words else ""
    words = [w for w in _ascii_words(_MATH.sub(" ", paper.title)) if w not in _STOPWORDS]
    first = words[0] if words else ""
    ident = _NOT_IN_KEY.sub("-", paper.id)
    return f"{surname or 'anon'}{year(paper)}{first}-{ident}"


def year(paper: Paper) -> str:
    """The year of v1, which is how arXiv papers are cited."""
    value = (paper.published or paper.updated)[:4]
    return value if value.isdigit() else ""


def url(paper: Paper) -> str:
    """The versionless abs page, which always shows the newest version."""
    return f"{ARXIV_BASE}/abs/{paper.id}"


def bibliography(papers: list[Paper]) -> Iterator[str]:
    template = environment().get_template("bib.bib.j2")
    return template.generate(papers=papers)


def write(snapshot: Snapshot, root: Path) -> list[Path]:
    files = ((file_stem(s.topic.slug), bibliography(s.papers)) for s in snapshot.sections)
    combined = ((ALL, bibliography(snapshot.all_papers())),)
    return write_folder(root / FOLDER, ".bib", (*files, *combined))
