"""The daily workflow's own `run:` steps, executed in order against a fake GitHub.

GitHub cannot be reached from the tests, so each run is played here the way Actions plays it:
a fresh clone of a bare remote (the checkout), the workflow's steps in order under
``bash -eo pipefail``, a job that stops at the first failing step, a fake ``gh`` keeping issues
in a JSON file, and the loopback arXiv server behind ``DAILYPAPERS_API_URL``. The `uses:` steps
are done by the harness: the clone is the checkout, and the project is already installed in the
test's Python environment, whose bin folder comes first on PATH.
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fakes.arxiv import FakeArxiv, FakePaper, Fault, make_papers
from tests.support import tracked_before

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "update.yml"
FAKE_GH = Path(__file__).resolve().parent / "fakes" / "gh.py"
WITHOUT_TRIO = Path(__file__).resolve().parent / "without_trio"
REPOSITORY = "owner/tracker"
BODY_LIMIT = 65_536
KEYWORDS = "keywords:\n  - World Model\n  - Foo Detection\n"
README = (
    "# My papers\n\nWhat this tracker is for.\n\n"
    "<!-- dailypapers:start -->\n<!-- dailypapers:end -->\n"
)
KNOWN_ACTIONS = ("actions/checkout@", "actions/setup-python@", "actions/upload-pages-artifact@")
STEP_KEYS = {"name", "id", "run", "uses", "with", "env"}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BOT = "github-actions[bot]"
ROW_LINK = re.compile(r"\]\(https://arxiv\.org/(?:abs|pdf)/([^)\s]+?)v\d+\)")
AS_OWNER = ("-c", "user.name=Owner", "-c", "user.email=owner@example.org")


def git(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@dataclass
class StepResult:
    name: str
    status: int
    output: str


@dataclass
class Run:
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    """The job's outputs, as the `deploy` job reads them (``needs.update.outputs``)."""

    @property
    def ok(self) -> bool:
        return all(s.status == 0 for s in self.steps)

    @property
    def log(self) -> str:
        return "".join(f"--- {s.name} ({s.status})\n{s.output}" for s in self.steps)


class Tracker:
    """A tracker repository on a fake GitHub: a bare remote, its issues, and a job runner."""

    templates: Path | None = None
    """Where the owner's first commit is kept once per set of keywords (``remote_templates``):
    each test's remote is a copy, not five git processes of its own."""
    first_run: Run | None = None
    """The first scheduled run, for a tracker copied from one (``after_first_run``)."""

    def __init__(
        self, root: Path, api_url: str, keywords: str = KEYWORDS, *, past_day_one: bool = True
    ) -> None:
        self.root, self.api_url = root, api_url
        self.remote = root / "remote.git"
        self.gh_state = root / "gh-state.json"
        self.bin = root / "bin"
        self.home = root / "home"
        self.confirm_fails = root / "confirm-fails"
        self.runs = 0
        self.workflow: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
        for folder in (self.bin, self.home):
            folder.mkdir()
        self._fake_tools()
        self._seed(keywords, past_day_one)

    def _fake_tools(self) -> None:
        gh = self.bin / "gh"
        # -I -S: the fake needs nothing beyond the standard library, nor the site's start-up.
        gh.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" -I -S "{FAKE_GH}" "$@"\n', encoding="utf-8"
        )
        # The project is installed in this environment already; the install step must still
        # ask for exactly what the README says.
        pip = self.bin / "pip"
        pip.write_text(
            '#!/bin/sh\n[ "$*" = "install ." ] || { echo "unexpected: pip $*" >&2; exit 2; }\n'
            'exec "$(dirname "$0")/dailypapers-installed"\n',
            encoding="utf-8",
        )
        probe = self.bin / "dailypapers-installed"
        probe.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" -c "import dailypapers"\n', encoding="utf-8"
        )
        # `dailypapers` itself, unless a test asked its next `confirm` to fail.
        real = Path(sys.executable).with_name("dailypapers")
        wrapper = self.bin / "dailypapers"
        wrapper.write_text(
            f'#!/bin/sh\nif [ "$1" = confirm ] && rm "{self.confirm_fails}" 2>/dev/null; then\n'
            '  echo "dailypapers: data/world-model.json: cannot write (disk full)" >&2; exit 2\n'
            f'fi\nexec "{real}" "$@"\n',
            encoding="utf-8",
        )
        for tool in (gh, pip, probe, wrapper):
            tool.chmod(0o755)

    def _seed(self, keywords: str, past_day_one: bool) -> None:
        """The owner's first commit; past day one, every keyword was fetched once and found
        nothing, so that the papers a run finds are news rather than a first fill."""
        if self.templates is None:
            self._first_commit(self.root, keywords, past_day_one)
            return
        key = hashlib.sha1(f"{keywords}\0{past_day_one}".encode(), usedforsecurity=False)
        template = self.templates / key.hexdigest()
        if not template.exists():
            template.mkdir()
            self._first_commit(template, keywords, past_day_one)
        shutil.copytree(template / "remote.git", self.remote)

    def _first_commit(self, root: Path, keywords: str, past_day_one: bool) -> None:
        remote = root / "remote.git"
        git("init", "--quiet", "--bare", "--initial-branch=main", str(remote), cwd=root)
        seed = root / "seed"
        git("init", "--quiet", "--initial-branch=main", str(seed), cwd=root)
        (seed / "keywords.yaml").write_text(keywords, encoding="utf-8")
        (seed / "README.md").write_text(README, encoding="utf-8")
        (seed / "data").mkdir()
        (seed / "data" / ".gitkeep").write_text("", encoding="utf-8")
        if past_day_one:
            tracked_before(seed)
        git("add", ".", cwd=seed, env=self.env())
        git(*AS_OWNER, "commit", "--quiet", "-m", "My tracker", cwd=seed, env=self.env())
        git("push", "--quiet", str(remote), "main", cwd=seed, env=self.env())

    def copy_state(self, other: Tracker) -> None:
        """This tracker as ``other`` is now on GitHub: its remote and its issues."""
        shutil.rmtree(self.remote)
        shutil.copytree(other.remote, self.remote)
        if other.gh_state.exists():
            shutil.copyfile(other.gh_state, self.gh_state)

    def env(self) -> dict[str, str]:
        """What every process sees: nothing from the machine running the tests but PATH, and
        the trio stand-in of tests/conftest.py (a runner's install has no trio; importing the
        test extras' one cost every Python process here 0.2 s and an `ldconfig -p`)."""
        venv_bin = str(Path(sys.executable).parent)
        return {
            "PATH": os.pathsep.join([str(self.bin), venv_bin, os.environ.get("PATH", "")]),
            "PYTHONPATH": str(WITHOUT_TRIO),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "GIT_CONFIG_NOSYSTEM": "1",
            "FAKE_GH_STATE": str(self.gh_state),
        }

    # ------------------------------------------------------------------ the job

    def run(self, before: dict[str, Callable[[], None]] | None = None) -> Run:
        """One scheduled run of the `update` job, from a fresh checkout as on GitHub.

        ``before`` maps a step's name to what happens elsewhere just before that step starts.
        """
        self.runs += 1
        here = self.root / f"run-{self.runs}"
        workspace, temp = here / "workspace", here / "temp"
        temp.mkdir(parents=True)
        git("clone", "--quiet", str(self.remote), str(workspace), cwd=self.root, env=self.env())
        job = self.workflow["jobs"]["update"]
        base = {
            **self.env(),
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(temp),
        }
        outputs: dict[str, dict[str, str]] = {}
        run = Run()
        for index, step in enumerate(job["steps"]):
            unknown = set(step) - STEP_KEYS
            assert not unknown, f"the harness does not emulate {unknown} in step {step}"
            if "uses" in step:
                assert step["uses"].startswith(KNOWN_ACTIONS), step["uses"]
                if step["uses"].startswith("actions/upload-pages-artifact@"):
                    outputs[step.get("id", f"step-{index}")] = {"artifact_id": "1234"}
                continue
            name = step.get("name", f"step {index}")
            if before and name in before:
                before[name]()
            env = {**base}
            for scope in (self.workflow.get("env", {}), job.get("env", {}), step.get("env", {})):
                env.update({k: self._expand(str(v), outputs) for k, v in scope.items()})
            env.update(
                DAILYPAPERS_API_URL=self.api_url,
                DAILYPAPERS_DELAY="0",
                DAILYPAPERS_RETRIES="0",
                GITHUB_OUTPUT=str(temp / f"output-{index}"),
                GITHUB_STEP_SUMMARY=str(temp / f"summary-{index}"),
            )
            script = temp / f"step-{index}.sh"
            assert "${{" not in step["run"], f"expression inside run: of {name!r}"
            script.write_text(step["run"], encoding="utf-8")
            done = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                cwd=workspace,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=120,
            )
            run.steps.append(StepResult(name, done.returncode, done.stdout))
            outputs[step.get("id", f"step-{index}")] = _read_outputs(temp / f"output-{index}")
            summary = temp / f"summary-{index}"
            if summary.exists():
                run.summary += summary.read_text(encoding="utf-8")
            if done.returncode != 0:
                break
        run.outputs = {k: self._expand(str(v), outputs) for k, v in job["outputs"].items()}
        return run

    def deploys(self, run: Run) -> bool:
        """Whether the `deploy` job would start after ``run``: its `if:`, read term by term."""
        condition = EXPRESSION.fullmatch(self.workflow["jobs"]["deploy"]["if"].strip())
        assert condition is not None
        for term in condition.group(1).split("&&"):
            if term.strip() == "!cancelled()":
                continue
            compared = re.fullmatch(r"needs\.update\.outputs\.([\w-]+) != '(\w*)'", term.strip())
            assert compared is not None, f"term not emulated by the harness: {term}"
            if run.outputs[compared.group(1)] == compared.group(2):
                return False
        return True

    def _expand(self, value: str, outputs: dict[str, dict[str, str]]) -> str:
        """The few contexts the workflow may use outside scripts; any other is a test failure."""

        def one(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression == "github.token":
                return "fake-token"
            if expression == "github.repository":
                return REPOSITORY
            step_output = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
            if step_output:
                return outputs.get(step_output.group(1), {}).get(step_output.group(2), "")
            raise AssertionError(f"expression not emulated by the harness: {expression}")

        return EXPRESSION.sub(one, value)

    def owner_pushes(self, edits: dict[str, str]) -> None:
        """The owner edits files on GitHub, one commit each, e.g. while a run is under way."""
        clone = self.root / f"owner-{self.runs}"
        git("clone", "--quiet", str(self.remote), str(clone), cwd=self.root, env=self.env())
        for path, text in edits.items():
            (clone / path).write_text(text, encoding="utf-8")
            git(*AS_OWNER, "commit", "--quiet", "-am", f"Edit {path}", cwd=clone, env=self.env())
        git("push", "--quiet", "origin", "main", cwd=clone, env=self.env())

    # ------------------------------------------------------------------ what GitHub would show

    def head(self) -> str:
        return git("rev-parse", "main", cwd=self.remote).strip()

    def commits(self) -> list[str]:
        return git("log", "--format=%an|%s", "main", cwd=self.remote).splitlines()

    def committed(self, path: str) -> str:
        return git("show", f"main:{path}", cwd=self.remote)

    def files(self) -> set[str]:
        return set(git("ls-tree", "-r", "--name-only", "main", cwd=self.remote).split())

    def store(self, slug: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.committed(f"data/{slug}.json"))
        return data

    def issues(self, label: str, state: str | None = None) -> list[dict[str, Any]]:
        if not self.gh_state.exists():
            return []
        found: list[dict[str, Any]] = json.loads(self.gh_state.read_text(encoding="utf-8"))[
            "issues"
        ]
        return [i for i in found if label in i["labels"] and state in (None, i["state"])]

    def gh_fails(self, command: str, when: str) -> None:
        """The next ``gh <command>`` fails: ``before`` doing anything, or ``after`` it."""
        self._edit_gh(lambda state: state["fail"].update({command: when}))

    def _edit_gh(self, change: Callable[[dict[str, Any]], None]) -> None:
        state = (
            json.loads(self.gh_state.read_text(encoding="utf-8")) if self.gh_state.exists() else {}
        )
        for key, empty in (("calls", []), ("labels", {}), ("issues", []), ("fail", {})):
            state.setdefault(key, empty)
        change(state)
        self.gh_state.write_text(json.dumps(state), encoding="utf-8")

    def pages(self, build_type: str | None) -> None:
        """Pages publishing from GitHub Actions (``workflow``), from a branch (``legacy``), or
        off (None, a fork's default)."""
        self._edit_gh(lambda state: state.update(pages=build_type))

    def issues_off(self, off: bool = True) -> None:
        """Issues turned off in the repository's settings, as GitHub leaves a fork."""
        self._edit_gh(lambda state: state.update(issues_disabled=off))

    def someone_opens(self, label: str, body: str) -> None:
        """An issue opened by a person, not by the workflow, with one of the workflow's labels."""

        def add(state: dict[str, Any]) -> None:
            state["labels"].setdefault(label, {"color": "", "description": ""})
            state["issues"].append(
                {
                    "number": len(state["issues"]) + 1,
                    "title": "Papers",
                    "body": body,
                    "labels": [label],
                    "state": "open",
                    "comments": [],
                    "author": {"id": "U_1", "is_bot": False, "login": "octocat", "name": ""},
                }
            )

        self._edit_gh(add)

    def gh_calls(self) -> list[list[str]]:
        if not self.gh_state.exists():
            return []
        calls: list[list[str]] = json.loads(self.gh_state.read_text(encoding="utf-8"))["calls"]
        return calls

    def announced(self) -> Counter[str]:
        """How many issues of new papers listed each paper (by its versionless id)."""
        return Counter(
            i
            for issue in self.issues("papers")
            if issue["author"]["login"] == "app/github-actions"
            for i in set(listed_ids(issue["body"]))
        )

    def pending(self) -> dict[str, list[str]]:
        return {
            slug: self.store(slug).get("pending", []) for slug in ("world-model", "foo-detection")
        }


def listed_ids(body: str) -> list[str]:
    return ROW_LINK.findall(body)


def _read_outputs(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        assert "<<" not in line, "multi-line outputs are not emulated"
        key, _, value = line.partition("=")
        values[key] = value
    return values


def world(n: int = 4, **kwargs: Any) -> list[FakePaper]:
    return make_papers(n, "World Model", **kwargs)


def foo(n: int = 3) -> list[FakePaper]:
    return make_papers(n, "Foo Detection", first_number=900)


# Session-scoped: a worker of a parallel run goes from module to module, test by test, and would
# tear a module-scoped one down at each switch.
@pytest.fixture(scope="session", autouse=True)
def remote_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    Tracker.templates = tmp_path_factory.mktemp("remotes")
    yield
    Tracker.templates = None


@pytest.fixture
def arxiv() -> Iterator[FakeArxiv]:
    with FakeArxiv(world() + foo()) as server:
        yield server


@pytest.fixture
def tracker(tmp_path: Path, arxiv: FakeArxiv) -> Tracker:
    return Tracker(tmp_path, arxiv.url)


@pytest.fixture(scope="session")
def first_run(remote_templates: None, tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    """The default tracker after its first scheduled run (7 new papers, one issue), made once
    per worker against a fake arXiv with the default papers."""
    with FakeArxiv(world() + foo()) as server:
        first = Tracker(tmp_path_factory.mktemp("first-run"), server.url)
        first.first_run = first.run()
    return first


@pytest.fixture
def after_first_run(tmp_path: Path, arxiv: FakeArxiv, first_run: Tracker) -> Tracker:
    """The default tracker just after its first scheduled run, where many scenarios start: a
    copy of the remote and the issues that run left (``first_run`` is its result), so that each
    of them does not make the same run again."""
    tracker = Tracker(tmp_path, arxiv.url)
    tracker.copy_state(first_run)
    tracker.first_run = first_run.first_run
    return tracker


def health_threshold() -> int:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return int(workflow["jobs"]["update"]["env"]["HEALTH_MIN_FAILURES"])


# ---------------------------------------------------------------------- scenarios


def test_first_run_commits_the_papers_as_the_bot_and_opens_one_issue(
    after_first_run: Tracker,
) -> None:
    tracker = after_first_run
    run = tracker.first_run

    assert run.ok, run.log
    recorded, update = tracker.commits()[:2]
    author, message = update.split("|", 1)
    assert author == BOT
    assert message.startswith("Update papers: 7 new papers - ")
    assert recorded == f"{BOT}|Record the papers announced in the issue"
    assert {"data/world-model.json", "data/foo-detection.json"} <= tracker.files()
    assert "data/.lock" not in tracker.files()
    assert "World Model: synthetic study 1" in tracker.committed("README.md")
    assert "World Model: synthetic study 1" in tracker.committed("papers/world-model.md")
    [issue] = tracker.issues("papers")
    assert re.fullmatch(r"7 new papers - [A-Z][a-z]+ \d{1,2}, \d{4}", issue["title"])
    for paper in world() + foo():
        assert paper.title in issue["body"]


def test_second_run_commits_nothing_and_opens_no_issue(after_first_run: Tracker) -> None:
    tracker = after_first_run
    head = tracker.head()

    run = tracker.run()

    assert run.ok, run.log
    assert tracker.head() == head
    assert len(tracker.issues("papers")) == 1
    assert "arXiv announced nothing new" in run.summary


def test_a_failing_keyword_commits_the_others_and_fails_the_job(
    tracker: Tracker, arxiv: FakeArxiv
) -> None:
    arxiv.inject(Fault("500", times=-1, match=lambda q: "Foo" in q.get("search_query", "")))

    run = tracker.run()

    assert not run.ok
    assert run.steps[-1].name == "Fail the job if a keyword failed or Issues are off"
    assert len(tracker.store("world-model")["papers"]) == 4
    foo_store = tracker.store("foo-detection")
    assert foo_store["papers"] == []
    assert foo_store["health"]["failures"] == 1
    assert "::error title=dailypapers%3A Foo Detection::" in run.log
    assert "FAILED" in run.summary
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("4 new papers")
    assert "Foo Detection" not in issue["body"]


def test_arxiv_down_changes_no_paper_and_no_table(
    after_first_run: Tracker, arxiv: FakeArxiv
) -> None:
    tracker = after_first_run
    readme = tracker.committed("README.md")
    papers = {slug: tracker.store(slug)["papers"] for slug in ("world-model", "foo-detection")}
    arxiv.stop()

    run = tracker.run()

    assert not run.ok
    assert tracker.committed("README.md") == readme
    for slug, before in papers.items():
        store = tracker.store(slug)
        assert store["papers"] == before
        assert store["health"]["failures"] == 1  # committed, so the next run can count on
    assert len(tracker.issues("papers")) == 1


def test_repeated_failures_open_one_health_issue_that_the_next_good_run_closes(
    after_first_run: Tracker, arxiv: FakeArxiv
) -> None:
    tracker = after_first_run
    threshold = health_threshold()
    arxiv.stop()
    for _ in range(threshold - 1):
        tracker.run()
    assert tracker.issues("tracker-health") == []

    tracker.run()
    [issue] = tracker.issues("tracker-health", "open")
    assert "World Model" in issue["body"] and "Foo Detection" in issue["body"]
    tracker.run()
    [issue] = tracker.issues("tracker-health")
    assert f"| {threshold + 1} |" in issue["body"]

    arxiv.start()
    run = tracker.run()

    assert run.ok, run.log
    [issue] = tracker.issues("tracker-health")
    assert issue["state"] == "closed"


def test_a_push_during_the_run_is_kept_and_the_papers_land_on_top_of_it(
    tracker: Tracker,
) -> None:
    edited = README.replace("What this tracker is for.", "Papers our group reads.")
    keywords = KEYWORDS + "  - Graph Sampling\n"

    def owner_edits() -> None:
        tracker.owner_pushes({"README.md": edited, "keywords.yaml": keywords})

    run = tracker.run(before={"Commit and push the changes": owner_edits})

    assert run.ok, run.log
    assert [c.split("|")[0] for c in tracker.commits()] == [BOT, BOT, "Owner", "Owner", "Owner"]
    readme = tracker.committed("README.md")
    assert "Papers our group reads." in readme
    assert "World Model: synthetic study 1" in readme
    assert tracker.committed("keywords.yaml") == keywords
    assert len(tracker.store("world-model")["papers"]) == 4
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("7 new papers")


def test_five_hundred_new_papers_fit_in_one_issue(tmp_path: Path) -> None:
    papers = world(500, step_minutes=3)
    for paper in papers:
        paper.comment = "Accepted at a conference with a long name; " * 6 + paper.comment
    keywords = "keywords:\n  - name: World Model\n    max_papers: 600\n"
    with FakeArxiv(papers) as server:
        tracker = Tracker(tmp_path, server.url, keywords)
        run = tracker.run()

    assert run.ok, run.log
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("500 new papers - ")
    assert len(issue["body"]) < BODY_LIMIT
    assert papers[0].title in issue["body"]
    more = re.search(
        r"…and (\d+) more in the \[complete table\]"
        r"\(https://github.com/owner/tracker/blob/HEAD/(papers/world-model.md)\)",
        issue["body"],
    )
    assert more is not None
    table = tracker.committed(more.group(2))
    assert all(paper.title in table for paper in papers)


def test_day_one_opens_one_short_issue_naming_each_keyword_now_tracked(
    tmp_path: Path, arxiv: FakeArxiv
) -> None:
    tracker = Tracker(tmp_path, arxiv.url, past_day_one=False)

    run = tracker.run()

    assert run.ok, run.log
    assert (
        tracker.commits()[0]
        == f"{BOT}|Update papers: Now tracking 2 new keywords - "
        + (tracker.issues("papers")[0]["title"].split(" - ", 1)[1])
    )
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("Now tracking 2 new keywords - ")
    assert "- Now tracking World Model: 4 papers in its [complete table](" in issue["body"]
    assert "- Now tracking Foo Detection: 3 papers in its [complete table](" in issue["body"]
    assert listed_ids(issue["body"]) == []
    assert tracker.pending() == {"world-model": [], "foo-detection": []}
    assert len(tracker.store("world-model")["papers"]) == 4

    assert tracker.run().ok
    assert len(tracker.issues("papers")) == 1


# ---------------------------------------------------------------------- announcing once


ALL_IDS = {p.id for p in world() + foo()}


def test_after_a_run_no_paper_is_left_pending(after_first_run: Tracker) -> None:
    tracker = after_first_run
    run = tracker.first_run

    assert run.ok, run.log
    assert tracker.pending() == {"world-model": [], "foo-detection": []}
    assert tracker.announced() == dict.fromkeys(ALL_IDS, 1)


def test_an_issue_github_refused_is_opened_by_the_next_run(tracker: Tracker) -> None:
    tracker.gh_fails("issue create", "before")
    first = tracker.run()
    assert not first.ok
    assert first.steps[-1].name == "Open the issue of new papers"
    assert tracker.issues("papers") == []
    assert {i for ids in tracker.pending().values() for i in ids} == ALL_IDS

    second = tracker.run()

    assert second.ok, second.log
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("7 new papers - ")
    assert tracker.announced() == dict.fromkeys(ALL_IDS, 1)
    assert tracker.pending() == {"world-model": [], "foo-detection": []}


def test_an_issue_opened_without_gh_knowing_it_is_not_opened_again(tracker: Tracker) -> None:
    tracker.gh_fails("issue create", "after")
    assert not tracker.run().ok
    assert len(tracker.issues("papers")) == 1

    run = tracker.run()

    assert run.ok, run.log
    assert tracker.announced() == dict.fromkeys(ALL_IDS, 1)
    assert tracker.pending() == {"world-model": [], "foo-detection": []}


def test_a_failed_confirm_is_made_good_by_the_next_run(tracker: Tracker) -> None:
    tracker.confirm_fails.touch()
    first = tracker.run()
    assert not first.ok
    assert "cannot write (disk full)" in first.log

    second = tracker.run()

    assert second.ok, second.log
    assert tracker.announced() == dict.fromkeys(ALL_IDS, 1)
    assert tracker.pending() == {"world-model": [], "foo-detection": []}


def test_papers_of_a_refused_issue_come_with_the_next_days_new_ones(
    tracker: Tracker, arxiv: FakeArxiv
) -> None:
    tracker.gh_fails("issue create", "before")
    tracker.run()
    later = make_papers(2, "World Model", start="2026-11-21T12:00:00Z", first_number=700)
    arxiv.add(later)

    run = tracker.run()

    assert run.ok, run.log
    [issue] = tracker.issues("papers")
    assert issue["title"].startswith("9 new papers - ")
    assert tracker.announced() == dict.fromkeys(ALL_IDS | {p.id for p in later}, 1)
    assert tracker.run().ok
    assert len(tracker.issues("papers")) == 1


# ---------------------------------------------------------------------- Issues off, others' issues


ISSUES_SETTING = "Settings → General → Features → Issues"


def test_with_issues_off_the_papers_are_committed_and_one_error_names_the_setting(
    tracker: Tracker,
) -> None:
    tracker.issues_off()

    run = tracker.run()

    assert not run.ok
    assert run.steps[-1].name == "Fail the job if a keyword failed or Issues are off"
    assert len(tracker.store("world-model")["papers"]) == 4
    assert "World Model: synthetic study 1" in tracker.committed("README.md")
    errors = [line for line in run.log.splitlines() if "::error" in line]
    assert len(errors) == 1 and ISSUES_SETTING in errors[0]
    assert errors[0].startswith("::error::")
    assert not any(call[:2] == ["issue", "create"] for call in tracker.gh_calls())
    assert tracker.issues("papers") == []


def test_the_fake_gh_answers_as_github_does_with_issues_off(tracker: Tracker) -> None:
    tracker.issues_off()
    env = {**tracker.env(), "GH_TOKEN": "t", "GH_REPO": REPOSITORY}
    listing = ["gh", "issue", "list", "--label", "papers", "--json", "body"]

    done = subprocess.run(listing, env=env, capture_output=True, text=True)
    view = subprocess.run(
        ["gh", "repo", "view", "--json", "hasIssuesEnabled", "--jq", ".hasIssuesEnabled"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip

    assert (done.returncode, done.stderr) == (
        1,
        f"the '{REPOSITORY}' repository has disabled issues\n",
    )
    assert view.stdout == "false\n"


PAGES_SETTING = "Settings → Pages → Build and deployment → Source: GitHub Actions"


@pytest.mark.parametrize("build_type", [None, "legacy"])
def test_with_pages_off_the_run_is_green_and_does_not_deploy(
    tracker: Tracker, build_type: str | None
) -> None:
    tracker.pages(build_type)

    run = tracker.run()

    assert run.ok, run.log
    assert not tracker.deploys(run)
    notices = [line for line in run.log.splitlines() if line.startswith("::notice::")]
    assert len(notices) == 1 and PAGES_SETTING in notices[0]
    assert len(tracker.issues("papers")) == 1


def test_with_pages_on_or_without_an_answer_the_site_is_deployed(tracker: Tracker) -> None:
    tracker.pages("workflow")
    assert tracker.deploys(tracker.run())
    tracker.gh_fails("api", "before")
    run = tracker.run()
    assert run.ok, run.log
    assert tracker.deploys(run)
    assert "::notice::" not in run.log


def test_once_issues_are_on_the_next_run_is_green(tracker: Tracker, arxiv: FakeArxiv) -> None:
    tracker.issues_off()
    tracker.run()
    tracker.issues_off(False)
    arxiv.add(make_papers(2, "World Model", start="2026-11-21T12:00:00Z", first_number=700))

    run = tracker.run()

    assert run.ok, run.log
    assert "::error" not in run.log
    assert tracker.pending() == {"world-model": [], "foo-detection": []}
    assert len(tracker.issues("papers")) == 1


def test_without_an_answer_about_issues_the_run_goes_on_as_if_they_were_on(
    tracker: Tracker,
) -> None:
    tracker.gh_fails("repo view", "before")

    run = tracker.run()

    assert run.ok, run.log
    assert len(tracker.issues("papers")) == 1


def test_an_issue_someone_else_opened_with_the_marker_confirms_nothing(
    after_first_run: Tracker, arxiv: FakeArxiv
) -> None:
    tracker = after_first_run
    later = make_papers(2, "World Model", start="2026-11-21T12:00:00Z", first_number=700)
    arxiv.add(later)
    tracker.gh_fails("issue create", "before")
    assert not tracker.run().ok
    ids = " ".join(p.id for p in later)
    tracker.someone_opens("papers", f"Seen already.\n\n<!-- dailypapers:announced {ids} -->\n")

    run = tracker.run()

    assert run.ok, run.log
    newest = [i for i in tracker.issues("papers") if i["author"]["login"] == "app/github-actions"]
    assert len(newest) == 2
    assert set(listed_ids(newest[-1]["body"])) == {p.id for p in later}
    assert tracker.pending() == {"world-model": [], "foo-detection": []}


def test_someone_elses_open_health_issue_is_neither_edited_nor_closed(
    after_first_run: Tracker, arxiv: FakeArxiv
) -> None:
    tracker = after_first_run
    tracker.someone_opens("tracker-health", "My own notes on the tracker's health.")
    arxiv.stop()
    for _ in range(health_threshold()):
        tracker.run()
    arxiv.start()
    assert tracker.run().ok

    theirs, ours = tracker.issues("tracker-health")
    assert theirs["body"] == "My own notes on the tracker's health."
    assert theirs["state"] == "open" and theirs["comments"] == []
    assert ours["author"]["login"] == "app/github-actions"
    assert "World Model" in ours["body"] and ours["state"] == "closed"


# ---------------------------------------------------------------------- linters


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install '.[test]'; zizmor needs Python 3.11+)")
    return path


TESTS_WORKFLOW = ROOT / ".github" / "workflows" / "tests.yml"
WORKFLOWS = pytest.mark.parametrize("workflow", [WORKFLOW, TESTS_WORKFLOW], ids=lambda p: p.name)


@WORKFLOWS
def test_actionlint_finds_nothing(workflow: Path) -> None:
    done = subprocess.run(
        [_tool("actionlint"), "-no-color", str(workflow)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@WORKFLOWS
def test_zizmor_finds_nothing_even_pedantic(workflow: Path) -> None:
    done = subprocess.run(
        [_tool("zizmor"), "--offline", "--persona", "pedantic", "--no-progress",
         "--config", str(ROOT / ".github" / "zizmor.yml"), "--format", "json", str(workflow)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout) == []


# ---------------------------------------------------------------------- the tests workflow


def _readme_commands() -> list[str]:
    """The line after each ```sh fence of the README, as .ci/run reads them."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [after for fence, after in itertools.pairwise(lines) if fence == "```sh"]


def test_the_tests_workflow_runs_the_readmes_test_command_on_the_oldest_and_newest_python() -> None:
    workflow = yaml.safe_load(TESTS_WORKFLOW.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    runs = [step["run"].strip() for step in job["steps"] if "run" in step]
    assert runs[0] == _readme_commands()[1]
    assert job["strategy"]["matrix"]["python"] == ["3.10", "3.13"]
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'requires-python = ">=3.10"' in pyproject
    assert "Programming Language :: Python :: 3.13" in pyproject


def test_the_tests_workflow_reads_only_and_skips_the_daily_bot_commits() -> None:
    workflow = yaml.safe_load(TESTS_WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) >= {"push", "pull_request"}
    ignored = triggers["push"]["paths-ignore"]
    for bot_file in ("data/world-model.json", "papers/world-model.md", "README.md"):
        assert any(fnmatch.fnmatch(bot_file, pattern) for pattern in ignored), bot_file
    assert not any(fnmatch.fnmatch("src/dailypapers/cli/__init__.py", p) for p in ignored)
    assert workflow["permissions"] == {}
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    assert job["if"] == "github.actor != 'github-actions[bot]'"
    committer = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]["update"]["env"]
    assert committer["GIT_AUTHOR_NAME"] == "github-actions[bot]"
