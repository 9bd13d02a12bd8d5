"""A class in a real room, in real browsers: gunicorn listens on every interface, as `HOST=0.0.0.0 make run`
does; the teacher and the learners reach it as a LAN visitor would, under the name room.test (Chromium maps
it to 127.0.0.1, so no traffic leaves this machine). The QR code is decoded from pixels, not read from SVG."""

import io
import re
import subprocess
import sys
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Error as PlaywrightError

from quizapp.classroom.service import CODE_ALPHABET
from quizapp.content import load_library

from ..servers import Server
from ..support import PROJECT_ROOT, SHIPPED
from .conftest import ROOM_HOST, TEACHER_EMAIL, TEACHER_PASSWORD
from .test_quiz_and_classroom import log_in, new_session

pytestmark = pytest.mark.browser

LAN_ADDRESS = "192.0.2.10"  # injected as the machine's LAN address; a documentation address never contacted
QUIZ = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """`HOST=0.0.0.0 make run`: gunicorn on every interface, gthread workers, a teacher account."""
    workdir = tmp_path_factory.mktemp("room")
    env = {"QUIZAPP_SECRET_KEY": "room-browser-tests", "QUIZAPP_DATABASE_URL": f"sqlite:///{workdir / 'room.sqlite'}", "QUIZAPP_LAN_ADDRESS": LAN_ADDRESS}
    server = Server(workdir, "room", **env)
    flask = [sys.executable, "-m", "flask", "--app", "quizapp"]
    subprocess.run([*flask, "db", "upgrade"], cwd=PROJECT_ROOT, env=server.env, check=True, capture_output=True)
    subprocess.run([*flask, "teachers", "create", TEACHER_EMAIL, "--name", "Ms Room", "--password", TEACHER_PASSWORD], cwd=PROJECT_ROOT, env=server.env, check=True, capture_output=True)
    server.start(workers=2, extra=["--worker-class", "gthread", "--threads", "4"], host="0.0.0.0")
    yield server
    server.stop()


@pytest.fixture
def room_url(room_server):
    return f"http://{ROOM_HOST}:{room_server.port}"


def decode_qr(page) -> str:
    """The text of the QR code on the page, decoded from a screenshot of it."""
    png = page.locator("img.qr").screenshot()
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(codes) == 1, "no QR code could be read from the screen"
    return codes[0].text


def open_console(browser, base, names="anonymous"):
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 800})
    console = context.new_page()
    log_in(console)
    code = new_session(console, names=names)
    return console, code


def open_projector(browser, base, console):
    """The projector view in its own window, on a computer where nobody is logged in."""
    link = console.locator("a", has_text="Open the projector view").get_attribute("href")
    projector = browser.new_context(base_url=base, viewport={"width": 1920, "height": 1080}).new_page()
    projector.goto(link)
    return projector


def scroll_width(page) -> int:
    """The page's scroll width. A waiting page without JavaScript refreshes itself every few seconds: when
    that refresh lands mid-measure, measure the page it brought."""
    for _attempt in range(3):
        try:
            return page.evaluate("document.documentElement.scrollWidth")
        except PlaywrightError:  # "Execution context was destroyed": the refresh navigated
            page.wait_for_load_state()
    raise AssertionError("the page kept reloading")


def navigations(page) -> list:
    """Every document load of ``page`` from now on."""
    loads = []
    page.on("framenavigated", lambda frame: loads.append(frame.url) if frame == page.main_frame else None)
    return loads


def test_a_class_of_thirty_joins_from_one_address_and_follows_console_and_projector(browser, room_server, room_url):
    console, code = open_console(browser, room_url)
    projector = open_projector(browser, room_url, console)
    # What learners read and scan is the address the teacher's own browser used: reachable from the room.
    assert projector.locator(".join-address").inner_text() == f"{ROOM_HOST}:{room_server.port}/j"
    link = decode_qr(projector)
    assert re.fullmatch(rf"http://{ROOM_HOST}:{room_server.port}/j/{code}\?k=[\w-]{{16}}", link)
    assert console.locator(".share-link").inner_text() == link
    assert decode_qr(console) == link

    # One pupil mistypes ten times; the whole class shares that pupil's address (one NAT).
    typist = browser.new_context(base_url=room_url).new_page()
    typist.goto("/j")
    for n in range(10):
        typist.locator("#code").fill(f"QQQQ{CODE_ALPHABET[n]}Q")
        typist.locator("form.stack button[type=submit]").click()
        typist.wait_for_selector(".field.has-error")

    learners = []
    for n in range(30):
        scripted = n % 3 != 0  # every third phone has JavaScript off
        page = browser.new_context(base_url=room_url, java_script_enabled=scripted, viewport={"width": 360, "height": 740}).new_page()
        if n % 2:
            page.goto("/j")  # as written on the board
            page.locator("#code").fill(code.lower())
            page.locator("form.stack button[type=submit]").click()
        else:
            page.goto(link)  # scanned
        page.locator("#language").select_option(SHIPPED[n % len(SHIPPED)])
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_selector(".waiting")
        learners.append((page, scripted))
    console.wait_for_selector("text=30 learners have joined", timeout=15_000)
    for page, _scripted in learners[:4]:
        assert scroll_width(page) <= 360

    projector.evaluate("window.kizunaMarker = 1")
    for page, scripted in learners:
        if scripted:
            page.evaluate("window.kizunaMarker = 1")
    console.bring_to_front()
    console.keyboard.press("s")  # the console's shortcut for "Start the questions"
    projector.wait_for_selector(".live-question", timeout=10_000)
    assert projector.evaluate("window.kizunaMarker") == 1  # swapped in place, not reloaded

    question = QUIZ.questions[0]
    assert question.type in ("single", "myth_fact")
    unscripted = [page for page, scripted in learners if not scripted]
    for page in unscripted:  # the waiting page refreshes itself to the question
        page.wait_for_selector("fieldset.question", timeout=15_000)
        page.locator("fieldset.question input[type=radio]").first.check()
    loads = [navigations(page) for page in unscripted]
    chosen_at = time.monotonic()
    for page, scripted in learners:
        if scripted:
            page.wait_for_selector("fieldset.question", timeout=10_000)
            assert page.evaluate("window.kizunaMarker") == 1
            assert page.locator("#live-status").inner_text().strip()  # announced, in the learner's language
            page.locator("fieldset.question input[type=radio]").first.check()
            page.locator("form.quiz button[type=submit]").click()
            page.wait_for_selector(".waiting")
    # The old page refreshed the question every 8 seconds and lost the choice: wait longer than that.
    time.sleep(max(0, 9 - (time.monotonic() - chosen_at)))
    for page, page_loads in zip(unscripted, loads, strict=True):
        assert page_loads == [], "the question page reloaded under a learner without JavaScript"
        assert page.locator("fieldset.question input[type=radio]").first.is_checked()
        page.locator("form.quiz button[type=submit]").click()
        page.wait_for_selector(".waiting")
    console.wait_for_selector("text=30 of 30 have answered", timeout=15_000)

    # The controls are in view at 1280×800, and a click does not throw the teacher back to the top.
    reveal = console.locator('button[data-action="reveal"]')
    box = reveal.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 800
    console.evaluate("window.scrollTo(0, 400)")
    scrolled = console.evaluate("window.scrollY")
    reveal.click()
    projector.wait_for_selector(".distribution li.right", timeout=10_000)
    console.wait_for_selector('button[data-action="next"]:not(.secondary)')
    assert console.evaluate("window.scrollY") == scrolled

    notes = [text.strip() for text in console.locator(".live-notes p, .live-notes li").all_inner_texts() if len(text.strip()) > 30]
    assert len(notes) >= 3
    shown = projector.locator("body").inner_text()
    assert not [note for note in notes if note in shown], "facilitator notes on the projector"
    assert "Facilitator notes" not in shown
    for page, _scripted in learners[:3]:
        page.wait_for_selector(".result", timeout=10_000)


def test_on_the_teachers_own_computer_the_qr_code_points_at_its_lan_address(browser, room_server):
    console, code = open_console(browser, f"http://127.0.0.1:{room_server.port}")
    expected = f"{LAN_ADDRESS}:{room_server.port}/j"
    assert console.locator(".join-address").inner_text() == expected
    assert decode_qr(console).startswith(f"http://{expected}/{code}?k=")
    assert console.locator(".notice.warning").count() == 0


def test_console_shortcuts_can_be_turned_off(browser, room_url):
    console, code = open_console(browser, room_url)
    learner = browser.new_context(base_url=room_url).new_page()
    learner.goto(f"/j/{code}")
    learner.locator("form.stack button[type=submit]").click()
    learner.wait_for_selector(".waiting")
    help_line = console.locator("[data-shortcut-help]")
    assert help_line.is_visible() and "S start" in help_line.inner_text()
    console.locator("[data-shortcut-toggle]").uncheck()
    console.keyboard.press("s")
    time.sleep(3)
    assert console.locator('button[data-action="start"]').count() == 1  # nothing happened
    console.locator("[data-shortcut-toggle]").check()
    console.keyboard.press("s")
    console.wait_for_selector('button[data-action="reveal"]', timeout=10_000)


def test_live_updates_keep_focus_and_announce_the_new_state(browser, room_url):
    console, code = open_console(browser, room_url)
    learner = browser.new_context(base_url=room_url).new_page()
    learner.goto(f"/en/join/{code}")
    learner.locator("form.stack button[type=submit]").click()
    learner.wait_for_selector(".waiting")
    learner.locator(".language-picker summary").focus()
    console.locator('button[data-action="start"]').click()
    learner.wait_for_selector("fieldset.question", timeout=10_000)
    assert learner.evaluate("document.activeElement.tagName") == "SUMMARY"
    total = len(QUIZ.questions)
    assert learner.locator("#live-status").inner_text() == f"Question 1 of {total}"
    assert learner.title().startswith(f"Question 1 of {total}")


# A shipped lesson whose quiz has an ordering question (a sequence that is one, e.g. the steps of a first
# contact with a support centre): its drop-downs are the widest control a learner's phone shows.
ORDERING_LESSON = next(
    f"{course.id}/{lesson.id}"
    for course in load_library(PROJECT_ROOT / "courses").courses.values()
    for lesson in course.lessons
    if lesson.quiz and any(question.type == "ordering" for question in lesson.quiz.questions)
)


@pytest.mark.parametrize("tag", SHIPPED)
def test_the_ordering_question_fits_a_320_px_phone(browser, room_url, tag):
    page = browser.new_context(base_url=room_url, viewport={"width": 320, "height": 700}).new_page()
    page.goto(f"/{tag}/courses/{ORDERING_LESSON}/quiz")
    page.wait_for_selector("fieldset.question-ordering")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('.ordering select')].map(s => s.getBoundingClientRect().right))")
    assert widest <= 320


def test_the_closing_date_is_asked_only_for_self_paced_sessions(browser, room_url):
    page = browser.new_context(base_url=room_url).new_page()
    log_in(page)
    page.goto("/en/teach/sessions/new?lesson=understanding-hikikomori/myths-and-facts")
    assert page.locator("#lesson").input_value() == "understanding-hikikomori/myths-and-facts"
    assert not page.locator("#open_until").is_visible()
    page.locator("input[name=mode][value=self]").check()
    assert page.locator("#open_until").is_visible()
