"""``OUTPUTS``, the one list of the outputs in the order they are written, and ``write_all``,
which drives them all through one pass over the keywords."""

from __future__ import annotations

from ..fileio import Staging
from .digest import OUTPUT as DIGEST
from .health import OUTPUT as HEALTH
from .interface import Output, RenderJob, RenderReport, Visit
from .key import keyword_key, taken_names
from .readme import OUTPUT as README
from .site import OUTPUT as SITE
from .summary import OUTPUT as SUMMARY

OUTPUTS: tuple[Output, ...] = (README, SITE, DIGEST, SUMMARY, HEALTH)


def write_all(job: RenderJob, outputs: tuple[Output, ...] = OUTPUTS) -> RenderReport:
    """Write every output of ``job`` in one pass over the keywords; reports what it wrote,
    removed, rendered and reused. Files staged during the pass land only if every keyword went
    through."""
    report = RenderReport()
    config, readme = job.snapshot.config, job.to.readme.name
    taken = taken_names(config)
    passes = [output.start(job) for output in outputs]
    with Staging() as staging:
        for entry in job.snapshot.entries:
            slug = entry.keyword.slug
            key = keyword_key(config, entry.keyword, entry.papers_fingerprint, readme, taken[slug])
            visit = Visit(entry, key, report)
            for each in passes:
                each.keyword(visit, staging)
        changed = staging.commit()
    for each in passes:
        changed += each.finish()
    for path in changed:
        (report.written if path.exists() else report.removed).append(path)
    return report
