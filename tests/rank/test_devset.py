"""On the graded dev set, the ranker puts what the group should read first higher than today's
date order does (quality numbers live in benchmarks/relevance.py, not here)."""

from __future__ import annotations

import functools
import statistics

import pytest

from tests.support import shared_fixture


def test_the_ranker_beats_date_order_on_the_weeks_of_the_keyword_feed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared_fixture("relevance", "units.jsonl")
    from benchmarks.relevance import WEEKS, date_order, evaluate, load, ours
    from dailypapers.rank import scorer

    # The 22 weeks share their papers (20,658 in their backgrounds, 939 of them distinct), and
    # a text's words depend on the text alone and are only read: each text is split once here,
    # as one run of the tracker splits each paper of its store once.
    monkeypatch.setattr(scorer, "words", functools.cache(scorer.words))
    references, units = load()
    weeks = [u for u in units if u.kind == WEEKS]
    ranked = statistics.fmean(s[0] for s in evaluate(ours, references, weeks)[WEEKS])
    dated = statistics.fmean(s[0] for s in evaluate(date_order, references, weeks)[WEEKS])
    assert ranked > dated + 0.2
