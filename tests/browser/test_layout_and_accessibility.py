"""Real-browser journeys: right-to-left layout, the language picker, and axe-core on key pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"
PAGES = {"library": "/", "lesson": LESSON, "help": "/help?country=JP", "translations": "/translations"}


def edge_gaps(page) -> dict:
    """Where the "next" link sits in the pager: the gap to the pager's inner edge on its side."""
    return page.evaluate(
        """() => {
            const next = document.querySelector('.pager-next').getBoundingClientRect();
            const pager = document.querySelector('.pager');
            const box = pager.getBoundingClientRect();
            const style = getComputedStyle(pager);
            const left = box.left + parseFloat(style.paddingLeft);
            const right = box.right - parseFloat(style.paddingRight);
            const gapLeft = Math.abs(next.left - left), gapRight = Math.abs(right - next.right);
            return gapLeft < gapRight ? {start: gapLeft, endSide: 'left'} : {start: gapRight, endSide: 'right'};
        }"""
    )


def arrow_side(page) -> str:
    """Which side of the "Next" label its arrow is drawn on."""
    return page.evaluate(
        """() => {
            const arrow = document.querySelector('.pager-next .arrow').getBoundingClientRect();
            const label = document.querySelector('.pager-next .pager-label').getBoundingClientRect();
            return arrow.left < label.left ? 'left' : 'right';
        }"""
    )


def test_arabic_lesson_lays_out_right_to_left(page):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"/ar{LESSON}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.querySelector('.lesson-body p')).direction") == "rtl"
    # The first lesson has only "next": in right-to-left it sits at the left end of the pager, pointing left.
    assert edge_gaps(page) == {"start": pytest.approx(0, abs=1), "endSide": "left"}
    assert arrow_side(page) == "left"
    transform = page.evaluate("getComputedStyle(document.querySelector('.pager-next .arrow')).transform")
    assert transform.startswith("matrix(-1")
    # The content warning's coloured edge is on the right, where Arabic lines start.
    warning = page.locator(".content-warning")
    assert warning.evaluate("el => getComputedStyle(el).borderRightWidth") == "5px"
    assert warning.evaluate("el => getComputedStyle(el).borderLeftWidth") == "0px"


def test_english_lesson_lays_out_left_to_right(page):
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(f"/en{LESSON}")
    assert edge_gaps(page) == {"start": pytest.approx(0, abs=1), "endSide": "right"}
    assert arrow_side(page) == "right"
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
