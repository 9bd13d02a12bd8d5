"""A learner's page in a live session comes from one skeleton per lesson, question, step and language, with
each learner's token, CSRF token, option order, session code and state ETag put back: every learner gets the
bytes a fresh render would give them, their own order and session, and the next step as soon as the teacher
moves on; a learner with a pseudonym gets a page rendered for them."""

import re

import pytest

from .classroom_helpers import control, create_session, current_question_id, join, with_two_teachers

CSRF_TOKEN = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+')
FIELDSET = re.compile(r"<fieldset.*?</fieldset>", re.DOTALL)


@pytest.fixture
def app(make_app):
    # The helpers post without CSRF tokens; a test turns CSRF on for the learners' pages it looks at.
    return with_two_teachers(make_app(WTF_CSRF_ENABLED=False))


def skeletons(app):
    return app.extensions["quizapp.learner_pages"]


def without_csrf_token(html: str) -> str:
    return CSRF_TOKEN.sub(r"\1…", html)


def rendered_afresh(app, client, page: str) -> str:
    """The same learner's page with every cache off."""
    app.config["PAGE_CACHE"] = False
    try:
        return client.get(page).get_data(as_text=True)
    finally:
        app.config["PAGE_CACHE"] = True


def learners(app, code: str, count: int, language: str = "en", pseudonyms=()) -> list[tuple]:
    """``count`` learners, each a browser of their own: (client, page path)."""
    joined = []
    for n in range(count):
        client = app.test_client()
        joined.append((client, join(client, code, language, pseudonyms[n] if pseudonyms else None)))
    return joined


def test_every_learner_of_a_session_gets_from_one_skeleton_the_page_rendered_afresh_for_them(app, teacher):
    live, code = create_session(teacher)
    room = learners(app, code, 8)
    control(teacher, live, "start")
    app.config["WTF_CSRF_ENABLED"] = True
    pages, fieldsets = [], set()
    hits = skeletons(app).hits
    for client, page in room:
        html = client.get(page).get_data(as_text=True)
        pages.append(html)
        fieldsets.add(FIELDSET.search(html).group(0))
        token = page.rsplit("/", 1)[1]
        assert f"/s/{token}/state" in html and html.count(token) >= 3  # its poll, its form, its language menu
        assert CSRF_TOKEN.search(html)
        assert without_csrf_token(html) == without_csrf_token(rendered_afresh(app, client, page))
    assert skeletons(app).hits == hits + 7 and len(skeletons(app)._items) == 1  # one render, seven skeleton pages
    # Each learner's own option order: eight learners all alike would mean one stored order.
    assert len(fieldsets) > 1
    first_token = room[0][1].rsplit("/", 1)[1]
    assert all(first_token not in html for html in pages[1:])


def test_a_skeleton_page_carries_a_csrf_token_its_learner_can_answer_with(app, teacher):
    live, code = create_session(teacher)
    (first, first_page), (second, second_page) = learners(app, code, 2)
    control(teacher, live, "start")
    app.config["WTF_CSRF_ENABLED"] = True
    first.get(first_page)
    hits = skeletons(app).hits
    html = second.get(second_page).get_data(as_text=True)
    assert skeletons(app).hits == hits + 1
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    question = current_question_id(html)
    choice = re.search(rf'name="q_{question.replace("-", "_")}"[^>]* value="([^"]+)"', html).group(1)
    answered = second.post(second_page, data={"csrf_token": csrf, "question": question, f"q_{question.replace('-', '_')}": choice})
    assert answered.status_code == 303
    assert "Your answer is saved" in second.get(second_page).get_data(as_text=True)


def test_a_learner_page_follows_the_teacher_past_its_skeleton(app, teacher):
    live, code = create_session(teacher)
    (first, first_page), (second, second_page) = learners(app, code, 2)
    assert "You&#39;re in!" in first.get(first_page).get_data(as_text=True)
    assert "You&#39;re in!" in second.get(second_page).get_data(as_text=True)
    control(teacher, live, "start")
    opening = current_question_id(second.get(second_page).get_data(as_text=True))
    control(teacher, live, "next")
    moved_on = second.get(second_page).get_data(as_text=True)
    assert current_question_id(moved_on) != opening
    assert without_csrf_token(moved_on) == without_csrf_token(rendered_afresh(app, second, second_page))


def test_learners_with_pseudonyms_each_see_their_own_name(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    room = learners(app, code, 2, pseudonyms=("Quiet Heron", "Bright Maple"))
    for step in ("waiting", "question"):
        if step == "question":
            control(teacher, live, "start")
        for (client, page), name in zip(room, ("Quiet Heron", "Bright Maple"), strict=True):
            html = client.get(page).get_data(as_text=True)
            assert name in html and ({"Quiet Heron", "Bright Maple"} - {name}).pop() not in html


def test_a_learner_in_another_language_gets_a_page_of_their_own_language(app, teacher):
    live, code = create_session(teacher)
    (english, english_page), = learners(app, code, 1, "en")
    (japanese, japanese_page), = learners(app, code, 1, "ja")
    control(teacher, live, "start")
    english.get(english_page)
    html = japanese.get(japanese_page).get_data(as_text=True)
    assert '<html lang="ja"' in html and without_csrf_token(html) == without_csrf_token(rendered_afresh(app, japanese, japanese_page))


def test_two_sessions_of_a_lesson_share_a_skeleton_and_each_page_shows_its_own_session(app, teacher):
    first_live, first_code = create_session(teacher)
    second_live, second_code = create_session(teacher)
    (one, one_page), = learners(app, first_code, 1)
    (other, other_page), = learners(app, second_code, 1)
    control(teacher, first_live, "start")
    for action in ("start", "next", "previous"):  # the second session is on the same question, two versions on
        control(teacher, second_live, action)
    assert 'data-etag="&#34;v2&#34;"' in one.get(one_page).get_data(as_text=True)
    hits = skeletons(app).hits
    html = other.get(other_page).get_data(as_text=True)
    assert skeletons(app).hits == hits + 1
    assert f"Session {second_code}" in html and first_code not in html and 'data-etag="&#34;v4&#34;"' in html
    assert without_csrf_token(html) == without_csrf_token(rendered_afresh(app, other, other_page))


def test_a_learners_kept_field_is_the_fragment_caches_own_object_not_a_copy(app, teacher):
    # 1,000 learners of a question in ten languages keep up to 2,048 fields: a copy of each would be megabytes.
    live, code = create_session(teacher)
    room = learners(app, code, 6)
    control(teacher, live, "start")
    for client, page in room:
        assert client.get(page).status_code == 200
    kept = [value for _sources, value in app.extensions["quizapp.learner_fields"]._items.values()]
    fragments = {id(value) for _sources, value in app.extensions["quizapp.fragments"]._items.values()}
    assert kept and all(id(field) in fragments for field in kept)
