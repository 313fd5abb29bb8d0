"""Code and project-page links that authors write into abstracts and comments.

Nothing here is stored: the links are read from the paper's text each time it is rendered, so
a better rule reaches every paper already in the store. Every link is a plain ``http(s)`` URL
made only of characters that need no escaping in a Markdown table cell, so no output has to
trust what an author typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ..fetch import Paper

LinkKind = Literal["code", "page"]

# Hosts whose pages are source code, models or data an author publishes with the paper.
_CODE_HOSTS = {
    "github.com": "GitHub",
    "gist.github.com": "GitHub",
    "gitlab.com": "GitLab",
    "bitbucket.org": "Bitbucket",
    "codeberg.org": "Codeberg",
    "huggingface.co": "Hugging Face",
    "hf.co": "Hugging Face",
    "anonymous.4open.science": "code",
}
# References to publications, not to the paper's own code or page.
_NOT_PROJECT_HOSTS = frozenset(
    {
        "arxiv.org",
        "export.arxiv.org",
        "doi.org",
        "dx.doi.org",
        "openreview.net",
        "ieeexplore.ieee.org",
        "aclanthology.org",
        "dl.acm.org",
        "link.springer.com",
        "creativecommons.org",
    }
)
# Only URL characters that mean nothing in Markdown tables, HTML attributes or XML; a quote,
# bracket, brace, pipe, backslash or non-ASCII letter ends the link (LaTeX ``\url{...}``).
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#@!$&()*+,;=%]"
_URL = re.compile(
    r"(?:https?://|(?<![\w@./:-])(?=(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co)/))"
    + _URL_CHARS
    + "+",
    re.IGNORECASE,
)
_TAIL = re.compile(_URL_CHARS + "+")
_SCHEME_LESS_HOSTS = ("github.com/", "gitlab.com/", "huggingface.co/")
_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_TRAILING = ".,;:!?*'"
_GITHUB_THREAD = re.compile(
    r"(/[^/?#]+/[^/?#]+)/(?:issues|pull|pulls|discussions)(?:[/?#]|$)", re.I
)
MAX_LINKS = 4


@dataclass(frozen=True, slots=True)
class CodeLink:
    """One link: ``kind`` tells a code host from a project page; ``label`` is what it shows."""

    url: str
    kind: LinkKind
    label: str


def _trim(url: str) -> str:
    """Drop sentence punctuation after a URL, and a closing bracket that opened before it."""
    while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count(")") > url.count("("))):
        url = url[:-1]
    return url


def _classify(url: str) -> CodeLink | None:
    if "://" not in url:
        url = "https://" + url
    scheme, _, rest = url.partition("://")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    path = rest[len(authority) :]
    host = authority.lower()
    if ":" in host:
        host, _, port = host.partition(":")
        if not port.isdigit():
            return None
    if "@" in authority or not _HOST.match(host):
        return None
    bare = host.removeprefix("www.")
    if bare in _NOT_PROJECT_HOSTS or bare.endswith(".arxiv.org"):
        return None
    label = _CODE_HOSTS.get(bare)
    if label is None and (bare.startswith(("gitlab.", "git.")) and path.strip("/")):
        label = "code"
    if label is not None:
        if not path.strip("/"):
            return None  # a bare "github.com" points at no one's code
        if bare == "github.com" and (thread := _GITHUB_THREAD.match(path)):
            # A link to an issue or pull request would show in that thread as a reference from
            # the day's issue; the repository it belongs to is the code.
            path = thread.group(1)
        return CodeLink(url=f"{scheme.lower()}://{authority}{path}", kind="code", label=label)
    return CodeLink(url=f"{scheme.lower()}://{authority}{path}", kind="page", label="page")


def find_links(*texts: str) -> tuple[CodeLink, ...]:
    """The distinct links in ``texts``, code hosts first, at most ``MAX_LINKS``."""
    return _find(texts)


def _candidates(text: str) -> list[str]:
    """What ``_URL`` finds, found with ``str.find``, which skips the text between links instead
    of trying the pattern's alternatives at every character. Text that lowercasing could
    lengthen (some non-ASCII letters) goes through the pattern itself."""
    if not text.isascii():
        return [m.group() for m in _URL.finditer(text)]
    low = text.lower()
    starts: list[tuple[int, int]] = []  # where a link starts, and where it must go beyond
    at = low.find("://")
    while at >= 0:
        if low.endswith("https", 0, at):
            starts.append((at - 5, at + 3))
        elif low.endswith("http", 0, at):
            starts.append((at - 4, at + 3))
        at = low.find("://", at + 3)
    for host in _SCHEME_LESS_HOSTS:
        at = low.find(host)
        while at >= 0:
            start = at - 4 if low.endswith("www.", 0, at) else at
            before = low[start - 1] if start else " "
            if not (before.isalnum() or before in "_@./:-"):
                starts.append((start, start))
            at = low.find(host, at + 1)
    found: list[str] = []
    end = 0
    for start, beyond in sorted(starts):
        if start < end:
            continue
        match = _TAIL.match(text, start)
        if match and match.end() > beyond:
            found.append(match.group())
            end = match.end()
    return found


def _may_link(text: str) -> bool:
    """A cheap test that most abstracts fail: the regex runs only where a link can be.

    Every link ``_URL`` finds holds a slash, and a scan for one character is the fastest there is.
    """
    return "/" in text and (
        "://" in text or "ithub.com" in text or "itlab.com" in text or "uggingface.co" in text
    )


# Every output asks for the same papers' links (README, feeds, page, issue) while the render is at
# their keyword; a paper's texts are the store's own string objects, whose hashes Python keeps, so
# a hit costs a dict look-up. Small: the cache keeps the texts alive, and a render goes through
# 50,000 papers one keyword at a time.
@lru_cache(maxsize=1024)
def _find(texts: tuple[str, ...]) -> tuple[CodeLink, ...]:
    found: dict[str, CodeLink] = {}
    for text in texts:
        if not _may_link(text):
            continue
        for candidate in _candidates(text):
            link = _classify(_trim(candidate))
            if link is not None:
                found.setdefault(link.url.rstrip("/").lower(), link)
    if not found:
        return ()
    ordered = sorted(found.values(), key=lambda link: link.kind != "code")
    return tuple(ordered[:MAX_LINKS])


def paper_links(paper: Paper) -> tuple[CodeLink, ...]:
    """The links of a paper's comment and abstract."""
    # Most papers have none, and knowing that costs less than the cache's look-up.
    if not (_may_link(paper.comment) or _may_link(paper.abstract)):
        return ()
    return _find((paper.comment, paper.abstract))
