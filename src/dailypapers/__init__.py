"""dailypapers: a daily arXiv keyword tracker (JSON store, README tables, digests, feeds)."""

__version__ = "0.1.0"
