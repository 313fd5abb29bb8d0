"""A warmed-up `dailypapers` that forks a fresh process per run and can SIGKILL it at a chosen
disk-changing call.

Why: the SIGKILL sweep used to start a new interpreter per kill (0.2-0.4 s of imports each) and
sleep a random share of a run before killing, so most of its time was waiting, and where the
kills landed was luck. This server imports the whole package once; each request forks a child
that runs the real command line (``dailypapers.cli:app``, as the installed script does) in the
tracker folder. An audit hook in the child sees every call that changes the disk (a file opened
for writing, a rename, a removal, a folder made or removed, a mode change) inside the folder,
and counts them per kind and folder; at the chosen one it SIGKILLs its own process before the
call happens, so the disk is exactly as the run left it up to there. Without a kill point the
child records every such call (the trace the test chooses its kill points from).

Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
Request: ``{"argv": [...], "cwd": str, "env": {...}, "out": str, "err": str,
"kill": [kind, folder, n] | null, "trace": str | null}``. Answer: ``{"status": int | null,
"signal": int | null, "cpu": float}`` (the child's exit status, or the signal that ended it, and
its CPU seconds).
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import pkgutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dailypapers

# What changes the disk, by audit event; "open" counts only when it opens for writing.
_EVENTS = {
    "open": "write",
    "os.rename": "rename",
    "os.remove": "remove",
    "os.mkdir": "mkdir",
    "os.rmdir": "rmdir",
    "os.chmod": "chmod",
    "os.truncate": "truncate",
    "os.link": "link",
    "os.symlink": "link",
    "os.utime": "utime",
    "shutil.copyfile": "copy",
    "shutil.rmtree": "rmtree",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _warm() -> None:
    """Import every module of the package (and so what they import), and fill the caches that
    hold what is the same for every run (certificate store, compiled templates, the renderer's
    id), once for all children, as a long-lived process would."""
    for module in pkgutil.walk_packages(dailypapers.__path__, "dailypapers."):
        importlib.import_module(module.name)
    from dailypapers.fetch import client
    from dailypapers.outputs import key, page, templating

    client._tls()
    for path in templating.templates_dir().glob("*.j2"):
        templating.template(path.name)
    key.renderer_id()
    page.script()
    # What the first request, the first page parsed and the first date read import: httpx's
    # transport, expat, _strptime.
    import feedparser
    import httpx

    httpx.Client(verify=client._tls()).close()
    datetime.strptime("2026-12-06", "%Y-%m-%d")
    feedparser.parse(b"<feed xmlns='http://www.w3.org/2005/Atom'><entry/></feed>")


def _writes(args: tuple[Any, ...]) -> bool:
    mode, flags = args[1], args[2]
    if isinstance(mode, str):
        return any(c in mode for c in "wax+")
    return isinstance(flags, int) and flags & _WRITE_FLAGS != 0


def _child(request: dict[str, Any]) -> None:
    """Runs in the forked child; never returns."""
    for fd, name in ((1, request["out"]), (2, request["err"])):
        target = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(target, fd)
        os.close(target)
    os.chdir(request["cwd"])
    os.environ.update(request["env"])
    root = os.path.realpath(request["cwd"])
    kill = tuple(request["kill"]) if request["kill"] else None
    counts: dict[tuple[str, str], int] = {}
    trace: list[tuple[str, str, str]] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        kind = _EVENTS.get(event)
        if kind is None or not args or (kind == "write" and not _writes(args)):
            return
        # A rename changes its target's folder; everything else the path it names.
        raw = args[1] if event == "os.rename" else args[0]
        if not isinstance(raw, (str, bytes, os.PathLike)):
            return  # a file descriptor: an fdopen of a file whose opening was seen already
        path = os.path.realpath(os.fsdecode(raw))
        if os.path.commonpath((root, path)) != root:
            return
        if kind == "mkdir" and os.path.isdir(path):
            return  # makes nothing: the folder is there (``exist_ok``)
        relative = os.path.relpath(path, root)
        folder = os.path.dirname(relative) or "."
        key = (kind, folder)
        counts[key] = counts.get(key, 0) + 1
        if kill == (kind, folder, counts[key]):
            os.kill(os.getpid(), signal.SIGKILL)
        trace.append((kind, folder, os.path.basename(relative)))

    sys.addaudithook(hook)
    status = 1
    try:
        from dailypapers.cli import app

        app(args=request["argv"], prog_name="dailypapers")
        status = 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        if request["trace"]:
            with open(request["trace"], "w", encoding="utf-8") as handle:
                json.dump(trace, handle)
        os._exit(status)


def main() -> None:
    _warm()
    # The children's collector need not walk what the server has built (it would touch, and so
    # copy, every page of it): only what a child allocates counts for its collections.
    gc.freeze()
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            try:
                _child(request)
            finally:
                os._exit(70)
        _, wait_status, usage = os.wait4(pid, 0)
        answer = {
            "status": os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None,
            "signal": os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None,
            "cpu": usage.ru_utime + usage.ru_stime,
        }
        print(json.dumps(answer), flush=True)


@dataclass(frozen=True)
class Run:
    status: int | None
    """The exit status, or None when a signal ended the run."""
    signal: int | None
    stderr: str
    cpu: float
    """The run's CPU time, user + system, in seconds."""


class ForkServer:
    """The test's side: starts the server (``with ForkServer(env) as runs``) and asks it for runs.

    ``env`` is the environment the server starts with (the children add the request's); the
    trio stand-in on ``PYTHONPATH`` comes from the test process's own environment.
    """

    def __init__(self, scratch: Path) -> None:
        self.scratch = scratch
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ForkServer:
        root = Path(__file__).resolve().parents[2]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.forkserver"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert json.loads(self._line()) == {"ready": True}
        return self

    def __exit__(self, *_: object) -> None:
        if self.process is not None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            self.process.wait(timeout=30)

    def _line(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the fork server died"
        return line

    def run(
        self,
        folder: Path,
        argv: list[str],
        env: dict[str, str],
        *,
        kill: tuple[str, str, int] | None = None,
        trace: bool = False,
    ) -> tuple[Run, list[tuple[str, str, str]]]:
        """One `dailypapers` run in ``folder``; with ``kill``, SIGKILLed just before that call
        (kind, folder relative to ``folder``, its number among those of that kind and folder);
        with ``trace``, also every disk-changing call the run made, in order."""
        assert self.process is not None and self.process.stdin is not None
        out, err = self.scratch / "run.out", self.scratch / "run.err"
        trace_path = self.scratch / "trace.json"
        trace_path.unlink(missing_ok=True)
        request = {
            "argv": argv,
            "cwd": str(folder),
            "env": env,
            "out": str(out),
            "err": str(err),
            "kill": list(kill) if kill else None,
            "trace": str(trace_path) if trace else None,
        }
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self._line())
        calls = json.loads(trace_path.read_text(encoding="utf-8")) if trace else []
        run = Run(
            answer["status"], answer["signal"], err.read_text(encoding="utf-8"), answer["cpu"]
        )
        return run, [(kind, folder, name) for kind, folder, name in calls]


if __name__ == "__main__":
    main()
