"""A second process for a render's CPU-bound work.

A render from scratch (a scheduled run: 50,000 papers at 500 keywords) is pure Python under one
interpreter lock while the machine's second core idles. ``Offload`` hands jobs, a module-level
function and picklable arguments, to one worker process started on first use, and answers them
in the order they were given. The worker is a plain child (``python -c``, importing this
module) that reads pickles on its stdin and writes them on its stdout: it imports only what its
jobs need, never re-runs the caller's ``__main__`` (as multiprocessing's spawn does), and exits
when its stdin closes, so a killed render leaves no worker behind. A worker that cannot start
or that dies gives its unanswered jobs back as ``WorkerGone``, for the caller to do itself.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_LENGTH = struct.Struct("<Q")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])
"""The folder holding this package: the worker imports the same code as the caller."""


_SERVE = "import dailypapers.offload; dailypapers.offload.serve()"


class WorkerGone(Exception):
    """The worker could not start, or stopped before it answered: do the job here."""


class Job(Generic[T]):
    """One job's answer, once the worker has given it."""

    def __init__(self) -> None:
        self._answered = threading.Event()
        self._value: Any = None
        self._ok = False

    def done(self) -> bool:
        return self._answered.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Whether the job was answered, waiting at most ``timeout`` seconds."""
        return self._answered.wait(timeout)

    def result(self) -> T:
        """The job's value, or the exception it raised (``WorkerGone`` if none came)."""
        self._answered.wait()
        if self._ok:
            return self._value  # type: ignore[no-any-return]
        raise self._value

    def _answer(self, ok: bool, value: Any) -> None:
        self._ok, self._value = ok, value
        self._answered.set()


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worthwhile() -> bool:
    """Whether a second process can run beside this one at all."""
    return _cores() > 1


class Offload:
    """Jobs for one worker process, answered in order; see the module's docstring."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None
        self._pending: deque[Job[Any]] = deque()
        self._lock = threading.Lock()
        self._gone = False

    def submit(self, fn: Callable[..., T], *args: Any) -> Job[T]:
        job: Job[T] = Job()
        if self._gone:
            job._answer(False, WorkerGone("no worker"))
            return job
        try:
            payload = pickle.dumps((fn, args), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a job that cannot travel is done here
            job._answer(False, WorkerGone(f"cannot be sent: {exc}"))
            return job
        with self._lock:
            proc = self._proc if not self._gone else None
            if proc is None and not self._gone:
                proc = self._start()
            if proc is not None:
                self._pending.append(job)
        if proc is None:
            job._answer(False, WorkerGone("no worker"))
            return job
        try:
            assert proc.stdin is not None
            proc.stdin.write(_LENGTH.pack(len(payload)) + payload)
            proc.stdin.flush()
        except OSError:
            self._lose("its stdin closed")
        return job

    def _start(self) -> subprocess.Popen[bytes] | None:
        code = f"import sys; sys.path.insert(0, {_PACKAGE_ROOT!r}); {_SERVE}"
        try:
            proc = subprocess.Popen(
                [sys.executable, "-c", code],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.debug("no worker process (%s): rendering here", exc)
            self._gone = True
            return None
        log.debug("worker process %d started", proc.pid)
        self._proc = proc
        assert proc.stdout is not None
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()
        weakref.finalize(self, _stop, proc)
        return proc

    def _read(self, stream: IO[bytes]) -> None:
        try:
            while (frame := _frame(stream)) is not None:
                try:
                    ok, value = pickle.loads(frame)
                except Exception as exc:  # an answer that cannot be read is an answer not given
                    ok, value = False, WorkerGone(f"unreadable answer: {exc}")
                with self._lock:
                    job = self._pending.popleft() if self._pending else None
                if job is not None:
                    job._answer(ok, value)
        except Exception as exc:  # a stream out of step: whatever it holds is lost
            self._lose(f"its answers could not be read: {exc}")
        self._lose("it stopped")

    def _lose(self, why: str) -> None:
        with self._lock:
            if not self._gone:
                log.debug("worker process lost (%s): rendering here", why)
            self._gone = True
            jobs, self._pending = list(self._pending), deque()
        for job in jobs:
            job._answer(False, WorkerGone(why))

    def answer(self, job: Job[T], patience: float) -> T:
        """``job``'s result, as ``Job.result``. A worker that gives none in ``patience`` seconds
        is taken for hung (stopped, or stuck in a job) and killed, so that it can write nothing
        more: every job it held comes back as ``WorkerGone``."""
        if not job.wait(patience):
            proc = self._proc
            if proc is not None:
                with contextlib.suppress(OSError):
                    proc.kill()
                proc.wait()
            self._lose(f"no answer in {patience:g} s")
        return job.result()

    def close(self) -> None:
        """Stop the worker; jobs not yet answered are given back as ``WorkerGone``."""
        proc = self._proc
        self._gone = True
        if proc is not None:
            _stop(proc)
        self._lose("closed")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        assert proc.stdin is not None
        proc.stdin.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _frame(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def serve() -> None:
    """The worker: answer each job read on stdin, in order, until stdin closes. What a job
    prints goes to stderr, never into the answers."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    source = sys.stdin.buffer
    while (frame := _frame(source)) is not None:
        fn, args = pickle.loads(frame)
        try:
            answer = pickle.dumps((True, fn(*args)), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            answer = _refusal(exc)
        out.write(_LENGTH.pack(len(answer)) + answer)
        out.flush()


def _refusal(exc: Exception) -> bytes:
    """The exception as the caller will raise it, or ``WorkerGone`` if it cannot travel."""
    try:
        data = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
    except Exception:
        data = pickle.dumps((False, WorkerGone(f"{type(exc).__name__}: {exc}")))
    return data
