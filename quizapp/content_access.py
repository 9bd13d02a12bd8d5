"""Small accessors views use to reach the course library."""

from flask import abort, current_app

from .content.repository import ContentRepository
from .i18n import current_language


def content() -> ContentRepository:
    """The app's content repository."""
    return current_app.extensions["quizapp.content"]


def localizer(course=None):
    """A localizer into the request's language, from ``course``'s source language."""
    return content().localizer(current_language(), course.source_language if course else "en")


def course_or_404(course_id: str):
    """The course, or a 404."""
    course = content().course(course_id)
    if course is None:
        abort(404)
    return course


def lesson_or_404(course, lesson_id: str):
    """The lesson of ``course``, or a 404."""
    lesson = course.lesson(lesson_id)
    if lesson is None:
        abort(404)
    return lesson
