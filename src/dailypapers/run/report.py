"""What a run found, per keyword: the one record the console, the job summary and the issue
body are written from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import Keyword
from ..fetch import Paper


@dataclass
class KeywordReport:
    keyword: Keyword
    new: list[Paper] = field(default_factory=list)
    """Papers whose id this keyword had not stored before this run."""
    revised: list[Paper] = field(default_factory=list)
    """Stored papers that arrived in a newer version."""
    kept: int = 0
    """Papers in the store after the run."""
    fetched: int = 0
    """Entries received from arXiv."""
    requests: int = 0
    """Pages asked for."""
    error: str | None = None
    """Why the keyword failed; None when it succeeded."""
    error_kind: str | None = None
    """A short class of the failure (``timeout``, ``http 503``, ``rejected`` ...)."""
    unsorted: bool = False
    """arXiv ignored the requested order."""
    failures: int = 0
    """Runs in a row this keyword has failed, this one included."""
    unaccounted: int = 0
    """Newly matching papers arXiv counted that never arrived."""
    repeated: int = 0
    """Entries arXiv sent more than once (counted once)."""
    gave_up: bool = False
    """The keyword failed after every retry (arXiv down, unreachable or rate-limiting), as
    opposed to arXiv rejecting its query."""
    first_fill: bool = False
    """This run filled an empty keyword that had never been fetched: its papers are history,
    stored as announced, and the issue says the keyword is now tracked instead of listing them."""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class UpdateReport:
    today: str
    """The run's day in the configured time zone (``YYYY-MM-DD``)."""
    keywords: list[KeywordReport]
    """One report per keyword the run was asked to update, in keywords.yaml order."""
    written: list[Path] = field(default_factory=list)
    """Files whose bytes changed."""

    @property
    def failed(self) -> list[KeywordReport]:
        return [k for k in self.keywords if not k.ok]

    @property
    def new_count(self) -> int:
        return sum(len(k.new) for k in self.keywords)


class Progress:
    """Hooks the CLI fills in; the library itself prints nothing."""

    def keyword_started(self, keyword: Keyword) -> None: ...

    def page(self, keyword: Keyword, received: int, expected: int) -> None: ...

    def keyword_done(self, report: KeywordReport) -> None: ...
