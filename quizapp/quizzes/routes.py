"""Routes of quizzes.

/<lang>/courses/<course>/<lesson>/quiz                    start: a new attempt token
/<lang>/courses/<course>/<lesson>/quiz/<token>            the form (all questions, or the next one)
/<lang>/courses/<course>/<lesson>/quiz/<token>/results    score, answers, feedback, explanations
"""

from flask import abort, current_app, redirect, render_template, request, session, url_for

from .. import skeletons
from ..caches import SourcedLRU
from ..content_access import content, course_or_404, lesson_or_404
from ..i18n import current_language
from ..page_cache import page_key, page_sources
from ..privacy import owns, remember_lesson_done, remember_own
from ..web import TOKEN_PATTERN, localized_blueprint, tampered_response
from . import service
from .fragments import question_field
from .widgets import field_name, widget_for

bp = localized_blueprint("quizzes", __name__)


def load(course_id, lesson_id, token=None):
    """The course, lesson and quiz of the URL (404 if any is missing or the token is malformed)."""
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, lesson_id)
    if lesson.quiz is None or (token is not None and not TOKEN_PATTERN.match(token)):
        abort(404)
    return course, lesson, lesson.quiz


def attempt_for(token, course, lesson):
    """The attempt with this token, or None; 404 if the token belongs to another lesson's quiz."""
    attempt = service.find_attempt(token)
    if attempt is not None and (attempt.course_id, attempt.lesson_id) != (course.id, lesson.id):
        abort(404)
    return attempt


def attempt_state_for(token, course, lesson):
    """``service.attempt_state`` of this token, or None; 404 if the token belongs to another lesson's quiz."""
    state = service.attempt_state(token)
    if state is not None and (state.course_id, state.lesson_id) != (course.id, lesson.id):
        abort(404)
    return state


@bp.route("/courses/<course_id>/<lesson_id>/quiz")
def start(course_id, lesson_id):
    """Begin a new attempt: its token in the URL keeps the option order stable across reloads."""
    load(course_id, lesson_id)
    return redirect(url_for(".take", course_id=course_id, lesson_id=lesson_id, token=service.new_token()))


@bp.route("/courses/<course_id>/<lesson_id>/quiz/<token>", methods=["GET", "POST"])
def take(course_id, lesson_id, token):
    """Show the quiz, or record what was sent; a finished attempt goes to its results."""
    course, lesson, quiz = load(course_id, lesson_id, token)
    if quiz.feedback != "immediate" and request.method == "POST":
        # A whole quiz sent: stored at once unless its token has an attempt (record_attempt finds out in its
        # INSERT), so the attempt is only read when the submission is not stored.
        stored = submit_all_at_once(course, lesson, quiz, token, quiz_views(course, lesson))
        if stored is not None:
            return stored
    if quiz.feedback == "immediate":
        attempt = attempt_for(token, course, lesson)  # its answers are needed too
        if attempt is not None and attempt.completed_at is not None and not request.args.get("feedback"):
            return redirect(url_for(".results", course_id=course.id, lesson_id=lesson.id, token=token))
        return take_one_at_a_time(course, lesson, quiz, token, attempt, quiz_views(course, lesson))
    # Feedback at the end: whether the token has a finished attempt is all the page needs to know.
    state = attempt_state_for(token, course, lesson)
    if state is not None and state.completed_at is not None:
        return redirect(url_for(".results", course_id=course.id, lesson_id=lesson.id, token=token))
    if request.method == "GET":
        kept = kept_attempt_page(course, lesson, quiz, token)  # needs no localized views: they are in it
        if kept is not None:
            return kept
    return take_all_at_once(course, lesson, quiz, token, quiz_views(course, lesson))


def quiz_views(course, lesson):
    """The quiz's questions localized for this request (the repository keeps them)."""
    return content().quiz_view(course, lesson, current_language())


def submit_all_at_once(course, lesson, quiz, token, views):
    """The redirect to the results once a valid, new whole-quiz submission is stored; None otherwise (a
    completed attempt, a tampered or incomplete form: the caller answers as for any such request)."""
    if service.tampered(quiz.questions, request.form):
        return None
    form = service.build_form(quiz.questions, views, token)
    if not form.validate() or not service.record_attempt(token, course, lesson, current_language().tag, service.answers_from(form, quiz.questions)):
        return None
    remember_own(token)
    return redirect(url_for(".results", course_id=course.id, lesson_id=lesson.id, token=token), code=303)


def take_all_at_once(course, lesson, quiz, token, views):
    """Feedback at the end: every question on one page, one submission."""
    form = service.build_form(quiz.questions, views, token)
    if request.method == "POST":
        if service.tampered(quiz.questions, request.form):
            return tampered_response()
        if form.validate():  # valid, yet not stored by submit_all_at_once: this token's attempt exists
            remember_own(token)
            return redirect(url_for(".results", course_id=course.id, lesson_id=lesson.id, token=token), code=303)
    context = {"course": course, "lesson": lesson, "quiz": quiz, "form": form, "views": views, "questions": quiz.questions, "position": None}
    if form.errors or request.method != "GET":
        return render_template("quizzes/quiz.html", **context), 422 if form.errors else 200
    return new_attempt_page(context, token)


# New attempts' pages a worker keeps as skeletons: quizzes × languages × help countries × progress states.
MAX_QUIZ_SKELETONS = 256
# Beside them, each question's fresh field by option order (up to 24 orders of 4 options; a few KB each).
MAX_QUIZ_FIELDS = 4096


@bp.record_once
def keep_skeletons(state) -> None:
    """One cache of each per app: quiz skeletons, their fields by order, and the form classes every quiz
    and classroom form is built from (service.form_class)."""
    min_uses = state.app.config["PAGE_CACHE_MIN_USES"]
    state.app.extensions["quizapp.quiz_pages"] = SourcedLRU(MAX_QUIZ_SKELETONS, min_uses)
    state.app.extensions["quizapp.quiz_fields"] = SourcedLRU(MAX_QUIZ_FIELDS)  # kept with their page: new_attempt_page
    state.app.extensions["quizapp.form_classes"] = SourcedLRU(service.FORM_CLASSES_MAX, min_uses)


def keeps_pages() -> bool:
    """Whether new attempts' pages are made from kept parts: not without the caches, and not when a message
    is waiting to be shown to this visitor alone."""
    return "quizapp.quiz_pages" in current_app.extensions and current_app.config.get("PAGE_CACHE", True) and "_flashes" not in session


def skeleton_key(course, lesson) -> tuple:
    """Where the lesson's new-attempt page is kept: its page key with the token left out."""
    return page_key(url_for(".take", course_id=course.id, lesson_id=lesson.id, token="-"))


def field_key(key: tuple, number: int, question, token: str) -> tuple:
    """Where question ``number``'s fresh field for this attempt is kept beside the skeleton ``key``: its
    option order, which is all that differs from one attempt's field to another's."""
    return key, number, service.option_ids(question, token)


def kept_attempt_page(course, lesson, quiz, token) -> str | None:
    """A new attempt's page from the kept skeleton and fields alone, without binding a form (most of the
    page's cost); None when a part is not kept yet (new_attempt_page then renders and keeps it)."""
    if not keeps_pages():
        return None
    sources = page_sources()  # first: with watch on, this re-reads changed course files
    key = skeleton_key(course, lesson)
    kept_fields = current_app.extensions["quizapp.quiz_fields"]
    fields = {}
    for number, question in enumerate(quiz.questions, 1):
        field = kept_fields.get(field_key(key, number, question, token), sources)
        if field is None:
            return None
        fields[f"field{number}"] = field
    return skeletons.fill_kept(current_app.extensions["quizapp.quiz_pages"], key, sources, token, fields)


def new_attempt_page(context: dict, token: str) -> str:
    """A new attempt's whole-quiz page: the lesson's quiz page in this language with this attempt's token,
    CSRF token and option orders put in (quizapp/skeletons.py), or rendered when no skeleton is kept yet.
    Its fields are kept by option order, for kept_attempt_page."""
    if not keeps_pages():
        return render_template("quizzes/quiz.html", **context)
    form, views, questions = context["form"], context["views"], context["questions"]
    sources = page_sources()
    key = skeleton_key(context["course"], context["lesson"])
    fields = {f"field{number}": question_field(form, question, views[question.id], number, len(questions)) for number, question in enumerate(questions, 1)}
    kept_pages = current_app.extensions["quizapp.quiz_pages"]
    html = skeletons.serve(kept_pages, key, sources, token, fields, lambda: render_template("quizzes/quiz.html", **context))
    # Fields by order are kept once their page is (from its second use, caches.py): a page asked for once
    # keeps nothing, and each order of a kept page is kept from its first use (a quiz has many orders).
    if key in kept_pages:
        kept_fields = current_app.extensions["quizapp.quiz_fields"]
        for number, question in enumerate(questions, 1):
            kept_fields.put(field_key(key, number, question, token), sources, fields[f"field{number}"])  # the fragment cache's own object
    return html


def take_one_at_a_time(course, lesson, quiz, token, attempt, views):
    """Immediate feedback: one question, then its feedback, then the next."""
    answered = {answer.question_id for answer in attempt.answers} if attempt else set()
    shown = request.args.get("feedback")
    if request.method == "GET" and shown in answered:
        return render_feedback(course, lesson, quiz, token, attempt, views, quiz.question(shown))
    remaining = [question for question in quiz.questions if question.id not in answered]
    if request.method == "POST":
        posted = request.form.get("question")
        if posted in answered:  # sent twice (double click, back button): the first answer stands
            return redirect(url_for(".take", course_id=course.id, lesson_id=lesson.id, token=token, feedback=posted), code=303)
        if not remaining or posted != remaining[0].id:
            return tampered_response()
    if not remaining:
        return redirect(url_for(".results", course_id=course.id, lesson_id=lesson.id, token=token))
    question = remaining[0]
    form = service.build_form([question], views, token)
    if request.method == "POST":
        if service.tampered([question], request.form):
            return tampered_response()
        if form.validate():
            given = service.answers_from(form, [question])[0]
            service.record_answer(token, course, lesson, current_language().tag, given)
            remember_own(token)
            return redirect(url_for(".take", course_id=course.id, lesson_id=lesson.id, token=token, feedback=question.id), code=303)
    position = quiz.questions.index(question) + 1
    status = 422 if form.errors else 200
    return render_template("quizzes/quiz.html", course=course, lesson=lesson, quiz=quiz, form=form, views=views, questions=[question], position=position), status


def render_feedback(course, lesson, quiz, token, attempt, views, question):
    """The feedback on one answer, with the way on."""
    item = service.result_item(question, views[question.id], attempt.answer_to(question.id), show_text=owns(token))
    position = quiz.questions.index(question) + 1
    finished = attempt.completed_at is not None
    if finished and owns(token):
        remember_lesson_done(course.id, lesson.id)
    return render_template("quizzes/feedback.html", course=course, lesson=lesson, quiz=quiz, item=item, position=position, finished=finished, token=token)


@bp.route("/courses/<course_id>/<lesson_id>/quiz/<token>/results")
def results(course_id, lesson_id, token):
    """The score, each answer with its feedback, the right answer and the explanation."""
    course, lesson, quiz = load(course_id, lesson_id, token)
    attempt = attempt_for(token, course, lesson)
    if attempt is None or attempt.completed_at is None:
        return redirect(url_for(".take", course_id=course.id, lesson_id=lesson.id, token=token))
    views = content().quiz_view(course, lesson, current_language())
    items = [service.result_item(question, views[question.id], attempt.answer_to(question.id), show_text=owns(token)) for question in quiz.questions]
    scored = [item for item in items if item["scored"]]
    if owns(token):
        remember_lesson_done(course.id, lesson.id)
    return render_template("quizzes/results.html", course=course, lesson=lesson, attempt=attempt, items=items, scored=scored)


# Globals, not a context processor: the partials are also used from macros imported without context.
bp.add_app_template_global(field_name, "question_field_name")
bp.add_app_template_global(widget_for, "question_widget")


@bp.app_context_processor
def quiz_helpers():
    """Helpers the quiz templates use."""
    return {
        "lesson_view_of": lambda course, lesson: content().lesson_view(course, lesson, current_language()),
    }
