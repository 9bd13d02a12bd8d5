"""Helpers for driving classroom sessions through the HTTP client."""

import re

from quizapp.extensions import db
from quizapp.teachers.models import Teacher

LESSON = "understanding-hikikomori/what-is-hikikomori"
PASSWORD = "correct horse battery"


def make_teacher(app, email="a@example.org", name="Teacher A") -> None:
    with app.app_context():
        teacher = Teacher(email=email, name=name)
        teacher.set_password(PASSWORD)
        db.session.add(teacher)
        db.session.commit()


def with_two_teachers(app):
    """The app with teachers A and B, as the classroom tests expect."""
    make_teacher(app)
    make_teacher(app, "b@example.org", "Teacher B")
    return app


def login(client, email="a@example.org") -> None:
    response = client.post("/en/teach/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)


def create_session(client, lesson=LESSON, mode="live", survey=False, names="anonymous", open_until=None) -> tuple[str, str]:
    data = {"lesson": lesson, "mode": mode, "names": names}
    if survey:
        data["with_survey"] = "y"
    if open_until:
        data["open_until"] = open_until
    response = client.post("/en/teach/sessions/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    live = response.headers["Location"]
    code = re.search(r'class="join-code"[^>]*>(\w+)<', client.get(live).get_data(as_text=True)).group(1)
    return live, code


def join(client, code, language, pseudonym=None) -> str:
    data = {"language": language}
    if pseudonym is not None:
        data["pseudonym"] = pseudonym
    response = client.post(f"/{language}/join/{code}", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def control(client, live, action) -> None:
    version = re.search(r'name="version" value="(\d+)"', client.get(live).get_data(as_text=True)).group(1)
    response = client.post(live + "control", data={"action": action, "version": version})
    assert response.status_code == 303


def current_question_id(html: str) -> str:
    return re.search(r'name="question" value="([\w-]+)"', html).group(1)


def live_room(app, learners: int) -> tuple:
    """A signed-in teacher's live session on its first question, ``learners`` joined in English, each a
    browser of their own: (the teacher's client, the console address, [(client, page path)])."""
    teacher = app.test_client()
    login(teacher)
    live, code = create_session(teacher)
    seats = []
    for _ in range(learners):
        client = app.test_client()
        seats.append((client, join(client, code, "en")))
    control(teacher, live, "start")
    return teacher, live, seats
