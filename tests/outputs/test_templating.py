"""Templates escape by construction: a value reaches the output escaped for its format unless
a filter already made it safe for that format."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dailypapers.outputs.escape import Safe, html, md_cell
from dailypapers.outputs.templating import environment

HOSTILE = "<img src=x onerror=alert(1)> | & \"quoted\" 'single'"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("md", "&lt;img src=x onerror=alert(1)&gt; \\| & \"quoted\" 'single'"),
        ("html", "&lt;img src=x onerror=alert(1)&gt; | &amp; &quot;quoted&quot; &#39;single&#39;"),
        ("xml", "&lt;img src=x onerror=alert(1)&gt; | &amp; &quot;quoted&quot; 'single'"),
    ],
)
def test_a_plain_value_is_escaped_for_the_templates_format(fmt: str, expected: str) -> None:
    assert environment(fmt).from_string("{{ value }}").render(value=HOSTILE) == expected


def test_a_value_a_filter_made_safe_is_written_as_it_is() -> None:
    template = environment("md").from_string("{{ value|md_cell }}")
    assert template.render(value=HOSTILE) == md_cell(HOSTILE)


def test_text_made_safe_for_another_format_is_not_trusted_as_is() -> None:
    once = html("<b>")
    rendered = environment("md").from_string("{{ value }}").render(value=str(once))
    assert rendered == "&amp;lt;b&amp;gt;"


def test_numbers_and_missing_values_are_written_too() -> None:
    template = environment("html").from_string("{{ count }} {{ name or 'never' }}")
    assert template.render(count=3, name="") == "3 never"


@given(st.text())
def test_no_text_can_open_a_tag_in_markdown_or_html(text: str) -> None:
    for fmt in ("md", "html"):
        rendered = environment(fmt).from_string("{{ value }}").render(value=text)
        assert "<" not in rendered and ">" not in rendered


def test_safe_is_the_only_way_past_the_escaper() -> None:
    template = environment("html").from_string("{{ value }}")
    assert template.render(value=Safe("<b>ours</b>")) == "<b>ours</b>"
