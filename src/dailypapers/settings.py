"""Every setting that does not come from keywords.yaml: read from the environment once, here.

Defaults are written only in this module; the CLI reads ``Settings.from_env()`` and hands the
object down, so the library and the tests can build one directly instead.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import SettingsError

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
DEFAULT_DELAY = 3.0
DEFAULT_RETRIES = 4
DEFAULT_BACKOFF = 5.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_PAPERS = 100
MAX_PAPERS_LIMIT = 2000
DEFAULT_READ_FIRST = 5
MAX_READ_FIRST = 50
MAX_REFERENCES = 1000
MAX_URL_LENGTH = 2000


@dataclass(frozen=True)
class Settings:
    """How to talk to arXiv; see the README's table of environment variables."""

    api_url: str = DEFAULT_API_URL
    """The ``/api/query`` endpoint (a mirror, or a local test server)."""
    delay: float = DEFAULT_DELAY
    """Seconds from the end of one answer to the next request; arXiv asks for at least 3."""
    retries: int = DEFAULT_RETRIES
    """Retries of a failed request before the keyword counts as failed."""
    backoff: float = DEFAULT_BACKOFF
    """Seconds before the first retry, doubled for each further one."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds one whole answer may take."""
    repository: str = ""
    """``owner/name`` on GitHub (``GITHUB_REPOSITORY``), named in the User-Agent."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``DAILYPAPERS_*``; a bad value is a SettingsError (exit 2) naming the variable."""
        env = os.environ if environ is None else environ
        return cls(
            api_url=_url(env, "DAILYPAPERS_API_URL", DEFAULT_API_URL),
            delay=_number(env, "DAILYPAPERS_DELAY", DEFAULT_DELAY, low=0, high=600),
            retries=_whole(env, "DAILYPAPERS_RETRIES", DEFAULT_RETRIES, low=0, high=10),
            backoff=_number(env, "DAILYPAPERS_BACKOFF", DEFAULT_BACKOFF, low=0, high=600),
            timeout=_number(env, "DAILYPAPERS_TIMEOUT", DEFAULT_TIMEOUT, low=0.1, high=600),
            repository=env.get("GITHUB_REPOSITORY", ""),
        )


GITHUB_VARIABLES = ("GITHUB_ACTIONS", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_REF_NAME")
"""What GitHub Actions sets that the outputs link with and the CLI looks at."""


def github_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of ``GITHUB_VARIABLES`` that are set: all a run needs of Actions."""
    env = os.environ if environ is None else environ
    return {name: env[name] for name in GITHUB_VARIABLES if name in env}


def terminal_columns(environ: Mapping[str, str] | None = None) -> int | None:
    """``COLUMNS`` when it holds a width, as shells and Python read it: what a live line must
    fit before the terminal's own width is asked."""
    env = os.environ if environ is None else environ
    with contextlib.suppress(ValueError):
        columns = int(env.get("COLUMNS", ""))
        if columns > 0:
            return columns
    return None


def _shown(raw: str) -> str:
    """The value as a one-line message quotes it: escaped, and cut if it is long."""
    return repr(raw) if len(raw) <= 80 else repr(raw[:77]) + "..."


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise SettingsError(f"{name}={_shown(raw)}: must be a number from {low:g} to {high:g}")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    value = _number(env, name, default, low=low, high=high)
    if value != int(value):
        raise SettingsError(
            f"{name}={_shown(env[name].strip())}: must be a whole number from {low} to {high}"
        )
    return int(value)


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_USERINFO = re.compile(r"//[^/?#]*@")


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    """The API endpoint, refused unless the HTTP client will send exactly what it says.

    A query string would be replaced by the client's own parameters, and a user name or password
    would be printed in every error message and log line that names the URL.
    """
    raw = env.get(name, "").strip()
    if not raw:
        return default
    problem = _url_problem(raw)
    if problem:
        raise SettingsError(f"{name}={_shown(_USERINFO.sub('//***@', raw))}: {problem}")
    return raw


def _url_problem(raw: str) -> str:
    if len(raw) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if not raw.isprintable() or any(ch.isspace() for ch in raw):
        return "not a URL (it holds spaces or control characters)"
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "must be an http(s) URL with a host"
    if parts.username is not None or parts.password is not None:
        return "must not hold a user name or password (error messages and logs show the URL)"
    if parts.query or parts.fragment or raw.endswith(("?", "#")):
        return "must not have a query (?...) or fragment (#...): dailypapers adds the query"
    if _BAD_ESCAPE.search(raw):
        return "not a URL (a % that is not followed by two hex digits)"
    import httpx  # only when a URL was given: the commands that never fetch skip its import

    try:
        httpx.URL(raw)
    except httpx.InvalidURL as exc:
        return f"not a URL ({exc})"
    return ""
