"""Text from outside never starts a line of output, so it can never become a runner command.

The Actions runner obeys a line of a step's output that starts with ``::`` (after spaces) and a
``##[name]`` anywhere in a line: ``::add-mask::``, ``::error title=…::``, ``##[stop-commands]``.
A proxy's error page, a keyword name or an error kept in a store must therefore reach stdout,
stderr, the job summary and the health issue only inside a line dailypapers started itself.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.reliability_support import Figures, cli_env, invoke

pytestmark = pytest.mark.reliability

COMMANDS = ("::add-mask::", "::error title=x::", "::warning::", "##[add-mask]", "##[stop-commands]")
BREAKS = ("\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\t", "  ")
# Our own workflow commands: one per failed keyword, their values escaped.
OWN_COMMAND = re.compile(r"::(error|warning) title=dailypapers%3A [^:]*::[^\r\n]*")
SUMMARY_STARTS = ("### dailypapers update, ", ":x: ", ":white_check_mark: ", ":zzz: ", "| ")
HEALTH_STARTS = (
    "The daily update has failed ",
    "| ",
    "What to try:",
    "- `HTTP 429`",
    "- `arXiv rejected",
    "- Timeouts",
    "This issue is updated",
)


class _Proxy(BaseHTTPRequestHandler):
    """A proxy in front of arXiv that answers every request with HTTP 400 and its own page."""

    body: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        self.send_response(400)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    server.shutdown()
    server.server_close()


hostile = st.lists(
    st.one_of(
        st.sampled_from(COMMANDS),
        st.sampled_from(BREAKS),
        st.text(max_size=20),
    ),
    min_size=1,
    max_size=12,
).map("".join)
names = st.tuples(
    st.sampled_from([*COMMANDS, " ::", "\u3000::"]),
    st.text(alphabet="abcdefghij", min_size=1, max_size=8),
).map("".join)


def lines(text: str) -> list[str]:
    """Lines as the runner splits a stream: on CR and LF."""
    return re.split(r"\r\n|\r|\n", text)


def assert_no_command(text: str) -> None:
    for line in lines(text):
        if OWN_COMMAND.fullmatch(line):
            continue  # parsed as our ``::`` command first; the ``##[`` form is never tried
        assert "##[" not in line, line
        assert not line.lstrip().startswith("::"), line


def assert_lines_start(text: str, starts: tuple[str, ...]) -> None:
    for line in text.splitlines():
        assert not line or line.startswith(starts), line


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(page=hostile, name=names)
def test_a_hostile_error_page_and_keyword_name_start_no_line(
    tmp_path_factory: pytest.TempPathFactory, proxy: str, figures: Figures, page: str, name: str
) -> None:
    folder = tmp_path_factory.mktemp("tracker")
    keywords = f"keywords:\n  - {json.dumps(name)}\n  - World Model\n"
    (folder / "keywords.yaml").write_text(keywords, encoding="utf-8")
    (folder / "README.md").write_text("<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n")
    _Proxy.body = page.encode("utf-8", "surrogatepass")
    env = {**cli_env(proxy, retries=0), "GITHUB_ACTIONS": "true"}

    summary = folder / "summary.md"
    update = invoke(folder, "update", "--summary", str(summary), env=env)
    health = invoke(folder, "health", "--min-failures", "1", "--output", str(folder / "h.md"))
    listing = invoke(folder, "list")

    assert update.exit_code == 1, update.stderr
    assert "arXiv rejected the query" in update.stderr
    for outcome in (update, health, listing):
        assert_no_command(outcome.stdout)
        assert_no_command(outcome.stderr)
    assert_lines_start(summary.read_text(encoding="utf-8"), SUMMARY_STARTS)
    assert_lines_start((folder / "h.md").read_text(encoding="utf-8"), HEALTH_STARTS)
    figures.add("hostile_log_texts")
