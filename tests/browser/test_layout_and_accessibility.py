"""Real-browser journeys: right-to-left layout, the language picker, and axe-core on key pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"
PAGES = {"library": "/", "lesson": LESSON, "help": "/help?country=JP"}


def test_arabic_lesson_lays_out_right_to_left(page):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"/ar{LESSON}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.lesson-body p')).direction") == "rtl"
    # The first lesson has only "next": in right-to-left it sits on the left, pointing left.
    box = page.locator(".pager-next").bounding_box()
    assert box["x"] + box["width"] < 1000 / 2
    transform = page.evaluate("getComputedStyle(document.querySelector('.pager-next .arrow')).transform")
    assert transform.startswith("matrix(-1")
    # The content warning's coloured edge is on the right, where Arabic lines start.
    warning = page.locator(".content-warning")
    assert warning.evaluate("el => getComputedStyle(el).borderRightWidth") == "5px"
    assert warning.evaluate("el => getComputedStyle(el).borderLeftWidth") == "0px"


def test_english_lesson_lays_out_left_to_right(page):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"/en{LESSON}")
    box = page.locator(".pager-next").bounding_box()
    assert box["x"] > 1000 / 2
    assert page.evaluate("getComputedStyle(document.querySelector('.pager-next .arrow')).transform") == "none"


def test_language_picker_switches_language_on_the_same_page(page, base_url):
    page.goto(f"/en{LESSON}")
    page.locator(".language-picker summary").click()
    page.get_by_role("link", name="日本語").click()
    page.wait_for_url(f"{base_url}/ja{LESSON}")
    assert page.evaluate("document.documentElement.lang") == "ja"
    # The choice is remembered: the bare root now sends this browser to Japanese.
    page.goto("/")
    assert page.url == f"{base_url}/ja/"


def test_language_picker_works_from_the_keyboard(page, base_url):
    page.goto(f"/en{LESSON}")
    page.locator(".language-picker summary").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="العربية").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base_url}/ar{LESSON}")
    assert page.evaluate("document.documentElement.dir") == "rtl"


@pytest.mark.parametrize("tag", ["en", "ja", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_violation(page, tag, name):
    page.goto(f"/{tag}{PAGES[name]}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
