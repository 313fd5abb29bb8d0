"""The store's fast paper check (``_paper_if_plain``) against the one that names every fault.

Loading trusts the fast check whenever it returns a paper, so it must never accept what
``_paper_checked`` refuses, nor build a different paper from the same value; and it must accept
what the tracker writes, or the fast path is dead code.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dailypapers.fetch import Paper
from dailypapers.store import json_file

FIELDS = (
    "id",
    "version",
    "title",
    "abstract",
    "comment",
    "authors",
    "published",
    "updated",
    "primary_category",
    "categories",
    "journal_ref",
    "doi",
    "first_seen",
)

# Text near what is valid: lone and paired surrogates, ids, stamps and days, right and wrong.
texts = st.one_of(
    st.text(max_size=12),
    st.text(st.sampled_from("a \ud800\udbff\udc00\udfff\U0001f600\u00e9"), max_size=4),
    st.sampled_from(
        [
            "",
            "\ud800",
            "x\udfff",
            "\ud83d\ude00",
            "😀 ünïcode",
            "2611.00001",
            "hep-th/9901001",
            "math.GT/0309136",
            "2611.0001",
            "../x",
            "2026-11-22",
            "2026-02-30",
            "2026-13-01",
            "2026-11-22T10:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-22T24:00:00Z",
            "2026-11-22T10:00:00",
            "cs.CV",
        ]
    ),
)
json_values: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 1200) | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=2),
    max_leaves=6,
)
valid_papers = st.builds(
    Paper,
    id=st.sampled_from(["2611.00001", "2611.12345", "hep-th/9901001", "math.GT/0309136"]),
    version=st.integers(1, 999),
    title=st.text(),
    abstract=st.text(),
    comment=st.text(),
    authors=st.lists(st.text(), max_size=4).map(tuple),
    published=st.sampled_from(["", "2026-11-22T10:00:00Z", "1999-01-04T12:00:00Z"]),
    updated=st.sampled_from(["", "2026-11-23T00:00:59Z"]),
    primary_category=st.sampled_from(["", "cs.CV", "hep-th"]),
    categories=st.lists(st.sampled_from(["cs.CV", "cs.LG", "hep-th"]), max_size=3).map(tuple),
    journal_ref=st.text(),
    doi=st.text(),
    first_seen=st.sampled_from(["", "2026-11-22", "2024-02-29"]),
)


PLAIN = Paper("2611.00001", 1, "Title", published="2026-11-22T10:00:00Z", first_seen="2026-11-22")


def checked(data: Any) -> Paper | None:
    try:
        return json_file._paper_checked(data, "paper")
    except json_file._Odd:
        return None


def stored(paper: Paper) -> dict[str, Any]:
    """A paper as a store file holds it: through the JSON text, as loading sees it."""
    data: dict[str, Any] = json.loads(json.dumps(json_file.paper_to_json(paper)))
    return data


@given(valid_papers)
def test_what_the_tracker_writes_takes_the_fast_path(paper: Paper) -> None:
    data = stored(paper)
    fast = json_file._paper_if_plain(data)
    assert fast == paper == checked(data)
    assert fast is not None and type(fast.authors) is tuple and type(fast.categories) is tuple


# Every field on its own: one changed value in an otherwise valid paper is the likely fault.
@pytest.mark.parametrize("key", [*FIELDS, "extra"])
@given(
    paper=valid_papers,
    value=st.one_of(
        texts,
        st.lists(texts, max_size=3),
        st.sampled_from([0, 1, 999, 1000, -1, True, False, 1.0, None]),
        json_values,
    ),
    remove=st.booleans(),
)
@example(paper=PLAIN, value="2026-02-30", remove=False)
@example(paper=PLAIN, value="20261122", remove=False)
@example(paper=PLAIN, value="2026-W47-1", remove=False)
@example(paper=PLAIN, value="20261122T100000Z", remove=False)
@example(paper=PLAIN, value="2026-02-30T00:00:00Z", remove=False)
@example(paper=PLAIN, value="2026-11-22T10:00:00", remove=False)
@example(paper=PLAIN, value="x\udfff", remove=False)
@example(paper=PLAIN, value=["ok", "\ud800"], remove=False)
@example(paper=PLAIN, value="cs.CV", remove=False)
@example(paper=PLAIN, value=1000, remove=False)
@example(paper=PLAIN, value=True, remove=False)
@example(paper=PLAIN, value=None, remove=True)
def test_the_fast_path_never_accepts_more_than_the_checked_one(
    key: str, paper: Paper, value: Any, remove: bool
) -> None:
    data = stored(paper)
    if remove:
        data.pop(key, None)
    else:
        data[key] = value
    before = repr(data)
    fast = json_file._paper_if_plain(data)
    assert repr(data) == before, "the fast path changed its input"
    expected = checked(data)
    if fast is not None:
        assert fast == expected
    if expected is not None:
        assert json_file.paper_from_json(data) == expected


@given(json_values)
def test_any_value_at_all_is_a_paper_only_if_the_checked_path_says_so(data: Any) -> None:
    fast = json_file._paper_if_plain(data)
    assert fast is None or fast == checked(data)
