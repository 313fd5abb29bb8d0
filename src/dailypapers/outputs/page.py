"""The static web page: a small shell, the papers as JSON inside it, and a script that shows them.

Everything the page needs is inline (no CDN, no request), so it works from ``file://`` as well
as from GitHub Pages; a Content-Security-Policy admits only the page's own script. The papers
travel as one ``<script type="application/json">`` element, which the browser parses and never
runs; the script (templates/page.js) builds only the rows near the screen, so 50,000 papers
open in seconds rather than the half minute 50,000 rows of HTML took. ``site`` writes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from ..config import Keyword
from ..fetch import ARXIV_BASE
from .escape import Safe, script_json
from .fragments import Fragment
from .interface import file_stem
from .templating import template, templates_dir

PAGE = "index.html"
# Keyword names reach the shell HTML-escaped, so this text (with its "<") never occurs there.
_DATA = "<dailypapers-data>"


@cache
def script() -> Safe:
    """The page's own script: ours, not arXiv's, so it goes into the page unescaped."""
    return Safe((templates_dir() / "page.js").read_text(encoding="utf-8"))


def shell(
    keywords: Sequence[Keyword], last_update: str, total: int, ranked: bool = False
) -> tuple[str, str]:
    """The page around its data: the text before the JSON and after it; ``ranked`` offers
    the order by closeness to the group's references."""
    text = template("index.html.j2").render(
        ranked=ranked,
        keywords=keywords,
        last_update=last_update,
        total=total,
        stem=file_stem,
        script=script(),
        data=Safe(_DATA),
    )
    head, tail = text.split(_DATA, 1)
    return head, tail


def data_head(last_update: str) -> str:
    """The JSON data up to its list of keywords, each then added by ``keyword_data``."""
    return script_json({"base": ARXIV_BASE, "last": last_update})[:-1] + ',"keywords":['


def data_tail(scores: Mapping[str, Sequence[float]] | None = None) -> str:
    """The end of the data; with ranking, each keyword's scores in its papers' order."""
    if scores is None:
        return "]}"
    return '],"scores":' + script_json(dict(scores)) + "}"


def keyword_data(keyword: Keyword, fragments: Sequence[Fragment]) -> str:
    """One keyword's object in the data; the page's script reads its papers positionally."""
    head = {"name": keyword.name, "slug": keyword.slug, "stem": file_stem(keyword.slug)}
    records = ",".join(f.record for f in fragments)
    return script_json(head)[:-1] + ',"papers":[' + records + "]}"
