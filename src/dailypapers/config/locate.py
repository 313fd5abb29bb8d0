"""Where keywords.yaml is when a command runs from a subfolder: the nearest folder above that
holds one, looking no further than the repository root (the folder holding ``.git``), as git
finds its own folder."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError


def find_root(name: str, start: Path) -> Path:
    """The folder holding ``name``: ``start`` or the nearest one above it, up to and including
    the repository root. Raises ConfigError saying where it looked."""
    here = start.resolve()
    looked: list[Path] = []
    for folder in (here, *here.parents):
        looked.append(folder)
        if (folder / name).is_file():
            return folder
        if (folder / ".git").exists():
            break
    if len(looked) == 1:
        where = f"in {here}"
    else:
        last = looked[-1]
        stop = "the repository root" if (last / ".git").exists() else "the top"
        where = f"in {here} nor in any folder above it up to {stop}, {last}"
    raise ConfigError(
        name, 0, f"file not found {where} (run from the tracker's folder, or give --config)"
    )
