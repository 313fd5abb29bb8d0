"""The ranker's behaviour, one promise per test."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.rank import Document, rank, scorer
from dailypapers.rank.scorer import Corpus, profile
from dailypapers.rank.vectors import centroid, dot

WORDS = ["latent", "planning", "dynamics", "world", "model", "video", "graph", "protein", ""]

REFS = [
    Document("2401.00001", "Sparse quokka tracking", "We track quokkas with sparse event cameras."),
    Document("2401.00002", "Lattice soup recipes", "Cooking soup on a lattice of copper pans."),
]
BACKGROUND = [
    Document(f"2301.{i:05d}", f"Generic study {i}", "A generic study of generic things.")
    for i in range(20)
]


def ids(result: list) -> list[str]:  # type: ignore[type-arg]
    return [s.id for s in result]


def test_a_paper_sharing_the_references_terms_outranks_one_that_does_not() -> None:
    cands = [
        Document("a", "Generic things revisited", "Another generic study."),
        Document("b", "Quokka tracking at night", "Sparse event cameras follow quokkas."),
    ]
    assert ids(rank(REFS, cands, BACKGROUND)) == ["b", "a"]


def test_equal_scores_keep_the_given_order() -> None:
    cands = [Document(c, "Unrelated words", "Nothing in common here.") for c in "zyx"]
    assert ids(rank(REFS, cands, BACKGROUND)) == ["z", "y", "x"]


def test_no_references_leaves_the_order_unchanged() -> None:
    cands = [Document(c, "Quokka tracking", "Sparse") for c in "cab"]
    result = rank([], cands, BACKGROUND)
    assert ids(result) == ["c", "a", "b"]
    assert all(s.score == 0.0 and s.closest is None for s in result)


def test_closest_names_the_best_matching_reference() -> None:
    cands = [Document("s", "Copper lattice soup", "Soup recipes cooked in copper pans.")]
    assert rank(REFS, cands, BACKGROUND)[0].closest == "2401.00002"


def test_a_reference_that_is_also_a_candidate_is_close_to_another_reference_not_itself() -> None:
    own = Document("2401.00003", "Quokka soup", "Sparse quokkas cooked on a lattice of pans.")
    refs = [*REFS, own]
    result = rank(refs, [own, *REFS], BACKGROUND)
    assert all(s.closest != s.id for s in result)
    assert {s.id: s.closest for s in result}["2401.00003"] in {"2401.00001", "2401.00002"}
    alone = rank([own], [own], BACKGROUND)
    assert alone[0].closest is None


def test_a_paper_sharing_nothing_has_no_closest_reference() -> None:
    cands = [Document("n", "Zebra", "Xylophone.")]
    assert rank(REFS, cands, BACKGROUND)[0].closest is None


def test_empty_text_scores_zero_and_stays_in_place() -> None:
    cands = [Document("e", "", ""), Document("q", "Quokka", "Sparse quokka cameras.")]
    result = rank(REFS, cands, BACKGROUND)
    assert ids(result) == ["q", "e"]
    assert result[1].score == 0.0


def test_hostile_unicode_is_ranked_without_error() -> None:
    hostile = (
        "\u202e\x00\ufeff\U0001f600 Q\u0301uokka \ud7ff\u0000 "
        "\uff31\uff35\uff2f\uff2b\uff2b\uff21 \u00df \u2028 tracking"
    )
    cands = [Document("h", hostile, hostile * 3), Document("g", "Generic", "generic")]
    result = rank(REFS, cands, [*BACKGROUND, Document("b", hostile, "")])
    assert ids(result)[0] == "h"


def test_works_without_a_background() -> None:
    cands = [Document("a", "Soup", "Generic"), Document("b", "Quokka tracking", "Sparse quokkas")]
    assert ids(rank(REFS, cands)) == ["b", "a"]


def test_the_stored_papers_closest_to_the_references_lend_their_words() -> None:
    """A paper in the field's own words, which no reference happens to use, is found through
    the stored papers that share words with both."""
    store = [
        *BACKGROUND,
        Document("s1", "Sparse quokka tracking with marsupial cameras", "Marsupial trackers."),
        Document("s2", "Quokka event cameras", "Marsupial tracking with sparse events."),
    ]
    cands = [
        Document("a", "Protein folding", "Folding proteins."),
        Document("b", "Marsupial trackers", "Marsupial trackers at dusk."),
    ]
    result = rank(REFS, cands, store)
    assert ids(result) == ["b", "a"]
    assert result[0].score > 0.0 and result[0].closest is None


def test_a_paper_is_not_scored_with_its_own_feedback() -> None:
    """The second pass adds the first pass's best candidates to the profile; each of them is
    scored without its own part, or a lone candidate would score against itself."""
    cand = Document("c", "Quokka tracking and soup", "Sparse quokkas eat lattice soup.")
    corpus = Corpus([cand], REFS)
    query = profile([corpus.reference(doc) for doc in REFS], {})
    whole, title = dot(query, corpus.vector(cand)), dot(query, corpus.title(cand))
    expected = (whole + scorer.TITLE_MATCH * title) / (1 + scorer.TITLE_MATCH)
    assert rank(REFS, [cand])[0].score == round(expected, 4)


def test_of_two_papers_with_the_same_words_the_one_whose_title_names_the_topic_leads() -> None:
    cands = [
        Document("b", "Spoon", "Quokka and quokka"),
        Document("a", "Quokka", "Spoon and spoon"),
    ]
    corpus = Corpus([*cands, *BACKGROUND], REFS)
    assert corpus.vector(cands[0]) == corpus.vector(cands[1])
    assert ids(rank(REFS, cands, BACKGROUND)) == ["a", "b"]


def test_the_store_search_is_bounded_and_spread_over_the_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scorer, "STORE_FEEDBACK_POOL", 4)
    names = "ant bee cat dog eel fox gnu hen ibis jay kiwi lark mole newt owl pig quail rat"
    store = [Document(f"s{n}", name, f"{name} study") for n, name in enumerate(names.split())]
    corpus = Corpus(store, REFS)
    pool = corpus._pool({"s0", "s1"})
    assert pool == [corpus.vector(doc) for doc in store[2::4]]


TEXT = st.text(max_size=60)
DOCS = st.lists(st.builds(Document, st.text(min_size=1, max_size=8), TEXT, TEXT), max_size=12)


@settings(max_examples=60, deadline=None)
@given(refs=DOCS, cands=DOCS, background=DOCS)
def test_output_is_a_deterministic_permutation_with_scores_in_range(
    refs: list[Document], cands: list[Document], background: list[Document]
) -> None:
    result = rank(refs, cands, background)
    assert sorted(ids(result)) == sorted(c.id for c in cands)
    assert all(0.0 <= s.score <= 1.0 and round(s.score, 4) == s.score for s in result)
    assert all(s.closest in {r.id for r in refs} | {None} for s in result)
    assert rank(refs, cands, background) == result


@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS), st.sampled_from(WORDS), st.sampled_from(WORDS)),
        min_size=2,
        max_size=12,
    ),
    st.integers(min_value=1, max_value=11),
)
def test_a_keywords_background_is_the_centroid_of_the_rest_of_the_corpus(
    texts: list[tuple[str, str, str]], split: int
) -> None:
    """The corpus takes a keyword's own papers off its total instead of summing the rest
    again; the result must be the rest's centroid, on every term the references have."""
    docs = [Document(f"2611.{n:05d}", a, f"{b} {c}") for n, (a, b, c) in enumerate(texts)]
    references = [Document("2401.00001", "latent planning", "dynamics world model video")]
    candidates, rest = docs[: min(split, len(docs))], docs[min(split, len(docs)) :]
    corpus = Corpus(docs, references)
    refs = [corpus.vector(doc) for doc in references]
    negative = corpus._negative(refs, {doc.id for doc in candidates})
    explicit = centroid([corpus.vector(doc) for doc in rest]) if rest else {}
    wanted = {t: explicit.get(t, 0.0) for t in negative}
    assert negative == pytest.approx(wanted, abs=1e-9)
    assert set(explicit) & {t for vec in refs for t in vec} <= set(negative)


def test_a_word_the_references_repeat_weighs_more_than_words_they_name_once() -> None:
    # Sublinear tf would weigh the thrice-named "quokka" 2.10 against three single words at
    # 1 each, and put the paper with those three first; the references' counts are damped less.
    refs = [Document("2401.00003", "", "quokka quokka quokka marmot wombat possum")]
    cands = [
        Document("one", "", "quokka"),
        Document("three", "", "marmot wombat possum"),
    ]
    assert ids(rank(refs, cands, BACKGROUND)) == ["one", "three"]


def test_an_acronym_defined_in_any_paper_matches_its_long_form() -> None:
    ref = Document("r", "Quokka tracking networks", "Quokka tracking networks follow quokkas.")
    definition = Document("d", "Soup", "Quokka tracking networks (QTNs) and soup.")
    cand = Document("c", "QTN soup", "Soup in pans")
    corpus = Corpus([*BACKGROUND, definition, cand], [ref])
    shared = corpus.vector(cand).keys() & corpus.reference(ref).keys()
    assert {"quokka", "tracking network"} <= shared


def test_the_words_inside_a_camel_case_name_count_as_words() -> None:
    refs = [Document("r", "Quokka tracking", "We track quokkas.")]
    cands = [Document("a", "Soup pans", "Soup in pans"), Document("b", "QuokkaSoup", "In pans")]
    assert ids(rank(refs, cands, BACKGROUND)) == ["b", "a"]
