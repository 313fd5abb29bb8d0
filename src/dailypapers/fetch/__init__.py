"""Stage 2, talking to arXiv: what to ask (query), how to ask (client), what came back (feed),
and when to stop asking (paging). Importing this package stays cheap; the client and the parser
(httpx, feedparser) are imported only by whoever fetches."""

from .interface import ARXIV_BASE, FetchOutcome, MalformedFeed, Page, Paper, Searcher

__all__ = ["ARXIV_BASE", "FetchOutcome", "MalformedFeed", "Page", "Paper", "Searcher"]
