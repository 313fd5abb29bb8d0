"""Ranking a keyword's papers by closeness to the group's references (see ``interface``)."""

from __future__ import annotations

from dailypapers.rank.interface import Document, Scored
from dailypapers.rank.scorer import rank

__all__ = ["Document", "Scored", "rank"]
