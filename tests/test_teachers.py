"""Teacher accounts: sign-up open or by invitation, hashed passwords, log in/out, shell commands."""

import pytest
from sqlalchemy import select

from quizapp.extensions import db
from quizapp.teachers.models import Invite, Teacher

from .classroom_helpers import PASSWORD, login, make_teacher

SIGNUP = {"name": "Ms Tanaka", "email": "Tanaka@School.example", "password": PASSWORD, "confirm": PASSWORD}


def test_invite_only_signup_refuses_without_a_valid_invitation(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)  # invite-only is the default
    client = app.test_client()
    assert client.get("/en/teach/signup").status_code == 403
    assert client.post("/en/teach/signup", data=SIGNUP).status_code == 403
    assert client.get("/ja/teach/signup?invite=made-up").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Teacher)) is None


def test_invitation_link_works_once(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    result = app.test_cli_runner().invoke(args=["teachers", "invite", "--base-url", "https://kizuna.example"])
    link = result.output.splitlines()[0]
    code = link.split("invite=")[1]
    client = app.test_client()
    assert client.get(f"/en/teach/signup?invite={code}").status_code == 200
    response = client.post("/en/teach/signup", data=dict(SIGNUP, invite=code))
    assert response.status_code == 302 and response.headers["Location"] == "/en/teach/"
    with app.app_context():
        assert db.session.scalar(select(Teacher.email)) == "tanaka@school.example"
        assert db.session.scalar(select(Invite.used_by)) is not None
    assert app.test_client().post("/en/teach/signup", data=dict(SIGNUP, email="other@example.org", invite=code)).status_code == 403


def test_open_signup_form_errors_keep_what_was_typed(make_app):
    client = make_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open").test_client()
    response = client.post("/es/teach/signup", data=dict(SIGNUP, password="short", confirm="short"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Ms Tanaka"' in html and 'value="Tanaka@School.example"' in html
    assert 'aria-invalid="true"' in html
    assert "Use at least" not in html  # the error is in Spanish


def test_duplicate_email_is_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=False, TEACHER_SIGNUP="open")
    make_teacher(app, "tanaka@school.example")
    response = app.test_client().post("/en/teach/signup", data=SIGNUP)
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt_by_default(make_app):
    app = make_app(PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        teacher = Teacher(email="x@example.org", name="X")
        teacher.set_password(PASSWORD)
        assert teacher.password_hash.startswith("scrypt:") and PASSWORD not in teacher.password_hash
        assert teacher.check_password(PASSWORD) and not teacher.check_password("wrong")


def test_login_and_logout(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    client = app.test_client()
    wrong = client.post("/en/teach/login", data={"email": "a@example.org", "password": "nope"})
    assert wrong.status_code == 422 and "do not match" in wrong.get_data(as_text=True)
    login(client)
    assert client.get("/en/teach/").status_code == 200
    assert client.get("/en/teach/logout").status_code == 405  # a link cannot log a teacher out
    client.post("/en/teach/logout")
    assert client.get("/en/teach/").status_code == 302


def test_login_redirects_only_to_this_site(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    client = app.test_client()
    response = client.post("/en/teach/login?next=//evil.example/", data={"email": "a@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/en/teach/"


@pytest.mark.parametrize("command", [["teachers", "create", "new@example.org", "--name", "New", "--password", PASSWORD]])
def test_teachers_create_and_reset_password_commands(make_app, command):
    app = make_app(WTF_CSRF_ENABLED=False)
    runner = app.test_cli_runner()
    assert runner.invoke(args=command).exit_code == 0
    assert "already exists" in runner.invoke(args=command).output
    assert "at least" in runner.invoke(args=["teachers", "create", "x@example.org", "--password", "short"]).output
    result = runner.invoke(args=["teachers", "reset-password", "NEW@example.org"])
    new_password = result.output.strip().rsplit(" ", 1)[1]
    client = app.test_client()
    assert client.post("/en/teach/login", data={"email": "new@example.org", "password": PASSWORD}).status_code == 422
    assert client.post("/en/teach/login", data={"email": "new@example.org", "password": new_password}).status_code == 302
    assert runner.invoke(args=["teachers", "reset-password", "nobody@example.org"]).exit_code == 1
