"""keywords.yaml → Config, refusing anything doubtful with the file and line that caused it.

The YAML is read as a node tree rather than plain data so that every error can point at a line:
a researcher editing the file on GitHub's web editor has nothing else to go by.
"""

from __future__ import annotations

import logging
import re
import unicodedata
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from .. import fileio
from ..errors import ConfigError
from ..settings import (
    DEFAULT_MAX_PAPERS,
    DEFAULT_READ_FIRST,
    MAX_PAPERS_LIMIT,
    MAX_READ_FIRST,
    MAX_REFERENCES,
)
from ..text import NotUtf8, slugify
from . import references as refs
from . import taxonomy
from .model import (
    DEFAULT_COLUMNS,
    Column,
    Config,
    Field,
    Keyword,
    LinkStyle,
    SortKey,
    invisible,
    name_key,
    searchable,
)

TOP_KEYS = {
    "keywords",
    "max_papers",
    "sort",
    "link",
    "timezone",
    "lookback_days",
    "columns",
    "reference",
    "read_first",
}
KEYWORD_KEYS = {
    "name",
    "phrases",
    "authors",
    "fields",
    "categories",
    "exclude",
    "query",
    "max_papers",
    "notify",
    "reference",
}
# GitHub's rule for user names: letters, digits and single hyphens inside, at most 39.
_GITHUB_USER = re.compile(r"[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}")
# A line that starts a list item: its dash, then a space or nothing.
_DASH_LINE = re.compile(r"\s*-(?:\s|$)")
# The README table columns in their fixed order; ``code`` is the only optional one so far.
_COLUMNS: tuple[Column, ...] = (*DEFAULT_COLUMNS, "code")
FIELDS: dict[str, Field] = {"title": "title", "abstract": "abstract"}
# Values that aliases may stand for in all: enough to share a list of categories among
# hundreds of keywords, far too few to blow up.
MAX_ALIAS_VALUES = 10_000
# A keyword's own text: its name is a heading and (as a slug) a file name, whose temporary
# sibling ``.<slug>.xml.XXXXXXXX.tmp`` must stay within the usual 255-byte limit; its phrases,
# exclusions and query become one arXiv query, sent by POST when long.
MAX_NAME = 200
MAX_SLUG_BYTES = 120
MAX_QUERY_TEXT = 4000

T = TypeVar("T")
log = logging.getLogger(__name__)


def load_config(path: Path) -> Config:
    """Read and validate a keywords file; raises ConfigError naming file and line."""
    return parse_config(read_config_text(path), str(path))


def read_config_text(path: Path) -> str:
    """A keywords file's text, for reading or editing; ConfigError if it cannot be read or is
    not UTF-8 (naming the line of the first bad byte)."""
    try:
        return fileio.read_text(path)
    except FileNotFoundError:
        raise ConfigError(str(path), 0, "file not found") from None
    except OSError as exc:
        raise ConfigError(str(path), 0, f"cannot read: {exc}") from None
    except NotUtf8 as exc:
        raise ConfigError(str(path), exc.line, exc.problem) from None


def parse_config(text: str, path: str = "keywords.yaml") -> Config:
    root = compose(text, path)
    if root is None:
        raise ConfigError(path, 1, "empty file: expected a mapping with a 'keywords:' list")
    reader = _Reader(path)
    config = reader.config(root)
    for warning in reader.warnings:  # only for a file that is used: a refused one says one line
        log.warning("%s", warning)
    return config


def compose(text: str, path: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_BoundedLoader)
    except _AliasBomb as exc:
        raise ConfigError(path, exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        line, hint = syntax_hint(exc, text.splitlines())
        line = line or (mark.line + 1 if mark else 0)
        raise ConfigError(path, line, f"YAML syntax error: {problem}{hint}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(path, line, f"YAML error: {exc.reason}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, 0, f"YAML error: {exc}") from None
    except RecursionError:
        raise ConfigError(path, 0, "YAML error: lists or mappings nested too deeply") from None


_NEEDS_QUOTES = {"@": "@", "`": "`", "%": "%", "|": "|", ">": ">", "!": "!", "&": "&", "*": "*"}


def syntax_hint(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str]:
    """A line to point at instead of PyYAML's (0: keep it) and plain words for the usual
    mistakes of someone editing keywords.yaml in a browser, or '' when none applies."""
    problem = exc.problem or ""
    context = exc.context or ""
    at = exc.problem_mark.line if exc.problem_mark else 0
    text = lines[at] if 0 <= at < len(lines) else ""
    if "mapping values are not allowed" in problem:
        key, _, value = text.strip().removeprefix("- ").partition(": ")
        if ": " in value:
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            return 0, f' (a value holding ": " must be quoted: {key}: "{quoted}")'
        return 0, " (this line is indented deeper than the key above it)"
    if "expected <block end>" in problem:
        if "'-'" in problem or "sequence" in problem:
            return 0, " (the items of one list must start in the same column)"
        return 0, (
            " (this line's indentation does not match the lines above: a keyword's settings "
            "line up under its 'name:', two spaces right of its '-')"
        )
    if "'\\t'" in problem:
        column = exc.problem_mark.column if exc.problem_mark else 0
        if text[:column].strip(" \t"):
            # After a word: told of indentation, the reader looked at a margin that was fine.
            return 0, f" (a tab at column {column + 1}: YAML takes spaces there; type a space)"
        return 0, " (YAML is indented with spaces, not tabs)"
    if "cannot start any token" in problem:
        first = text.strip().removeprefix("- ").lstrip()[:1]
        if first in _NEEDS_QUOTES:
            return 0, f' (a value starting with {first} must be quoted, e.g. "{first}...")'
    start = exc.context_mark.line + 1 if exc.context_mark else 0
    if "quoted scalar" in context:
        return start, " (a quote opened on this line is never closed)"
    if "expected ',' or ']'" in problem:
        return 0, f" (the [list] opened on line {start} is not closed with ])"
    if "expected ':'" in problem:
        return start, " (a key needs a colon and a space after it, e.g. phrases: [a, b])"
    return 0, ""


class _AliasBomb(yaml.YAMLError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line, self.message = line, message


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses aliases that would multiply the document.

    PyYAML composes ``*a`` as one more reference to the anchored node, so a few kilobytes of
    nested aliases make a small graph but an astronomically large tree, and whatever walks it as
    a tree (the reader, the ``repr`` in an error message) pays for every copy: a 122 kB file once
    took 1.4 GB and 14 s to refuse. Each alias is charged the size of the tree it stands for and
    the file is refused once the charges pass ``MAX_ALIAS_VALUES``, long before anything walks
    it; an alias inside the value it names (a cycle) is refused at once.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._sizes: dict[int, int] = {}
        self._open: set[str] = set()
        self._charged = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            self._charge(event)
            return super().compose_node(parent, index)
        anchor = getattr(event, "anchor", None)
        if anchor is None:
            return super().compose_node(parent, index)
        self._open.add(anchor)
        try:
            return super().compose_node(parent, index)
        finally:
            self._open.discard(anchor)

    def _charge(self, event: yaml.AliasEvent) -> None:
        line = event.start_mark.line + 1 if event.start_mark else 0
        if event.anchor in self._open:
            raise _AliasBomb(line, f"alias *{event.anchor} is inside the value it refers to")
        node = self.anchors.get(event.anchor)
        if node is None:
            return  # PyYAML reports the undefined alias itself
        self._charged += self._size(node)
        if self._charged > MAX_ALIAS_VALUES:
            raise _AliasBomb(
                line,
                f"YAML aliases (*{event.anchor} and the ones before it) stand for more than "
                f"{MAX_ALIAS_VALUES} values; write the values out instead",
            )

    def _size(self, node: yaml.Node) -> int:
        known = self._sizes.get(id(node))
        if known is not None:
            return known
        size = 1
        if isinstance(node, yaml.SequenceNode):
            size += sum(self._size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            size += sum(self._size(key) + self._size(value) for key, value in node.value)
        self._sizes[id(node)] = size
        return size


def _short(name: str) -> str:
    return f"'{name}'" if len(name) <= 40 else f"'{name[:37]}...'"


def shown(value: object) -> str:
    """A value as an error message quotes it: a list or mapping is named, not printed whole."""
    if isinstance(value, yaml.SequenceNode):
        return "a list"
    if isinstance(value, yaml.MappingNode):
        return "a mapping"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def comma_list_hint(node: yaml.Node, what: str) -> str:
    """For a plain value holding commas where a list goes (``categories: cs.CV, cs.LG``): YAML
    reads it as one text, which was refused as one odd value (and ``columns:`` as the very
    list the message asked for)."""
    if not isinstance(node, yaml.ScalarNode) or node.style is not None or "," not in node.value:
        return ""
    parts = ", ".join(p.strip() for p in str(node.value).split(",") if p.strip())
    return f" (YAML reads it as one text: a list needs brackets, {what}: [{parts}])"


class _Reader:
    """Turns nodes into typed values; one method per kind of setting."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._constructor = yaml.SafeLoader("")
        self.warnings: list[str] = []
        """What the file does that works but may not be meant, told once it is all valid."""

    def fail(self, node: yaml.Node, message: str) -> ConfigError:
        return ConfigError(self.path, line_of(node), message)

    def scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise self.fail(node, f"invalid value: {exc.problem}") from None
        except (ValueError, LookupError, TypeError, AttributeError, OverflowError):
            # A plain value YAML takes for a date or a number it cannot build: 2024-02-30, 0x_.
            kind = str(node.tag).rsplit(":", 1)[-1]
            raise self.fail(
                node,
                f"invalid value {node.value!r}: YAML reads it as a {kind}, and it is not a valid "
                "one; quote it if it is meant as text",
            ) from None

    def mapping(self, node: yaml.Node, allowed: set[str], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping")
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                raise self.fail(key_node, f"{what}: keys must be text, got {shown(key)}")
            if key in result:
                raise self.fail(key_node, f"{what}: duplicate key '{key}'")
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                hint = self.colon_hint(node, key, value_node) if what == "keyword" else ""
                raise self.fail(key_node, f"{what}: unknown key '{key}' (known: {known}){hint}")
            result[key] = value_node
        return result

    def colon_hint(self, node: yaml.MappingNode, key: str, value: yaml.Node) -> str:
        """``- LLM: reasoning`` is a mapping to YAML; most likely the name was meant."""
        if len(node.value) != 1 or not isinstance(value, yaml.ScalarNode):
            return ""
        name = f"{key}: {value.value}".replace("\\", "\\\\").replace('"', '\\"')
        return (
            f'; YAML reads "{key}: ..." as a setting because of the ": ": if it is the '
            f'keyword\'s name, quote it: - "{name}"'
        )

    def folded_item(self, node: yaml.Node) -> None:
        """Refuse a list item indented deeper than the one above it.

        YAML reads ``- World Model`` followed by a deeper ``  - Video`` as one plain text that
        goes on over two lines, "World Model - Video": no error, just a keyword (or phrase) that
        nobody wrote, and one fewer than was meant, found only days later. A plain value whose
        next line starts with a dash is that mistake, never a name someone meant.
        """
        if not isinstance(node, yaml.ScalarNode) or node.style is not None:
            return
        start, end = node.start_mark, node.end_mark
        if start.line == end.line or start.buffer is None:
            return
        source = str(start.buffer)[start.index : end.index]
        first, *rest = source.split("\n")
        for offset, line in enumerate(rest, 1):
            if _DASH_LINE.match(line):
                raise ConfigError(
                    self.path,
                    start.line + 1 + offset,
                    f"'{line.strip()}' is indented deeper than the item above it, so YAML reads "
                    f"it as part of '{first.strip()}' (the items of one list must start in "
                    "the same column)",
                )

    def text(self, node: yaml.Node, what: str) -> str:
        self.folded_item(node)
        value = self.scalar(node)
        if value is None and what == "keyword":
            mark = node.start_mark
            line = str(mark.buffer).split("\n")[mark.line] if mark.buffer is not None else "#"
            if "#" in line:
                raise self.fail(
                    node,
                    "empty keyword (a '#' starts a comment: quote a name that starts with '#')",
                )
            # A dash with nothing after it: the '#' hint would send the reader looking for a
            # character that is not on the line.
            raise self.fail(node, "empty keyword (write a name after the '-', or delete the line)")
        if isinstance(value, bool) and isinstance(node, yaml.ScalarNode):
            # YAML 1.1 reads yes/no/on/off as true/false: "must be text" told someone who had
            # written text that they had not.
            raise self.fail(
                node,
                f"{what} {node.value!r} is read by YAML as {str(value).lower()}; quote it if it "
                f'is meant as text: "{node.value}"',
            )
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(node, f"{what} must be text")
        if isinstance(value, int | float) and isinstance(node, yaml.ScalarNode):
            # As written: YAML reads 4.10 as the number 4.1, 007 as 7 and 0x10 as 16, and the
            # keyword or phrase would quietly be another one.
            value = node.value
        value = " ".join(str(value).split())
        if not value:
            raise self.fail(node, f"{what} must not be empty")
        return value

    def phrase(self, node: yaml.Node, what: str) -> str:
        """Text that goes inside arXiv's quotes: no quote or backslash (arXiv would read it as
        the end of the phrase or an escape), and no invisible character (removed, with a
        warning: it would make the phrase match nothing)."""
        value = self.text(node, what)
        if '"' in value:
            raise self.fail(node, f"{what} must not contain a double quote: {value!r}")
        if "\\" in value:
            raise self.fail(
                node,
                f"{what} must not contain a backslash (arXiv reads it as an escape, which can "
                f"swallow the closing quote): {value!r}",
            )
        hidden = invisible(value)
        if hidden:
            value = searchable(value)
            if not value:
                raise self.fail(node, f"{what} holds only invisible characters")
            names = ", ".join(
                sorted({f"U+{ord(ch):04X} {unicodedata.name(ch, 'control')}" for ch in hidden})
            )
            self.warnings.append(
                f"{self.path}:{line_of(node)}: {what}: searching {value!r} without its "
                f"invisible characters ({names})"
            )
        return value

    def each(self, node: yaml.Node, what: str, item: Callable[[yaml.Node, str], T]) -> list[T]:
        """A list, or a single item standing for a list of one."""
        if isinstance(node, yaml.SequenceNode):
            if not node.value:
                raise self.fail(node, f"{what} must not be empty")
            return [item(child, what) for child in node.value]
        try:
            return [item(node, what)]
        except ConfigError as error:
            hint = comma_list_hint(node, what)
            if not hint:
                raise
            raise ConfigError(error.path, error.line, error.message + hint) from None

    def integer(self, node: yaml.Node, what: str, low: int, high: int) -> int:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(node, f"{what} must be a whole number from {low} to {high}")
        return value

    def choice(self, node: yaml.Node, what: str, options: tuple[str, ...]) -> str:
        value = self.scalar(node)
        if value not in options:
            raise self.fail(node, f"{what} must be one of {', '.join(options)}, got {shown(value)}")
        return str(value)

    def category(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if taxonomy.canonical(value) is None:
            close = taxonomy.suggestion(value)
            hint = f" (did you mean {close}?)" if close else ""
            raise self.fail(node, f"{what}: not an arXiv category or archive: {value!r}{hint}")
        return value

    def github_user(self, node: yaml.Node, what: str) -> str:
        value = self.text(node, what)
        if value.startswith("@"):
            raise self.fail(node, f"{what}: write GitHub user names without '@': {value!r}")
        if len(value) > 39 or not _GITHUB_USER.fullmatch(value):
            raise self.fail(
                node,
                f"{what}: not a GitHub user name (letters, digits and single hyphens, "
                f"at most 39): {value!r}",
            )
        return value

    def columns(self, node: yaml.Node) -> tuple[Column, ...]:
        names = self.each(node, "columns", self.text)
        wanted = tuple(n.lower() for n in names)
        if wanted not in (DEFAULT_COLUMNS, _COLUMNS):
            got = repr(names[0]) if isinstance(node, yaml.ScalarNode) else f"[{', '.join(names)}]"
            raise self.fail(
                node,
                "columns must be [title, date, abstract, comment] or "
                f"[title, date, abstract, comment, code], got {got}"
                + comma_list_hint(node, "columns"),
            )
        return DEFAULT_COLUMNS if wanted == DEFAULT_COLUMNS else _COLUMNS

    def field(self, node: yaml.Node, what: str) -> Field:
        value = self.scalar(node)
        if value not in FIELDS:
            raise self.fail(node, f"{what} must be title or abstract, got {shown(value)}")
        return FIELDS[value]

    def config(self, root: yaml.Node) -> Config:
        top = self.mapping(root, TOP_KEYS, "keywords file")
        if "keywords" not in top:
            raise self.fail(root, "missing 'keywords:' list")
        max_papers = DEFAULT_MAX_PAPERS
        if "max_papers" in top:
            max_papers = self.integer(top["max_papers"], "max_papers", 1, MAX_PAPERS_LIMIT)
        sort: SortKey = "updated"
        if (
            "sort" in top
            and self.choice(top["sort"], "sort", ("updated", "published")) != "updated"
        ):
            sort = "published"
        link: LinkStyle = "pdf"
        if "link" in top and self.choice(top["link"], "link", ("pdf", "abs")) != "pdf":
            link = "abs"
        timezone = "UTC"
        if "timezone" in top:
            timezone = self.text(top["timezone"], "timezone")
            try:
                zoneinfo.ZoneInfo(timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise self.fail(top["timezone"], f"unknown timezone {timezone!r}") from None
        lookback = 1
        if "lookback_days" in top:
            lookback = self.integer(top["lookback_days"], "lookback_days", 0, 30)
        columns = self.columns(top["columns"]) if "columns" in top else DEFAULT_COLUMNS
        references = self.references(top["reference"]) if "reference" in top else ()
        read_first = DEFAULT_READ_FIRST
        if "read_first" in top:
            read_first = self.integer(top["read_first"], "read_first", 0, MAX_READ_FIRST)
        keywords = self.keywords(top["keywords"], max_papers)
        return Config(
            references=references,
            read_first=read_first,
            columns=columns,
            keywords=tuple(keywords),
            max_papers=max_papers,
            sort=sort,
            link=link,
            timezone=timezone,
            lookback_days=lookback,
            path=self.path,
        )

    def keywords(self, node: yaml.Node, default_max: int) -> list[Keyword]:
        if not isinstance(node, yaml.SequenceNode):
            hint = ""
            if isinstance(node, yaml.ScalarNode) and str(node.value).startswith("-"):
                hint = " (write a dash and a space before each keyword: - World Model)"
            raise self.fail(node, f"'keywords' must be a list{hint}")
        if not node.value:
            raise self.fail(node, "'keywords' must list at least one keyword")
        keywords: list[Keyword] = []
        names: dict[str, int] = {}
        slugs: dict[str, tuple[str, int]] = {}
        for item in node.value:
            keyword = self.keyword(item, default_max)
            line = line_of(item)
            folded = name_key(keyword.name)
            if folded in names:
                raise self.fail(
                    item, f"duplicate keyword '{keyword.name}' (first on line {names[folded]})"
                )
            if keyword.slug in slugs:
                other, other_line = slugs[keyword.slug]
                raise self.fail(
                    item,
                    f"keyword '{keyword.name}' has the same file name '{keyword.slug}' as "
                    f"'{other}' (line {other_line})",
                )
            names[folded] = line
            slugs[keyword.slug] = (keyword.name, line)
            keywords.append(keyword)
        return keywords

    def keyword(self, node: yaml.Node, default_max: int) -> Keyword:
        if isinstance(node, yaml.ScalarNode):
            name = self.phrase(node, "keyword")
            self.sized(node, name, (name,))
            return Keyword(
                name=name, slug=self.slug(node, name), phrases=(name,), max_papers=default_max
            )
        if isinstance(node, yaml.SequenceNode):
            # "must be a mapping" hid that a plain name is a keyword too, and where a list goes.
            items = [str(n.value) for n in node.value if isinstance(n, yaml.ScalarNode)]
            items = items if items and len(items) == len(node.value) else ["a", "b"]
            raise self.fail(
                node,
                "a keyword is a name or a mapping with 'name:', not a list (for several "
                f"phrases: - name: {items[0]}, and under it phrases: [{', '.join(items)}])",
            )
        keys = self.mapping(node, KEYWORD_KEYS, "keyword")
        if "name" not in keys:
            raise self.fail(node, "keyword needs a 'name'")
        name = self.text(keys["name"], "name")
        query = self.text(keys["query"], "query") if "query" in keys else None
        authors: tuple[str, ...] = ()
        if "authors" in keys:
            authors = tuple(dict.fromkeys(self.each(keys["authors"], "authors", self.phrase)))
        if "phrases" in keys:
            phrases = tuple(self.each(keys["phrases"], "phrases", self.phrase))
        elif query is None and not authors:
            phrases = (self.phrase(keys["name"], "name"),)
        else:
            phrases = ()
        if query is not None and "phrases" in keys:
            raise self.fail(keys["query"], "give either 'query' or 'phrases', not both")
        fields: tuple[Field, ...] = ("title", "abstract")
        if "fields" in keys:
            fields = tuple(dict.fromkeys(self.each(keys["fields"], "fields", self.field)))
        categories: tuple[str, ...] = ()
        if "categories" in keys:
            categories = tuple(self.each(keys["categories"], "categories", self.category))
        exclude: tuple[str, ...] = ()
        if "exclude" in keys:
            exclude = tuple(self.each(keys["exclude"], "exclude", self.phrase))
        max_papers = default_max
        if "max_papers" in keys:
            max_papers = self.integer(keys["max_papers"], "max_papers", 1, MAX_PAPERS_LIMIT)
        notify: tuple[str, ...] = ()
        if "notify" in keys:
            first: dict[str, str] = {}
            for user in self.each(keys["notify"], "notify", self.github_user):
                first.setdefault(user.casefold(), user)  # GitHub ignores case in names
            notify = tuple(first.values())
        references = self.references(keys["reference"]) if "reference" in keys else ()
        self.sized(node, name, (*phrases, *authors, *exclude, query or ""))
        return Keyword(
            references=references,
            authors=authors,
            notify=notify,
            name=name,
            slug=self.slug(keys["name"], name),
            phrases=phrases,
            fields=fields,
            categories=categories,
            exclude=exclude,
            query=query,
            max_papers=max_papers,
        )

    def references(self, node: yaml.Node) -> tuple[str, ...]:
        """arXiv ids and ``.bib`` files, read now so that a bad one is refused with its line."""
        ids: dict[str, None] = {}
        for item in self.each(node, "reference", self.reference):
            ids.update(dict.fromkeys(item))
        if len(ids) > MAX_REFERENCES:
            raise self.fail(node, f"{len(ids)} references; at most {MAX_REFERENCES}")
        return tuple(ids)

    def reference(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        # The text as written: YAML reads an unquoted 2501.10000 as the number 2501.1.
        value = self.text(node, what)
        if isinstance(node, yaml.ScalarNode):
            value = " ".join(str(node.value).split())
        if value.lower().endswith(".bib"):
            bib = Path(self.path).parent / value
            try:
                found = refs.read_bib(bib)
            except FileNotFoundError:
                raise self.fail(node, f"{what}: BibTeX file not found: {bib}") from None
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                raise self.fail(node, f"{what}: cannot read {bib}: {exc}") from None
            if not found.ids:
                raise self.fail(
                    node,
                    f"{what}: {bib} names no arXiv paper (entries need an 'eprint' or an "
                    "arxiv.org URL)",
                )
            return found.ids
        arxiv_id = refs.parse_id(value)
        if arxiv_id is None:
            raise self.fail(
                node,
                f"{what}: not an arXiv id: {shown(value)} (write e.g. 2403.15377, "
                "2403.15377v2, hep-th/9901001, or a .bib file)",
            )
        return (arxiv_id,)

    def sized(self, node: yaml.Node, name: str, texts: tuple[str, ...]) -> None:
        """Refuse what no arXiv query or file name can hold, before anything is fetched."""
        if len(name) > MAX_NAME:
            raise self.fail(node, f"keyword name of {len(name)} characters; at most {MAX_NAME}")
        total = sum(len(text) for text in texts)
        if total > MAX_QUERY_TEXT:
            raise self.fail(
                node,
                f"keyword {_short(name)} has {total} characters of phrases, authors, exclusions "
                f"and query; at most {MAX_QUERY_TEXT} fit one arXiv query (split it into several "
                "keywords)",
            )

    def slug(self, node: yaml.Node, name: str) -> str:
        slug = slugify(name)
        if not slug:
            raise self.fail(node, f"keyword '{name}' needs at least one letter or digit (A-Z, 0-9)")
        if len(slug.encode()) > MAX_SLUG_BYTES:
            raise self.fail(
                node,
                f"keyword {_short(name)} makes a file name of {len(slug.encode())} bytes; "
                f"at most {MAX_SLUG_BYTES} (shorten the name)",
            )
        return slug
