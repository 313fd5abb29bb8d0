"""Stage 1: keywords.yaml → Config (reading, validating, editing)."""

from .model import Config, Field, Keyword, LinkStyle, SortKey, name_key
from .reader import load_config, parse_config

__all__ = [
    "Config",
    "Field",
    "Keyword",
    "LinkStyle",
    "SortKey",
    "load_config",
    "name_key",
    "parse_config",
]
