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
    total: int | None = None
    """How many papers arXiv counts for the keyword's query in all; None when not asked."""
    first_fill: bool = False
    """This run filled an empty keyword that had never been fetched: its papers are history,
    stored as announced, and the issue says the keyword is now tracked instead of listing them."""

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def matches_nothing(self) -> bool:
        """arXiv counts no paper at all for the query: a typo, not a quiet day."""
        return self.ok and self.total == 0


def no_match_hint(keyword: Keyword) -> str:
    """What to tell someone whose keyword matches no paper: a misspelling is the usual cause,
    and a phrase holding a comma is most often a list written without brackets."""
    text = "arXiv counts no paper matching this keyword at all: check the spelling"
    return text + comma_hint(keyword.phrases)


def comma_hint(phrases: tuple[str, ...] | list[str]) -> str:
    """A note for a phrase holding a comma, or ''."""
    for phrase in phrases:
        if "," in phrase:
            parts = ", ".join(p.strip() for p in phrase.split(",") if p.strip())
            return (
                f"; the phrase '{phrase}' holds a comma, so it is searched as one phrase: "
                f"for several phrases write a list, phrases: [{parts}]"
            )
    return ""


@dataclass
class UpdateReport:
    today: str
    """The run's day in the configured time zone (``YYYY-MM-DD``)."""
    keywords: list[KeywordReport]
    """One report per keyword the run was asked to update, in keywords.yaml order."""
    written: list[Path] = field(default_factory=list)
    """Files whose bytes changed."""
    warnings: list[str] = field(default_factory=list)
    """What a person should know that is not one keyword's (references arXiv does not know,
    or could not be fetched)."""

    @property
    def failed(self) -> list[KeywordReport]:
        return [k for k in self.keywords if not k.ok]

    @property
    def new_count(self) -> int:
        """New papers counted per keyword: a paper new for two keywords counts twice."""
        return sum(len(k.new) for k in self.keywords)

    @property
    def distinct_new(self) -> int:
        """New papers counted once each, as the day's issue counts them."""
        return len({p.id for k in self.keywords for p in k.new})


class Progress:
    """Hooks the CLI fills in; the library itself prints nothing."""

    def keyword_started(self, keyword: Keyword) -> None: ...

    def page(self, keyword: Keyword, received: int, expected: int) -> None: ...

    def keyword_done(self, report: KeywordReport) -> None: ...
