"""A class in a real room: addresses learners can reach, joining nobody can block or fake, the teacher's
console and the projector view, and learner pages that survive phones without JavaScript."""

import re
import subprocess
import sys
import urllib.parse
from collections import namedtuple

import pytest
from sqlalchemy import func, select

from quizapp import ConfigurationError, create_app
from quizapp.classroom.address import JoinAddress, join_address, lan_candidates
from quizapp.classroom.models import ClassSession, JoinAttempt, Participant, SessionAnswer
from quizapp.classroom.service import CODE_ALPHABET, _window, client_key
from quizapp.classroom.service import join as join_seat
from quizapp.content import load_library
from quizapp.extensions import db

from .classroom_helpers import LESSON, PASSWORD, control, create_session, join, login, with_two_teachers
from .servers import Browser, Server
from .support import PROJECT_ROOT
from .test_quizzes import right_answers

LIBRARY = load_library(PROJECT_ROOT / "courses")
QUIZ = LIBRARY.courses["understanding-hikikomori"].lesson("what-is-hikikomori").quiz
NAT = {"REMOTE_ADDR": "203.0.113.50"}  # the school's one public address: every pupil comes from it


@pytest.fixture
def app(make_app):
    return with_two_teachers(make_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open"))


def qr_link(teacher, live) -> str:
    """The path and query of the link the console shares (the one the QR code encodes)."""
    href = re.search(r'class="share-link">([^<]+)<', teacher.get(live).get_data(as_text=True)).group(1).replace("&amp;", "&")
    parts = urllib.parse.urlsplit(href)
    return f"{parts.path}?{parts.query}"


def typo(n: int) -> str:
    return f"AAAA{CODE_ALPHABET[n // 25]}{CODE_ALPHABET[n % 25]}"


# -- every address a learner might type -----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/j", "/j/", "/join", "/join/", "/J", "/Join", "/JOIN/"])
def test_every_address_on_the_board_leads_to_the_code_form_in_the_visitors_language(client, path):
    response = client.get(path, headers={"Accept-Language": "ja,en;q=0.5"})
    assert response.status_code == 302 and response.headers["Location"] == "/ja/join"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)


def test_a_code_in_the_address_works_in_any_case(app, teacher):
    _live, code = create_session(teacher)
    for path in (f"/j/{code.lower()}", f"/J/{code}/", f"/join/{code.lower()}"):
        response = app.test_client().get(path, headers={"Accept-Language": "es"})
        assert response.headers["Location"] == f"/es/join/{code}", path


# -- the address learners can reach ------------------------------------------------------------------------


def test_join_address_is_the_public_url_when_one_is_set(make_app):
    app = make_app(PUBLIC_URL="https://kizuna.school.example/")
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert join_address() == JoinAddress("https://kizuna.school.example")


def test_join_address_is_the_host_a_lan_visitor_used(app):
    with app.test_request_context("/", base_url="http://room.test:8000"):
        address = join_address()
    assert address.base == "http://room.test:8000" and address.reachable and address.short == "room.test:8000/j"


def test_join_address_on_the_teachers_loopback_is_the_machines_lan_address(make_app):
    app = make_app(LAN_ADDRESS="192.0.2.10")  # injected; a documentation address nothing is ever sent to
    with app.test_request_context("/", base_url="http://127.0.0.1:5000"):
        assert join_address() == JoinAddress("http://192.0.2.10:5000")
    with app.test_request_context("/", base_url="http://localhost:5000"):
        assert join_address().short == "192.0.2.10:5000/j"


def test_lan_address_is_read_from_interfaces_private_first_skipping_virtual_ones():
    Address = namedtuple("Address", "family address")
    Stats = namedtuple("Stats", "isup")
    import socket

    addresses = {
        "lo": [Address(socket.AF_INET, "127.0.0.1")],
        "docker0": [Address(socket.AF_INET, "172.17.0.1")],
        "eth1": [Address(socket.AF_INET, "198.51.100.4"), Address(socket.AF_INET6, "fe80::1")],
        "wlan0": [Address(socket.AF_INET, "192.168.1.20")],
        "eth2": [Address(socket.AF_INET, "10.0.0.9")],
        "eth3": [Address(socket.AF_INET, "169.254.3.3")],
    }
    stats = {"eth2": Stats(False)}  # cable unplugged
    assert lan_candidates(addresses, stats) == ["192.168.1.20", "198.51.100.4"]


def test_start_up_refuses_a_public_url_learners_could_not_open(migrated_database):
    for bad in ("kizuna.school.example", "ftp://kizuna.example", "https://kizuna.example/?x=1"):
        with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
            create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{migrated_database}", "PUBLIC_URL": bad})


@pytest.fixture
def server_database(tmp_path, migrated_database):
    """A database for real gunicorn processes, with teacher a@example.org."""
    import shutil

    database = tmp_path / "room.sqlite"
    shutil.copyfile(migrated_database, database)
    env = {"QUIZAPP_SECRET_KEY": "room-tests", "QUIZAPP_DATABASE_URL": f"sqlite:///{database}"}
    command = [sys.executable, "-m", "flask", "--app", "quizapp", "teachers", "create", "a@example.org", "--name", "A", "--password", PASSWORD]
    subprocess.run(command, cwd=PROJECT_ROOT, env=dict(__import__("os").environ, **env), check=True, capture_output=True)
    return env


def console_of(server) -> str:
    teacher = Browser(server.url)
    assert teacher.post("/en/teach/login", {"email": "a@example.org", "password": PASSWORD})[0] == 302
    status, headers, _ = teacher.post("/en/teach/sessions/new", {"lesson": LESSON, "mode": "live", "names": "anonymous"})
    assert status == 302
    return teacher.get(urllib.parse.urlsplit(headers["Location"]).path)[2]


def test_console_says_plainly_when_the_server_listens_on_this_computer_only(tmp_path, server_database):
    server = Server(tmp_path, "loopback", QUIZAPP_LAN_ADDRESS="192.0.2.10", **server_database).start(host="127.0.0.1")
    try:
        html = console_of(server)
    finally:
        server.stop()
    assert "Phones in the room cannot reach this address yet." in html and "HOST=0.0.0.0 make run" in html
    assert "192.0.2.10" not in html  # an address this server does not listen on is never offered


def test_console_offers_the_lan_address_when_the_server_listens_on_every_interface(tmp_path, server_database):
    server = Server(tmp_path, "room", QUIZAPP_LAN_ADDRESS="192.0.2.10", **server_database).start(host="0.0.0.0")
    try:
        html = console_of(server)
    finally:
        server.stop()
    assert f"192.0.2.10:{server.port}/j</strong>" in html
    assert "cannot reach this address" not in html


# -- joining nobody can block or fake ------------------------------------------------------------------------


def test_thirty_learners_behind_one_address_all_join_after_ten_typos(app, teacher):
    live, code = create_session(teacher)
    link = qr_link(teacher, live)
    first = app.test_client()
    for n in range(10):
        assert first.post("/en/join", data={"code": typo(n)}, environ_base=NAT).status_code == 422
    pages = []
    for n in range(30):
        learner = app.test_client()
        if n % 2:  # typed, as read from the board, in lower case with a space
            response = learner.post("/en/join", data={"code": f"{code[:3].lower()} {code[3:]}"}, environ_base=NAT)
            assert response.status_code == 303, n
            form_page = response.headers["Location"]
        else:  # scanned
            form_page = learner.get(link, environ_base=NAT).headers["Location"]
        response = learner.post(form_page, data={"language": "en"}, environ_base=NAT)
        assert response.status_code == 303, (n, response.get_data(as_text=True))
        pages.append(response.headers["Location"])
    assert len(set(pages)) == 30
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 30
        assert db.session.get(ClassSession, 1).joined == 30


def test_the_qr_link_joins_even_from_an_address_that_typed_too_many_wrong_codes(app, teacher):
    live, code = create_session(teacher)
    link = qr_link(teacher, live)
    guesser = app.test_client()
    for n in range(app.config["JOIN_FAILURES_PER_WINDOW"]):
        guesser.post("/en/join", data={"code": typo(n)}, environ_base=NAT)
    assert guesser.post("/en/join", data={"code": code}, environ_base=NAT).status_code == 429
    assert guesser.get(f"/en/join/{code}", environ_base=NAT).status_code == 429  # typed into the address bar
    forged = re.sub(r"k=[^&]+", "k=AAAAAAAAAAAAAAAA", link)
    assert guesser.get(guesser.get(forged, environ_base=NAT).headers["Location"], environ_base=NAT).status_code == 429
    learner = app.test_client()
    form_page = learner.get(link, environ_base=NAT).headers["Location"]
    assert learner.get(form_page, environ_base=NAT).status_code == 200
    assert learner.post(form_page, data={"language": "en"}, environ_base=NAT).status_code == 303


def test_a_limited_address_learns_nothing_about_which_codes_exist(app, teacher):
    _live, code = create_session(teacher)
    guesser = app.test_client()
    for n in range(app.config["JOIN_FAILURES_PER_WINDOW"]):
        guesser.post("/en/join", data={"code": typo(n)}, environ_base=NAT)
    right = guesser.post("/en/join", data={"code": code}, environ_base=NAT)
    wrong = guesser.post("/en/join", data={"code": "QQQQQQ"}, environ_base=NAT)
    assert right.status_code == wrong.status_code == 429
    assert right.get_data() == wrong.get_data()
    by_address = guesser.get(f"/en/join/{code}", environ_base=NAT).get_data(as_text=True).replace(code, "CODE")
    assert by_address == guesser.get("/en/join/QQQQQQ", environ_base=NAT).get_data(as_text=True).replace("QQQQQQ", "CODE")


def test_wrong_codes_typed_over_a_day_count_but_older_ones_do_not(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, JOIN_FAILURES_PER_WINDOW=1000, JOIN_FAILURES_PER_DAY=50)
    with app.app_context():
        client, now = client_key(NAT["REMOTE_ADDR"]), _window()
        db.session.add_all([JoinAttempt(client=client, window=now - 144, failures=500), JoinAttempt(client=client, window=now - 10, failures=49)])
        db.session.commit()
    guesser = app.test_client()
    assert guesser.post("/en/join", data={"code": "QQQQQQ"}, environ_base=NAT).status_code == 422  # 49 in the last day
    assert guesser.post("/en/join", data={"code": "QQQQQQ"}, environ_base=NAT).status_code == 429  # 50
    assert app.test_client().post("/en/join", data={"code": "QQQQQQ"}, environ_base={"REMOTE_ADDR": "198.51.100.9"}).status_code == 422


# -- the teacher controls the room ---------------------------------------------------------------------------


def test_a_locked_room_takes_nobody_new_and_keeps_everyone_inside(app, teacher):
    live, code = create_session(teacher)
    link = qr_link(teacher, live)
    inside = app.test_client()
    page = join(inside, code, "en")
    assert teacher.post(live + "lock", data={"locked": "1"}).status_code == 303
    late = app.test_client()
    response = late.get(late.get(link).headers["Location"])
    assert response.status_code == 403 and "closed this session to new learners" in response.get_data(as_text=True)
    refused = late.post(f"/ja/join/{code}", data={"language": "ja"})
    assert refused.status_code == 403 and 'role="alert"' in refused.get_data(as_text=True)
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    assert inside.post(page, data={"question": question.id, **right_answers(question)}).status_code == 303
    teacher.post(live + "lock", data={"locked": "0"})
    join(late, code, "es")
    with app.app_context():
        assert db.session.scalar(select(func.count(Participant.id))) == 2


def test_a_full_session_says_so(make_app):
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False, SESSION_MAX_PARTICIPANTS=2))
    teacher = app.test_client()
    login(teacher)
    _live, code = create_session(teacher)
    late = app.test_client()
    form = late.get(f"/en/join/{code}")  # the form is shown while there is a seat…
    join(app.test_client(), code, "en")
    join(app.test_client(), code, "en")
    assert form.status_code == 200
    response = late.post(f"/es/join/{code}", data={"language": "es"})  # …and taken by others meanwhile
    assert response.status_code == 403 and 'role="alert"' in response.get_data(as_text=True)
    assert "This session is full" not in response.get_data(as_text=True)  # it is said in Spanish
    with app.test_request_context():
        session = db.session.scalar(select(ClassSession))
        assert join_seat(session, "en", None) is None  # the seat is taken atomically, whatever the form showed
        assert session.joined == 2 and db.session.scalar(select(func.count(Participant.id))) == 2


def test_a_removed_learner_is_told_and_their_answers_leave_the_counts(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    stays, goes = app.test_client(), app.test_client()
    stays_page = join(stays, code, "en", pseudonym="Calm Heron")
    goes_page = join(goes, code, "en", pseudonym="Loud Prank")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    for client, page in ((stays, stays_page), (goes, goes_page)):
        client.post(page, data={"question": question.id, **right_answers(question)})
    console = teacher.get(live).get_data(as_text=True)
    assert "2 of 2 have answered" in console and "Loud Prank" in console
    with app.app_context():
        goner = db.session.scalar(select(Participant.id).where(Participant.pseudonym == "Loud Prank"))
    assert teacher.post(live + "remove", data={"participant": str(goner)}).status_code == 303
    console = teacher.get(live).get_data(as_text=True)
    assert "1 of 1 have answered" in console and "Loud Prank" not in console and "Calm Heron" in console
    removed = goes.get(goes_page).get_data(as_text=True)
    assert "Your teacher took you out of this session" in removed and 'name="question"' not in removed
    control(teacher, live, "next")
    second = QUIZ.questions[1]
    assert goes.post(goes_page, data={"question": second.id, **right_answers(second)}).status_code == 409
    assert "Loud Prank" not in teacher.get(live + "report").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count(SessionAnswer.id))) == 1


def test_anonymous_learners_are_listed_by_number_and_numbers_stay_put(app, teacher):
    live, code = create_session(teacher)
    for _ in range(3):
        join(app.test_client(), code, "ja")
    console = teacher.get(live).get_data(as_text=True)
    assert all(f"Learner {n}" in console for n in (1, 2, 3))
    with app.app_context():
        second = db.session.scalars(select(Participant.id).order_by(Participant.id)).all()[1]
    teacher.post(live + "remove", data={"participant": str(second)})
    console = teacher.get(live).get_data(as_text=True)
    assert "Learner 1" in console and "Learner 2" not in console and "Learner 3" in console


def test_a_session_in_the_lobby_can_be_ended_after_a_confirmation(app, teacher):
    live, _code = create_session(teacher)
    console = teacher.get(live).get_data(as_text=True)
    confirm = re.search(r'<details class="confirm">.*?</details>', console, re.S).group(0)
    assert 'value="end"' in confirm and "Yes, end the session" in confirm
    control(teacher, live, "end")
    with app.app_context():
        assert db.session.scalar(select(ClassSession.state)) == "ended"


def test_deleting_a_session_asks_first(app, teacher):
    live, _code = create_session(teacher)
    report = teacher.get(live + "report").get_data(as_text=True)
    confirm = re.search(r'<details class="confirm">.*?</details>', report, re.S).group(0)
    assert "/delete" in confirm and "Yes, delete the session" in confirm


def test_each_step_brings_the_teacher_back_to_the_controls(app, teacher):
    live, _code = create_session(teacher)
    version = re.search(r'name="version" value="(\d+)"', teacher.get(live).get_data(as_text=True)).group(1)
    response = teacher.post(live + "control", data={"action": "start", "version": version})
    assert response.headers["Location"].endswith("/#controls")


def test_the_new_session_form_starts_from_the_lesson_it_was_opened_from(app):
    teacher = app.test_client()
    lesson_page = teacher.get("/en/courses/understanding-hikikomori/myths-and-facts/").get_data(as_text=True)
    href = re.search(r'href="([^"]*sessions/new[^"]*)"', lesson_page).group(1).replace("&amp;", "&")
    login_page = teacher.get(href).headers["Location"]  # not logged in yet
    response = teacher.post(login_page, data={"email": "a@example.org", "password": PASSWORD})
    form = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'<option selected value="understanding-hikikomori/myths-and-facts">|<option value="understanding-hikikomori/myths-and-facts" selected>', form)
    assert 'class="self-paced-only"' in form


# -- the projector view ------------------------------------------------------------------------------------


def projector_path(teacher, live) -> str:
    return re.search(r'href="([^"]*/show/[^"]+)"', teacher.get(live).get_data(as_text=True)).group(1)


def test_the_projector_view_needs_no_login_and_shows_nothing_private(app, teacher):
    live, code = create_session(teacher, names="pseudonyms")
    join(app.test_client(), code, "en", pseudonym="Quiet Lynx")
    console = teacher.get(live).get_data(as_text=True)
    notes = re.search(r'<aside class="live-notes".*?</aside>', console, re.S).group(0)
    note_lines = [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", notes)]
    assert len([line for line in note_lines if len(line) > 30]) >= 3
    room = app.test_client()  # the classroom computer: nobody logged in
    path = projector_path(teacher, live)
    for state in ("lobby", "start", "reveal", "end"):
        if state != "lobby":
            control(teacher, live, state)
        html = room.get(path).get_data(as_text=True)
        assert code in html or state == "end"
        assert "Quiet Lynx" not in html and "Facilitator notes" not in html
        for line in note_lines:
            if len(line) > 30:
                assert line not in html, line
    assert room.get(path + "/state").json == teacher.get(live + "state").json  # both screens follow one state


def test_a_new_projector_link_stops_the_old_one(app, teacher):
    live, _code = create_session(teacher)
    old = projector_path(teacher, live)
    assert app.test_client().get(old).status_code == 200
    teacher.post(live + "projector")
    new = projector_path(teacher, live)
    assert new != old
    assert app.test_client().get(old).status_code == 404 and app.test_client().get(new).status_code == 200


def test_the_projector_shows_the_answers_only_once_revealed(app, teacher):
    live, code = create_session(teacher)
    learner = app.test_client()
    page = join(learner, code, "en")
    control(teacher, live, "start")
    question = QUIZ.questions[0]
    learner.post(page, data={"question": question.id, **right_answers(question)})
    path = projector_path(teacher, live)
    assert "<meter" not in app.test_client().get(path).get_data(as_text=True)
    control(teacher, live, "reveal")
    assert "<meter" in app.test_client().get(path).get_data(as_text=True)


# -- the survey cannot be padded ---------------------------------------------------------------------------


def survey_both(client, page, statements, before, after):
    assert client.post(page, data={"phase": "pre", **{f"s_{s.id}": str(before) for s in statements}}).status_code == 303
    return lambda: client.post(page, data={"phase": "post", **{f"s_{s.id}": str(after) for s in statements}})


@pytest.mark.parametrize("padding", ["one browser", "one answer pattern"])
def test_a_padded_survey_stays_hidden(app, teacher, padding):
    live, code = create_session(teacher, survey=True)
    statements = LIBRARY.courses["understanding-hikikomori"].survey.statements
    padder = app.test_client()
    posts = []
    for n in range(5):
        client = padder if padding == "one browser" else app.test_client()
        page = join(client, code, "en")
        posts.append(survey_both(client, page, statements, 2, 3 + n % 3 if padding == "one browser" else 4))
    control(teacher, live, "start")
    control(teacher, live, "end")
    for post in posts:
        assert post().status_code == 303
    report = teacher.get(live + "report").get_data(as_text=True)
    assert "5 learners answered the survey both before and after." in report
    assert '<th scope="col">Before</th>' not in report


# -- learners on any device ------------------------------------------------------------------------------


def test_without_javascript_the_question_never_refreshes_but_waiting_pages_do(app, teacher):
    live, code = create_session(teacher)
    learner = app.test_client()
    page = join(learner, code, "en")
    waiting = learner.get(page).get_data(as_text=True)
    assert '<meta http-equiv="refresh"' in waiting
    control(teacher, live, "start")
    question_page = learner.get(page).get_data(as_text=True)
    assert 'name="question"' in question_page and 'http-equiv="refresh"' not in question_page
    assert "See if the next question is ready" in question_page


def test_a_refused_or_invalid_answer_leaves_the_learner_on_their_own_page(app, teacher):
    live, code = create_session(teacher)
    learner = app.test_client()
    page = join(learner, code, "en")
    control(teacher, live, "start")
    empty = learner.post(page, data={"question": QUIZ.questions[0].id})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and 'class="error"' in html
    assert f'action="{page}"' in html and 'data-poll="' in html  # the form and the poll stay on the page's own address
    control(teacher, live, "next")
    late = learner.post(page, data={"question": QUIZ.questions[0].id, **right_answers(QUIZ.questions[0])})
    html = late.get_data(as_text=True)
    assert late.status_code == 409 and "Your teacher has moved on" in html
    assert f'name="question" value="{QUIZ.questions[1].id}"' in html  # already showing the next question


def test_learner_pages_announce_their_state(app, teacher):
    live, code = create_session(teacher)
    learner = app.test_client()
    page = join(learner, code, "ar")
    control(teacher, live, "start")
    html = learner.get(page).get_data(as_text=True)
    assert 'role="status" aria-live="polite"' in html
    announce = re.search(r'data-announce="([^"]*)"', html).group(1)
    assert announce and announce in re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Question 1" not in announce  # in Arabic


def test_purge_keeps_a_day_of_join_attempts(app):
    with app.app_context():
        now = _window()
        db.session.add_all([JoinAttempt(client="a", window=now - 150, failures=1), JoinAttempt(client="b", window=now - 100, failures=1)])
        db.session.commit()
    app.test_cli_runner().invoke(args=["sessions", "purge"])
    with app.app_context():
        assert db.session.scalars(select(JoinAttempt.client)).all() == ["b"]


def test_make_run_says_where_learners_join(runner):
    loopback = runner.invoke(args=["sessions", "address", "--host", "127.0.0.1", "--port", "5000"])
    assert "HOST=0.0.0.0 make run" in loopback.output
    runner.app.config["LAN_ADDRESS"] = "192.0.2.10"
    everywhere = runner.invoke(args=["sessions", "address", "--host", "0.0.0.0", "--port", "5000"])
    assert "Learners join at http://192.0.2.10:5000/j" in everywhere.output
    runner.app.config["PUBLIC_URL"] = "https://kizuna.school.example"
    public = runner.invoke(args=["sessions", "address", "--host", "0.0.0.0", "--port", "5000"])
    assert "Learners join at https://kizuna.school.example/j" in public.output
