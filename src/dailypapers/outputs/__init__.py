"""Stage 5, the outputs: everything written from the store, each behind one interface.

``OUTPUTS`` is the one list of them, in the order they are written.
"""

from __future__ import annotations

from pathlib import Path

from ..fileio import Staging
from .digest import OUTPUT as DIGEST
from .health import OUTPUT as HEALTH
from .interface import Destinations, Output, Pass, RenderJob, Visit
from .readme import OUTPUT as README
from .sitefiles import OUTPUT as SITE
from .summary import OUTPUT as SUMMARY

OUTPUTS: tuple[Output, ...] = (README, SITE, DIGEST, SUMMARY, HEALTH)


def write_all(job: RenderJob, outputs: tuple[Output, ...] = OUTPUTS) -> list[Path]:
    """Write every output of ``job`` in one pass over the keywords; returns the files that
    changed. Files staged during the pass land only if every keyword went through."""
    passes = [output.start(job) for output in outputs]
    with Staging() as staging:
        for entry in job.snapshot.entries:
            visit = Visit(entry)
            for each in passes:
                each.keyword(visit, staging)
        changed = staging.commit()
    for each in passes:
        changed += each.finish()
    return changed


__all__ = ["OUTPUTS", "Destinations", "Output", "Pass", "RenderJob", "Visit", "write_all"]
