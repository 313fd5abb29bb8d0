"""The one key per keyword: what is in it, and what is not."""

from __future__ import annotations

from dataclasses import replace

from dailypapers.config import Config
from dailypapers.outputs.key import keyword_key, taken_names
from tests.factories import keyword

NAMES = ("World Model", "World Model 2", "Worlds", "Astro")
WORLD, WORLD_2, WORLDS, ASTRO = (keyword(name) for name in NAMES)


def _key(config: Config, papers: str = "p") -> str:
    return keyword_key(config, WORLD, papers, "README.md", taken_names(config)[WORLD.slug])


def test_taken_names_are_the_slugs_that_start_with_the_slug_and_a_hyphen() -> None:
    config = Config(keywords=(WORLD, WORLD_2, WORLDS, ASTRO))
    assert taken_names(config) == {
        "world-model": "world-model-2",
        "world-model-2": "",
        "worlds": "",
        "astro": "",
    }


def test_settings_that_reach_no_file_are_not_in_the_key() -> None:
    config = Config(keywords=(WORLD, ASTRO))
    for other in (
        replace(config, timezone="Europe/Paris"),
        replace(config, lookback_days=3),
        replace(config, max_papers=50),
        replace(config, keywords=(WORLD, ASTRO, WORLDS)),
        replace(config, keywords=(ASTRO, WORLD)),
    ):
        assert _key(other) == _key(config)


def test_what_reaches_the_files_is_in_the_key() -> None:
    config = Config(keywords=(WORLD, ASTRO))
    for other in (
        replace(config, sort="published"),
        replace(config, link="abs"),
        replace(config, columns=(*config.columns, "code")),
        replace(config, keywords=(WORLD, ASTRO, WORLD_2)),
    ):
        assert _key(other) != _key(config)
    assert _key(config, "other papers") != _key(config)
