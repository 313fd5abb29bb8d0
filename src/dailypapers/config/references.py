"""The group's reference papers as keywords.yaml names them: arXiv ids, or BibTeX files.

Researchers already keep their own papers in a ``.bib`` file, so ``reference:`` may name one;
its entries give arXiv ids through ``eprint``, an arXiv URL or arXiv's DOI. An entry without
one (a journal-only paper) is passed over, not refused: the file is the group's, not ours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..fileio import read_text

ARXIV_ID = re.compile(r"\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}")
"""A versionless arXiv id: ``2511.01234`` (from April 2007), ``hep-th/9901001`` or
``math.GT/0309136`` (before)."""

_WRITTEN_ID = re.compile(
    r"(?:arxiv:)?(?P<id>" + ARXIV_ID.pattern + r")(?:v(?P<version>[1-9]\d{0,2}))?",
    re.IGNORECASE,
)
# An id inside a URL or BibTeX value: an abs/pdf/html URL (arXiv links every paper's HTML
# rendering as /html/ID), or arXiv's DOI (10.48550/arXiv.ID). A digit after the id means it is
# none (2403.153771 is not 2403.15377).
_URL_ID = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>"
    + ARXIV_ID.pattern
    + r")(?!\d)|10\.48550/arxiv\.(?P<doi>"
    + ARXIV_ID.pattern
    + r")(?!\d)",
    re.IGNORECASE,
)
_ENTRY = re.compile(r"@\s*([A-Za-z]+)\s*[{(]")
_FIELD = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s*=\s*")
"""A field's name: only where a word starts, so that a long run of letters without ``=`` is
tried once, not from each of its letters (a 5 MB .bib of one such run took days)."""
NEW_STYLE_FROM = 704
"""``YYMM.NNNN`` ids began in April 2007 (0704.0001) ..."""
FIVE_DIGITS_FROM = 1501
"""... and have had five digits after the dot since January 2015."""
OLD_STYLE_FROM = 199108
OLD_STYLE_UNTIL = 200703
"""``archive/YYMMNNN`` ids ran from August 1991 to March 2007 (as YYYYMM)."""
MAX_BIB_BYTES = 5_000_000
"""A group's bibliography is kilobytes; a bigger file is not one (and is refused)."""


@dataclass(frozen=True)
class BibIds:
    """What one BibTeX file gave."""

    ids: tuple[str, ...]
    """arXiv ids without version, in the file's order, each once."""
    skipped: int
    """Entries that named no arXiv id (journal-only papers, @string and @comment blocks)."""


def parse_id(text: str) -> str | None:
    """The versionless id in ``2403.15377``, ``2403.15377v2``, ``arXiv:hep-th/9901001``, an
    arxiv.org abs/pdf/html URL or arXiv's DOI (``10.48550/arXiv.2403.15377``, as a .bib gives
    it); ``None`` when the text is none of these."""
    text = text.strip()
    lowered = text.lower()
    url = "/" in text and ("arxiv.org" in lowered or "10.48550/arxiv." in lowered)
    match = _URL_ID.search(text) if url else None
    if match:
        return _canonical(match.group("id") or match.group("doi"))
    written = _WRITTEN_ID.fullmatch(text)
    return _canonical(written.group("id")) if written else None


def _canonical(raw: str) -> str | None:
    """Old-style archives are lower case (``math.GT`` keeps its subject class). None when no
    paper can have the id: arXiv answers one such id (``2413.00001``, month 13) with an error
    for the whole request, which would keep every other reference from being fetched."""
    if "/" not in raw:
        month, number = raw.split(".")
        yymm = int(month)
        five_digits = yymm >= FIVE_DIGITS_FROM
        if not _real_month(yymm) or yymm < NEW_STYLE_FROM or (len(number) == 5) != five_digits:
            return None
        return raw
    archive, number = raw.split("/", 1)
    yymm = int(number[:4])
    if not _real_month(yymm) or OLD_STYLE_UNTIL % 10000 < yymm < OLD_STYLE_FROM % 10000:
        return None
    head, dot, subject = archive.partition(".")
    return f"{head.lower()}{dot}{subject.upper()}/{number}"


def _real_month(yymm: int) -> bool:
    return 1 <= yymm % 100 <= 12


def read_bib(path: Path) -> BibIds:
    """The arXiv ids a BibTeX file gives; raises OSError or ValueError (NotUtf8 among them)."""
    size = path.stat().st_size
    if size > MAX_BIB_BYTES:
        raise ValueError(f"{size} bytes; a BibTeX file of references holds at most {MAX_BIB_BYTES}")
    return parse_bib(read_text(path))


def parse_bib(text: str) -> BibIds:
    ids: dict[str, None] = {}
    skipped = 0
    for body in _entries(text):
        found = _entry_id(body)
        if found is None:
            skipped += 1
        else:
            ids.setdefault(found)
    return BibIds(tuple(ids), skipped)


def _entries(text: str) -> list[str]:
    """Each entry's text between its outer braces, found by counting braces (values nest)."""
    bodies: list[str] = []
    at = 0
    while (match := _ENTRY.search(text, at)) is not None:
        start = match.end()
        close = "}" if text[match.end() - 1] == "{" else ")"
        depth, end = 1, start
        while end < len(text) and depth:
            char = text[end]
            if char == "{" or (close == ")" and char == "("):
                depth += 1
            elif char == "}" or (close == ")" and char == ")"):
                depth -= 1
            end += 1
        if match.group(1).lower() not in ("comment", "string", "preamble"):
            bodies.append(text[start : end - 1])
        at = end
    return bodies


def _entry_id(body: str) -> str | None:
    fields = _fields(body)
    eprint = fields.get("eprint", "")
    prefix = fields.get("archiveprefix", fields.get("eprinttype", "arxiv")).lower()
    if eprint and prefix == "arxiv" and (found := parse_id(eprint)) is not None:
        return found
    for name in ("url", "doi", "journal", "note", "howpublished"):
        match = _URL_ID.search(fields.get(name, ""))
        if match and (found := _canonical(match.group("id") or match.group("doi"))):
            return found
    if "journal" in fields:  # "arXiv preprint arXiv:2403.15377"
        match = re.search(r"arxiv:\s*(" + ARXIV_ID.pattern + ")", fields["journal"], re.I)
        if match:
            return _canonical(match.group(1))
    return None


def _fields(body: str) -> dict[str, str]:
    """``name = {value}``, ``"value"`` or ``bare`` pairs, names folded to lower case."""
    fields: dict[str, str] = {}
    at = body.find(",") + 1  # past the citation key
    while (match := _FIELD.search(body, at)) is not None:
        start = match.end()
        value, at = _value(body, start)
        fields.setdefault(match.group(1).lower(), " ".join(value.split()))
    return fields


def _value(body: str, at: int) -> tuple[str, int]:
    if at < len(body) and body[at] in '{"':
        close = "}" if body[at] == "{" else '"'
        depth, end = 1, at + 1
        while end < len(body) and depth:
            if body[end] == "{" and close == "}":
                depth += 1
            elif body[end] == close:
                depth -= 1
            end += 1
        return body[at + 1 : end - 1].replace("{", "").replace("}", ""), end
    end = body.find(",", at)
    end = len(body) if end < 0 else end
    return body[at:end].strip(), end
