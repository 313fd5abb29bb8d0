"""Writing files so that a crash leaves the old version or the new one, never a mix."""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import queue
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import IO, Any, TypeVar

import xxhash

from .errors import InputError, LockedError
from .text import decode_utf8


def write_atomic(
    path: Path, chunks: Iterable[str], *, durable: bool = True, sweep: bool = True
) -> bool:
    """Stream text to a temporary sibling, then rename it over ``path`` if the bytes differ.

    Returns whether ``path`` changed. Unchanged files keep their mtime, so a run with nothing
    new leaves git and file watchers alone. ``durable=False`` skips the fsyncs (about 3 ms a
    file) for files that ``render`` can regenerate from the store; a crash of the process still
    leaves the old file or the new one. ``sweep=False`` leaves temporary files of killed writers
    for the caller to sweep once per folder (``remove_stale_temps_in``): looking for them after
    each of 1,000 files in one folder took a third of a second.
    """
    return _write_atomic(path, lambda handle: _write_text(handle, chunks), durable, sweep)


def write_atomic_blocks(path: Path, blocks: Iterable[bytes], *, durable: bool = True) -> bool:
    """``write_atomic`` for bytes, written as they come: blocks copied from a large file."""
    return _write_atomic(path, lambda handle: handle.writelines(blocks), durable, True)


def _write_text(handle: IO[bytes], chunks: Iterable[str], digest: Any = None) -> None:
    # Templates yield tens of pieces per paper; joined first, they cost one write each.
    pieces = iter(chunks)
    while batch := list(islice(pieces, 4096)):
        block = "".join(batch).encode("utf-8")
        handle.write(block)
        if digest is not None:
            digest.update(block)


def _write_atomic(
    path: Path, fill: Callable[[IO[bytes]], None], durable: bool, sweep: bool
) -> bool:
    path = writable_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # Locked until renamed: a sibling's lock tells remove_stale_temps its writer is alive.
        with os.fdopen(fd, "wb") as handle:
            _hold(handle.fileno())
            fill(handle)
            handle.flush()
            changed = not _same_bytes(tmp, path)
            if changed:
                if durable:
                    os.fsync(handle.fileno())
                os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
                if os.name == "posix":
                    os.replace(tmp, path)
        if not changed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        elif os.name != "posix":
            os.replace(tmp, path)  # Windows renames only closed files
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sweep:
        remove_stale_temps(path)
    if changed and durable:
        _fsync_dir(path.parent)
    return changed


def writable_target(path: Path) -> Path:
    """The file a write replaces: a symlink's target, so that the link stays (a README linked
    from elsewhere), and never anything but a regular file (``--readme /dev/null`` replaced the
    device)."""
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return path


def read_regular(path: Path) -> bytes:
    """A file's bytes, refusing (OSError) anything but a regular file without blocking on it: a
    FIFO in a file's place would hold the command for ever, a device would be read as a file."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    # Checked before the descriptor becomes a file object: open() refuses a folder itself, with
    # the descriptor's number for its name ("Is a directory: 3" was all a user was told).
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    with open(fd, "rb") as handle:
        return handle.read()


def read_text(path: Path) -> str:
    """A text file the owner keeps (keywords.yaml, the README, a .bib): ``read_regular``, then
    ``decode_utf8``, so that either fault is one line naming where it is."""
    return decode_utf8(read_regular(path))


def _same_bytes(written: str, path: Path) -> bool:
    """Whether ``path`` exists and holds ``written``'s bytes: compared a megabyte at a time
    (``filecmp`` reads 8 kB, which costs 0.05 s for the 90 MB page)."""
    try:
        with open(written, "rb") as new, path.open("rb") as old:
            if os.fstat(new.fileno()).st_size != os.fstat(old.fileno()).st_size:
                return False
            while block := new.read(1 << 20):
                if block != old.read(1 << 20):
                    return False
            return True
    except FileNotFoundError:
        return False


T = TypeVar("T")
R = TypeVar("R")


class Ahead(Iterator[R]):
    """``work(item)`` for each item in order, done by a worker thread that starts at once and
    runs up to ``window`` items ahead of the caller.

    For reading and hashing files, which let go of the GIL: a render checks every byte of 400 MB
    of files it may reuse, and this lets a second core do it while the first loads the store and
    renders. The worker starts when the object is made, not at the first ``next``, so checks
    begun before the store is loaded are under way while it loads. Closing it, or dropping it
    (even unread), stops the worker after the item it is at. Closing takes no lock but its own,
    since the garbage collector may do it at any moment in any thread.
    """

    def __init__(self, work: Callable[[T], R], items: Iterable[T], window: int = 16) -> None:
        self._results: queue.Queue[tuple[bool, Any]] = queue.Queue(window)
        self._stop = threading.Event()
        self._over = False
        # The thread holds the queue and the event, never this object: dropping it must be
        # able to stop the worker.
        threading.Thread(
            target=_work_ahead,
            args=(work, items, self._results, self._stop),
            name="dailypapers-ahead",
            daemon=True,
        ).start()

    def __next__(self) -> R:
        if self._over:
            raise StopIteration
        done, value = self._results.get()
        if not done:
            self.close()
            if value is None:
                raise StopIteration
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        self._over = True
        self._stop.set()

    def __del__(self) -> None:
        self._stop.set()


def _work_ahead(
    work: Callable[[T], R],
    items: Iterable[T],
    results: queue.Queue[tuple[bool, Any]],
    stop: threading.Event,
) -> None:
    for item in items:
        if stop.is_set():
            return
        outcome: tuple[bool, Any]
        try:
            outcome = (True, work(item))
        except BaseException as exc:  # handed to the caller, who raises it
            outcome = (False, exc)
        if not _hand_over(results, stop, outcome) or not outcome[0]:
            return
    _hand_over(results, stop, (False, None))


def _hand_over(
    results: queue.Queue[tuple[bool, Any]], stop: threading.Event, outcome: tuple[bool, Any]
) -> bool:
    """Queue ``outcome`` once there is room; False if the reader stopped first (a full queue
    nobody reads must not hold the worker for ever)."""
    while not stop.is_set():
        with contextlib.suppress(queue.Full):
            results.put(outcome, timeout=0.05)
            return True
    return False


def in_background(work: Callable[[], R]) -> Callable[[], R]:
    """Start ``work`` in a thread now; the function returned waits for it and returns its result
    or raises its error. For writing a large file (which lets go of the GIL) while the caller
    computes the next one."""
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed to the caller, who raises it
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="dailypapers-background", daemon=True)
    thread.start()

    def result() -> R:
        thread.join()
        done, value = outcome[0]
        if not done:
            raise value
        return value  # type: ignore[no-any-return]

    return result


def content_digest(data: bytes | memoryview) -> str:
    """What a cache records of bytes it may later reuse, to find any of them changed.

    XXH3's 128 bits: a render checks every byte it reuses (about 320 MB at 500 keywords), and
    SHA-1 took 0.17 s of it where XXH3 takes 0.01 s. No one gains by forging a collision in
    their own tracker's files, so a cryptographic hash buys nothing here.
    """
    return xxhash.xxh3_128_hexdigest(data)


def fill(tmp: str, text: str) -> str:
    """Write ``text`` into ``tmp``, a file ``Staging.reserve`` made; returns its
    ``content_digest``. Never creates the file: one the render has given up is not made again."""
    data = text.encode("utf-8")
    with open(os.open(tmp, os.O_WRONLY | os.O_TRUNC), "wb") as handle:
        handle.write(data)
    return content_digest(data)


SPOOL_PREFIX, SPOOL_SUFFIX = "dailypapers-", ".spool"


def shared_spool() -> IO[bytes]:
    """A temporary file another process may open by its ``name``, locked while it is open; the
    caller removes it. One a killed render left (unlocked) is removed when the next is made."""
    folder = Path(tempfile.gettempdir())
    _remove_unlocked(folder.glob(f"{SPOOL_PREFIX}*{SPOOL_SUFFIX}"))
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the caller closes and removes it
        prefix=SPOOL_PREFIX, suffix=SPOOL_SUFFIX, delete=False
    )
    _hold(handle.fileno())
    return handle


def render_cache(beside: Path) -> Path:
    """Where a render keeps what it knows of ``beside`` (git-ignored: ``.*.render-cache``)."""
    return beside.parent / f".{beside.name}.render-cache"


class Staging:
    """Files written now that replace their targets only on ``commit``: all of them, or none.

    A render writes a file per keyword as it goes; if a later keyword's store turns out corrupt,
    leaving the early files replaced would mix two renders. Staged files wait beside their
    targets as temporary siblings (swept like any killed writer's if the process dies) and are
    deleted on leaving the ``with`` block without a commit. A file whose bytes would not change
    is not staged at all.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, str] = {}
        self._reserved: set[str] = set()
        """Temporary siblings handed out by ``reserve`` and not yet adopted."""
        self.digests: dict[Path, str] = {}
        """The ``content_digest`` of what each ``write`` gave a path, staged or found there."""
        self._made: list[Path] = []
        """Folders made for staged files, removed again if nothing is committed."""
        self._folders: set[Path] = set()
        """Folders staged into, known to exist (made, or found)."""

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *_: object) -> None:
        for tmp in [*self._staged.values(), *self._reserved]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        self._staged.clear()
        self._reserved.clear()
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        self._made.clear()
        self._folders.clear()

    def write(self, path: Path, chunks: Iterable[str]) -> bool:
        """Stage ``chunks`` as the new ``path``; returns whether that changes ``path``."""
        fd, tmp = self._temporary(path)
        try:
            with os.fdopen(fd, "wb") as handle:
                digest = xxhash.xxh3_128()
                _write_text(handle, chunks, digest)
        except BaseException:
            self._reserved.discard(tmp)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return self.adopt(path, tmp, digest.hexdigest())

    def reserve(self, path: Path) -> str:
        """An empty temporary sibling of ``path``, to be filled (``fill``, here or in another
        process) and then staged by ``adopt``; deleted on leaving the block if it is not."""
        fd, tmp = self._temporary(path)
        os.close(fd)
        return tmp

    def _temporary(self, path: Path) -> tuple[int, str]:
        """A new temporary sibling of ``path``, open for writing, and its name (reserved)."""
        if path.parent not in self._folders:  # a thousand files in one folder: looked up once
            missing = [p for p in (path.parent, *path.parent.parents) if not p.exists()]
            for folder in reversed(missing):
                folder.mkdir(exist_ok=True)
                self._made.append(folder)
            self._folders.add(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self._reserved.add(tmp)
        return fd, tmp

    def adopt(self, path: Path, tmp: str, digest: str) -> bool:
        """Stage ``tmp`` (from ``reserve``, filled with bytes whose ``content_digest`` is
        ``digest``) as the new ``path``; returns whether that changes ``path``."""
        self._reserved.discard(tmp)
        try:
            self.digests[path] = digest
            if _same_bytes(tmp, path):
                os.unlink(tmp)
                return False
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        previous = self._staged.pop(path, None)
        if previous is not None:
            os.unlink(previous)
        self._staged[path] = tmp
        return True

    def current(self, path: Path) -> Path:
        """Where ``path``'s content as of this render is now: staged, or the file itself."""
        staged = self._staged.get(path)
        return Path(staged) if staged is not None else path

    def commit(self) -> list[Path]:
        """Rename every staged file over its target; returns the targets, in staging order."""
        done = []
        for path, tmp in self._staged.items():
            os.replace(tmp, path)
            done.append(path)
        self._staged.clear()
        self._made.clear()
        return done


def remove_stale_temps(path: Path) -> None:
    """Delete temporary siblings of ``path`` that a killed writer left behind.

    A writer holds a lock on its temporary file until the rename, and the OS drops it when the
    process dies; so an unlocked one belongs to nobody.
    """
    # mkstemp's random part is 8 characters; "*" would also match "README.md.bak"'s temps.
    _remove_unlocked(path.parent.glob(f".{glob.escape(path.name)}.{'?' * 8}.tmp"))


def remove_stale_temps_in(folder: Path) -> None:
    """``remove_stale_temps`` for every file of a folder at once."""
    _remove_unlocked(folder.glob(f".*.{'?' * 8}.tmp"))


def _remove_unlocked(candidates: Iterable[Path]) -> None:
    if os.name != "posix":
        return
    import fcntl

    for stale in candidates:
        try:
            with open(stale, "rb") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                stale.unlink()
        except OSError:
            continue


def _hold(fd: int) -> None:
    if os.name == "posix":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


LOCK_NAME = ".lock"


def data_folder(data_dir: Path) -> Path:
    """``data_dir`` if it is a folder or not there yet; InputError (exit 2) for anything else.

    ``--data README.md`` is a wrong argument, not a damaged store: ``render`` and ``list`` said
    'README.md/world-model.json: cannot read ... Not a directory' with exit 3, the status of a
    corrupt store file, and ``update`` said 'README.md: File exists'.
    """
    if data_dir.exists() and not data_dir.is_dir():
        raise InputError(
            f"{data_dir}: not a folder; the store (--data) is a folder with one JSON file per "
            "keyword"
        )
    return data_dir


def data_lock(data_dir: Path) -> contextlib.AbstractContextManager[None]:
    """The lock that keeps two runs off one data folder (``update``, ``render``, ``confirm``,
    ``import``); the second fails at once (exit 4)."""
    return exclusive_lock(data_folder(data_dir) / LOCK_NAME)


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
            raise LockedError(
                f"{lock_path}: another dailypapers run is using this folder "
                f"(pid {_holder(handle)}); try again when it has finished"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # a later loser must not name this finished run
    finally:
        handle.close()


def _holder(handle: IO[str], attempts: int = 20) -> str:
    """The lock holder's pid. It writes it right after taking the lock, so a run that arrives in
    between finds the file empty: give the holder a few milliseconds before saying "unknown"."""
    for attempt in range(attempts):
        handle.seek(0)
        pid = handle.read().strip()
        if pid or attempt == attempts - 1:
            return pid or "unknown"
        time.sleep(0.005)
    return "unknown"


def _lock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
