"""Stage 5, the outputs: everything written from the store, each behind one interface.

``OUTPUTS`` is the one list of them, in the order they are written.
"""

from __future__ import annotations

from pathlib import Path

from .digest import OUTPUT as DIGEST
from .health import OUTPUT as HEALTH
from .interface import Destinations, Output, RenderJob
from .readme import OUTPUT as README
from .sitefiles import OUTPUT as SITE
from .summary import OUTPUT as SUMMARY

OUTPUTS: tuple[Output, ...] = (README, SITE, DIGEST, SUMMARY, HEALTH)


def write_all(job: RenderJob, outputs: tuple[Output, ...] = OUTPUTS) -> list[Path]:
    """Write every output of ``job``; returns the files that changed."""
    changed: list[Path] = []
    for output in outputs:
        changed += output.write(job)
    return changed


__all__ = ["OUTPUTS", "Destinations", "Output", "RenderJob", "write_all"]
