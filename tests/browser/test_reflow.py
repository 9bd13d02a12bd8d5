"""Every page type in English, Japanese and Arabic, in a real Chromium against gunicorn: reflow at 320 px
(WCAG 1.4.10; the same CSS width as 1280 px at 400 % zoom), pages small and free of web fonts and broken
resources, the question card's legend inside its border, text of either direction isolated, Japanese
headings broken by phrase, and no axe violation in dark mode or forced colours.

One server and one seeded catalogue of pages for the whole module (tests/browser/page_catalogue.py); pages
are fetched in a loop in one tab per login."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .page_catalogue import seed, serving

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "ja", "ar")
NARROWEST = 320
PAGE_LIMIT = 30_000  # bytes before compression: comfortably under 30 KB on the wire as well


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(server URL, catalogue of every page type)."""
    with serving(tmp_path_factory.mktemp("reflow")) as server:
        yield server.url, seed(server.url)


def tabs(browser, url, catalogue, width, **context):
    """A tab for visitors and one logged in as the teacher, by whether a page type needs the login."""
    visitor = browser.new_context(base_url=url, viewport={"width": width, "height": 640}, **context)
    teacher = browser.new_context(base_url=url, viewport={"width": width, "height": 640}, **context)
    teacher.add_cookies(catalogue.cookies)
    return {False: visitor.new_page(), True: teacher.new_page()}


def sideways_scroll(page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it reflows)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_every_page_type_reflows_at_320_px_stays_small_and_loads_no_font_nor_missing_file(browser, site):
    url, catalogue = site
    pages = tabs(browser, url, catalogue, NARROWEST)
    problems = []
    for page in pages.values():
        page.on("request", lambda request: problems.append(f"web font {request.url}") if request.resource_type == "font" else None)
        page.on("response", lambda response: problems.append(f"{response.status} {response.url}") if response.status >= 400 and response.request.resource_type != "document" else None)
    overflowing, large = {}, {}
    for name in catalogue.pages:
        page = pages[name in catalogue.teacher]
        for tag in LANGUAGES:
            path = catalogue.url(name, tag)
            response = page.goto(path)
            if sideways_scroll(page) > 0:
                overflowing[path] = sideways_scroll(page)
            if len(response.body()) >= PAGE_LIMIT:
                large[path] = len(response.body())
    assert len(catalogue.pages) >= 29
    assert not overflowing, f"pages that scroll sideways at {NARROWEST} px: {overflowing}"
    assert not large, large
    assert not problems, problems


def test_mixed_direction_counts_keep_their_order_on_an_arabic_console(browser, site):
    """"English (1)" on an Arabic page: the name is isolated, so the count sits where Arabic reads next (to
    its left), as it does beside "العربية"; on an English page, to its right."""
    url, catalogue = site
    page = tabs(browser, url, catalogue, 1280)[True]
    for tag, count_side in (("ar", "left"), ("en", "right")):
        page.goto(catalogue.url("console-lobby", tag))
        sides = page.evaluate(
            """() => [...document.querySelectorAll('.language-counts .language-name')].map(name => {
                const count = name.nextElementSibling.getBoundingClientRect(), box = name.getBoundingClientRect();
                return count.left < box.left ? 'left' : 'right';
            })"""
        )
        assert len(sides) >= 2, sides
        assert set(sides) == {count_side}, (tag, sides)


@pytest.mark.parametrize("tag", LANGUAGES)
def test_question_legend_sits_inside_its_card(browser, site, tag):
    """A legend left on the fieldset's border ran behind a prompt of two lines."""
    url, catalogue = site
    page = tabs(browser, url, catalogue, 360)[False]
    page.goto(catalogue.url("quiz", tag))
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('fieldset.question')].map(fieldset => {
            const legend = fieldset.querySelector('legend').getBoundingClientRect();
            return legend.top - fieldset.getBoundingClientRect().top - parseFloat(getComputedStyle(fieldset).borderTopWidth);
        })"""
    )
    assert gaps and min(gaps) > 0, gaps


def test_japanese_headings_break_between_phrases_and_balance(browser, site):
    url, catalogue = site
    page = tabs(browser, url, catalogue, 360)[False]
    page.goto(catalogue.url("library", "ja"))
    style = page.evaluate("(() => { const s = getComputedStyle(document.querySelector('h1')); return [s.wordBreak, s.textWrap || s.textWrapStyle]; })()")
    assert style[0] == "auto-phrase"
    assert "balance" in style[1]
    page.goto(catalogue.url("library", "en"))
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).wordBreak") == "normal"


def test_source_numbers_stay_inside_the_column_on_a_right_to_left_page(browser, site):
    """An English source in an Arabic lesson runs left to right, so its number is on its left: the room
    for it must be there too, not on the right where the Arabic list's padding is."""
    url, catalogue = site
    page = tabs(browser, url, catalogue, 360)[False]
    page.goto(catalogue.url("lesson", "ar"))
    room = page.evaluate(
        """() => [...document.querySelectorAll('.sources li')].map(item => {
            const list = item.parentElement.getBoundingClientRect(), box = item.getBoundingClientRect();
            return getComputedStyle(item).direction === 'ltr' ? box.left - list.left : list.right - box.right;
        })"""
    )
    assert room and min(room) >= 20, room  # enough for "10."


@pytest.mark.parametrize("scheme", ["dark", "forced"])
def test_axe_finds_no_violation_in_dark_mode_or_forced_colours(browser, site, scheme):
    url, catalogue = site
    media = {"color_scheme": "dark"} if scheme == "dark" else {"forced_colors": "active"}
    pages = tabs(browser, url, catalogue, 1280, **media)
    failures = {}
    for name, tag in (("library", "en"), ("results", "ja"), ("learner-waiting", "ar"), ("report", "en"), ("quiz", "ar")):
        page = pages[name in catalogue.teacher]
        page.goto(catalogue.url(name, tag))
        results = Axe().run(page)
        if results.violations_count:
            failures[f"{tag} {name}"] = results.generate_report()
    assert not failures, failures
