"""The HTML page in a real headless Chromium (selenium): navigation counts, search as you
type, the category filter, Copy BibTeX (keyboard too), a hostile title shown as text, no
request, no sideways scrolling on a phone. Screenshots at desktop and phone width are saved
to ``tests/output/`` for review.

Skipped with the reason where Chromium, its driver or selenium is missing (``.ci/run``
installs them: Debian's ``chromium`` and ``chromium-driver``).
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

import llm4anno_bib

from conftest import ROOT
from test_stats_and_page import hostile_library

selenium = pytest.importorskip("selenium", reason="selenium is not installed (the test extra)")
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# where Debian's chromium-driver puts it, when its folder is not on PATH
DRIVER = shutil.which("chromedriver") or next(
    (str(p) for p in (Path("/usr/bin/chromedriver"), Path("/usr/lib/chromium/chromedriver"))
     if p.is_file()), None)
_MISSING = [name for name, found in (("Chromium", CHROMIUM), ("ChromeDriver", DRIVER))
            if not found]
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    bool(_MISSING), reason=f"{' and '.join(_MISSING)} not found (Debian: apt-get install "
                           "chromium chromium-driver)")]
OUTPUT = ROOT / "tests" / "output"
DESKTOP, PHONE = (1280, 900), (390, 844)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped library's page and a hostile one, served from 127.0.0.1 (a secure
    context, where the Clipboard API is allowed)."""
    folder = tmp_path_factory.mktemp("site")
    (folder / "index.html").write_text(llm4anno_bib.load().to_html(), encoding="utf-8")
    (folder / "hostile.html").write_text(hostile_library().to_html(), encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser(site, tmp_path_factory):
    # Chromium leaves its profile and singleton folders in TMPDIR after quitting: both go
    # under pytest's own temporary folder, which pytest prunes, never loose in /tmp
    scratch = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
                     f"--user-data-dir={scratch / 'profile'}"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=DRIVER,
                                      env={**os.environ, "TMPDIR": str(scratch)})
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.execute_cdp_cmd("Browser.grantPermissions", {
            "origin": site, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    except Exception:  # an older driver: the copy test then reads the element instead
        pass
    yield driver
    driver.quit()


def _open(browser, url: str, size=DESKTOP) -> None:
    browser.set_window_size(*size)
    browser.get(url)
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "shown").text)


def _visible_keys(browser) -> set[str]:
    return set(browser.execute_script(
        "return Array.from(document.querySelectorAll('li.work'))"
        ".filter(li => li.offsetParent !== null).map(li => li.dataset.key);"))


def _exact_entry(key: str) -> str:
    text = (ROOT / "library.bib").read_text(encoding="utf-8")
    return re.search(rf"^@\w+\{{{re.escape(key)},\n.*?^\}}$", text, re.S | re.M).group(0)


def test_navigation_shows_every_category_with_its_count_and_sections_their_works(browser,
                                                                                   site):
    _open(browser, site + "/index.html")
    library = llm4anno_bib.load()
    for category in library.categories():
        link = browser.find_element(By.CSS_SELECTOR, f'nav a[href="#c-{category.slug}"]')
        assert link.is_displayed()
        assert link.find_element(By.CSS_SELECTOR, ".count").text == str(category.count)
        assert category.heading in link.text
        own = browser.execute_script(
            "return Array.from(document.querySelectorAll("
            f"'#c-{category.slug} > ol.works > li.work')).map(li => li.dataset.key);")
        assert own == list(category.keys)  # the list's order
    listed = {key for category in library.tree for key in category.keys}
    assert browser.find_element(By.ID, "shown").text == f"{len(listed)} works"
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "page-desktop.png"))


def test_typing_in_the_search_box_filters_as_you_type(browser, site):
    _open(browser, site + "/index.html")
    library = llm4anno_bib.load()
    listed = {key for category in library.tree for key in category.keys}  # the survey is not
    box = browser.find_element(By.ID, "search")
    box.send_keys("distil")
    expected = {e.key for e in library if e.key in listed and "distil" in
                (e.title + " " + " ".join(e.authors) + " " + (e.venue or "")).lower()}
    assert expected and len(expected) < len(listed)
    assert _visible_keys(browser) == expected
    assert browser.find_element(By.ID, "shown").text == \
        f"Showing {len(expected)} of {len(listed)} works"
    box.send_keys(" 2023")  # every word must match; a year is one of the fields
    assert _visible_keys(browser) == {k for k in expected if library[k].year == 2023}
    box.clear()
    box.send_keys(Keys.SPACE, Keys.BACKSPACE)  # an input event with the box empty again
    assert _visible_keys(browser) == listed


def test_the_category_filter_shows_that_section_only(browser, site):
    _open(browser, site + "/index.html")
    library = llm4anno_bib.load()
    menu = Select(browser.find_element(By.ID, "category"))
    assert [o.text.strip("\u2003 ") for o in menu.options] == ["All categories"] + [
        f"{c.heading} ({c.count})" for c in library.categories()]  # indented by depth
    menu.select_by_value(
        "harnessing-llm-annotations-for-fine-tuning-and-prompting")
    under = {e.key for e in library.filter(
        category="Harnessing LLM Annotations for Fine-Tuning and Prompting")}
    assert _visible_keys(browser) == under
    assert not browser.find_element(By.ID, "c-surveys").is_displayed()


def test_copy_bibtex_puts_the_exact_entry_on_the_clipboard(browser, site):
    _open(browser, site + "/index.html")
    first = browser.find_element(By.CSS_SELECTOR, "li.work button.copy")
    key = first.get_attribute("data-key")
    first.click()
    status = WebDriverWait(browser, 10).until(
        lambda d: d.find_element(By.ID, "copy-status").text)
    pasted = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, e => done('UNREADABLE ' + e));")
    if pasted.startswith("UNREADABLE"):  # no clipboard in this headless browser
        shown = first.find_element(By.XPATH, "ancestor::li").find_element(
            By.CSS_SELECTOR, "pre.bibtex").get_attribute("textContent")
        assert shown == _exact_entry(key)
        pytest.skip(f"the headless clipboard cannot be read here ({pasted}); the element "
                    "the button copies from holds the exact entry")
    assert status == f"Copied the BibTeX of {key}."
    assert pasted == _exact_entry(key)


def test_copy_works_from_the_keyboard_and_for_the_survey(browser, site):
    _open(browser, site + "/index.html")
    survey = llm4anno_bib.load().survey()
    button = browser.find_element(By.CSS_SELECTOR, ".survey button.copy")
    button.send_keys(Keys.ENTER)  # focus it and press Enter, as a keyboard user does
    WebDriverWait(browser, 10).until(
        lambda d: survey.key in d.find_element(By.ID, "copy-status").text)
    assert browser.switch_to.active_element == button
    shown = browser.find_element(By.CSS_SELECTOR, ".survey pre.bibtex").text
    assert shown == _exact_entry(survey.key)


def test_a_hostile_title_is_shown_as_text(browser, site):
    _open(browser, site + "/hostile.html")
    item = browser.find_element(By.CSS_SELECTOR, 'li.work[data-key="evil2024"]')
    assert "<script>window.hacked = 1</script>" in item.find_element(By.CSS_SELECTOR,
                                                                      ".title").text
    assert 'onerror="window.hacked=2"' in item.text
    assert browser.execute_script("return window.hacked === undefined")
    assert browser.execute_script("return document.scripts.length") == 1
    assert not item.find_elements(By.CSS_SELECTOR, "img, iframe, b")
    assert all(not (a.get_attribute("href") or "").startswith("javascript:")
               for a in item.find_elements(By.TAG_NAME, "a"))


def test_on_a_phone_nothing_scrolls_sideways(browser, site):
    _open(browser, site + "/index.html", PHONE)
    width = browser.execute_script("return window.innerWidth")
    assert width <= PHONE[0]
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    nav = browser.find_element(By.TAG_NAME, "nav").rect
    main = browser.find_element(By.TAG_NAME, "main").rect
    assert main["y"] >= nav["y"] + nav["height"] - 1  # one column: the navigation on top
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "page-phone.png"))
    _open(browser, site + "/index.html")  # back to the desktop width for the other tests
