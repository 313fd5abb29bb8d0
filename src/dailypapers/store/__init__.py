"""Stage 3, the store: ``data/<slug>.json`` per keyword, merging, and the snapshot outputs read."""

from .json_file import load, load_snapshot, save, store_path
from .merge import MergeResult, merge
from .model import Health, KeywordStore, Snapshot, order_key

__all__ = [
    "Health",
    "KeywordStore",
    "MergeResult",
    "Snapshot",
    "load",
    "load_snapshot",
    "merge",
    "order_key",
    "save",
    "store_path",
]
