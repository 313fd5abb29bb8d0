"""A stand-in for the GitHub CLI (``gh``) that keeps issues and labels in a JSON file.

Only the commands and flags the workflow uses are understood, with gh's own meaning; anything
else exits with status 2 so a workflow that relies on more than this fake knows fails its test.
Every call's arguments are recorded. The state file is named by ``FAKE_GH_STATE``.

A test makes a command fail by listing it under ``"fail"`` in the state, e.g.
``{"issue create": "before"}`` (GitHub refuses; nothing happens) or ``"after"`` (the issue is
opened but the answer is lost, as in a timeout). Each entry fails one call and is used up.

Issues carry their author as gh's ``--json author`` shows it: the workflow's token opens them as
the GitHub Actions app (``{"is_bot": true, "login": "app/github-actions"}``), and a test adds
someone else's with ``"author": {"login": "octocat", ...}``. ``"issues_disabled": true`` in the
state answers as GitHub does for a repository whose Issues are turned off (a fork's default):
``repo view`` says ``hasIssuesEnabled`` is false and every ``issue`` command fails.
``"pages": "workflow"`` (or ``"legacy"``, publishing from a branch) is what ``gh api
repos/OWNER/REPO/pages`` answers as the site's ``build_type``; without it Pages is off, as in a
new fork, and GitHub answers HTTP 404.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

# Started for every `gh` call of a workflow run: only what it needs (no pathlib, no typing).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

BOT = {"is_bot": True, "login": "app/github-actions"}
BY_BOT = '.author.login == "app/github-actions"'


def _numbers(found: list[dict[str, Any]]) -> list[Any]:
    return [i["number"] for i in found]


def _bodies(found: list[dict[str, Any]]) -> list[Any]:
    return [i["body"] for i in found]


def _first_bot_number(found: list[dict[str, Any]]) -> list[Any]:
    return [i["number"] for i in found if i["author"] == BOT][:1]


def _five_bot_bodies(found: list[dict[str, Any]]) -> list[Any]:
    return [i["body"] for i in found if i["author"] == BOT][:5]


# The only jq programs the fake evaluates (each needs the fields it reads); real gh accepts any.
JQ_PROGRAMS = {
    ".[].number": (_numbers, {"number"}),
    ".[].body": (_bodies, {"body"}),
    f"first(.[] | select({BY_BOT}) | .number)": (_first_bot_number, {"number", "author"}),
    f"[.[] | select({BY_BOT})][:5][].body": (_five_bot_bodies, {"body", "author"}),
}
JSON_FIELDS = {"number", "body", "author"}


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


def load(path: str) -> dict[str, Any]:
    if os.path.exists(path):
        state: dict[str, Any] = json.loads(_read(path))
        return state
    return {"calls": [], "labels": {}, "issues": [], "fail": {}}


def _issue(state: dict[str, Any], number: str) -> dict[str, Any]:
    for issue in state["issues"]:
        if str(issue["number"]) == number:
            return issue
    raise SystemExit(f"GraphQL: Could not resolve to an issue with the number of {number}.")


def _body(args: argparse.Namespace) -> str:
    if getattr(args, "body_file", None):
        return _read(args.body_file)
    return str(getattr(args, "body", None) or "")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="gh", exit_on_error=False)
    groups = top.add_subparsers(dest="group", required=True)

    label = groups.add_parser("label").add_subparsers(dest="command", required=True)
    create = label.add_parser("create")
    create.add_argument("name")
    create.add_argument("--color", default="")
    create.add_argument("--description", default="")
    create.add_argument("--force", action="store_true")

    repo = groups.add_parser("repo").add_subparsers(dest="command", required=True)
    view = repo.add_parser("view")
    view.add_argument("--json", required=True, choices=["hasIssuesEnabled"])
    view.add_argument("--jq", choices=[".hasIssuesEnabled"])

    api = groups.add_parser("api")
    api.add_argument("command", metavar="endpoint")
    api.add_argument("--jq", choices=[".build_type"])

    issue = groups.add_parser("issue").add_subparsers(dest="command", required=True)
    create = issue.add_parser("create")
    create.add_argument("--title", required=True)
    create.add_argument("--body-file")
    create.add_argument("--body")
    create.add_argument("--label", action="append", default=[])
    listing = issue.add_parser("list")
    listing.add_argument("--label", action="append", default=[])
    listing.add_argument("--state", default="open", choices=["open", "closed", "all"])
    listing.add_argument("--limit", type=int, default=30)
    listing.add_argument("--json", required=True)
    listing.add_argument("--jq")
    edit = issue.add_parser("edit")
    edit.add_argument("number")
    edit.add_argument("--body-file")
    edit.add_argument("--body")
    comment = issue.add_parser("comment")
    comment.add_argument("number")
    comment.add_argument("--body-file")
    comment.add_argument("--body")
    close = issue.add_parser("close")
    close.add_argument("number")
    close.add_argument("--comment")
    return top


def run(argv: list[str], state: dict[str, Any]) -> str:
    args = parser().parse_args(argv)
    where = "api" if args.group == "api" else f"{args.group} {args.command}"
    failure = state.setdefault("fail", {}).pop(where, None)
    if failure == "before":
        raise SystemExit("HTTP 502: Server Error (https://api.github.com/graphql)")
    output = _apply(where, args, state)
    if failure == "after":
        raise SystemExit("Post https://api.github.com/graphql: timeout awaiting response headers")
    return output


def _apply(where: str, args: argparse.Namespace, state: dict[str, Any]) -> str:
    disabled = bool(state.get("issues_disabled"))
    if args.group == "api":
        if args.command != f"repos/{os.environ.get('GH_REPO', 'owner/repo')}/pages":
            raise SystemExit(f"fake gh: api {args.command!r} not supported")
        pages = state.get("pages")
        if not pages:
            print('{"message":"Not Found","status":"404"}')
            raise SystemExit("gh: Not Found (HTTP 404)")
        return f"{pages}\n" if args.jq else json.dumps({"build_type": pages}) + "\n"
    if where == "repo view":
        if args.jq:
            return f"{str(not disabled).lower()}\n"
        return json.dumps({"hasIssuesEnabled": not disabled}) + "\n"
    if args.group == "issue" and disabled:
        raise SystemExit(
            f"the '{os.environ.get('GH_REPO', 'owner/repo')}' repository has disabled issues"
        )
    if where == "label create":
        if args.name in state["labels"] and not args.force:
            raise SystemExit(f"label with name {args.name!r} already exists; use `--force`")
        state["labels"][args.name] = {"color": args.color, "description": args.description}
        return ""
    if where == "issue create":
        missing = [name for name in args.label if name not in state["labels"]]
        if missing:
            raise SystemExit(f"could not add label: {missing[0]!r} not found")
        number = len(state["issues"]) + 1
        state["issues"].append(
            {
                "number": number,
                "title": args.title,
                "body": _body(args),
                "labels": args.label,
                "state": "open",
                "comments": [],
                "author": BOT,
            }
        )
        return f"https://github.com/{os.environ.get('GH_REPO', 'owner/repo')}/issues/{number}\n"
    if where == "issue list":
        fields = args.json.split(",")
        if not set(fields) <= JSON_FIELDS:
            raise SystemExit(f"fake gh: --json {args.json!r} not supported")
        found = [
            {name: i[name] for name in fields}
            for i in reversed(state["issues"])
            if set(args.label) <= set(i["labels"]) and args.state in ("all", i["state"])
        ][: args.limit]
        if args.jq is None:
            return json.dumps(found) + "\n"
        program, reads = JQ_PROGRAMS.get(args.jq, (None, set()))
        if program is None or not reads <= set(fields):
            raise SystemExit(f"fake gh: --jq {args.jq!r} not supported with --json {args.json}")
        return "".join(f"{value}\n" for value in program(found))
    issue = _issue(state, args.number)
    if where == "issue edit":
        issue["body"] = _body(args)
    elif where == "issue comment":
        issue["comments"].append(_body(args))
    elif where == "issue close":
        issue["state"] = "closed"
        if args.comment:
            issue["comments"].append(args.comment)
    return ""


def main(argv: list[str]) -> int:
    path = os.environ["FAKE_GH_STATE"]
    state = load(path)
    state["calls"].append(argv)
    status, output = 0, ""
    try:
        if not os.environ.get("GH_TOKEN"):
            raise SystemExit("gh: To use GitHub CLI in a GitHub Actions workflow, set GH_TOKEN.")
        output = run(argv, state)
    except argparse.ArgumentError as exc:
        sys.stderr.write(f"gh: {exc}\n")
        status = 2
    except SystemExit as exc:
        if isinstance(exc.code, str):
            sys.stderr.write(f"{exc.code}\n")
        status = exc.code if isinstance(exc.code, int) else 1
    with open(path, "w", encoding="utf-8") as file:
        file.write(json.dumps(state, indent=2))
    sys.stdout.write(output)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
