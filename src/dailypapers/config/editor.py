"""Edits to keywords.yaml that keep the researcher's comments, order and layout.

Lines are inserted or removed in the text itself (never re-dumped), and the result is validated
as a whole before it replaces the file.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml

from ..errors import ConfigError, InputError
from ..fileio import read_regular, write_atomic, write_atomic_blocks
from .model import Config, name_key
from .reader import compose, parse_config, read_config_text

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .+_()/-]*")


def _scalar(name: str) -> str:
    """``name`` as YAML reads it back as this text: plain if it stays a string, else quoted
    (``2024-02-30`` reads as a date, and one YAML cannot even build)."""
    with contextlib.suppress(yaml.YAMLError, ValueError, LookupError, TypeError):
        if _PLAIN.fullmatch(name) and yaml.safe_load(name) == name:
            return name
    return json.dumps(name, ensure_ascii=False)


@contextlib.contextmanager
def all_or_nothing(path: Path) -> Iterator[None]:
    """Several edits of keywords.yaml as one: when any of them is refused, the file is put back
    byte for byte, so that a refused input (exit 2) leaves nothing written, as for one edit.

    ``add "Agents" --reference typo`` wrote the keyword, then refused the reference.
    """
    read_config_text(path)  # a missing or undecodable file is refused as every edit refuses it
    original = read_regular(path)
    try:
        yield
    except BaseException:
        write_atomic_blocks(path, [original])
        raise


def _empty_keywords(text: str, path: str) -> yaml.Node | None:
    """The ``keywords:`` key when its list is empty (``keywords:`` or ``keywords: []``, left
    so by hand), else None: the first ``add`` writes the list there."""
    root = compose(text, path)
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if key.value != "keywords":
            continue
        blank = isinstance(value, yaml.ScalarNode) and value.style is None and value.value == ""
        if blank or (isinstance(value, yaml.SequenceNode) and value.flow_style and not value.value):
            node: yaml.Node = key
            return node
    return None


def _keywords_node(text: str, path: str) -> yaml.SequenceNode:
    root = compose(text, path)
    parse_config(text, path)
    assert isinstance(root, yaml.MappingNode)
    for key, value in root.value:
        if key.value == "keywords" and isinstance(value, yaml.SequenceNode):
            if value.flow_style:
                raise InputError(f"{path}: 'keywords' is written as [a, b]; edit it by hand")
            return value
    raise ConfigError(path, 1, "missing 'keywords:' list")


def _item_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "name":
                return str(value.value)
    return ""


def _last_line(node: yaml.Node) -> int:
    """Index of the last text line a node's content occupies.

    A block mapping or list ends where the next token starts: after any blank and comment lines
    that follow it, on the next item's line even. So its last line is its last value's.
    """
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return _last_line(node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_line(node.value[-1])
    end = node.end_mark
    return int(end.line) - 1 if end.column == 0 else int(end.line)


def _save(path: Path, lines: list[str]) -> Config:
    text = "".join(lines)
    config = parse_config(text, str(path))
    write_atomic(path, [text])
    return config


def _save_added(path: Path, lines: list[str], added: range, what: str) -> Config:
    """``_save`` after adding ``what`` on the (1-based) lines ``added``: a refusal there names
    ``what``, since the line it would name is not in the file the user sees."""
    try:
        return _save(path, lines)
    except ConfigError as error:
        if error.line in added:
            raise InputError(f"{path}: {what} not added: {error.message}") from None
        raise


def _flow_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_scalar(" ".join(v.split())) for v in values) + "]"


def _item(name: str, settings: Sequence[tuple[str, Sequence[str]]]) -> list[str]:
    """The new list item's lines: a plain name, or a mapping when it has settings."""
    name = " ".join(name.split())
    if not any(values for _, values in settings):
        return ["- " + _scalar(name)]
    lines = ["- name: " + _scalar(name)]
    for key, values in settings:
        if values:
            lines.append(f"  {key}: {_flow_list(values)}")
    return lines


def add_keyword(
    path: Path,
    name: str,
    *,
    phrases: Sequence[str] = (),
    authors: Sequence[str] = (),
    categories: Sequence[str] = (),
    exclude: Sequence[str] = (),
    notify: Sequence[str] = (),
) -> Config:
    """Append a keyword; with authors and no phrases it finds those authors' papers only."""
    settings = (
        ("phrases", phrases),
        ("authors", authors),
        ("categories", categories),
        ("exclude", exclude),
        ("notify", notify),
    )
    text = read_config_text(path)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    empty = _empty_keywords(text, str(path))
    if empty is not None:
        row, column = int(empty.start_mark.line), int(empty.start_mark.column)
        old = lines[row]
        comment = old.find("#", int(empty.end_mark.column))
        kept = "  " + old[comment:].rstrip("\r\n") if comment >= 0 else ""
        lines[row] = old[:column] + "keywords:" + kept + newline
        item = [" " * (column + 2) + line + newline for line in _item(name, settings)]
        lines[row + 1 : row + 1] = item
        where = range(row + 2, row + 2 + len(item))
        return _save_added(path, lines, where, f"keyword '{name}'")
    keywords = _keywords_node(text, str(path))
    last = keywords.value[-1]
    dash_column = int(keywords.start_mark.column)
    at = _last_line(last) + 1
    if at == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    item = [" " * dash_column + line + newline for line in _item(name, settings)]
    lines[at:at] = item
    return _save_added(path, lines, range(at + 1, at + len(item) + 1), f"keyword '{name}'")


def remove_keyword(path: Path, name: str) -> str:
    """Remove a keyword's lines; returns its name as the file wrote it, since ``name`` matched
    it ignoring case and spacing. The last one stays: the file it would leave is refused, and
    that refusal named line 1 of a file the user had not broken ('keywords' must be a list)."""
    text = read_config_text(path)
    keywords = _keywords_node(text, str(path))
    wanted = name_key(name)
    for item in keywords.value:
        if name_key(_item_name(item)) == wanted:
            break
    else:
        raise InputError(f"{path}: no keyword named '{name}'")
    if len(keywords.value) == 1:
        raise InputError(
            f"{path}: '{_item_name(item)}' not removed: it is the only keyword, and the file "
            "needs one; add the next one first"
        )
    lines = text.splitlines(keepends=True)
    del lines[int(item.start_mark.line) : _last_line(item) + 1]
    _save(path, lines)
    return " ".join(_item_name(item).split())


def add_reference(path: Path, reference: str) -> Config | None:
    """Append an arXiv id (or a .bib file) to the top-level ``reference:`` list, creating it at
    the end of the file when there is none. None when it is listed already."""
    from .references import parse_id

    text = read_config_text(path)
    root = compose(text, str(path))
    config = parse_config(text, str(path))
    value = " ".join(reference.split())
    if not value.lower().endswith(".bib"):
        found = parse_id(value)
        if found is None:
            raise InputError(f"{path}: not an arXiv id: {value!r} (e.g. 2403.15377)")
        if found in config.references:
            return None
    assert isinstance(root, yaml.MappingNode)
    node = next((v for k, v in root.value if k.value == "reference"), None)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += newline
    if node is None:
        lines += [newline, "reference:" + newline, "  - " + _scalar(value) + newline]
        line = len(lines)
    elif isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        indent = int(node.start_mark.column)
        at = _last_line(node.value[-1]) + 1
        lines.insert(at, " " * indent + "- " + _scalar(value) + newline)
        line = at + 1
    elif node.start_mark.line == node.end_mark.line:
        row = int(node.start_mark.line)
        line = row + 1
        start, end = int(node.start_mark.column), int(node.end_mark.column)
        old = text.splitlines(keepends=True)[row]
        items = [str(v.value) for v in node.value] if isinstance(node, yaml.SequenceNode) else []
        if isinstance(node, yaml.ScalarNode):
            items = [str(node.value)]
        lines[row] = old[:start] + _flow_list([*items, value]) + old[end:]
    else:
        raise InputError(f"{path}: 'reference:' is written over several lines; edit it by hand")
    return _save_added(path, lines, range(line, line + 1), f"reference {value!r}")
