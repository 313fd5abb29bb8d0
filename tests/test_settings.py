"""Environment variables: read once, defaulted once, and refused whole when they make no sense."""

from __future__ import annotations

import pytest

from dailypapers.errors import SettingsError
from dailypapers.settings import DEFAULT_API_URL, Settings


def test_nothing_set_gives_the_documented_defaults() -> None:
    assert Settings.from_env({}) == Settings(
        api_url=DEFAULT_API_URL, delay=3.0, retries=4, backoff=5.0, timeout=30.0
    )


def test_each_variable_sets_its_setting() -> None:
    env = {
        "DAILYPAPERS_API_URL": "http://127.0.0.1:8080/api/query",
        "DAILYPAPERS_DELAY": "15",
        "DAILYPAPERS_RETRIES": "2",
        "DAILYPAPERS_BACKOFF": "1.5",
        "DAILYPAPERS_TIMEOUT": "60",
    }
    assert Settings.from_env(env) == Settings("http://127.0.0.1:8080/api/query", 15, 2, 1.5, 60)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DAILYPAPERS_API_URL", "http://[::1"),
        ("DAILYPAPERS_API_URL", "export.arxiv.org/api/query"),
        ("DAILYPAPERS_API_URL", "ftp://export.arxiv.org/api/query"),
        ("DAILYPAPERS_API_URL", "http://localhost:99999/api"),
        ("DAILYPAPERS_TIMEOUT", "0"),
        ("DAILYPAPERS_TIMEOUT", "nan"),
        ("DAILYPAPERS_DELAY", "-1"),
        ("DAILYPAPERS_DELAY", "inf"),
        ("DAILYPAPERS_DELAY", "three"),
        ("DAILYPAPERS_RETRIES", "11"),
        ("DAILYPAPERS_BACKOFF", "-5"),
    ],
)
def test_a_value_that_makes_no_sense_is_refused_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"^{name}=") as refused:
        Settings.from_env({name: value})
    assert refused.value.exit_code == 2
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("DAILYPAPERS_API_URL", "http://[::1", "not a URL"),
        ("DAILYPAPERS_API_URL", "ftp://example.org/", "http(s) URL"),
        ("DAILYPAPERS_API_URL", "example.org/api/query", "http(s) URL"),
        ("DAILYPAPERS_API_URL", "http://:80/", "http(s) URL"),
        ("DAILYPAPERS_API_URL", "http://example.org:99999/", "not a URL"),
        ("DAILYPAPERS_API_URL", "http://exa mple.org/", "spaces or control"),
        ("DAILYPAPERS_API_URL", "http://example.org/\x1b[31m", "spaces or control"),
        ("DAILYPAPERS_API_URL", "http://example.org/%zz", "two hex digits"),
        ("DAILYPAPERS_API_URL", "http://user:secret@example.org/", "user name or password"),
        ("DAILYPAPERS_API_URL", "http://example.org/api?key=1", "must not have a query"),
        ("DAILYPAPERS_API_URL", "http://example.org/api#top", "must not have a query"),
        ("DAILYPAPERS_API_URL", "http://example.org/" + "a" * 3000, "longer than 2000"),
        ("DAILYPAPERS_TIMEOUT", "0", "from 0.1 to 600"),
        ("DAILYPAPERS_TIMEOUT", "-5", "from 0.1 to 600"),
        ("DAILYPAPERS_DELAY", "-1", "from 0 to 600"),
        ("DAILYPAPERS_DELAY", "nan", "from 0 to 600"),
        ("DAILYPAPERS_DELAY", "inf", "from 0 to 600"),
        ("DAILYPAPERS_DELAY", "3 s", "from 0 to 600"),
        ("DAILYPAPERS_BACKOFF", "1e400", "from 0 to 600"),
        ("DAILYPAPERS_RETRIES", "2.5", "whole number from 0 to 10"),
        ("DAILYPAPERS_RETRIES", "11", "from 0 to 10"),
    ],
)
def test_a_hostile_value_is_refused_with_its_reason_in_one_short_line(
    name: str, value: str, words: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name}=") and words in message
    assert "\n" not in message and "\x1b" not in message and len(message) < 300
    assert "secret" not in message


def test_a_value_of_blanks_means_the_default() -> None:
    assert Settings.from_env({"DAILYPAPERS_TIMEOUT": "  ", "DAILYPAPERS_API_URL": ""}) == Settings()


def test_a_mirror_with_a_port_and_path_is_accepted() -> None:
    url = "https://[2001:db8::1]:8443/arxiv/api/query"
    assert Settings.from_env({"DAILYPAPERS_API_URL": url}).api_url == url
