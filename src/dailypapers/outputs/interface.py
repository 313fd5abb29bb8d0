"""Everything written from the store goes through here: one snapshot in, files out.

Each output module exposes ``write(snapshot, root) -> list[Path]`` returning the files whose bytes
changed. Templates hold presentation; the filters they may use (all escaping) come from
``dailypapers.text`` and are registered once, below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from .. import text
from ..files import write_atomic
from ..models import Config, Paper, Topic
from ..store import TopicStore, order_key


@dataclass(frozen=True)
class Section:
    topic: Topic
    store: TopicStore

    @property
    def papers(self) -> list[Paper]:
        return self.store.papers


@dataclass(frozen=True)
class Snapshot:
    """The whole store as of one moment, in keywords.yaml order."""

    config: Config
    sections: tuple[Section, ...]

    @property
    def last_update(self) -> str:
        return max((s.store.last_success for s in self.sections), default="")

    def all_papers(self) -> list[Paper]:
        """Every stored paper once, newest first: a paper can match several keywords."""
        by_id: dict[str, Paper] = {}
        for section in self.sections:
            for paper in section.papers:
                known = by_id.get(paper.id)
                if known is None or paper.version > known.version:
                    by_id[paper.id] = paper
        return sorted(by_id.values(), key=order_key(self.config.sort), reverse=True)


ALL = "all"


def file_stem(slug: str) -> str:
    """A keyword's file name in site/feeds and site/bib, never the combined ``all`` file's.

    Slugs never contain ``_``, so the renamed one cannot meet another keyword's.
    """
    return "all_keyword" if slug == ALL else slug


def write_folder(
    folder: Path, suffix: str, files: Iterable[tuple[str, Iterable[str]]]
) -> list[Path]:
    """Write each ``(stem, chunks)`` and delete the folder's other ``*suffix`` files.

    Files of keywords removed from keywords.yaml would otherwise stay published. Returns the
    written files whose bytes changed and the deleted ones. They are written without fsync:
    one per keyword made fsync most of a fresh render's time, and the store regenerates them.
    """
    changed: list[Path] = []
    keep: set[str] = set()
    for stem, chunks in files:
        path = folder / f"{stem}{suffix}"
        keep.add(path.name)
        if write_atomic(path, chunks, durable=False):
            changed.append(path)
    for stale in sorted(folder.glob(f"*{suffix}")):
        if stale.name not in keep:
            stale.unlink()
            changed.append(stale)
    return changed


def templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "templates"


@cache
def environment() -> jinja2.Environment:
    # Helpers of single outputs are filters too: Jinja calls a filter directly, while a function
    # passed in the context goes through Context.call, which cost a third of a large render.
    from . import bibtex, feeds

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        md_cell=text.md_cell,
        md_link_text=text.md_link_text,
        md_comment=text.md_comment,
        md_abstract=text.md_abstract,
        md_anchor=text.md_anchor,
        html=text.html,
        xml_text=text.xml_text,
        bibtex_field=text.bibtex_field,
        bibtex_names=text.bibtex_names,
        bibtex_verbatim=text.bibtex_verbatim,
        script_hash=text.script_hash,
        atom_stamp=feeds.stamp,
        atom_entry_id=feeds.entry_id,
        atom_updated=feeds.entry_updated,
        bib_key=bibtex.citation_key,
        bib_year=bibtex.year,
        bib_url=bibtex.url,
        paper_link=Paper.link,
        paper_day=Paper.day,
    )
    return env
