"""Classroom sessions over HTTP: a teacher paces, learners in their own languages answer once."""

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from quizapp.classroom.models import ClassSession, Participant, SessionAnswer, SurveyResponse
from quizapp.classroom.service import CODE_ALPHABET
from quizapp.content import load_library
from quizapp.extensions import db
from quizapp.timeutil import utcnow

from .classroom_helpers import LESSON, control, create_session, current_question_id, join, login, with_two_teachers
from .support import DECLARED, PROJECT_ROOT, TRANSLATED
from .test_quizzes import right_answers

QUIZ = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz


@pytest.fixture
def app(make_app):
    return with_two_teachers(make_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open"))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def wrong_answer(question) -> dict:
    from quizapp.quizzes.widgets import field_name

    wrong = next(option.id for option in question.options if not option.correct)
    return {field_name(question): [wrong] if question.type == "multiple" else wrong}


def test_full_live_session_with_three_learners_in_three_languages(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    learners = {}
    for language in TRANSLATED:
        client = app.test_client()
        learners[language] = (client, join(client, code, language, pseudonym=f"Learner {language}"))
        html = client.get(learners[language][1]).get_data(as_text=True)
        assert f'<html lang="{language}"' in html
        assert "data-poll=" in html and '<noscript><meta http-equiv="refresh"' in html
    screen = teacher.get(live).get_data(as_text=True)
    assert f"{len(TRANSLATED)} learners have joined" in screen
    for language in TRANSLATED:
        assert DECLARED[language].native_name in screen
    control(teacher, live, "start")
    for number, question in enumerate(QUIZ.questions, 1):
        for index, (client, page) in enumerate(learners.values()):
            html = client.get(page).get_data(as_text=True)
            assert current_question_id(html) == question.id
            assert 'class="untranslated"' not in html
            answer = right_answers(question) if index == 0 or question.type in ("likert", "reflection", "ordering") else wrong_answer(question)
            assert client.post(page, data={"question": question.id, **answer}).status_code == 303
            assert "data-poll=" in client.get(page).get_data(as_text=True)
        screen = teacher.get(live).get_data(as_text=True)
        assert f"{len(TRANSLATED)} of {len(TRANSLATED)} have answered" in screen
        control(teacher, live, "reveal")
        ja_client, ja_page = learners["ja"]
        revealed = ja_client.get(ja_page).get_data(as_text=True)
        assert 'class="result"' in revealed and 'lang="ja"' in revealed
        if number < len(QUIZ.questions):
            control(teacher, live, "next")
    control(teacher, live, "end")
    client, page = learners["es"]
    ended = client.get(page).get_data(as_text=True)
    assert ended.count('class="result"') == len(QUIZ.questions)  # every answer with its feedback
    report = teacher.get(live + "report").get_data(as_text=True)
    assert f"{len(TRANSLATED)} learners" in report
    for language in TRANSLATED:
        assert f"Learner {language}" in report
    assert count(app, SessionAnswer) == len(TRANSLATED) * len(QUIZ.questions)


def test_each_learner_gets_feedback_for_their_choice_in_their_language(app, teacher):
    live, code = create_session(teacher)
    ja, ja_page = app.test_client(), None
    ja_page = join(ja, code, "ja")
    es = app.test_client()
    es_page = join(es, code, "es")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    right = next(o for o in question.options if o.correct)
    wrong = next(o for o in question.options if not o.correct)
    ja.post(ja_page, data={"question": question.id, **right_answers(question)})
    es.post(es_page, data={"question": question.id, **wrong_answer(question)})
    control(teacher, live, "reveal")
    with app.test_request_context():
        from quizapp.content_access import content
        from quizapp.i18n import languages

        course = content().course("understanding-hikikomori")
        lesson = course.lesson("what-is-hikikomori")
        ja_view = content().quiz_view(course, lesson, languages()["ja"])[question.id]
        es_view = content().quiz_view(course, lesson, languages()["es"])[question.id]
    ja_html = ja.get(ja_page).get_data(as_text=True)
    es_html = es.get(es_page).get_data(as_text=True)
    assert str(ja_view.options[right.id].feedback.html) in ja_html
    assert str(es_view.options[wrong.id].feedback.html) in es_html
    assert str(es_view.options[right.id].feedback.html) not in es_html


def test_answer_is_recorded_once_however_often_sent(app, teacher):
    live, code = create_session(teacher)
    client = app.test_client()
    page = join(client, code, "en")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    first = {"question": question.id, **right_answers(question)}
    for _ in range(3):
        assert client.post(page, data=first).status_code == 303
    assert client.post(page, data={"question": question.id, **wrong_answer(question)}).status_code == 303
    with app.app_context():
        answers = db.session.scalars(select(SessionAnswer)).all()
        assert len(answers) == 1 and answers[0].score == 1.0


def test_answers_after_the_reveal_are_refused_with_a_message(app, teacher):
    live, code = create_session(teacher)
    client = app.test_client()
    page = join(client, code, "es")
    control(teacher, live, "start")
    control(teacher, live, "reveal")
    question = QUIZ.questions[0]
    response = client.post(page, data={"question": question.id, **right_answers(question)})
    assert response.status_code == 409
    assert 'role="alert"' in response.get_data(as_text=True)
    assert "The answer has been revealed" not in response.get_data(as_text=True)  # it is in Spanish
    assert count(app, SessionAnswer) == 0


def test_answer_to_a_question_the_teacher_left_is_refused(app, teacher):
    live, code = create_session(teacher)
    client = app.test_client()
    page = join(client, code, "en")
    control(teacher, live, "start")
    control(teacher, live, "next")
    question = QUIZ.questions[0]
    response = client.post(page, data={"question": question.id, **right_answers(question)})
    assert response.status_code == 409
    assert "Your teacher has moved on" in response.get_data(as_text=True)
    assert count(app, SessionAnswer) == 0


def test_stale_control_changes_nothing(app, teacher):
    live, code = create_session(teacher)
    control(teacher, live, "start")
    version = re.search(r'name="version" value="(\d+)"', teacher.get(live).get_data(as_text=True)).group(1)
    teacher.post(live + "control", data={"action": "next", "version": version})
    teacher.post(live + "control", data={"action": "next", "version": version})  # the double click
    with app.app_context():
        assert db.session.scalar(select(ClassSession.question_index)) == 1


def test_rejoin_after_a_cookieless_reload_and_with_the_cookie(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    client = app.test_client()
    page = join(client, code, "ja", pseudonym="Otter 42")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    client.post(page, data={"question": question.id, **right_answers(question)})
    # A reload in a browser that keeps no cookies: the page URL itself carries the learner.
    cookieless = app.test_client(use_cookies=False)
    html = cookieless.get(page).get_data(as_text=True)
    assert "Otter 42" in html and 'name="question"' not in html  # same learner, answer kept
    # A closed tab: scanning the QR code again leads back to the same learner through the cookie.
    response = client.get(f"/j/{code}")
    assert response.headers["Location"] == page
    # Without the cookie, the QR code leads to joining afresh.
    assert app.test_client().get(f"/j/{code}").headers["Location"].endswith(f"/join/{code}")
    assert count(app, Participant) == 1


def test_survey_change_is_shown_only_when_five_learners_answered_both(app, teacher):
    live, code = create_session(teacher, survey=True)
    statements = load_library(PROJECT_ROOT / "courses").courses["understanding-hikikomori"].survey.statements
    pages = []
    for _ in range(5):
        client = app.test_client()
        page = join(client, code, "en")
        assert client.post(page, data={"phase": "pre", **{f"s_{s.id}": "2" for s in statements}}).status_code == 303
        pages.append((client, page))
    control(teacher, live, "start")
    control(teacher, live, "end")
    for n, (client, page) in enumerate(pages[:4]):
        assert client.post(page, data={"phase": "post", **{f"s_{s.id}": str(3 + n % 2) for s in statements}}).status_code == 303
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "4 learners answered the survey both before and after." in report
    assert "<th scope=\"col\">Before</th>" not in report
    client, page = pages[4]
    client.post(page, data={"phase": "post", **{f"s_{s.id}": "5" for s in statements}})
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "<th scope=\"col\">Before</th>" in report
    # before: all 2; after: 3, 4, 3, 4, 5 -> 3.8; change +1.8
    assert report.count('<td class="number">2</td><td class="number">3.8</td>') == len(statements)
    assert report.count('<td class="number">+1.8</td>') == len(statements)
    assert count(app, SurveyResponse) == 10 * len(statements)


def test_survey_can_be_skipped_and_is_asked_once(app, teacher):
    live, code = create_session(teacher, survey=True)
    client = app.test_client()
    page = join(client, code, "en")
    assert "Before we start" in client.get(page).get_data(as_text=True)
    client.post(page, data={"phase": "pre", "skip": "1"})
    assert "Wait for your teacher" in client.get(page).get_data(as_text=True)
    control(teacher, live, "end")
    assert "Now that you have done the lesson" not in client.get(page).get_data(as_text=True)  # no "after" without "before"
    assert count(app, SurveyResponse) == 0


def test_csv_numbers_equal_the_screen(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    clients = []
    for n in range(3):
        client = app.test_client()
        clients.append((client, join(client, code, "en", pseudonym=f"P{n}")))
    control(teacher, live, "start")
    for question in QUIZ.questions[:3]:
        for n, (client, page) in enumerate(clients):
            answer = right_answers(question) if n != 1 else wrong_answer(question)
            client.post(page, data={"question": question.id, **answer})
        control(teacher, live, "next")
    control(teacher, live, "end")
    html = teacher.get(live + "report").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(teacher.get(live + "report.csv").get_data(as_text=True))))
    option_rows = [row for row in rows if row and row[0] == "option"]
    screen_counts = re.findall(r'<td class="number">(\d+)</td>\s*<td class="number share"><meter[^>]*></meter> <span>([\d.]+)%</span></td>', html)
    assert [(row[3], row[4]) for row in option_rows] == screen_counts
    question_rows = [row for row in rows if row and row[0] == "question"]
    screen_right = re.findall(r"([\d.]+)% fully right", html)
    assert [row[7] for row in question_rows if row[7]] == screen_right
    learner_rows = [row for row in rows if row and row[0] == "learner" and row[1] != "pseudonym"]
    assert [row[1] for row in learner_rows] == ["P0", "P1", "P2"]
    for row in learner_rows:
        assert f"<td><bdi>{row[1]}</bdi></td>" in html
        assert f'<td class="number">{row[3]}</td>' in html


def test_teacher_b_cannot_see_or_change_teacher_a_session(app, teacher):
    live, code = create_session(teacher)
    other = app.test_client()
    login(other, "b@example.org")
    base = live.rstrip("/")
    for path in ("/", "/report", "/report.csv", "/state", "/qr.svg"):
        assert other.get(base + path).status_code == 404, path
    assert other.post(base + "/control", data={"action": "start", "version": "1"}).status_code == 404
    assert other.post(base + "/delete").status_code == 404
    assert code not in other.get("/en/teach/").get_data(as_text=True)
    with app.app_context():
        session = db.session.scalar(select(ClassSession))
        assert session.state == "lobby"


def test_a_learner_cannot_reach_teacher_routes(app, teacher):
    live, code = create_session(teacher)
    learner = app.test_client()
    join(learner, code, "en")
    base = live.rstrip("/")
    for path in ("/en/teach/", "/en/teach/sessions/new", base + "/", base + "/report", base + "/report.csv", base + "/state"):
        response = learner.get(path)
        assert response.status_code == 302 and "/en/teach/login" in response.headers["Location"], path
    assert learner.post(base + "/control", data={"action": "start", "version": "1"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ClassSession.state)) == "lobby"


def test_pseudonym_with_markup_is_shown_as_text(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    client = app.test_client()
    page = join(client, code, "en", pseudonym="<img src=x onerror=alert(1)>")
    escaped = "&lt;img src=x onerror=alert(1)&gt;"
    for html in (client.get(page).get_data(as_text=True), teacher.get(live + "report").get_data(as_text=True)):
        assert escaped in html
        assert "<img src=x" not in html


def test_pseudonym_rules(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    client = app.test_client()
    for bad, message in (("x" * 31, "at most 30"), ("", "Choose a name"), ("Shithead", "another name"), ("a\u202eb", "letters, numbers")):
        response = client.post(f"/en/join/{code}", data={"language": "en", "pseudonym": bad})
        assert response.status_code == 422 and message in response.get_data(as_text=True), bad
    suggestion = re.search(r'name="pseudonym"[^>]*value="([^"]+)"', client.get(f"/es/join/{code}").get_data(as_text=True)).group(1)
    assert re.match(r"^\w+ \d{2}$", suggestion)


def test_anonymous_session_stores_no_pseudonym(app, teacher):
    live, code = create_session(teacher)
    client = app.test_client()
    html = client.get(f"/en/join/{code}").get_data(as_text=True)
    assert 'name="pseudonym"' not in html
    join(client, code, "en", pseudonym="Sneaky")
    with app.app_context():
        assert db.session.scalar(select(Participant.pseudonym)) is None
    assert "By learner" not in teacher.get(live + "report").get_data(as_text=True)


def test_wrong_and_ended_codes_get_a_translated_message(app, teacher):
    client = app.test_client()
    response = client.post("/ja/join", data={"code": "ZZZZZZ"})
    assert response.status_code == 422
    assert "No open session has this code" not in response.get_data(as_text=True)
    assert 'class="error"' in response.get_data(as_text=True)
    live, code = create_session(teacher)
    control(teacher, live, "end")
    response = client.get(f"/es/join/{code}")
    assert response.status_code == 404 and 'class="error"' in response.get_data(as_text=True)


def test_code_guessing_is_rate_limited_per_client(app):
    guesser = app.test_client()
    for n in range(app.config["JOIN_FAILURES_PER_WINDOW"]):
        assert guesser.post("/en/join", data={"code": f"AAAA{CODE_ALPHABET[n // 25]}{CODE_ALPHABET[n % 25]}"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 422
    assert guesser.post("/en/join", data={"code": "AAAAAA"}, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 429
    assert guesser.get("/en/join/AAAAAA", environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code == 429
    # Another client is not affected.
    assert app.test_client().post("/en/join", data={"code": "AAAAAA"}, environ_base={"REMOTE_ADDR": "198.51.100.8"}).status_code == 422


def test_state_endpoint_is_cheap_with_etag(app, teacher):
    live, code = create_session(teacher)
    client = app.test_client()
    page = join(client, code, "en")
    token = page.rsplit("/", 1)[1]
    first = client.get(f"/s/{token}/state")
    assert first.status_code == 200 and first.json == {"version": 1}
    etag = first.headers["ETag"]
    assert client.get(f"/s/{token}/state", headers={"If-None-Match": etag}).status_code == 304
    control(teacher, live, "start")
    changed = client.get(f"/s/{token}/state", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json == {"version": 2}
    teacher_state = teacher.get(live + "state")
    assert teacher_state.json == {"version": 2, "joined": 1, "answered": 0}
    assert teacher.get(live + "state", headers={"If-None-Match": teacher_state.headers["ETag"]}).status_code == 304


def test_state_poll_is_answered_before_flask_with_every_security_header(app, teacher):
    from quizapp.security import SECURITY_HEADERS

    live, code = create_session(teacher)
    client = app.test_client()
    token = join(client, code, "en").rsplit("/", 1)[1]
    seen = []
    flask_view = app.view_functions["learn_short.learner_state"]
    app.view_functions["learn_short.learner_state"] = lambda token: seen.append(token) or flask_view(token)
    first = client.get(f"/s/{token}/state")
    again = client.get(f"/s/{token}/state", headers={"If-None-Match": first.headers["ETag"]})
    assert (first.status_code, first.json, again.status_code, again.data) == (200, {"version": 1}, 304, b"")
    for response in (first, again):
        assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        assert response.headers["Cache-Control"] == "no-cache" and "Set-Cookie" not in response.headers
    assert seen == []
    # An unknown token goes on to Flask, which answers with its 404 page.
    assert client.get("/s/abcdefghijklmnopqrst/state").status_code == 404 and seen == ["abcdefghijklmnopqrst"]


def test_self_paced_session_learner_works_alone_and_teacher_sees_progress(app, teacher):
    from datetime import date

    live, code = create_session(teacher, mode="self", open_until=(date.today() + timedelta(days=7)).isoformat())
    client = app.test_client()
    page = join(client, code, "es")
    html = client.get(page).get_data(as_text=True)
    assert html.count("<fieldset") == len(QUIZ.questions)
    data = {}
    for question in QUIZ.questions:
        data.update(right_answers(question))
    assert client.post(page, data=data).status_code == 303
    assert 'class="result"' in client.get(page).get_data(as_text=True)
    assert "1 of 1 learners have answered every question." in teacher.get(live).get_data(as_text=True)


def test_self_paced_session_needs_a_closing_date(teacher):
    response = teacher.post("/en/teach/sessions/new", data={"lesson": LESSON, "mode": "self", "names": "anonymous"})
    assert response.status_code == 422
    assert "Choose the last day" in response.get_data(as_text=True)


def test_retention_deletes_exactly_the_expired_sessions(app, teacher):
    ids = {}
    for name in ("old", "recent", "running", "old_self"):
        live, code = create_session(teacher)
        client = app.test_client()
        join(client, code, "en")
        ids[name] = int(live.rstrip("/").rsplit("/", 1)[1])
    with app.app_context():
        now = utcnow()
        db.session.get(ClassSession, ids["old"]).ended_at = now - timedelta(days=31)
        db.session.get(ClassSession, ids["recent"]).ended_at = now - timedelta(days=29)
        db.session.get(ClassSession, ids["old_self"]).open_until = now - timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert result.exit_code == 0 and "Deleted 2 session(s)" in result.output
    with app.app_context():
        assert sorted(db.session.scalars(select(ClassSession.id))) == sorted([ids["recent"], ids["running"]])
        assert db.session.scalar(select(func.count(Participant.id))) == 2


def test_teacher_can_delete_a_session_at_once(app, teacher):
    live, code = create_session(teacher)
    join(app.test_client(), code, "en")
    assert teacher.post(live + "delete").status_code == 303
    assert count(app, ClassSession) == 0 and count(app, Participant) == 0


def test_qr_code_is_an_svg_of_the_join_link(app, teacher):
    live, code = create_session(teacher)
    response = teacher.get(live + "qr.svg")
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True).startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert f"/j/{code}" in teacher.get(live).get_data(as_text=True)


def test_behind_a_proxy_the_rate_limit_is_per_forwarded_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, TRUSTED_PROXIES=1)
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    client = app.test_client()
    for _ in range(app.config["JOIN_FAILURES_PER_WINDOW"]):
        client.post("/en/join", data={"code": "AAAAAA"}, environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"})
    assert client.post("/en/join", data={"code": "AAAAAA"}, environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.post("/en/join", data={"code": "AAAAAA"}, environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 422


def test_the_learners_page_and_the_projector_render_the_lessons_title_without_rendering_the_lesson(make_app, monkeypatch):
    """A worker keeps few whole lesson views (content/repository.py); the live screens of many classes must
    not render whole lessons to show their titles. Only the console, which shows the notes, asks for a view."""
    from quizapp.content.repository import ContentRepository

    from .classroom_helpers import live_room, make_teacher

    app = make_app(WTF_CSRF_ENABLED=False)  # no lanes: Flask renders every page here
    make_teacher(app)
    teacher, live, [(learner, page)] = live_room(app, 1)
    projector = re.search(r'href="([^"]*/show/[^"]+)"', teacher.get(live).get_data(as_text=True)).group(1)
    views = []
    real_lesson_view = ContentRepository.lesson_view
    monkeypatch.setattr(ContentRepository, "lesson_view", lambda self, *args: views.append(args) or real_lesson_view(self, *args))
    for client, path in ((learner, page), (app.test_client(), projector)):
        html = client.get(path).get_data(as_text=True)
        assert re.search(r"<h1[^>]*>What is hikikomori\?", html), path
    assert views == []
    console = teacher.get(live).get_data(as_text=True)
    assert "Facilitator notes" in console and len(views) == 1


def test_a_lessons_title_alone_is_its_views_title_in_every_language(make_app):
    from quizapp.content_access import content
    from quizapp.i18n import languages

    from .support import SHIPPED

    app = make_app()
    with app.test_request_context("/en/"):
        repository = content()
        for course in repository.courses():
            for lesson in course.lessons:
                for tag in SHIPPED:
                    language = languages()[tag]
                    title = repository.lesson_title(course, lesson, language)  # made alone: no view kept yet
                    assert title == repository.lesson_view(course, lesson, language).title, (lesson.id, tag)
