"""A fresh question field is rendered once per (question, language, order) and reused: the page is the same
bytes as one rendered afresh, each attempt keeps its own order, and a field with an answer or an error is
always rendered for its learner."""

import re

import pytest

# A CSRF token carries the second it was signed: two renders a second apart differ there and only there.
CSRF_TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+')


def without_csrf_token(html: str) -> str:
    return CSRF_TOKEN.sub(r"\1…", html)

QUIZ = "/en/courses/sample-course/first-lesson/quiz"


@pytest.fixture
def sample_app(make_app, course_tree):
    return make_app(COURSES_DIR=str(course_tree))


def start_quiz(client) -> str:
    return client.get(QUIZ).headers["Location"]


def fragments_of(app):
    return app.extensions["quizapp.fragments"]


def form_classes_of(app):
    return app.extensions["quizapp.form_classes"]


def csrf_token_in(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def rendered_afresh(fresh_app, client, path: str) -> str:
    """``path`` as ``fresh_app`` (no page caches) renders it for the same browser session, CSRF token aside."""
    other = fresh_app.test_client()
    with client.session_transaction() as saved, other.session_transaction() as copy:
        copy.update(dict(saved))
    return without_csrf_token(other.get(path).get_data(as_text=True))


def option_order(html: str, question: str) -> list[str]:
    return re.findall(rf'name="{question}"[^>]* value="([^"]+)"', html)


def test_a_quiz_page_from_stored_fields_is_byte_for_byte_the_page_rendered_afresh(make_app, course_tree):
    cached = make_app(COURSES_DIR=str(course_tree))
    fresh = make_app(COURSES_DIR=str(course_tree), PAGE_CACHE=False)
    client = cached.test_client()
    path = start_quiz(client)
    first = client.get(path).get_data(as_text=True)
    hits = cached.extensions["quizapp.quiz_fields"].hits
    second = client.get(path).get_data(as_text=True)  # from the kept skeleton and fields: no form bound
    assert cached.extensions["quizapp.quiz_fields"].hits > hits
    assert without_csrf_token(second) == without_csrf_token(first)
    # The same attempt (token and session) on an app that renders everything afresh: the same bytes.
    assert rendered_afresh(fresh, client, path) == without_csrf_token(second)


def test_each_attempt_keeps_its_own_option_order_with_stored_fields(sample_app):
    client = sample_app.test_client()
    orders = set()
    for _ in range(12):
        html = client.get(start_quiz(client)).get_data(as_text=True)
        orders.add(tuple(option_order(html, "q_pick_many")))
    assert len(orders) > 1  # 24 orders of four options: twelve attempts all alike would mean one stored order
    assert all(sorted(order) == ["a", "b", "c", "d"] for order in orders)


def test_a_field_with_an_error_or_an_answer_is_rendered_for_its_learner(sample_app):
    client = sample_app.test_client()
    path = start_quiz(client)
    page = client.get(path).get_data(as_text=True)
    token = csrf_token_in(page)
    answered = client.post(path, data={"csrf_token": token, "q_pick_one": "right"})
    html = answered.get_data(as_text=True)
    assert answered.status_code == 422  # the other questions are unanswered: the page again, with errors
    assert re.search(r'<input checked id="q_pick_one-\d" name="q_pick_one"', html)
    assert 'class="question question-multiple has-error"' in html


def test_a_new_attempt_gets_from_the_quiz_skeleton_the_page_rendered_afresh_with_its_own_token(make_app, course_tree):
    cached = make_app(COURSES_DIR=str(course_tree))
    fresh = make_app(COURSES_DIR=str(course_tree), PAGE_CACHE=False)
    client = cached.test_client()
    first_path = start_quiz(client)
    client.get(first_path)  # rendered, and kept as the skeleton
    skeletons = cached.extensions["quizapp.quiz_pages"]
    hits = skeletons.hits
    path = start_quiz(client)
    html = client.get(path).get_data(as_text=True)
    assert skeletons.hits == hits + 1
    token, first_token = path.rsplit("/", 1)[1], first_path.rsplit("/", 1)[1]
    assert token in html and first_token not in html
    assert rendered_afresh(fresh, client, path) == without_csrf_token(html)
    # Its CSRF token is this browser's: what it sends is taken (and refused as incomplete, not as forged).
    csrf = csrf_token_in(html)
    assert client.post(path, data={"csrf_token": csrf + "x"}).status_code == 400
    assert client.post(path, data={"csrf_token": csrf}).status_code == 422


def test_a_new_attempt_with_kept_fields_for_its_orders_is_served_without_a_form_and_equals_a_fresh_render(make_app, course_tree):
    from quizapp.content_access import content
    from quizapp.quizzes.service import display_order, new_token

    cached = make_app(COURSES_DIR=str(course_tree))
    fresh = make_app(COURSES_DIR=str(course_tree), PAGE_CACHE=False)
    client = cached.test_client()
    first_path = start_quiz(client)
    client.get(first_path)  # rendered: its skeleton and its fields, by their orders, are kept
    with cached.app_context():
        questions = content().course("sample-course").lesson("first-lesson").quiz.questions

    def orders(token):
        return [[option.id for option in display_order(question, token)] for question in questions]

    first_token = first_path.rsplit("/", 1)[1]
    token = next(token for token in iter(new_token, None) if token != first_token and orders(token) == orders(first_token))
    path = first_path.replace(first_token, token)
    fields = cached.extensions["quizapp.quiz_fields"]
    hits, form_fields = fields.hits, fragments_of(cached).hits
    html = client.get(path).get_data(as_text=True)
    assert fields.hits == hits + len(questions) and fragments_of(cached).hits == form_fields  # no form bound
    assert token in html and first_token not in html
    assert rendered_afresh(fresh, client, path) == without_csrf_token(html)
    csrf = csrf_token_in(html)
    assert client.post(path, data={"csrf_token": csrf}).status_code == 422  # its CSRF token is taken


def test_a_quiz_view_made_again_after_it_was_dropped_finds_its_form_class_and_fields_and_none_holds_a_view(make_app, course_tree):
    """The repository keeps few quiz views; the form classes and fields made from one are keyed by what it
    was rendered from, so they neither keep it alive nor have to be made again with it."""
    from quizapp.content.repository import QuestionView, QuizView

    app = make_app(COURSES_DIR=str(course_tree))
    client = app.test_client()
    path = start_quiz(client)
    first = client.get(path).get_data(as_text=True)
    kept = [*fragments_of(app)._items.values(), *form_classes_of(app)._items.values()]
    assert kept and not any(isinstance(source, QuestionView | QuizView) for sources, _value in kept for source in sources)

    app.extensions["quizapp.content"]._quiz_views.clear()  # the view is dropped …
    app.extensions["quizapp.quiz_fields"].clear()  # … and the page must be made with a form again
    classes, misses = len(form_classes_of(app)._items), fragments_of(app).misses
    again = client.get(path).get_data(as_text=True)
    assert len(app.extensions["quizapp.content"]._quiz_views._items) == 1  # made again, for the form
    assert len(form_classes_of(app)._items) == classes and fragments_of(app).misses == misses
    assert without_csrf_token(again) == without_csrf_token(first)
