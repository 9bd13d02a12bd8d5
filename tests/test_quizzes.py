"""Taking a quiz over HTTP: forms, shuffling, validation, feedback, once-only recording, tampering."""

import re

import pytest
from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.quizzes.models import QuizAnswer, QuizAttempt
from quizapp.testing import right_answer_form as right_answers  # noqa: F401 - other test modules import it from here

from .support import DATA, SHIPPED

FIRST = "/en/courses/sample-course/first-lesson/quiz"
SECOND = "/en/courses/sample-course/second-lesson/quiz"
FULL_ANSWERS = {
    "q_pick_one": "wrong",
    "q_pick_many": ["a", "b"],
    "q_myth": "myth",
    "q_steps": ["one", "two", "three", "four"],
    "q_opinion": "4",
    "q_reflect": "My private thought",
}


@pytest.fixture
def app(make_app):
    return make_app(COURSES_DIR=str(DATA / "courses"), WTF_CSRF_ENABLED=False)


def start(client, url=FIRST) -> str:
    response = client.get(url)
    assert response.status_code == 302
    return response.headers["Location"]


def option_order(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}"[^>]*value="([^"]+)"', html) or re.findall(rf'<input[^>]*name="{name}"[^>]*value="([^"]+)"', html)


def counts(app):
    with app.app_context():
        return db.session.scalar(select(func.count(QuizAttempt.id))), db.session.scalar(select(func.count(QuizAnswer.id)))


def test_quiz_renders_one_fieldset_and_legend_per_question(client):
    html = client.get(start(client)).get_data(as_text=True)
    assert html.count("<fieldset") == 6
    assert html.count("<legend>") == 6
    assert "Myth or fact?" in html
    assert html.count('name="q_steps"') == 4  # one select per position
    assert 'name="csrf_token"' not in html  # disabled in this fixture; see the CSRF test


def test_option_order_is_stable_across_reloads_and_differs_between_attempts(client):
    url = start(client)
    first = option_order(client.get(url).get_data(as_text=True), "q_pick_many")
    assert first == option_order(client.get(url).get_data(as_text=True), "q_pick_many")
    assert first == option_order(client.get(url.replace("/en/", "/ja/")).get_data(as_text=True), "q_pick_many")
    orders = {tuple(option_order(client.get(start(client)).get_data(as_text=True), "q_pick_many")) for _ in range(12)}
    assert len(orders) > 1
    assert all(sorted(order) == ["a", "b", "c", "d"] for order in orders)


def test_pinned_option_keeps_its_place(client):
    for _ in range(8):
        assert option_order(client.get(start(client)).get_data(as_text=True), "q_pick_one")[-1] == "none"


def test_ordering_never_starts_in_the_right_order(client):
    for _ in range(12):
        html = client.get(start(client)).get_data(as_text=True)
        selected = re.findall(r'<option value="(\w+)" selected>', html)
        assert selected != ["one", "two", "three", "four"]


def test_validation_errors_are_translated_and_keep_what_was_chosen(client, app):
    url = start(client).replace("/en/", "/es/")
    response = client.post(url, data={"q_pick_one": "right", "q_steps": ["one", "one", "three", "four"], "q_reflect": "borrador"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r'<input checked id="q_pick_one-\d" name="q_pick_one" required type="radio" value="right">', html)
    assert re.search(r">\s*borrador</textarea>", html)
    assert html.count('<option value="one" selected>') == 2  # the learner's (mistaken) order is kept
    assert "Please answer this question." not in html  # Spanish, not English
    assert 'class="error-summary"' in html
    assert counts(app) == (0, 0)


def test_results_show_score_feedback_for_the_chosen_option_and_explanation(client):
    url = start(client)
    response = client.post(url, data=FULL_ANSWERS)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You scored 75%." in html
    assert "No, a common mix-up." in html  # feedback for the wrong option chosen
    assert "Yes, this one." not in html  # not the feedback of an option not chosen
    assert "The right one" in html  # the right answer is shown
    assert "The right one is right." in html  # explanation
    assert 'href="/en/courses/sample-course/first-lesson/#source-source-a"' in html
    assert "Your reflection was not saved." in html
    assert "My private thought" not in html
    assert 'href="/en/help"' in html
    assert f'href="{FIRST}"' in html  # retake


def test_resent_post_stores_one_attempt(client, app):
    url = start(client)
    first = client.post(url, data=FULL_ANSWERS)
    second = client.post(url, data=dict(FULL_ANSWERS, q_pick_one="right"))
    assert first.headers["Location"] == second.headers["Location"]
    assert counts(app) == (1, 6)
    with app.app_context():
        answer = db.session.scalar(select(QuizAnswer).where(QuizAnswer.question_id == "pick-one"))
        assert answer.value == "wrong"  # the first submission stands


def test_attempt_is_anonymous_and_reflection_stored_only_with_consent(client, app):
    client.post(start(client), data=dict(FULL_ANSWERS, q_reflect__save="y"), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt))
        assert (attempt.course_id, attempt.lesson_id, attempt.language) == ("sample-course", "first-lesson", "en")
        assert attempt.score == pytest.approx(0.75)
        assert attempt.completed_at is not None
        stored = {answer.question_id: (answer.value, answer.text) for answer in attempt.answers}
        assert stored["reflect"] == (None, "My private thought")
        assert stored["steps"] == (["one", "two", "three", "four"], None)
        columns = {column.name for table in (QuizAttempt.__table__, QuizAnswer.__table__) for column in table.columns}
        assert not {"name", "ip", "ip_address", "user_agent", "email"} & columns


@pytest.mark.parametrize(
    "tampering",
    [
        {"q_pick_one": "invented"},  # unknown option id
        {"q_pick_one": ["right", "wrong"]},  # two answers to a single choice
        {"q_pick_many": ["a", "a"]},  # the same box twice
        {"q_pick_many": ["a", "b", "c", "d", "e"]},  # more choices than options
        {"q_steps": ["one", "two", "three"]},  # an ordering with an item missing
        {"q_first": "yes"},  # a question from another quiz
        {"q_reflect__save": "yes please"},
    ],
)
def test_tampered_input_gets_a_clear_error_and_stores_nothing(client, app, tampering):
    response = client.post(start(client), data=dict(FULL_ANSWERS, **tampering))
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_token_of_another_lesson_is_not_found(client):
    url = start(client)
    client.post(url, data=FULL_ANSWERS)
    token = url.rsplit("/", 1)[1]
    assert client.get(f"{SECOND}/{token}").status_code == 404
    assert client.get(f"{FIRST}/not-a-token!").status_code == 404


def test_immediate_feedback_one_question_at_a_time(client, app):
    url = start(client, SECOND)
    html = client.get(url).get_data(as_text=True)
    assert html.count("<fieldset") == 1 and 'name="question" value="first"' in html
    response = client.post(url, data={"question": "first", "q_first": "no"})
    assert response.headers["Location"].endswith("?feedback=first")
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not quite." in feedback and "Yes is right." in feedback and "Next question" in feedback
    # A double click resends the first answer: it stands, nothing is added.
    again = client.post(url, data={"question": "first", "q_first": "yes"})
    assert again.headers["Location"].endswith("?feedback=first")
    assert counts(app) == (1, 1)
    # Skipping ahead to a question that is not the next one is refused.
    assert client.post(url, data={"question": "nonexistent", "q_first": "yes"}).status_code == 400
    html = client.get(url).get_data(as_text=True)
    assert 'name="question" value="second"' in html
    response = client.post(url, data={"question": "second", "q_second": "fact"})
    assert "See my results" in client.get(response.headers["Location"]).get_data(as_text=True)
    results = client.get(url + "/results").get_data(as_text=True)
    assert "You scored 50%." in results
    assert counts(app) == (1, 2)


def test_csrf_token_is_required(make_app):
    app = make_app(COURSES_DIR=str(DATA / "courses"), WTF_CSRF_ENABLED=True)
    client = app.test_client()
    url = start(client).replace("/en/", "/ja/")
    html = client.get(url).get_data(as_text=True)
    assert 'name="csrf_token"' in html
    response = client.post(url, data=FULL_ANSWERS)
    assert response.status_code == 400
    assert "もう一度" in response.get_data(as_text=True)  # translated
    assert counts(app) == (0, 0)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    assert client.post(url, data=dict(FULL_ANSWERS, csrf_token=token)).status_code == 303


def test_lesson_page_links_to_its_quiz(client):
    html = client.get("/en/courses/sample-course/first-lesson/").get_data(as_text=True)
    assert f'href="{FIRST}"' in html


@pytest.mark.parametrize("tag", SHIPPED)
def test_every_real_quiz_renders_and_can_be_completed_in_every_language(make_app, tag):
    from quizapp.content import load_library

    from .support import PROJECT_ROOT

    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    for course in load_library(PROJECT_ROOT / "courses").courses.values():
        for lesson in course.lessons:
            url = client.get(f"/{tag}/courses/{course.id}/{lesson.id}/quiz").headers["Location"]
            page = client.get(url)
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            assert f'<html lang="{tag}"' in html
            if tag != "en":
                assert 'class="untranslated"' not in html, f"{url} has untranslated content"
            if lesson.quiz.feedback == "end":
                data = {}
                for question in lesson.quiz.questions:
                    data.update(right_answers(question))
                response = client.post(url, data=data)
                assert response.status_code == 303, f"{url}: {response.status_code}"
            else:
                for question in lesson.quiz.questions:
                    response = client.post(url, data={"question": question.id, **right_answers(question)})
                    assert response.status_code == 303, f"{url} {question.id}"
            results = client.get(url + "/results")
            assert results.status_code == 200
            text = results.get_data(as_text=True)
            if tag != "en":
                assert 'class="untranslated"' not in text, f"{url}/results has untranslated content"
            assert "100" in text  # every scored question right


def test_attempts_share_one_form_class_per_language_yet_each_gets_its_own_order(app):
    """The fields and labels are built once per quiz and language; each attempt's shuffle is applied when
    its form is bound, to choices and to the ordering question's preset positions alike."""
    from quizapp.content_access import content
    from quizapp.i18n import languages
    from quizapp.quizzes.service import build_form, display_order

    with app.test_request_context("/en/"):
        course = content().course("sample-course")
        lesson = course.lessons[0]
        views = content().quiz_view(course, lesson, languages()["en"])
        questions = lesson.quiz.questions
        tokens = [f"token-{n:02d}-abcdefghijk" for n in range(8)]
        forms = [build_form(questions, views, token) for token in tokens]
        assert len({type(form) for form in forms}) == 1
        many, steps = lesson.quiz.question("pick-many"), lesson.quiz.question("steps")
        for token, form in zip(tokens, forms, strict=True):
            assert [choice.value for choice in form["q_pick_many"].choices] == [option.id for option in display_order(many, token)]
            assert form["q_steps"].data == [option.id for option in display_order(steps, token)]
        assert len({tuple(form["q_steps"].data) for form in forms}) > 1
