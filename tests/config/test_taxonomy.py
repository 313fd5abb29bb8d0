from __future__ import annotations

import gzip
import json
import re

import pytest

from dailypapers.config import parse_config, taxonomy
from dailypapers.errors import ConfigError
from tests.support import shared_fixture


def test_a_misspelt_category_is_refused_with_the_closest_real_one() -> None:
    with pytest.raises(ConfigError, match=r"'cs\.CVV' \(did you mean cs\.CV\?\)") as caught:
        parse_config("keywords:\n  - name: A\n    categories: [cs.LG, cs.CVV]\n")
    assert caught.value.line == 3


@pytest.mark.parametrize("name", ["cs.XY", "math.ZZ", "physics.foo", "hep", "cs.", "quant-ph.QP"])
def test_a_category_arxiv_does_not_have_is_refused(name: str) -> None:
    with pytest.raises(ConfigError, match="not an arXiv category or archive"):
        parse_config(f"keywords:\n  - name: A\n    categories: [{name}]\n")


@pytest.mark.parametrize("name", ["cs.CV", "cs", "eess.IV", "hep-th", "cond-mat.str-el", "cs.cv"])
def test_real_categories_and_archives_are_accepted_as_written(name: str) -> None:
    config = parse_config(f"keywords:\n  - name: A\n    categories: [{name}]\n")
    assert config.keywords[0].categories == (name,)


def test_every_category_in_recorded_arxiv_answers_is_known() -> None:
    folder = shared_fixture("arxiv")
    seen = set()
    for path in folder.glob("*.xml"):
        seen |= set(re.findall(r'<category term="([^"]+)"', path.read_text(encoding="utf-8")))
    assert seen and {c for c in seen if taxonomy.canonical(c) is None} == set()


def test_every_category_of_the_real_corpus_is_known() -> None:
    seen: set[str] = set()
    with gzip.open(shared_fixture("corpus", "papers.jsonl.gz"), "rt", encoding="utf-8") as lines:
        for line in lines:
            seen.update(json.loads(line).get("categories", []))
    assert len(seen) > 20 and {c for c in seen if taxonomy.canonical(c) is None} == set()


def test_the_taxonomy_covers_every_archive_and_no_category_twice() -> None:
    assert len(taxonomy.CATEGORIES) > 150
    assert {c.split(".")[0] for c in taxonomy.CATEGORIES} == taxonomy.ARCHIVES
    assert len({c.casefold() for c in taxonomy.CATEGORIES}) == len(taxonomy.CATEGORIES)
