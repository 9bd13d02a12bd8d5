"""Helpers both sides of a session use: the lesson behind it, its questions in a language, what the
console and the projector view both show, and the responses that polling pages fetch."""

import io

import segno
from flask import Response, abort, g, jsonify, request
from flask_babel import lazy_gettext as _l

from ..content_access import content
from ..i18n import current_language, languages
from ..quizzes.widgets import widget_for
from . import service
from .address import join_address
from .report import question_row


def lesson_of(session):
    """The course and lesson a session runs (404 if the course files no longer have it)."""
    course = content().course(session.course_id)
    lesson = course.lesson(session.lesson_id) if course else None
    if lesson is None:
        abort(404)
    return course, lesson


def survey_of(session):
    """The survey version the session was created with (not the course's current one), or None: a session
    without the survey, or whose survey file is gone (then nothing is asked and the report says so)."""
    if not session.with_survey or session.survey_id is None:
        return None
    return content().library.surveys.get(session.survey_id)


def session_context(session) -> dict:
    """What both sides' pages need: the session, its lesson and quiz, rendered in the request's language."""
    course, lesson = lesson_of(session)
    language = current_language()
    g.session_country = session.country  # help directives and the support box show this country's lines
    return {
        "session": session,
        "course": course,
        "lesson": lesson,
        # The title alone: the learner's page and the projector show no more of the lesson (the console
        # adds the notes), and a whole view is rendered anew once a worker's few kept views are taken.
        "lesson_title": content().lesson_title(course, lesson, language),
        "quiz": lesson.quiz,
        "views": views_in(course, lesson, language.tag),
        "survey": survey_of(session),
    }


def live_view(session) -> dict:
    """What the console and the projector view both show: the question, its answers, how to join."""
    context = session_context(session)
    question = service.current_question(session, context["quiz"])
    state = service.teacher_state(session, context["quiz"])
    address = join_address()
    return context | {
        "question": question,
        # Only the question on screen: the live screens reload on every answer, the full report is not needed.
        "row": question_row(question, service.answers_to(session, question.id)) if question else None,
        "joined": state["joined"],
        "address": address,
        "join_url": join_url(session, address),
        "state_etag": service.teacher_etag(state),
    }


def join_url(session, address=None) -> str:
    """The link in the QR code: the reachable address, the code, and the signature that skips the guess limit."""
    address = address or join_address()
    return f"{address.base}/j/{session.code}?k={service.join_signature(session.code)}"


def qr_response(session) -> Response:
    """The join link as a QR code, drawn on the server (no script, works on any projector)."""
    buffer = io.BytesIO()
    # A standalone SVG document (with its namespace): svg_inline() output is only valid inside HTML.
    segno.make(join_url(session), error="m").save(buffer, kind="svg", scale=8, dark="#000", light="#fff", border=4, xmldecl=False)
    # The address depends on the Host the page was opened with: never reuse it for another.
    return Response(buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-cache", "Vary": "Host"})


def views_in(course, lesson, tag):
    """The lesson's quiz questions rendered in the shipped language ``tag``."""
    language = languages().get(tag) or next(iter(languages().values()))
    return content().quiz_view(course, lesson, language)


# The names of a survey's scores on the report and in its CSV.
SCORE_NAMES = {
    # i18n: a survey score on the session report: what learners know about mental health
    "knowledge": _l("Knowledge"),
    # i18n: a survey score on the session report: how learners feel about people living with a mental-health condition
    "attitude": _l("Attitudes"),
    # i18n: a survey score on the session report: what learners say they would be willing to do (share a home, work alongside…)
    "behaviour": _l("Intended behaviour"),
}


class ReportLabels:
    """Question, option and statement texts in the teacher's language, for the screen and the CSV."""

    def __init__(self, views, localizer):
        self.views = views
        self.localizer = localizer

    def question(self, question) -> str:
        return self.views[question.id].prompt.html.striptags()

    def option(self, question, option_id) -> str:
        view = self.views[question.id].options[option_id]
        if view.text is None:  # an option with a fixed label (myth or fact)
            return str(widget_for(question).fixed_label(option_id))
        return view.text.html.striptags()

    def statement(self, statement) -> str:
        return self.localizer.text(statement.text).html.striptags()

    def score(self, score: str) -> str:
        return str(SCORE_NAMES[score])

    def adapted_from(self, survey) -> str:
        """What the survey's statements are adapted from, "… not a validated instrument", as plain text."""
        return self.localizer.text(survey.adapted_from).html.striptags()


def teacher_state_response(session) -> Response:
    """The state the console and the projector view both poll (one state, so both screens move together)."""
    _course, lesson = lesson_of(session)
    data = service.teacher_state(session, lesson.quiz)
    return state_response(data, service.teacher_etag(data))


def state_response(data: dict, etag: str) -> Response:
    """What a polling page fetches: ``data`` as JSON with its ETag, or a bodiless 304 while it is unchanged."""
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"})
    response = jsonify(data)
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response
