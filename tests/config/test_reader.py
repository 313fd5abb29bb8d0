"""keywords.yaml: what it accepts, and the one-line error (file:line) for what it refuses."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.config import load_config, parse_config
from dailypapers.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def error_of(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "keywords.yaml")
    return caught.value


def test_a_keywords_file_not_in_utf_8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_bytes(b"keywords:\n  - World model\n  - Caf\xe9\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        f"{path}:3: not UTF-8 text: byte 0xe9 at column 8 (invalid continuation byte)"
    )


@pytest.mark.parametrize(
    ("line", "what", "value", "reads"),
    [
        ("  - NO", "keyword", "NO", "false"),
        ("  - name: On", "name", "On", "true"),
        ("  - name: X\n    exclude: [survey, off]", "exclude", "off", "false"),
    ],
)
def test_yes_no_on_off_are_refused_with_the_quotes_that_keep_them_text(
    line: str, what: str, value: str, reads: str
) -> None:
    """YAML reads yes, no, on and off (any case) as true or false. The refusal said "keyword
    must be text" to someone who had written text; it names the word and the fix."""
    error = error_of(f"keywords:\n  - World model\n{line}\n")
    assert error.line == line.count("\n") + 3
    assert error.message == (
        f"{what} '{value}' is read by YAML as {reads}; quote it if it is meant as text: \"{value}\""
    )
    quoted = line.replace(value, f'"{value}"')
    assert parse_config(f"keywords:\n  - World model\n{quoted}\n", "keywords.yaml")


@pytest.mark.parametrize(
    ("value", "kind"),
    [("2024-02-30", "timestamp"), ("0x_", "int"), ("!!bool abc", "bool"), ("!!int abc", "int")],
)
def test_a_value_yaml_takes_for_a_date_or_number_it_cannot_make_is_refused_on_its_line(
    value: str, kind: str
) -> None:
    error = error_of(f"keywords:\n  - World model\n  - {value}\n")
    assert error.line == 3
    assert error.message == (
        f"invalid value '{value.split()[-1]}': YAML reads it as a {kind}, and it is not a valid "
        "one; quote it if it is meant as text"
    )


def test_lists_nested_too_deeply_for_yaml_are_refused() -> None:
    error = error_of("keywords: " + "[" * 1000 + "a" + "]" * 1000 + "\n")
    assert error.message == "YAML error: lists or mappings nested too deeply"


def test_shipped_keywords_file_lists_the_five_topics() -> None:
    config = load_config(REPO / "keywords.yaml")
    assert [t.name for t in config.keywords] == [
        "Video Understanding",
        "World Model",
        "Multimodal",
        "Multimodal LLM",
        "Video Foundation Model",
    ]


def test_defaults_apply_when_settings_are_absent() -> None:
    config = parse_config("keywords:\n  - World Model\n")
    assert (config.max_papers, config.sort, config.link, config.timezone) == (
        100,
        "updated",
        "pdf",
        "UTC",
    )


def test_plain_keyword_is_one_phrase_in_title_and_abstract() -> None:
    topic = parse_config("keywords:\n  - World Model\n").keywords[0]
    assert topic.phrases == ("World Model",)
    assert topic.fields == ("title", "abstract")
    assert topic.slug == "world-model"


def test_mapping_keyword_reads_every_option() -> None:
    topic = parse_config(
        "keywords:\n"
        "  - name: Video Gen\n"
        "    phrases: [video generation, text-to-video]\n"
        "    fields: title\n"
        "    categories: [cs.CV, eess]\n"
        "    exclude: [survey]\n"
        "    max_papers: 40\n"
    ).keywords[0]
    assert topic.phrases == ("video generation", "text-to-video")
    assert topic.fields == ("title",)
    assert topic.categories == ("cs.CV", "eess")
    assert topic.exclude == ("survey",)
    assert topic.max_papers == 40


def test_topic_inherits_global_max_papers() -> None:
    config = parse_config("max_papers: 7\nkeywords:\n  - A thing\n")
    assert config.keywords[0].max_papers == 7


def test_raw_query_needs_no_phrases() -> None:
    topic = parse_config("keywords:\n  - name: Expert\n    query: 'cat:cs.CV'\n").keywords[0]
    assert topic.query == "cat:cs.CV"
    assert topic.phrases == ()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("keywords:\n  - A\nsortt: updated\n", 3, "unknown key 'sortt'"),
        ("keywords:\n  - name: A\n    phrase: [x]\n", 3, "unknown key 'phrase'"),
        ("keywords:\n  - A\n  - B\n  - a\n", 4, "duplicate keyword"),
        ("keywords:\n  - World Model\n  - world-model!\n", 3, "same file name"),
        ("keywords:\n  - name: A\n    categories: [cs.XX.Y]\n", 3, "not an arXiv category"),
        ("keywords:\n  - name: A\n    categories: [biology]\n", 3, "not an arXiv category"),
        ("keywords:\n  - name: A\n    phrases: ['say \"hi\"']\n", 3, "double quote"),
        ("max_papers: 0\nkeywords:\n  - A\n", 1, "from 1 to 2000"),
        ("keywords:\n  - A\nmax_papers: 2001\n", 3, "from 1 to 2000"),
        ("keywords:\n  - name: A\n    max_papers: many\n", 3, "from 1 to 2000"),
        ("keywords:\n  - ''\n", 2, "must not be empty"),
        ("keywords:\n  - name: '  '\n", 2, "must not be empty"),
        ("keywords:\n  - '!!!'\n", 2, "letter or digit"),
        ("keywords: [A, B\n", 2, "YAML syntax error"),
        ("keywords:\n  - A\n - B\n", 3, "YAML syntax error"),
        ("keywords: []\n", 1, "at least one keyword"),
        ("sort: newest\nkeywords:\n  - A\n", 1, "updated, published"),
        ("link: html\nkeywords:\n  - A\n", 1, "pdf, abs"),
        ("timezone: Mars/Olympus\nkeywords:\n  - A\n", 1, "unknown timezone"),
        ("max_papers: 5\n", 1, "missing 'keywords:'"),
        ("- A\n- B\n", 1, "must be a mapping"),
        ("keywords:\n  - A\nkeywords:\n  - B\n", 3, "duplicate key"),
        ("keywords:\n  - name: A\n    query: x\n    phrases: [y]\n", 3, "not both"),
        ("keywords:\n  - name: A\n    notify: ['@alice']\n", 3, "without '@'"),
        ("keywords:\n  - name: A\n    notify: [ok, -bad]\n", 3, "not a GitHub user name"),
        ("keywords:\n  - name: A\n    notify: [a--b]\n", 3, "not a GitHub user name"),
        ("keywords:\n  - name: A\n    notify: [org/team]\n", 3, "not a GitHub user name"),
        ("keywords:\n  - name: A\n    notify: [a@b.org]\n", 3, "not a GitHub user name"),
        ("keywords:\n  - name: A\n    notify:\n      - " + "a" * 40 + "\n", 4, "at most 39"),
        ("keywords:\n  - name: A\n    notify: []\n", 3, "must not be empty"),
        ("keywords:\n  - name: A\n    authors: ['Ann \"X\" Lee']\n", 3, "double quote"),
        ("keywords:\n  - A\ncolumns: [title, code]\n", 3, "columns must be"),
        ("keywords:\n  - A\ncolumns: code\n", 3, "columns must be"),
        ("keywords:\n  - name: A\n    fields: [body]\n", 3, "title or abstract"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_line(text: str, line: int, words: str) -> None:
    error = error_of(text)
    message = str(error)
    assert message.startswith(f"keywords.yaml:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_empty_file_is_refused() -> None:
    assert "empty file" in str(error_of(""))


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.yaml")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_either_parses_or_fails_with_a_config_error(text: str) -> None:
    try:
        parse_config(text, "keywords.yaml")
    except ConfigError as error:
        assert str(error).startswith("keywords.yaml")
        assert "\n" not in str(error)


yaml_atoms = st.sampled_from(
    [
        "keywords:",
        "  - ",
        "name: ",
        "phrases: ",
        "[",
        "]",
        "{",
        "}",
        "- ",
        ": ",
        "'",
        '"',
        "\n",
        "\t",
        "&a ",
        "*a",
        "!!python/object ",
        "max_papers: ",
        "categories: ",
        "cs.CV",
        "|",
        ">",
        "#",
        "???",
        "1e9",
        "~",
        "null",
        "  ",
        "World Model",
        "query: ",
        "exclude: ",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(yaml_atoms, max_size=30).map("".join))
def test_yaml_shaped_garbage_never_escapes_as_a_traceback(text: str) -> None:
    try:
        parse_config(text, "keywords.yaml")
    except ConfigError as error:
        assert "\n" not in str(error)


def test_aliases_standing_for_too_many_values_are_refused_at_the_alias() -> None:
    anchors = ["&a0 [" + ", ".join(["w"] * 10) + "]"]
    anchors += [f"&a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]" for n in range(1, 6)]
    text = "keywords:\n  - name: K\n    exclude: [" + ", ".join(anchors) + "]\nsort: *a5\n"
    with pytest.raises(ConfigError, match="stand for more than 10000 values") as caught:
        parse_config(text)
    assert caught.value.line == 3


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"alias \*a is inside the value it refers to"):
        parse_config("keywords: [x]\nsort: &a [*a]\n")


def test_an_anchored_list_can_be_shared_by_many_keywords() -> None:
    lines = ["keywords:", "  - {name: K0, categories: &c [cs.CV, cs.LG]}"]
    lines += [f"  - {{name: K{n}, categories: *c}}" for n in range(1, 300)]
    config = parse_config("\n".join(lines) + "\n")
    assert all(t.categories == ("cs.CV", "cs.LG") for t in config.keywords)


def test_a_list_where_a_word_belongs_is_named_not_printed() -> None:
    with pytest.raises(ConfigError, match=r"got a list$"):
        parse_config("keywords: [x]\nsort: [[updated, published], [1, 2]]\n")


def test_the_documented_example_is_a_valid_keywords_file() -> None:
    reference = (REPO / "docs" / "keywords.md").read_text(encoding="utf-8")
    example = reference.split("```yaml\n", 1)[1].split("```", 1)[0]

    config = parse_config(example)

    lab = config.keyword_named("Wang lab")
    assert lab is not None
    assert lab.authors == ("Limin Wang", "Yi Wang")
    assert lab.notify == ("alice-w", "bob")
    assert lab.phrases == ()
    assert config.code_column


def test_notify_names_are_kept_once_whatever_their_case() -> None:
    config = parse_config("keywords:\n  - name: A\n    notify: [Alice, bob, alice, A-1]\n")
    assert config.keywords[0].notify == ("Alice", "bob", "A-1")


def test_without_columns_the_tables_keep_their_four() -> None:
    assert not parse_config("keywords:\n  - A\n").code_column
    assert not parse_config(
        "keywords:\n  - A\ncolumns: [title, date, abstract, comment]\n"
    ).code_column


def test_a_keyword_too_long_for_one_arxiv_query_is_refused_at_its_line() -> None:
    phrases = ", ".join(f"phrase number {n}" for n in range(2000))
    error = error_of(f"keywords:\n  - World Model\n  - name: Huge\n    phrases: [{phrases}]\n")
    assert error.line == 3
    assert "characters of phrases, authors, exclusions and query; at most 4000" in error.message


def test_a_keyword_just_under_the_query_limit_is_accepted() -> None:
    phrases = ", ".join(f"p{n:04d}" for n in range(800))  # 800 x 5 = 4000 characters
    assert len(parse_config(f"keywords:\n  - name: Big\n    phrases: [{phrases}]\n").keywords) == 1


def test_a_keyword_name_too_long_for_a_heading_or_file_name_is_refused() -> None:
    assert "at most 200" in error_of("keywords:\n  - " + "word " * 60 + "\n").message
    slugged = error_of("keywords:\n  - " + "ab " * 60 + "\n")
    assert "file name of 179 bytes; at most 120" in slugged.message


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("keywords:\n  - name: LLM: reasoning\n", 2, 'must be quoted: name: "LLM: reasoning"'),
        ("keywords:\n  - LLM: reasoning\n", 2, 'quote it: - "LLM: reasoning"'),
        ("keywords:\n  - name: A\n  phrases: [a]\n", 3, "settings line up under its 'name:'"),
        ("keywords:\n  - World Model\n - Video\n", 3, "start in the same column"),
        ("keywords:\n - World Model\n  - Video\n", 3, "reads it as part of 'World Model'"),
        (
            "keywords:\n  - name: W\n    phrases:\n    - a\n    - b\n      - c\n",
            6,
            "'- c' is indented deeper than the item above it",
        ),
        ("keywords:\n\t- World Model\n", 2, "spaces, not tabs"),
        ('keywords:\n  - "World Model\n  - B\n', 2, "quote opened on this line is never closed"),
        ("keywords:\n  - name: A\n    phrases: [a, b\n", 4, "opened on line 3 is not closed"),
        ("keywords:\n  - @home robots\n", 2, 'starting with @ must be quoted, e.g. "@..."'),
        ("keywords:\n  -World Model\n", 2, "a dash and a space before each keyword"),
        ("keywords:\n  - #hashtag\n  - B\n", 2, "quote a name that starts with '#'"),
        ("keywords:\n  - A\n  -\n  - B\n", 3, "empty keyword (write a name after the '-'"),
        ("keywords:\n  - name: A\n    phrases:[a]\n", 3, "a colon and a space after it"),
    ],
)
def test_common_yaml_mistakes_get_a_plain_hint_at_their_line(
    text: str, line: int, hint: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text)
    assert raised.value.line == line
    assert hint in raised.value.message


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        ("'Wang\\'", "keyword"),
        ("{name: W, authors: ['Wang\\']}", "authors"),
        ("{name: W, phrases: ['a\\b']}", "phrases"),
        ("{name: W, exclude: ['survey\\']}", "exclude"),
    ],
)
def test_a_backslash_in_query_text_is_refused_at_its_line(entry: str, what: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(f"keywords:\n  - World Model\n  - {entry}\n")
    assert raised.value.line == 3
    assert raised.value.message.startswith(f"{what} must not contain a backslash")


def test_invisible_characters_are_removed_with_a_warning_naming_the_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="dailypapers"):
        config = parse_config('keywords:\n  - name: V\n    phrases: ["Vi\\u00addeo\\u200b"]\n')
    assert config.keywords[0].phrases == ("Video",)
    (record,) = caplog.records
    assert record.getMessage() == (
        "keywords.yaml:3: phrases: searching 'Video' without its invisible characters "
        "(U+00AD SOFT HYPHEN, U+200B ZERO WIDTH SPACE)"
    )


def test_a_phrase_of_invisible_characters_only_is_refused() -> None:
    with pytest.raises(ConfigError, match="holds only invisible characters") as raised:
        parse_config('keywords:\n  - "\\u00ad\\u200b"\n')
    assert raised.value.line == 2


def test_a_refused_file_gives_its_error_and_no_warning_about_earlier_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Found by the fuzzer: one line for bad input, not a warning about line 3 and then the
    error of line 4."""
    with pytest.raises(ConfigError):
        parse_config("keywords:\n  - World\ufeff\n  -\n")
    assert caplog.records == []


def test_a_valid_file_warns_about_invisible_characters_it_removed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = parse_config("keywords:\n  - World\ufeff Model\n")
    assert config.keywords[0].phrases == ("World Model",)
    assert "U+FEFF" in caplog.text


@pytest.mark.parametrize("written", ["4.10", "007", "0x10", "1_000"])
def test_a_keyword_or_phrase_yaml_reads_as_a_number_is_kept_as_written(written: str) -> None:
    """YAML reads 4.10 as 4.1 and 007 as 7: the search would quietly be for another text."""
    config = parse_config(
        f"keywords:\n  - {written}\n  - name: GPT\n    phrases: [GPT-4, {written}]\n"
    )
    assert config.keywords[0].name == written
    assert config.keywords[0].phrases == (written,)
    assert config.keywords[1].phrases == ("GPT-4", written)


@pytest.mark.parametrize(
    ("line", "refused"),
    [
        (
            "columns: title, date, abstract, comment, code",
            "columns must be [title, date, abstract, comment] or [title, date, abstract, "
            "comment, code], got 'title, date, abstract, comment, code'",
        ),
        (
            "  - name: A\n    categories: cs.CV, cs.LG",
            "categories: not an arXiv category or archive: 'cs.CV, cs.LG'",
        ),
        ("  - name: A\n    fields: title, abstract", "fields must be title or abstract, got "),
        ("  - name: A\n    notify: alice, bob", "notify: not a GitHub user name"),
        ("reference: 2403.15377, 2501.01234", "reference: not an arXiv id: "),
    ],
)
def test_a_list_written_without_brackets_is_refused_with_the_bracketed_list_to_write(
    line: str, refused: str
) -> None:
    """YAML reads `categories: cs.CV, cs.LG` as one text. A category, field, user name,
    arXiv id or column cannot hold a comma, so the refusal shows the list that was meant;
    `columns:` so written was refused as "must be [...code], got [...code]", the very list
    the message asked for."""
    top = line.startswith(("columns", "reference"))
    text = f"keywords:\n  - World Model\n{line}\n" if top else f"keywords:\n{line}\n"
    error = error_of(text)
    assert error.line == 3
    assert error.message.startswith(refused)
    key, value = line.split("\n")[-1].strip().split(": ", 1)
    assert error.message.endswith(
        f" (YAML reads it as one text: a list needs brackets, {key}: [{value}])"
    )


def test_a_phrase_may_hold_a_comma_and_a_quoted_value_gets_no_bracket_hint() -> None:
    config = parse_config("keywords:\n  - name: A\n    phrases: a, b\n", "keywords.yaml")
    assert config.keywords[0].phrases == ("a, b",)
    error = error_of('keywords:\n  - World Model\nreference: "2403.15377, 2501.01234"\n')
    assert "brackets" not in error.message


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("keywords:\n  - World Model\t# mine\n", 2, 16),
        ("keywords:\n  - World Model\nsort:\tupdated\n", 3, 6),
        ("keywords:\n  - World\tModel\n", 2, 10),
    ],
)
def test_a_tab_after_a_word_is_named_by_its_column_not_blamed_on_the_indentation(
    text: str, line: int, column: int
) -> None:
    """A tab that aligns a comment, or follows a colon, is no indentation: "YAML is indented
    with spaces, not tabs" sent the reader to a margin that was right."""
    with pytest.raises(ConfigError) as raised:
        parse_config(text)
    assert raised.value.line == line
    assert raised.value.message.endswith(
        f"(a tab at column {column}: YAML takes spaces there; type a space)"
    )


def test_a_list_in_place_of_a_keyword_is_refused_with_the_mapping_that_holds_its_phrases() -> None:
    """`- [video diffusion, text-to-video]` was refused as "keyword must be a mapping", which
    hid that a plain name is a keyword too and said nothing of where the phrases go."""
    error = error_of("keywords:\n  - World Model\n  - [video diffusion, text-to-video]\n")
    assert error.line == 3
    assert error.message == (
        "a keyword is a name or a mapping with 'name:', not a list (for several phrases: "
        "- name: video diffusion, and under it phrases: [video diffusion, text-to-video])"
    )
