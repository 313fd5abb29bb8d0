"""Writing files so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import contextlib
import filecmp
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import LockedError


def write_atomic(path: Path, chunks: Iterable[str], *, durable: bool = True) -> bool:
    """Stream text to a temporary sibling, then rename it over ``path`` if the bytes differ.

    Returns whether ``path`` changed. Unchanged files keep their mtime, so a run with nothing
    new leaves git and file watchers alone. ``durable=False`` skips the fsyncs (about 3 ms a
    file) for files that ``render`` can regenerate from the store; a crash of the process still
    leaves the old file or the new one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
        if path.exists() and filecmp.cmp(tmp, path, shallow=False):
            os.unlink(tmp)
            return False
        if durable:
            with open(tmp, "rb") as written:
                os.fsync(written.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        _fsync_dir(path.parent)
    return True


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Hold an OS lock on ``lock_path`` for the whole run; a second run fails at once.

    The OS drops the lock when the process dies, so a killed run never leaves a stale lock.
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 - held open for the lock's lifetime
    try:
        try:
            _lock(handle.fileno())
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LockedError(
                f"{lock_path}: another dailypapers run is using this folder (pid {holder}); "
                "try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
