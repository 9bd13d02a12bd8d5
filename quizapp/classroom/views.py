"""Helpers both sides of a session use: the lesson behind it, its questions in a language."""

from flask import abort

from ..content_access import content
from ..i18n import current_language, languages
from ..questions.myth_fact import LABELS as MYTH_FACT_LABELS


def lesson_of(session):
    """The course and lesson a session runs (404 if the course files no longer have it)."""
    course = content().course(session.course_id)
    lesson = course.lesson(session.lesson_id) if course else None
    if lesson is None:
        abort(404)
    return course, lesson


def session_context(session) -> dict:
    """What both sides' pages need: the session, its lesson and quiz, rendered in the request's language."""
    course, lesson = lesson_of(session)
    language = current_language()
    return {
        "session": session,
        "course": course,
        "lesson": lesson,
        "lesson_view": content().lesson_view(course, lesson, language),
        "quiz": lesson.quiz,
        "views": views_in(course, lesson, language.tag),
    }


def views_in(course, lesson, tag):
    """The lesson's quiz questions rendered in the shipped language ``tag``."""
    language = languages().get(tag) or next(iter(languages().values()))
    return content().quiz_view(course, lesson, language)


class ReportLabels:
    """Question, option and statement texts in the teacher's language, for the screen and the CSV."""

    def __init__(self, views, localizer):
        self.views = views
        self.localizer = localizer

    def question(self, question) -> str:
        return self.views[question.id].prompt.html.striptags()

    def option(self, question, option_id) -> str:
        view = self.views[question.id].options[option_id]
        if view.text is None:  # myth or fact
            return str(MYTH_FACT_LABELS[option_id])
        return view.text.html.striptags()

    def statement(self, statement) -> str:
        return self.localizer.text(statement.text).html.striptags()
