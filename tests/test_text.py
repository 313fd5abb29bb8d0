"""Shared text helpers: where a file stops being UTF-8, for a one-line error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.text import NotUtf8, decode_utf8

lines = st.lists(st.text(st.characters(exclude_characters="\n", codec="utf-8")), max_size=6)


def fault(data: bytes) -> tuple[int, str]:
    with pytest.raises(NotUtf8) as caught:
        decode_utf8(data)
    return caught.value.line, caught.value.problem


def test_a_latin_1_byte_is_named_with_its_line_and_column() -> None:
    assert fault(b"keywords:\n  - Caf\xe9\n") == (
        2,
        "not UTF-8 text: byte 0xe9 at column 8 (invalid continuation byte)",
    )


@given(lines, lines, st.sampled_from([b"\xff", b"\xc0", b"\x80", b"\xe9"]))
def test_the_line_named_is_the_one_the_bad_byte_is_on(
    before: list[str], after: list[str], bad: bytes
) -> None:
    head = "".join(f"{line}\n" for line in before).encode("utf-8")
    data = head + bad + "\n".join(after).encode("utf-8")
    line, problem = fault(data)
    assert line == len(before) + 1
    assert problem.startswith(f"not UTF-8 text: byte 0x{bad[0]:02x} at column 1 ")
