"""Stage 4, the daily run: fetch each keyword, merge into its store, save; and what it reports."""

from .report import KeywordReport, Progress, UpdateReport, comma_hint, no_match_hint

__all__ = ["KeywordReport", "Progress", "UpdateReport", "comma_hint", "no_match_hint"]
