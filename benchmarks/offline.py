"""How fast `dailypapers update` gives up when arXiv cannot be reached at all (issue 23).

    python -m benchmarks.offline              # 3 runs of each case, median reported
    python -m benchmarks.offline --repeat 5

The tracker is the repository's own ``keywords.yaml`` (its five keywords) with default settings
(delay 3 s, 4 retries, backoff 5 s), a store filled beforehand from the loopback fake arXiv, and
``DAILYPAPERS_API_URL`` pointing at either a host name that never resolves (``.invalid``,
RFC 6761) or a loopback port where nothing listens. It measures, in a fresh process each time,
the seconds to the first line on stderr and to the end, the exit status, the CPU time (user +
sys) of the process, and whether every stored paper is still there. Targets: first line within
2 s, whole run within 20 s, exit 1, nothing lost. Nothing here touches the network beyond
loopback and the local resolver.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.arxiv import FakeArxiv, make_papers

ROOT = Path(__file__).resolve().parents[1]
DAILYPAPERS = Path(sys.executable).with_name("dailypapers")
README = "# Offline tracker\n\n<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
CASES = {
    "name does not resolve": "https://export.arxiv.invalid/api/query",
    "nothing listens": "",  # a closed loopback port, found at run time
}


@dataclass
class Run:
    first_line: float
    total: float
    cpu: float
    status: int
    lost: int


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def environment(api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAILYPAPERS_", "GITHUB_"))}
    env["DAILYPAPERS_API_URL"] = api_url
    return env


def stored(folder: Path) -> dict[str, int]:
    return {p.name: len(p.read_bytes()) for p in sorted((folder / "data").glob("*.json"))}


def prepare(folder: Path) -> None:
    """The shipped keywords, each with papers stored by a run against the fake arXiv."""
    shutil.copy(ROOT / "keywords.yaml", folder / "keywords.yaml")
    (folder / "README.md").write_text(README, encoding="utf-8")
    names = [
        line.strip()[2:]
        for line in (ROOT / "keywords.yaml").read_text(encoding="utf-8").splitlines()
        if line.startswith("  - ")
    ]
    papers = [p for i, k in enumerate(names) for p in make_papers(20, k, first_number=100 * i)]
    with FakeArxiv(papers) as server:
        env = environment(server.url) | {"DAILYPAPERS_DELAY": "0"}
        subprocess.run(
            [str(DAILYPAPERS), "update"], cwd=folder, env=env, check=True, capture_output=True
        )


def once(folder: Path, api_url: str) -> Run:
    before = stored(folder)
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    process = subprocess.Popen(
        [str(DAILYPAPERS), "update"],
        cwd=folder,
        env=environment(api_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    process.stderr.readline()
    first = time.monotonic() - start
    process.stderr.read()
    status = process.wait()
    total = time.monotonic() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    after = stored(folder)
    lost = sum(1 for name, size in before.items() if after.get(name, 0) < size // 2)
    return Run(first, total, cpu, status, lost)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=3, help="runs per case (median)")
    args = ap.parse_args(argv)
    print("| case | first line (s) | whole run (s) | CPU user+sys (s) | exit | stores lost |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="dp-offline-") as tmp:
        folder = Path(tmp)
        prepare(folder)
        for case, url in CASES.items():
            runs = [once(folder, url or closed_port_url()) for _ in range(args.repeat)]
            first = statistics.median(r.first_line for r in runs)
            total = statistics.median(r.total for r in runs)
            cpu = statistics.median(r.cpu for r in runs)
            statuses = sorted({r.status for r in runs})
            lost = max(r.lost for r in runs)
            print(
                f"| {case} | {first:.2f} | {total:.2f} | {cpu:.2f} | "
                f"{','.join(map(str, statuses))} | {lost} |"
            )


if __name__ == "__main__":
    main()
