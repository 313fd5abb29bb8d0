"""The one key per keyword that says whether its files in ``papers/`` and ``site/`` may stay.

It is computed from content alone: the keyword's papers as stored (their bytes' digest, see
``store.load_snapshot``), the settings that reach its table or site files, and the renderer's
version. Nothing else of keywords.yaml is in it, so a one-line edit there (``timezone:``, a
keyword added) changes the key of no keyword whose files it does not change.
"""

from __future__ import annotations

import hashlib
import sys
import unicodedata
from bisect import bisect_left
from functools import cache
from pathlib import Path

from ..config import Config, Keyword
from .templating import templates_dir


@cache
def renderer_id() -> str:
    """Changes whenever a template or the code that renders changes."""
    digest = hashlib.sha1(usedforsecurity=False)
    here = Path(__file__).resolve().parent
    package = here.parent
    sources = [*sorted(here.glob("*.py")), package / "text.py", package / "fetch" / "interface.py"]
    for path in [*sources, *sorted(templates_dir().glob("*.j2"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    # What Python itself adds to the output: its Unicode tables (escaping, folding), not its
    # build date, which would rewrite every committed table on a new runner.
    digest.update(f"{sys.version_info[:2]} {unicodedata.unidata_version}".encode())
    return digest.hexdigest()


def taken_names(config: Config) -> dict[str, str]:
    """For each slug, the other slugs that start with it and ``-`` (``world-model-2`` for
    ``world-model``): they decide its part names (see ``tables.part_names``)."""
    slugs = sorted({k.slug for k in config.keywords})
    # Every text that starts with "<slug>-" sorts from "<slug>-" up to "<slug>." ("." follows "-").
    return {s: " ".join(slugs[bisect_left(slugs, f"{s}-") : bisect_left(slugs, f"{s}.")])
            for s in slugs}  # fmt: skip


def keyword_key(config: Config, keyword: Keyword, papers: str, readme: str, taken: str) -> str:
    """The key of one keyword's outputs; ``papers`` is its ``papers_fingerprint``, ``taken``
    its ``taken_names``.

    What reaches its table: the title link, the date shown, the code column, the README's name
    (the table links back to it) and the slugs that would take one of its part names. What
    reaches its site files: its name, its slug and the date order.
    """
    fields = (renderer_id(), config.sort, config.link, str(config.code_column), readme)
    text = "\0".join((*fields, keyword.name, keyword.slug, taken, papers))
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()
