"""Stage 5, the outputs: everything written from the store, each behind one interface.

``OUTPUTS`` (in ``writer``) is the one list of them, in the order they are written. The names
below are imported on first use: a process that needs only a leaf (``escape``, to print a line)
does not load Jinja and every output with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .interface import Destinations, Output, Pass, RenderJob, RenderReport, Visit
    from .writer import OUTPUTS, Render, write_all

__all__ = [
    "OUTPUTS",
    "Destinations",
    "Output",
    "Pass",
    "Render",
    "RenderJob",
    "RenderReport",
    "Visit",
    "write_all",
]


def __getattr__(name: str) -> Any:
    if name in ("OUTPUTS", "Render", "write_all"):
        from . import writer

        return getattr(writer, name)
    if name in __all__:
        from . import interface

        return getattr(interface, name)
    raise AttributeError(f"module 'dailypapers.outputs' has no attribute {name!r}")
