"""Every escape the project does, in one place, so no output can forget one.

Text from arXiv is untrusted. Each output format gets one function here; templates call them as
filters and never escape on their own.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_HTML_RE = re.compile(r"[&<>]")
# A backslash right before something we escape (or at the end of a cell) would swallow the
# escape in GitHub's Markdown; writing it as an entity keeps both the backslash and the escape.
_LONELY_BACKSLASH = re.compile(r"\\(?=[|&]|$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

COMMENT_INLINE_MAX = 20
COMMENT_SUMMARY_CHARS = 5


def fold(text: str) -> str:
    """Collapse runs of whitespace (arXiv hard-wraps titles and abstracts) and drop controls."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def md_cell(text: str) -> str:
    """Make text safe inside a GitHub table cell and inside the HTML the cells carry.

    Ordinary text comes out unchanged; only ``| & < >`` (and a backslash that would eat one of
    those escapes) change, so rows stay byte-identical to the established format.
    """
    text = _HTML_RE.sub(lambda m: _HTML[m.group()], fold(text))
    text = _LONELY_BACKSLASH.sub("&#92;", text)
    return text.replace("|", "\\|")


def md_comment(text: str) -> str:
    """The Comment cell: short comments inline, long ones collapsed behind their first letters."""
    text = fold(text)
    if len(text) <= COMMENT_INLINE_MAX:
        return md_cell(text)
    head = md_cell(text[:COMMENT_SUMMARY_CHARS])
    return f"<details><summary>{head}...</summary><p>{md_cell(text)}</p></details>"


def md_abstract(text: str) -> str:
    return f"<details><summary>Show</summary><p>{md_cell(text)}</p></details>"


def slugify(name: str) -> str:
    """File-name-safe identity of a keyword: lowercase ASCII words joined by ``-``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))


def md_anchor(name: str) -> str:
    """The fragment GitHub gives a ``## name`` heading, for links to a README section."""
    lowered = name.strip().lower()
    kept = "".join(ch for ch in lowered if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def html(text: str) -> str:
    """Text for HTML element content and quoted attributes."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def gha_message(text: str) -> str:
    """The message of a GitHub Actions workflow command (``::error::message``).

    A newline in arXiv's error text would end the command and let the rest of the line be read
    as a new one; the runner decodes these percent escapes back.
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def gha_property(text: str) -> str:
    """A property value of a workflow command (``::error title=value::``)."""
    return gha_message(text).replace(":", "%3A").replace(",", "%2C")
