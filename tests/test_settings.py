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
