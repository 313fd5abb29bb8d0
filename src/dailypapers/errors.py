"""Exceptions that carry what a user needs to act: the file and line, or the URL and tries."""

from __future__ import annotations


class DailyPapersError(Exception):
    """Base of every error the CLI turns into a one-line message and an exit status."""

    exit_code = 1


class ConfigError(DailyPapersError):
    exit_code = 2

    def __init__(self, path: str, line: int, message: str) -> None:
        message = " ".join(message.split())
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class SettingsError(DailyPapersError):
    """An environment variable with a value that cannot be used."""

    exit_code = 2


class InputError(DailyPapersError):
    """A file given on the command line that is not what it should be (e.g. for import)."""

    exit_code = 2


class ReadmeError(InputError):
    """A README whose generated block cannot be found safely; nothing is written."""

    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


class StoreError(DailyPapersError):
    """A store file that cannot be trusted; it is left untouched for the user to inspect."""

    exit_code = 3

    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message
        super().__init__(f"{path}: {message}")

    def __reduce__(self) -> tuple[type[StoreError], tuple[str, str]]:
        """Raised again as it was when it comes back from a worker process (``offload``)."""
        return type(self), (self.path, self.message)


class LockedError(DailyPapersError):
    exit_code = 4


class FetchError(DailyPapersError):
    """arXiv could not give a usable answer; carries the URL and how many tries were made."""

    def __init__(self, message: str, *, url: str, attempts: int, kind: str) -> None:
        self.url, self.attempts, self.kind = url, attempts, kind
        tries = "try" if attempts == 1 else "tries"
        super().__init__(f"{message} ({attempts} {tries}; {url})")


class ReferencesUnavailable(DailyPapersError):
    """No reference paper could be had (not stored, and arXiv did not give them): there is
    nothing to rank against. Exit 1, like a keyword that failed to update."""


class QueryRejected(FetchError):
    """HTTP 400 with arXiv's Error entry: retrying cannot help, the query must change."""
