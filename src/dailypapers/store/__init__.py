"""Stage 3, the store: ``data/<slug>.json`` per keyword, merging, and the snapshot outputs read."""

from .json_file import load, load_snapshot, papers_fingerprint, save, store_path
from .merge import MergeResult, merge
from .model import Health, KeywordStore, Snapshot, StoreEntry, Summary, order_key

__all__ = ["Health", "KeywordStore", "MergeResult", "Snapshot", "StoreEntry", "Summary",
           "load", "load_snapshot", "merge", "order_key", "papers_fingerprint", "save",
           "store_path"]  # fmt: skip
