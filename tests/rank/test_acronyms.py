"""Acronyms learned from the papers' own definitions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dailypapers.rank.acronyms import definitions, learn


def test_a_long_form_before_its_acronym_in_parentheses_defines_it() -> None:
    text = "We train quokka tracking networks (QTNs) on soup."
    assert list(definitions(text)) == [("qtn", ("quokka", "tracking", "network"))]


def test_words_without_a_capital_may_sit_inside_the_long_form() -> None:
    assert list(definitions("a mixture of soups (MoS) for all")) == [("mos", ("mixture", "soup"))]


def test_hyphenated_words_give_one_initial_each() -> None:
    text = "Lattice-soup models (LSMs) cook."
    assert list(definitions(text)) == [("lsm", ("lattice", "soup", "model"))]


def test_parentheses_whose_letters_are_not_the_initials_define_nothing() -> None:
    text = "quokka tracking networks (SOUP) and (a) and the soup tracker (Tracker)"
    assert list(definitions(text)) == []


def test_the_most_common_long_form_wins() -> None:
    texts = [
        "quokka tracking network (QTN)",
        "queue timing node (QTN)",
        "a quokka tracking network (QTN) again",
    ]
    assert learn(texts) == {"qtn": ("quokka", "tracking", "network")}


def test_of_long_forms_seen_equally_often_the_first_seen_wins() -> None:
    texts = ["queue timing node (QTN)", "quokka tracking network (QTN)"]
    assert learn(texts) == {"qtn": ("queue", "timing", "node")}


@given(st.text())
def test_any_text_gives_definitions_of_one_word_by_several(text: str) -> None:
    for short, long in definitions(text):
        assert short and " " not in short and long and all(long)
