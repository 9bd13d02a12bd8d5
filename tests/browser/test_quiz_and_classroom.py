"""Real-browser journeys for quizzes and classroom sessions, and axe-core on their pages."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import TEACHER_EMAIL, TEACHER_PASSWORD

pytestmark = pytest.mark.browser

LESSON = "/courses/understanding-hikikomori/myths-and-facts/"
END_QUIZ = "/courses/understanding-hikikomori/what-is-hikikomori/quiz"


def log_in(page, tag="en"):
    page.goto(f"/{tag}/teach/login")
    page.locator("#email").fill(TEACHER_EMAIL)
    page.locator("#password").fill(TEACHER_PASSWORD)
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/teach/$"))


def new_session(page, tag="en", names="pseudonyms") -> str:
    page.goto(f"/{tag}/teach/sessions/new")
    page.locator("#lesson").select_option("understanding-hikikomori/what-is-hikikomori")
    page.locator(f"input[name=names][value={names}]").check()
    page.locator("#with_survey").uncheck()
    page.locator("form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/teach/sessions/\d+/$"))
    return page.locator(".join-code").inner_text().strip()


def test_learner_page_follows_the_teacher_without_a_reload(browser, base_url):
    teacher = browser.new_page(base_url=base_url)
    log_in(teacher)
    code = new_session(teacher)
    assert teacher.evaluate("document.querySelector('img.qr').naturalWidth") > 0  # the QR code renders
    learner = browser.new_page(base_url=base_url)
    learner.goto(f"/j/{code}")
    learner.locator("#language").select_option("ar")
    learner.locator("form.stack button[type=submit]").click()
    learner.wait_for_selector(".waiting")
    assert learner.evaluate("document.documentElement.dir") == "rtl"
    learner.evaluate("window.kizunaMarker = 1")  # gone if the page reloads
    teacher.get_by_role("button", name="Start the questions").click()
    learner.wait_for_selector("fieldset.question", timeout=10_000)
    assert learner.evaluate("window.kizunaMarker") == 1
    # The teacher's screen counts the answer by itself too.
    learner.locator("fieldset.question input[type=radio]").first.check()
    learner.locator("form.quiz button[type=submit]").click()
    teacher.wait_for_selector("text=1 of 1 have answered", timeout=10_000)


@pytest.mark.parametrize("tag", ["en", "ja", "ar"])
def test_axe_finds_no_violation_on_quiz_and_results(page, tag):
    page.goto(f"/{tag}{END_QUIZ}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
    page.locator("form.quiz button[type=submit]").click()  # nothing answered: the error summary
    page.wait_for_selector(".error-summary")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_axe_finds_no_violation_on_classroom_pages(browser, base_url, tag):
    teacher = browser.new_page(base_url=base_url)
    log_in(teacher, tag)
    code = new_session(teacher, tag)
    learner = browser.new_page(base_url=base_url)
    learner.goto(f"/{tag}/join")
    assert Axe().run(learner).violations_count == 0
    learner.goto(f"/{tag}/join/{code}")
    assert Axe().run(learner).violations_count == 0, Axe().run(learner).generate_report()
    learner.locator("form.stack button[type=submit]").click()
    learner.wait_for_selector(".waiting")
    for page in (learner, teacher):
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    projector = browser.new_page(base_url=base_url)
    projector.goto(teacher.locator("a[href*='/show/']").get_attribute("href"))
    assert Axe().run(projector).violations_count == 0, Axe().run(projector).generate_report()
    teacher.locator('button[data-action="start"]').click()
    learner.wait_for_selector("fieldset.question", timeout=10_000)
    projector.wait_for_selector(".live-question", timeout=10_000)
    for page in (learner, teacher, projector):
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()
    teacher.goto(teacher.url + "report")
    results = Axe().run(teacher)
    assert results.violations_count == 0, results.generate_report()
