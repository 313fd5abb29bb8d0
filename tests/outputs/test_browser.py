"""The web page in a real headless Chromium: search, keyword filter, copy, and no injected script.

Skipped when Chromium or its driver is not installed; CI (.ci/run) installs Debian's packages.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.factories import HOSTILE, LATEX, OLD_STYLE, WORLD_MODELS, render

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="chromium and chromedriver are not installed"
)

SCRIPTED_AUTHOR = replace(
    HOSTILE,
    id="2611.00003",
    title='Hostile "quotes" and \'apostrophes\' <svg onload="window.__pwned=5">',
    abstract="An abstract about diffusion.",
)
KEYWORDS = {
    "World Model": [HOSTILE, LATEX, WORLD_MODELS],
    "Astro": [SCRIPTED_AUTHOR, WORLD_MODELS, OLD_STYLE],  # newest first, as stored
}


@pytest.fixture(scope="session")  # per worker: see tests/conftest.py
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1000,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    browser = webdriver.Chrome(options=options, service=service)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def page(driver: webdriver.Chrome, tmp_path: Path) -> webdriver.Chrome:
    site = render(tmp_path, KEYWORDS)
    driver.get_log("browser")
    driver.get((site / "index.html").as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())
    return driver


def visible_titles(driver: webdriver.Chrome) -> list[str]:
    return [
        a.text for a in driver.find_elements(By.CSS_SELECTOR, "li.paper a.t") if a.is_displayed()
    ]


def status(driver: webdriver.Chrome) -> str:
    return str(driver.find_element(By.ID, "dp_status").text)


def test_typing_in_the_search_box_shows_only_matching_papers(page: webdriver.Chrome) -> None:
    page.find_element(By.ID, "dp_q").send_keys("world models")
    assert visible_titles(page) == ["World Models", "World Models"]
    assert status(page) == "2 papers shown"


def test_search_matches_words_in_authors_and_abstracts(page: webdriver.Chrome) -> None:
    box = page.find_element(By.ID, "dp_q")
    box.send_keys("schmidhuber")
    assert visible_titles(page) == ["World Models", "World Models"]
    box.clear()
    box.send_keys("DIFFUSION")
    assert visible_titles(page) == [SCRIPTED_AUTHOR.title]


def test_hostile_titles_show_literally_and_can_be_searched(page: webdriver.Chrome) -> None:
    page.find_element(By.ID, "dp_q").send_keys("onerror")
    assert visible_titles(page) == [HOSTILE.title]
    assert page.find_elements(By.TAG_NAME, "img") == []
    assert page.find_elements(By.TAG_NAME, "svg") == []


def test_no_script_from_paper_text_runs(page: webdriver.Chrome) -> None:
    page.find_element(By.ID, "dp_q").send_keys("a")
    for details in page.find_elements(By.CSS_SELECTOR, "li.paper details summary"):
        if details.is_displayed():
            details.click()
    assert page.execute_script("return window.__pwned === undefined") is True


def test_the_keyword_filter_shows_one_keyword(page: webdriver.Chrome) -> None:
    Select(page.find_element(By.ID, "dp_kw")).select_by_visible_text("Astro")
    sections = page.find_elements(By.CSS_SELECTOR, "section.kw")
    assert [s.get_attribute("id") for s in sections if s.is_displayed()] == ["astro"]
    assert status(page) == "3 papers shown"


def test_only_new_hides_papers_seen_before_the_last_update(page: webdriver.Chrome) -> None:
    page.find_element(By.ID, "dp_fresh").click()
    assert visible_titles(page) == [HOSTILE.title, LATEX.title, SCRIPTED_AUTHOR.title]


def test_the_abstract_opens_from_the_keyboard(page: webdriver.Chrome) -> None:
    abstract = page.find_element(By.CSS_SELECTOR, "li.paper p.abs")
    assert not abstract.is_displayed()
    summary = page.find_element(By.CSS_SELECTOR, "li.paper summary")
    summary.send_keys("\n")
    assert abstract.is_displayed()
    assert abstract.text == HOSTILE.abstract


def test_the_bibtex_button_copies_the_entry(page: webdriver.Chrome) -> None:
    page.find_elements(By.CSS_SELECTOR, "button.copy")[2].click()
    WebDriverWait(page, 5).until(lambda d: status(d) != "6 papers")
    assert status(page) == "BibTeX copied"
    box = page.find_element(By.ID, "dp_q")
    box.send_keys(" ")
    box.send_keys("\ue009v")  # Ctrl+V into the search box
    assert "ha2018world-1803.10122" in str(box.get_attribute("value"))


def test_the_console_stays_free_of_errors(page: webdriver.Chrome, tmp_path: Path) -> None:
    page.find_element(By.ID, "dp_q").send_keys("model")
    Select(page.find_element(By.ID, "dp_kw")).select_by_visible_text("World Model")
    [button, *_] = [
        b for b in page.find_elements(By.CSS_SELECTOR, "button.copy") if b.is_displayed()
    ]
    button.click()
    page.save_screenshot(str(tmp_path / "page.png"))
    assert (tmp_path / "page.png").stat().st_size > 0
    errors = [e for e in page.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def rows(driver: webdriver.Chrome) -> list[Any]:
    return [li for li in driver.find_elements(By.CSS_SELECTOR, "li.paper") if li.is_displayed()]


def test_a_row_shows_link_authors_date_categories_comment_and_abstract(
    page: webdriver.Chrome,
) -> None:
    li = rows(page)[2]
    assert li.find_element(By.CSS_SELECTOR, "a.t").get_attribute("href") == WORLD_MODELS.abs_url
    meta = li.find_element(By.CSS_SELECTOR, "p.meta")
    assert meta.text == "David Ha, Jürgen Schmidhuber · 2018-05-09 · cs.LG stat.ML · pdf · page"
    assert meta.find_element(By.TAG_NAME, "time").get_attribute("datetime") == "2018-05-09"
    links = [a.get_attribute("href") for a in meta.find_elements(By.TAG_NAME, "a")]
    assert links == [WORLD_MODELS.pdf_url, "https://worldmodels.github.io/"]
    comments = [p.text for p in li.find_elements(By.CSS_SELECTOR, "p.comment")]
    assert comments == [WORLD_MODELS.comment, WORLD_MODELS.journal_ref]


def test_each_keyword_is_a_section_with_its_feed_and_bibtex(page: webdriver.Chrome) -> None:
    sections = page.find_elements(By.CSS_SELECTOR, "section.kw")
    assert [s.get_attribute("id") for s in sections] == ["world-model", "astro"]
    heading = sections[1].find_element(By.TAG_NAME, "h2")
    assert heading.text == "Astro (3)"
    links = sections[1].find_elements(By.CSS_SELECTOR, "p.links a")
    assert [a.get_attribute("href").rsplit("/", 2)[-2:] for a in links] == [
        ["feeds", "astro.xml"],
        ["bib", "astro.bib"],
    ]


def test_papers_first_seen_on_the_last_update_are_marked_new(page: webdriver.Chrome) -> None:
    marked = [
        (li.find_element(By.CSS_SELECTOR, "a.t").text, li.get_attribute("data-new") is not None)
        for li in rows(page)
    ]
    assert marked == [
        (HOSTILE.title, True),
        (LATEX.title, True),
        (WORLD_MODELS.title, False),
        (SCRIPTED_AUTHOR.title, True),
        (WORLD_MODELS.title, False),
        (OLD_STYLE.title, False),
    ]
    assert len(page.find_elements(By.CSS_SELECTOR, "li.paper span.new")) == 3


def test_hostile_text_adds_no_element(page: webdriver.Chrome) -> None:
    li = rows(page)[0]
    assert li.find_element(By.CSS_SELECTOR, "span.a").text == ", ".join(HOSTILE.authors)
    assert li.find_element(By.CSS_SELECTOR, "p.comment").text == HOSTILE.comment
    assert (
        page.find_elements(By.CSS_SELECTOR, "li.paper script, li.paper a:not([href^=http])") == []
    )
    assert page.find_elements(By.CSS_SELECTOR, "li.paper *[onerror], li.paper *[onload]") == []


def test_a_copy_that_fails_shows_the_entry_for_copying_by_hand(page: webdriver.Chrome) -> None:
    page.execute_script("document.execCommand = function () { return false; };")
    page.execute_script("Object.defineProperty(window, 'isSecureContext', {value: false});")
    rows(page)[2].find_element(By.CSS_SELECTOR, "button.copy").click()
    pre = rows(page)[2].find_element(By.CSS_SELECTOR, "pre.bib")
    assert pre.is_displayed()
    assert pre.text.startswith("@misc{ha2018world-1803.10122,")
    assert status(page).startswith("Could not copy")


BIG = {
    f"Topic {k}": [
        replace(WORLD_MODELS, id=f"2611.{k}{n:04d}", title=f"Paper {k}-{n}") for n in range(150)
    ]
    for k in range(3)
}


@pytest.fixture
def big(driver: webdriver.Chrome, tmp_path: Path) -> webdriver.Chrome:
    site = render(tmp_path, BIG)
    driver.get((site / "index.html").as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())
    return driver


def built(driver: webdriver.Chrome) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, "li.paper"))


def test_only_the_first_rows_are_built_until_the_reader_scrolls(big: webdriver.Chrome) -> None:
    first = built(big)
    assert 0 < first < 450
    big.execute_script("window.scrollTo(0, document.body.scrollHeight);")
    WebDriverWait(big, 5).until(lambda d: built(d) > first)


def test_show_more_builds_the_next_rows(big: webdriver.Chrome) -> None:
    first = built(big)
    big.execute_script("document.getElementById('dp_more').click();")
    assert built(big) > first


def test_search_finds_papers_that_were_not_built_yet(big: webdriver.Chrome) -> None:
    big.find_element(By.ID, "dp_q").send_keys("paper 2-149")
    assert visible_titles(big) == ["Paper 2-149"]
    assert status(big) == "1 paper shown"


def test_a_keyword_link_opens_the_page_on_that_keyword(big: webdriver.Chrome) -> None:
    url = big.current_url
    big.get(url + "#topic-2")
    big.refresh()
    WebDriverWait(big, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())
    assert Select(big.find_element(By.ID, "dp_kw")).first_selected_option.text == "Topic 2"
    sections = big.find_elements(By.CSS_SELECTOR, "section.kw")
    assert [s.get_attribute("id") for s in sections] == ["topic-2"]


@pytest.mark.parametrize("fragment", ["50%", "%E0%A4%A", "%", "no-such-keyword"])
def test_any_fragment_still_shows_the_page(
    driver: webdriver.Chrome, tmp_path: Path, fragment: str
) -> None:
    site = render(tmp_path, KEYWORDS)
    driver.get_log("browser")
    driver.get(f"{(site / 'index.html').as_uri()}#{fragment}")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())

    assert len(visible_titles(driver)) == 6
    errors = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == []


def test_keywords_named_like_the_pages_own_parts_leave_every_element_id_unique(
    driver: webdriver.Chrome, tmp_path: Path
) -> None:
    """A keyword's section is its slug (``#status`` links to it), so the page's own controls
    and each section's heading have ids that no slug can be."""
    names = ["Status", "More", "Data", "Q", "Papers", "H Papers", "Filters", "Order", "Fresh", "KW"]
    site = render(tmp_path, {name: [WORLD_MODELS] for name in names})
    driver.get((site / "index.html").as_uri() + "#status")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())

    ids = driver.execute_script(
        "return Array.from(document.querySelectorAll('[id]'), function (e) { return e.id; });"
    )
    assert len(ids) == len(set(ids))
    assert Select(driver.find_element(By.ID, "dp_kw")).first_selected_option.text == "Status"
    assert status(driver) == "1 paper shown"


def test_an_encoded_fragment_opens_its_keyword(driver: webdriver.Chrome, tmp_path: Path) -> None:
    site = render(tmp_path, KEYWORDS)
    driver.get(f"{(site / 'index.html').as_uri()}#world%2Dmodel")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())

    assert Select(driver.find_element(By.ID, "dp_kw")).first_selected_option.text == "World Model"


def test_the_page_orders_by_closeness_to_the_groups_papers_on_request(
    driver: webdriver.Chrome, tracker: Path
) -> None:
    """Through the CLI against the fake arXiv: the newest paper is first by date, the one
    close to the references first by "Closest to our work"."""
    from tests.cli.test_rank import FIRST_DAY, IDS, OURS, SECOND_DAY
    from tests.fakes.arxiv import FakeArxiv
    from tests.support import run_cli

    (tracker / "keywords.yaml").write_text(
        "keywords:\n  - World Model\nreference: [" + ", ".join(IDS) + "]\n", encoding="utf-8"
    )
    with FakeArxiv([*OURS, *FIRST_DAY, *SECOND_DAY]) as fake:
        assert run_cli(tracker, "update", api_url=fake.url).returncode == 0
    driver.get((tracker / "site" / "index.html").as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "dp_filters").is_displayed())
    assert visible_titles(driver)[0] == "World model for weather"
    Select(driver.find_element(By.ID, "dp_order")).select_by_visible_text("Closest to our work")
    titles = visible_titles(driver)
    assert titles[0] == "World models for latent dynamics planning in robotics"
    assert sorted(titles) == sorted(p.title for p in [*FIRST_DAY, *SECOND_DAY])


def test_without_references_the_page_offers_no_order(page: webdriver.Chrome) -> None:
    assert page.find_elements(By.ID, "dp_order") == []
