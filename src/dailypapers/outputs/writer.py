"""``OUTPUTS``, the one list of the outputs in the order they are written, and ``Render`` and
``write_all``, which drive them all through one pass over the keywords."""

from __future__ import annotations

from ..config import Config
from ..fileio import Staging
from .digest import OUTPUT as DIGEST
from .health import OUTPUT as HEALTH
from .interface import Begun, Destinations, Output, Pass, RenderJob, RenderReport, Visit
from .key import keyword_key, taken_names
from .readme import OUTPUT as README
from .site import OUTPUT as SITE
from .summary import OUTPUT as SUMMARY

OUTPUTS: tuple[Output, ...] = (README, SITE, DIGEST, SUMMARY, HEALTH)


class Render:
    """Every output begun before the store is loaded (``Output.begin``), then written by
    ``write`` once it is; ``with`` lets go of what they began (threads, open files, a worker
    process) if the store cannot be loaded or the render stops."""

    def __init__(
        self, config: Config, to: Destinations, outputs: tuple[Output, ...] = OUTPUTS
    ) -> None:
        self.begun: list[Begun] = []
        try:
            for output in outputs:
                self.begun.append(output.begin(config, to))
        except BaseException:
            self.close()
            raise
        self.started = False

    def __enter__(self) -> Render:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if not self.started or kind is not None:
            self.close()

    def close(self) -> None:
        for begun in self.begun:
            begun.close()

    def write(self, job: RenderJob) -> RenderReport:
        """Write every output of ``job`` (the configuration and destinations begun with) in one
        pass over the keywords; see ``write_all``."""
        self.started = True
        return _write(job, [begun.start(job) for begun in self.begun])


def write_all(job: RenderJob, outputs: tuple[Output, ...] = OUTPUTS) -> RenderReport:
    """Write every output of ``job`` in one pass over the keywords; reports what it wrote,
    removed, rendered and reused. Files staged during the pass land only if every keyword went
    through."""
    with Render(job.snapshot.config, job.to, outputs) as render:
        return render.write(job)


def _write(job: RenderJob, passes: list[Pass]) -> RenderReport:
    report = RenderReport()
    config, readme = job.snapshot.config, job.to.readme.name
    taken = taken_names(config)
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
