"""Tokenising paper text: folding, stop words, plurals, bigrams."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dailypapers.rank.tokens import parts, terms, words


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


def test_the_words_inside_camel_case_names_are_found_once() -> None:
    found = parts("QuokkaTracker beats SoupNet and QuokkaNet")
    assert found == ["quokka", "tracker", "soup", "net"]


def test_an_acronym_inside_a_name_is_a_part_of_it() -> None:
    assert parts("HapticQTN and LLaVA-style") == ["haptic", "qtn", "la", "va"]


def test_plain_words_acronyms_and_plural_acronyms_are_not_names() -> None:
    assert parts("Quokka QTN QTNs quokka iPhone2") == ["phone"]


@given(st.text())
def test_any_text_gives_parts_that_are_words(text: str) -> None:
    for part in parts(text):
        assert part and words(part) == [part]
