"""Tokenising paper text: folding, stop words, plurals, bigrams."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dailypapers.rank.tokens import terms, words


def test_case_width_and_plurals_fold_together() -> None:
    assert words("Quokkas \uff31\uff35\uff2f\uff2b\uff2b\uff21 quokka") == [
        "quokka",
        "quokka",
        "quokka",
    ]


def test_stop_words_and_numbers_are_dropped() -> None:
    assert terms("we propose the 2024 quokka", bigrams=False) == ["quokka"]


def test_no_bigram_spans_a_removed_word() -> None:
    assert terms("copper of lattice soup") == ["copper", "lattice", "soup", "lattice soup"]


@given(st.text())
def test_any_text_gives_terms_without_spaces_at_the_ends(text: str) -> None:
    for term in terms(text):
        assert term and term == term.strip()
