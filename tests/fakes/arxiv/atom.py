"""The fake arXiv's answers as Atom, shaped like export.arxiv.org's."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import datetime, timezone
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from .records import FakePaper, _fmt_time

# Atom output

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
