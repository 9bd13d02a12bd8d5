"""Only what is needed, for as long as it is needed: abandoned sessions, old quiz attempts (their counts
stay for authors), used invitations and idle logins all go with `flask sessions purge`."""

import json
from datetime import timedelta

from sqlalchemy import func, select, update

from quizapp.classroom.models import ClassSession, SessionAnswer
from quizapp.extensions import db
from quizapp.quizzes.models import QuizAnswer, QuizAnswerTally, QuizAttempt
from quizapp.teachers.models import Invite
from quizapp.timeutil import utcnow

from .classroom_helpers import create_session, join, login, make_teacher
from .test_quiz_stats import SEED, seeded  # noqa: F401 - the fixture


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(model.id)))


def test_a_live_session_nobody_ended_is_purged_from_its_last_activity(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    make_teacher(app)
    teacher = app.test_client()
    login(teacher)
    ids = {}
    for name in ("abandoned", "answered_lately"):
        live, code = create_session(teacher)
        join(app.test_client(), code, "en")
        ids[name] = int(live.rstrip("/").rsplit("/", 1)[1])
    old = utcnow() - timedelta(days=400)
    with app.app_context():
        db.session.execute(update(ClassSession).values(created_at=old))
        db.session.execute(db.text("UPDATE participants SET joined_at = :old"), {"old": old})
        participant = db.session.execute(db.text("SELECT id FROM participants WHERE session_id = :s"), {"s": ids["answered_lately"]}).scalar()
        db.session.add(SessionAnswer(session_id=ids["answered_lately"], participant_id=participant, question_id="q", value="a", score=1.0, answered_at=utcnow() - timedelta(days=2)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sessions", "purge"])
    assert "Deleted 1 session(s)" in result.output
    with app.app_context():
        assert db.session.scalars(select(ClassSession.id)).all() == [ids["answered_lately"]]


def test_old_quiz_attempts_go_but_authors_keep_their_counts(seeded):  # noqa: F811
    app = seeded
    runner = app.test_cli_runner()
    before = json.loads(runner.invoke(args=["courses", "stats", "--json"]).output)
    with app.app_context():
        db.session.execute(update(QuizAttempt).values(started_at=utcnow() - timedelta(days=91)))
        db.session.commit()
    result = runner.invoke(args=["sessions", "purge"])
    assert f"Deleted {len(SEED)} self-study quiz attempt(s)" in result.output
    assert count(app, QuizAttempt) == 0 and count(app, QuizAnswer) == 0 and count(app, QuizAnswerTally) > 0
    assert json.loads(runner.invoke(args=["courses", "stats", "--json"]).output) == before
    # A second purge of newer attempts adds to the same tallies.
    client = app.test_client()
    url = client.get("/en/courses/sample-course/first-lesson/quiz").headers["Location"]
    client.post(url, data=dict(SEED[0][1], q_reflect=""))
    with app.app_context():
        db.session.execute(update(QuizAttempt).values(started_at=utcnow() - timedelta(days=91)))
        db.session.commit()
    runner.invoke(args=["sessions", "purge"])
    after = json.loads(runner.invoke(args=["courses", "stats", "--json"]).output)
    assert sum(row["answers"] for row in after) == sum(row["answers"] for row in before) + len(SEED[0][1]) + 1  # and the reflection


def test_used_and_expired_invitations_are_purged(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    for _ in range(3):
        runner.invoke(args=["teachers", "invite"])
    with app.app_context():
        invites = db.session.scalars(select(Invite).order_by(Invite.id)).all()
        invites[0].used_at = utcnow()
        invites[1].expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    assert "Deleted 2 used or expired invitation(s)" in runner.invoke(args=["sessions", "purge"]).output
    assert count(app, Invite) == 1
