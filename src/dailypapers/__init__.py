"""dailypapers: a daily arXiv keyword tracker.

The library API is ``load_config``, ``update``, ``render`` and ``Paths`` (see ``pipeline``);
they are imported on first use so that ``dailypapers --help`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:
    from .pipeline import Paths, load_config, render, update
    from .settings import Settings

__all__ = ["Paths", "Settings", "__version__", "load_config", "render", "update"]


def __getattr__(name: str) -> Any:
    if name == "Settings":
        from .settings import Settings

        return Settings
    if name in ("Paths", "load_config", "render", "update"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'dailypapers' has no attribute {name!r}")
