"""Stand-ins for what the tests cannot reach: arXiv's API and GitHub's ``gh``."""
