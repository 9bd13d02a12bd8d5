"""Taking a quiz: display order, forms, tampering checks and recording answers exactly once.

Nothing here keeps state in memory: an attempt is an unguessable token in the URL plus rows in the
database, so any worker on any server can serve any step of it.
"""

import random
import secrets
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select, update

from ..content.models import Option, Question
from ..database import insert_once, read_first
from ..extensions import db
from ..forms import TextForm
from ..questions import QUESTION_TYPES
from ..timeutil import utcnow
from ..web import inline_html
from .models import QuizAnswer, QuizAttempt
from .widgets import field_name, widget_for

FORM_META_FIELDS = {"csrf_token", "question"}


def new_token() -> str:
    """A fresh attempt token (96 random bits)."""
    return secrets.token_urlsafe(12)


def display_order(question: Question, token: str) -> list[Option]:
    """The options in this attempt's order: shuffled per attempt, stable across reloads and languages.

    How a type shuffles is the type's own business (see ``QuestionType.display_order``).
    """
    # A string seed is hashed with SHA-512, so every process on every server gets the same order.
    return QUESTION_TYPES[question.type].display_order(question, random.Random(f"{token}/{question.id}"))


def option_ids(question: Question, token: str) -> tuple[str, ...]:
    """The ids of ``display_order``: all that differs from one attempt's fresh field to another's."""
    return tuple(option.id for option in display_order(question, token))


# Form classes per (questions, what their localized views were rendered from): their fields and labels are
# the same for every attempt in a language, so a worker keeps them (quizzes/routes.py makes the cache); each
# attempt's option order is applied when a form is bound.
FORM_CLASSES_MAX = 128


def build_form(questions, views, token: str, **kwargs) -> TextForm:
    """A WTForms form with one field per question, options in this attempt's order."""
    form = form_class(tuple(questions), views)(**kwargs)
    for question in questions:
        widget_for(question).apply_order(form[field_name(question)], option_ids(question, token))
    return form


def form_class(questions: tuple, views) -> type:
    """The form class asking ``questions`` with the labels of ``views`` (the repository's localized quiz
    view, ``content.repository.QuizView``), options in the file's order.

    Keyed by the views' stamp, not the views object, so the class outlives the views (the repository keeps
    only a few) and holds none of them. The catalog and questions it was made from are kept beside it and
    compared by identity: a reloaded catalog or course file gives new objects under the same ids.
    """
    key = (tuple(question.id for question in questions), views.stamp)
    sources = (views.catalog, *questions)
    kept = current_app.extensions["quizapp.form_classes"]
    cached = kept.get(key, sources)
    if cached is not None:
        return cached

    class QuizForm(TextForm):
        pass

    for question in questions:
        view = views[question.id]
        choices = [(option.id, inline_html(view.options[option.id].text)) for option in question.options if view.options[option.id].text]
        for name, field in widget_for(question).fields(question, inline_html(view.prompt), choices).items():
            setattr(QuizForm, name, field)
    kept.put(key, sources, QuizForm)
    return QuizForm


def tampered(questions, formdata) -> bool:
    """True when the submission cannot come from our form: unknown fields or impossible values.

    A question of another quiz (or another step) shows up as an unknown field; an unknown option id, a
    second value for a single choice or an ordering that is not a permutation of its items as an
    impossible value. Missing answers are ordinary mistakes, handled by the form's validation.
    """
    forms = [(question, widget_for(question)) for question in questions]
    allowed = set(FORM_META_FIELDS).union(*(widget.field_names(question) for question, widget in forms))
    if any(key not in allowed for key in formdata.keys()):
        return True
    return any(widget.tampered(question, formdata) for question, widget in forms)


@dataclass(frozen=True)
class GivenAnswer:
    """What the learner answered to one question, scored and ready to store."""

    question_id: str
    value: object
    score: float | None
    text: str | None


def answers_from(form, questions) -> list[GivenAnswer]:
    """Score every answered question of a validated form."""
    return [given_answer(question, *widget_for(question).given(form, question)) for question in questions]


def given_answer(question, value, text: str | None) -> GivenAnswer:
    """``value`` (and the learner's text to keep) as the answer to ``question``, scored."""
    return GivenAnswer(question.id, value, QUESTION_TYPES[question.type].score(question, value), text)


def find_attempt(token: str) -> QuizAttempt | None:
    """The attempt with this token, or None."""
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.token == token))


ATTEMPT_STATE = select(QuizAttempt.__table__.c.id, QuizAttempt.__table__.c.course_id, QuizAttempt.__table__.c.lesson_id, QuizAttempt.__table__.c.completed_at).where(
    QuizAttempt.__table__.c.token == bindparam("token")
)


def attempt_state(token: str):
    """(id, course_id, lesson_id, completed_at) of the attempt with this token, or None: one read outside a
    transaction. A new attempt's page (most quiz pages) needs no more, and no ORM object."""
    return read_first(ATTEMPT_STATE, {"token": token})


def attempt_score(attempt: QuizAttempt, quiz) -> float | None:
    """Average score over the quiz's scored questions (None if it has none)."""
    return average_score(quiz, {answer.question_id: answer.score for answer in attempt.answers})


def average_score(quiz, scores: dict[str, float | None]) -> float | None:
    """Average of ``scores`` (by question id) over the quiz's scored questions, an unanswered one counting
    0 (None if the quiz has no scored question)."""
    scored = [q.id for q in quiz.questions if QUESTION_TYPES[q.type].scored]
    if not scored:
        return None
    return sum(scores.get(question_id) or 0.0 for question_id in scored) / len(scored)


def record_attempt(token, course, lesson, language, answers) -> bool:
    """Store a whole attempt at once (feedback at the end): the attempt and its answers in one transaction,
    read back from nowhere. False if this token has an attempt already (a resent or double-clicked form, or
    both at the same moment): the first one stands, and nothing new is stored."""
    return store_attempt(db.session, db.session.get_bind().dialect.name, token, course, lesson, language, answers)


# Built once: a statement's cache key is computed anew for each new statement object.
INSERT_ANSWERS = QuizAnswer.__table__.insert()


def store_attempt(transaction, dialect_name: str, token, course, lesson, language, answers) -> bool:
    """``record_attempt`` in ``transaction``: the ORM session (the route) or a Core connection (the whole-quiz
    lane, quizzes/lane.py), which run these Core statements, commit and roll back alike."""
    now = utcnow()
    scores = {answer.question_id: answer.score for answer in answers}
    attempt = {"token": token, "course_id": course.id, "lesson_id": lesson.id, "language": language, "started_at": now, "completed_at": now, "score": average_score(lesson.quiz, scores)}
    attempt_id = transaction.execute(insert_once(QuizAttempt, dialect_name, returning="id"), attempt).scalar()
    if attempt_id is None:
        transaction.rollback()
        return False
    if answers:
        transaction.execute(INSERT_ANSWERS, [answer_row(attempt_id, answer, now) for answer in answers])
    transaction.commit()
    return True


def record_answer(token, course, lesson, language, answer: GivenAnswer) -> None:
    """Store one answer (immediate feedback) in one transaction: the attempt if it is the first, the answer
    unless the question has one already (the first answer counts), and the attempt completed and scored by
    the answer that leaves no question unanswered. Nothing is stored in a completed attempt."""
    attempts = QuizAttempt.__table__
    found = db.session.execute(select(attempts.c.id, attempts.c.completed_at).where(attempts.c.token == token)).first()
    attempt_id = found.id if found else _create_attempt(token, course, lesson, language)
    if found is not None and found.completed_at is not None:
        return
    now = utcnow()
    db.session.execute(insert_once(QuizAnswer), answer_row(attempt_id, answer, now))
    answers = QuizAnswer.__table__
    scores = dict(db.session.execute(select(answers.c.question_id, answers.c.score).where(answers.c.attempt_id == attempt_id)).all())
    if all(question.id in scores for question in lesson.quiz.questions):
        db.session.execute(update(attempts).where(attempts.c.id == attempt_id, attempts.c.completed_at.is_(None)).values(completed_at=now, score=average_score(lesson.quiz, scores)))
    db.session.commit()


def _create_attempt(token, course, lesson, language) -> int:
    """A new attempt's id (in the caller's transaction); the other one's if a request with the same token
    created it at the same moment (the database waits for it, then skips this row)."""
    attempts = QuizAttempt.__table__
    created = db.session.execute(insert_once(QuizAttempt, returning="id"), {"token": token, "course_id": course.id, "lesson_id": lesson.id, "language": language}).scalar()
    return created if created is not None else db.session.execute(select(attempts.c.id).where(attempts.c.token == token)).scalar_one()


def answer_row(attempt_id: int, answer: GivenAnswer, now) -> dict:
    """One ``quiz_answers`` row, for a Core INSERT."""
    return {"attempt_id": attempt_id, "question_id": answer.question_id, "value": answer.value, "score": answer.score, "text": answer.text, "answered_at": now}


def result_item(question, view, answer, show_text: bool = False) -> dict:
    """What the results page shows of one question. A saved reflection's text only with ``show_text``:
    in the browser that wrote it (see ``privacy.owns``), never to whoever has the URL."""
    question_type = QUESTION_TYPES[question.type]
    value = answer.value if answer else None
    return {
        "question": question,
        "view": view,
        "scored": question_type.scored,
        "score": answer.score if answer else None,
        "chosen": [view.options[option.id] for option in question_type.chosen(question, value)],
        "right": [view.options[option.id] for option in question_type.right_answer(question)],
        "text": answer.text if answer and show_text else None,
        "text_hidden": bool(answer and answer.text and not show_text),
    }
