"""Each paper's pieces of output, rendered once and shared by every output that shows it.

A paper appears in its keyword's feed and ``all.xml`` (one Atom entry), in its keyword's ``.bib``,
``all.bib`` and the web page's Copy BibTeX (one BibTeX entry), and in the page's data (one JSON
record). Rendering each piece once per paper instead of once per output is most of what keeps a
500-keyword render affordable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..config import SortKey
from ..fetch import Paper
from . import bibtex
from .escape import Safe, script_json
from .links import CodeLink, paper_links
from .templating import template


@dataclass(frozen=True, slots=True)
class Fragment:
    paper: Paper
    bib: str
    """The BibTeX entry, as the .bib files and Copy BibTeX give it."""
    entry: Safe
    """The Atom ``<entry>`` element, escaped."""
    record: Safe
    """The page's JSON record (see ``record``)."""


def render_papers(papers: Sequence[Paper], sort: SortKey) -> list[Fragment]:
    # A paper's links, found once, go into both its Atom entry and its record.
    entry = template("feed_entry.xml.j2").module.entry  # type: ignore[attr-defined]
    out = []
    for paper in papers:
        bib, links = bibtex.entry(paper), paper_links(paper)
        out.append(Fragment(paper, bib, Safe(entry(paper, links)), record(paper, sort, bib, links)))
    return out


def record(paper: Paper, sort: SortKey, bib: str, links: Sequence[CodeLink]) -> Safe:
    """The page's JSON record of a paper: positional, because 50,000 of them are parsed on load.

    The order is the page script's contract (templates/page.js): versioned id, title, authors,
    day, categories, comment, journal reference, abstract, first-seen day, BibTeX entry, and the
    code and project-page links as ``[label, url]`` pairs (plain http(s) URLs, see ``links``).
    """
    return script_json(
        [
            paper.versioned_id,
            paper.title,
            ", ".join(paper.authors),
            paper.day(sort),
            " ".join(paper.categories),
            paper.comment,
            paper.journal_ref,
            paper.abstract,
            paper.first_seen,
            bib,
            [[link.label, link.url] for link in links],
        ]
    )
