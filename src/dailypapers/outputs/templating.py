"""The Jinja environments: one per output format, each escaping every value by construction.

A template never chooses whether to escape. Every ``{{ value }}`` passes through the format's
``finalize``: text that a filter already made safe for that format (a ``Safe``) is written as
it is, anything else is escaped with the format's escaper. Forgetting a filter therefore gives
escaped text, never markup from arXiv.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..fetch import Paper
from . import escape
from .escape import Safe

if TYPE_CHECKING:
    import jinja2


def templates_dir() -> Path:
    installed = Path(__file__).resolve().parent.parent / "templates"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "templates"


def _finalizer(escaper: Callable[[str], str]) -> Callable[[object], str]:
    def finalize(value: object) -> str:
        if type(value) is Safe:
            return value
        return escaper(value if type(value) is str else str(value))

    return finalize


# The format of a template is the last suffix before ``.j2``. The xml rule is the same in one
# call: the feed entries write 600,000 values at 500 keywords.
_FINALIZERS: dict[str, Callable[[object], str]] = {
    "md": _finalizer(escape.md_text),
    "html": _finalizer(escape.html),
    "xml": escape.xml_finalize,
}


@cache
def environment(fmt: str) -> jinja2.Environment:
    """The environment for templates of format ``fmt`` (``md``, ``html`` or ``xml``)."""
    # Helpers of single outputs are filters: Jinja calls a filter directly, while a function
    # passed in the context goes through Context.call, which cost a third of a large render.
    # Jinja is imported here, on a process's first template: `confirm`, `health` with nothing
    # to report and every line the CLI prints need none, and it is a sixth of their start-up.
    import jinja2

    from . import atom, links

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        autoescape=False,
        finalize=_FINALIZERS[fmt],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        md_cell=escape.md_cell,
        md_link_text=escape.md_link_text,
        md_comment=escape.md_comment,
        md_abstract=escape.md_abstract,
        md_url=escape.md_url,
        issue_cell=escape.issue_cell,
        issue_heading=escape.issue_heading,
        issue_link_text=escape.issue_link_text,
        issue_comment=escape.issue_comment,
        code_links=links.paper_links,
        html=escape.html,
        xml_text=escape.xml_text,
        script_hash=escape.script_hash,
        atom_stamp=atom.stamp,
        atom_entry_id=atom.entry_id,
        atom_updated=atom.entry_updated,
        paper_link=Paper.link,
        paper_day=Paper.day,
    )
    return env


def template(name: str) -> jinja2.Template:
    """``readme.md.j2`` → the md environment's template of that name."""
    fmt = name.removesuffix(".j2").rsplit(".", 1)[-1]
    return environment(fmt).get_template(name)
