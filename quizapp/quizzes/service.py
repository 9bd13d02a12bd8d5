"""Taking a quiz: display order, forms, tampering checks and recording answers exactly once.

Nothing here keeps state in memory: an attempt is an unguessable token in the URL plus rows in the
database, so any worker on any server can serve any step of it.
"""

import random
import re
import secrets
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..content.models import Option, Question
from ..extensions import db
from ..forms import TextForm
from ..questions import QUESTION_TYPES
from .models import QuizAnswer, QuizAttempt, utcnow

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
FORM_META_FIELDS = {"csrf_token", "question"}


def new_token() -> str:
    """A fresh attempt token (96 random bits)."""
    return secrets.token_urlsafe(12)


def field_name(question: Question) -> str:
    """The form field (and HTML name) of a question: ids use hyphens, Python names cannot."""
    return "q_" + question.id.replace("-", "_")


def save_field_name(question: Question) -> str:
    """The consent checkbox of a reflection question."""
    return field_name(question) + "__save"


def display_order(question: Question, token: str) -> list[Option]:
    """The options in this attempt's order: shuffled per attempt, stable across reloads and languages.

    How a type shuffles is the type's own business (see ``QuestionType.display_order``).
    """
    # A string seed is hashed with SHA-512, so every process on every server gets the same order.
    return QUESTION_TYPES[question.type].display_order(question, random.Random(f"{token}/{question.id}"))


def inline_html(localized) -> Markup:
    """A localized unit as inline HTML; an untranslated one keeps its language and says so."""
    if localized.translated:
        return localized.html
    mark = escape(gettext("not yet translated"))
    return Markup(f'<span lang="{localized.lang}" dir="{localized.dir}" class="untranslated">{localized.html}</span> <span class="untranslated-mark">{mark}</span>')


def build_form(questions, views, token: str, **kwargs) -> TextForm:
    """A WTForms form with one field per question, options in this attempt's order."""

    class QuizForm(TextForm):
        pass

    for question in questions:
        view = views[question.id]
        choices = [(option.id, inline_html(view.options[option.id].text)) for option in display_order(question, token) if view.options[option.id].text]
        question_type = QUESTION_TYPES[question.type]
        setattr(QuizForm, field_name(question), question_type.form_field(question, inline_html(view.prompt), choices))
        if question.type == "reflection":
            setattr(QuizForm, save_field_name(question), question_type.consent_field())
    return QuizForm(**kwargs)


def tampered(questions, formdata) -> bool:
    """True when the submission cannot come from our form: unknown fields or impossible values.

    A question of another quiz (or another step) shows up as an unknown field; an unknown option id, a
    second value for a single choice or an ordering that is not a permutation of its items as an
    impossible value. Missing answers are ordinary mistakes, handled by the form's validation.
    """
    allowed = set(FORM_META_FIELDS)
    for question in questions:
        allowed.add(field_name(question))
        if question.type == "reflection":
            allowed.add(save_field_name(question))
    if any(key not in allowed for key in formdata.keys()):
        return True
    for question in questions:
        values = formdata.getlist(field_name(question))
        if values and QUESTION_TYPES[question.type].tampered(question, values):
            return True
        if question.type == "reflection" and formdata.getlist(save_field_name(question)) not in ([], ["y"]):
            return True
    return False


@dataclass(frozen=True)
class GivenAnswer:
    """What the learner answered to one question, scored and ready to store."""

    question_id: str
    value: object
    score: float | None
    text: str | None


def answers_from(form, questions) -> list[GivenAnswer]:
    """Score every answered question of a validated form."""
    given = []
    for question in questions:
        question_type = QUESTION_TYPES[question.type]
        data = form[field_name(question)].data
        text = None
        if question.type == "reflection":
            keep = form[save_field_name(question)].data
            text = data.strip() if keep and data and data.strip() else None
        value = question_type.answer(data)
        given.append(GivenAnswer(question.id, value, question_type.score(question, value), text))
    return given


def find_attempt(token: str) -> QuizAttempt | None:
    """The attempt with this token, or None."""
    return db.session.scalar(select(QuizAttempt).where(QuizAttempt.token == token))


def attempt_score(attempt: QuizAttempt, quiz) -> float | None:
    """Average score over the quiz's scored questions (None if it has none)."""
    scored = [q.id for q in quiz.questions if QUESTION_TYPES[q.type].scored]
    if not scored:
        return None
    by_question = {answer.question_id: answer.score or 0.0 for answer in attempt.answers}
    return sum(by_question.get(question_id, 0.0) for question_id in scored) / len(scored)


def record_attempt(token, course, lesson, language, answers) -> QuizAttempt:
    """Store a whole attempt at once (feedback at the end). A resent or double-clicked form stores nothing new."""
    existing = find_attempt(token)
    if existing is not None:
        return existing
    attempt = QuizAttempt(token=token, course_id=course.id, lesson_id=lesson.id, language=language, completed_at=utcnow())
    attempt.answers = [QuizAnswer(question_id=a.question_id, value=a.value, score=a.score, text=a.text) for a in answers]
    attempt.score = attempt_score(attempt, lesson.quiz)
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:  # the same form arrived twice at the same moment: the other request stored it
        db.session.rollback()
        return find_attempt(token)
    return attempt


def record_answer(token, course, lesson, language, answer: GivenAnswer) -> QuizAttempt:
    """Store one answer (immediate feedback); the first answer to a question is the one that counts."""
    attempt = find_attempt(token) or _create_attempt(token, course, lesson, language)
    if attempt.completed_at is None and attempt.answer_to(answer.question_id) is None:
        db.session.add(QuizAnswer(attempt=attempt, question_id=answer.question_id, value=answer.value, score=answer.score, text=answer.text))
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
        db.session.refresh(attempt)
    if attempt.completed_at is None and all(attempt.answer_to(q.id) for q in lesson.quiz.questions):
        attempt.completed_at = utcnow()
        attempt.score = attempt_score(attempt, lesson.quiz)
        db.session.commit()
    return attempt


def _create_attempt(token, course, lesson, language) -> QuizAttempt:
    attempt = QuizAttempt(token=token, course_id=course.id, lesson_id=lesson.id, language=language)
    db.session.add(attempt)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return find_attempt(token)
    return attempt
