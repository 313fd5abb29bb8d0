"""BibTeX files, one per keyword plus ``all.bib``: an ``@misc`` arXiv entry per paper.

Citation keys read like Google Scholar's (first author's surname, year, first title word) and
always end with the arXiv id, e.g. ``ha2018world-1803.10122``. The id makes a key unique and,
unlike a suffix added only on collision, means a key never changes when other papers enter or
leave the store, so ``\\cite`` commands written last month keep working.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from ..fetch import ARXIV_BASE, Paper
from .escape import bibtex_field, bibtex_names, bibtex_verbatim

FOLDER = "bib"
_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "from", "towards"}
_MATH = re.compile(r"\$[^$]*\$|\\[A-Za-z]+")
_WORD = re.compile(r"[a-z0-9]+")
_NOT_IN_KEY = re.compile(r"[^A-Za-z0-9.]")
_PLAIN_ID = re.compile(r"[A-Za-z0-9.]+")
# Ids, categories and most DOIs as arXiv writes them: their own verbatim form.
_VERBATIM = re.compile(r"[A-Za-z0-9./-]+")


def _ascii_lower(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return text.lower()


def citation_key(paper: Paper) -> str:
    return _key(paper, year(paper))


def _key(paper: Paper, published: str) -> str:
    surname = ""
    for name in paper.authors[:1]:
        for word in reversed(_WORD.findall(_ascii_lower(name))):
            if word not in _NAME_SUFFIXES:
                surname = word
                break
    title = paper.title
    if "$" in title or "\\" in title:
        title = _MATH.sub(" ", title)
    first = ""
    for match in _WORD.finditer(_ascii_lower(title)):
        if match.group() not in _STOPWORDS:
            first = match.group()
            break
    ident = paper.id if _PLAIN_ID.fullmatch(paper.id) else _NOT_IN_KEY.sub("-", paper.id)
    return f"{surname or 'anon'}{published}{first}-{ident}"


def year(paper: Paper) -> str:
    """The year of v1, which is how arXiv papers are cited."""
    value = (paper.published or paper.updated)[:4]
    return value if value.isdigit() else ""


def url(paper: Paper) -> str:
    """The versionless abs page, which always shows the newest version."""
    return f"{ARXIV_BASE}/abs/{paper.id}"


def entry(paper: Paper) -> str:
    """One ``@misc`` entry; the .bib files and the page's "Copy BibTeX" share it.

    Written in Python rather than a template: BibTeX's braces are the syntax, and every value
    goes through the one escaper its field needs.
    """
    published = year(paper)
    parts = [f"@misc{{{_key(paper, published)},\n  title = {{{{{bibtex_field(paper.title)}}}}},\n"]
    if paper.authors:
        parts.append(f"  author = {{{bibtex_names(paper.authors)}}},\n")
    if published:
        parts.append(f"  year = {{{published}}},\n")
    if _VERBATIM.fullmatch(paper.id):  # then so is its URL
        eprint, link = paper.id, url(paper)
    else:
        eprint, link = bibtex_verbatim(paper.id), bibtex_verbatim(url(paper))
    parts.append(f"  eprint = {{{eprint}}},\n  archivePrefix = {{arXiv}},\n")
    if paper.primary_category:
        parts.append(f"  primaryClass = {{{_verbatim(paper.primary_category)}}},\n")
    if paper.doi:
        parts.append(f"  doi = {{{_verbatim(paper.doi)}}},\n")
    if paper.journal_ref:
        parts.append(f"  note = {{{bibtex_field(paper.journal_ref)}}},\n")
    parts.append(f"  url = {{{link}}}\n}}\n")
    return "".join(parts)


def _verbatim(text: str) -> str:
    return text if _VERBATIM.fullmatch(text) else bibtex_verbatim(text)


def bibliography(entries: Iterable[str]) -> Iterator[str]:
    """A .bib file: each entry followed by a blank line."""
    return (entry + "\n" for entry in entries)
