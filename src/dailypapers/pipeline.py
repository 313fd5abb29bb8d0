"""The library entry points the CLI wraps: a test does in three lines what the CLI does."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .config import load_config
from .models import Config
from .outputs import Snapshot
from .outputs import bibtex as bibtex_output
from .outputs import feeds as feeds_output
from .outputs import readme as readme_output
from .outputs import site as site_output
from .update import Progress, UpdateReport, load_snapshot, run_update

if TYPE_CHECKING:
    import httpx

    from .source import RetryPolicy

__all__ = ["Paths", "load_config", "render", "update"]


@dataclass(frozen=True)
class Paths:
    """Where a tracker lives; the defaults are the repository layout."""

    config: Path = Path("keywords.yaml")
    data: Path = Path("data")
    readme: Path = Path("README.md")
    site: Path = Path("site")


def api_url_from_env() -> str:
    from .source import DEFAULT_API_URL

    return os.environ.get("DAILYPAPERS_API_URL") or DEFAULT_API_URL


def write_outputs(snapshot: Snapshot, paths: Paths) -> list[Path]:
    changed = readme_output.write(snapshot, paths.readme)
    for output in (feeds_output, bibtex_output, site_output):
        changed += output.write(snapshot, paths.site)
    return changed


def render(config: Config, paths: Paths) -> list[Path]:
    """Store → every output, without the network. Returns the files that changed."""
    return write_outputs(load_snapshot(config, paths.data), paths)


def update(
    config: Config,
    paths: Paths,
    *,
    api_url: str | None = None,
    delay: float | None = None,
    policy: RetryPolicy | None = None,
    timeout: float = 30.0,
    transport: httpx.BaseTransport | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    today: str | None = None,
    progress: Progress | None = None,
    only: set[str] | None = None,
) -> UpdateReport:
    """Fetch, save and render; ``delay`` defaults to arXiv's 3 s between requests.

    The HTTP client and the Atom parser are imported here, not at module level: ``render``
    never needs them and they are a large share of its start-up.
    """
    from .source import DEFAULT_DELAY, ArxivClient

    with ArxivClient(
        api_url or api_url_from_env(),
        delay=DEFAULT_DELAY if delay is None else delay,
        policy=policy,
        timeout=timeout,
        transport=transport,
        clock=clock,
        sleep=sleep,
    ) as client:
        return run_update(
            config,
            client,
            data_dir=paths.data,
            render=lambda snapshot: write_outputs(snapshot, paths),
            today=today,
            progress=progress,
            only=only,
        )
