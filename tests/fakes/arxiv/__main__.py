"""``python -m tests.fakes.arxiv --port 8080 [--corpus]``: serve until interrupted."""

from .server import main

main()
