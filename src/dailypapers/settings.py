"""Every setting that does not come from keywords.yaml: read from the environment once, here.

Defaults are written only in this module; the CLI reads ``Settings.from_env()`` and hands the
object down, so the library and the tests can build one directly instead.
"""

from __future__ import annotations

import os
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

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``DAILYPAPERS_*``; a bad value is a SettingsError (exit 2) naming the variable."""
        env = os.environ if environ is None else environ
        return cls(
            api_url=_url(env, "DAILYPAPERS_API_URL", DEFAULT_API_URL),
            delay=_number(env, "DAILYPAPERS_DELAY", DEFAULT_DELAY, low=0, high=600),
            retries=int(_number(env, "DAILYPAPERS_RETRIES", DEFAULT_RETRIES, low=0, high=10)),
            backoff=_number(env, "DAILYPAPERS_BACKOFF", DEFAULT_BACKOFF, low=0, high=600),
            timeout=_number(env, "DAILYPAPERS_TIMEOUT", DEFAULT_TIMEOUT, low=0.1, high=600),
        )


def _number(env: Mapping[str, str], name: str, default: float, *, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise SettingsError(f"{name}={raw!r}: must be a number from {low:g} to {high:g}")
    return value


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise SettingsError(f"{name}={raw!r}: not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name}={raw!r}: must be an http(s) URL with a host")
    return raw
