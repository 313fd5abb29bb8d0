"""Entry ids become every link to a paper: only arXiv identifiers get in, the rest is skipped."""

from __future__ import annotations

import logging
from xml.sax.saxutils import escape

import pytest

from dailypapers.fetch.feed import parse_page
from tests.support import shared_fixture

GOOD = "http://arxiv.org/abs/2202.12139v1"


def page_with_first_id(new_id: str) -> bytes:
    body = shared_fixture("arxiv", "q_testing_s0_m10.xml").read_bytes()
    old = f"<id>{GOOD}</id>".encode()
    assert body.count(old) == 1
    return body.replace(old, f"<id>{escape(new_id)}</id>".encode())


@pytest.mark.parametrize(
    "hostile",
    [
        GOOD + ")![x](https://evil.example/x.png",
        GOOD + '"><img src=x onerror=alert(1)>',
        "http://arxiv.org/abs/2202.12139v1 see [this](https://evil.example)",
        "javascript:alert(1)",
        "http://arxiv.org/abs/../../evil",
        "http://arxiv.org/abs/2202.12139v1/extra",
        "https://evil.example/x.png",
        "http://arxiv.org/abs/2202.121v1",
        "http://arxiv.org/abs/HEP-TH/9901001v1",
    ],
)
def test_an_entry_whose_id_is_not_an_arxiv_identifier_is_skipped_with_a_warning(
    hostile: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="dailypapers"):
        page = parse_page(page_with_first_id(hostile))
    assert len(page.papers) == 9
    assert "2202.12139" not in {p.id for p in page.papers}
    assert page.total_results > 0
    (record,) = [r for r in caplog.records if "not an arXiv identifier" in r.getMessage()]
    assert record.levelno == logging.WARNING


@pytest.mark.parametrize(
    ("good", "expected"),
    [
        ("https://arxiv.org/abs/2202.12139v3", ("2202.12139", 3)),
        ("http://arxiv.org/abs/2202.12139", ("2202.12139", 1)),
        ("http://arxiv.org/abs/hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("http://arxiv.org/abs/math.GT/0309136v2", ("math.GT/0309136", 2)),
        ("http://arxiv.org/abs/2511.01234v12", ("2511.01234", 12)),
    ],
)
def test_new_and_old_style_ids_with_or_without_version_are_kept(
    good: str, expected: tuple[str, int]
) -> None:
    page = parse_page(page_with_first_id(good))
    assert len(page.papers) == 10
    assert (page.papers[0].id, page.papers[0].version) == expected
