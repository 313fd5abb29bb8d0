"""Fitting rows to a size limit: fair to every keyword, never over, everything when it fits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.outputs.budget import Piece, fit, split


def total(fixed: int, pieces: list[Piece], shown: list[int]) -> int:
    return fixed + sum(
        sum(p.rows[:n]) + (p.more if n < len(p.rows) else 0)
        for p, n in zip(pieces, shown, strict=True)
    )


def test_everything_is_shown_when_it_fits() -> None:
    pieces = [Piece([5, 5, 5], more=2), Piece([1, 1], more=2)]
    assert fit(10, pieces, 1000) == [3, 2]


def test_every_keyword_keeps_its_newest_rows_the_same_number_for_all() -> None:
    pieces = [Piece([10] * 50, more=3), Piece([10] * 50, more=3)]
    assert fit(0, pieces, 406) == [20, 20]


def test_one_huge_row_does_not_empty_the_other_keywords() -> None:
    pieces = [Piece([5_000, 10, 10], more=3), Piece([10, 10, 10], more=3)]
    shown = fit(0, pieces, 100)
    assert shown is not None
    assert shown[1] == 3


def test_room_left_by_short_keywords_goes_to_the_others() -> None:
    pieces = [Piece([10], more=3), Piece([10] * 10, more=3)]
    assert fit(0, pieces, 75) == [1, 6]


def test_none_when_even_the_link_lines_do_not_fit() -> None:
    assert fit(100, [Piece([15], more=20)], 110) is None


def test_a_keyword_without_rows_needs_no_link_line() -> None:
    assert fit(100, [Piece([], more=20), Piece([3, 3], more=1)], 104) == [0, 1]


sizes = st.lists(st.integers(min_value=1, max_value=300), max_size=30)
pieces_st = st.lists(
    st.builds(Piece, rows=sizes, more=st.integers(min_value=0, max_value=80)), max_size=8
)


@settings(max_examples=300, deadline=None)
@given(
    fixed=st.integers(min_value=0, max_value=500),
    pieces=pieces_st,
    budget=st.integers(min_value=0, max_value=6000),
)
def test_the_result_never_exceeds_the_budget_and_leaves_no_row_that_fits(
    fixed: int, pieces: list[Piece], budget: int
) -> None:
    shown = fit(fixed, pieces, budget)
    if shown is None:
        assert fixed + sum(p.more for p in pieces if p.rows) > budget
        return
    used = total(fixed, pieces, shown)
    assert used <= budget
    for i, piece in enumerate(pieces):
        n = shown[i]
        if n < len(piece.rows):
            grown = [*shown]
            grown[i] += 1
            assert total(fixed, pieces, grown) > budget


def test_split_keeps_each_part_under_the_budget() -> None:
    assert split([3, 3, 3, 3], 6) == [2, 2]


def test_split_gives_an_oversized_row_a_part_of_its_own() -> None:
    assert split([3, 10, 1], 6) == [1, 1, 1]


def test_split_of_nothing_is_one_empty_part() -> None:
    assert split([], 6) == [0]


@given(rows=sizes, budget=st.integers(min_value=1, max_value=1000))
def test_split_loses_no_row(rows: list[int], budget: int) -> None:
    parts = split(rows, budget)
    assert sum(parts) == len(rows)
    start = 0
    for n in parts:
        assert n >= 1 or not rows
        assert n == 1 or sum(rows[start : start + n]) <= budget
        start += n
