"""A learner's side of classroom sessions: no account, no name, their own language.

/j, /join (also /J, /Join, /JOIN; with or without a trailing slash)
                             the address on the board: the code form in the visitor's language
/j/<code>[?k=<signature>]    the link in the QR code (any case): the join page in the visitor's language;
                             the signature proves it came from the teacher's screen (no guess limit)
/<lang>/join                 type a code (wrong codes are limited per address)
/<lang>/join/<code>          choose a language (and a pseudonym when the session shows them), join
/<lang>/s/<token>            the learner's page: survey, waiting, question, reveal, end (token = the learner);
                             answers and the survey are POSTed to this same address, so a refused or
                             invalid answer leaves the learner on their page, still following the teacher
/s/<token>/state             the version learners' pages poll (ETag, 304 while nothing changed)

The learner's token is in the URL, so a reload (even without cookies) keeps the same participant; a
cookie per session code brings a closed tab back through the QR link.
"""

import secrets

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..content_access import localizer
from ..extensions import db
from ..forms import form_integer
from ..i18n import current_language, negotiate_language, offered_languages
from ..privacy import BROWSER_COOKIE, SEAT_COOKIE_PREFIX, owns, remember_own
from ..quizzes import service as quiz_service
from ..quizzes.service import result_item
from ..security import cookies_secure
from ..web import localized_blueprint, tampered_response
from . import service
from .forms import JoinCodeForm, JoinForm
from .learner_pages import init_app as keep_skeletons
from .learner_pages import render_learner_page
from .views import lesson_of, session_context, state_response, survey_of, views_in

bp = localized_blueprint("learn", __name__)
bp.record_once(keep_skeletons)
short = Blueprint("learn_short", __name__)

COOKIE_PREFIX = SEAT_COOKIE_PREFIX
COOKIE_DAYS = 7
# Every way a learner might type the address on the board. Paths are case-sensitive; phones capitalise.
SHORT_PATHS = ("j", "J", "join", "Join", "JOIN")


def join_start():
    """The address on the board, typed without a code: the code form in the visitor's language."""
    return redirect(url_for("learn.join", lang=negotiate_language()))


def short_link(code):
    """Back to the learner's own page if this browser already joined this session, else to joining."""
    code = service.normalise_code(code)
    participant = service.participant_by_token(request.cookies.get(COOKIE_PREFIX + code, ""))
    if participant is not None and participant.session.code == code:
        return redirect(url_for("learn.session_page", lang=participant.language, token=participant.token))
    return redirect(url_for("learn.join_code", lang=negotiate_language(), code=code, k=request.args.get("k") or None))


for _path in SHORT_PATHS:
    short.add_url_rule(f"/{_path}", "join_start", join_start)
    short.add_url_rule(f"/{_path}/", "join_start", join_start)
    short.add_url_rule(f"/{_path}/<code>", "short_link", short_link)
    short.add_url_rule(f"/{_path}/<code>/", "short_link", short_link)


def limited_page(form=None):
    """The page for an address that typed too many wrong codes: the same whatever code it sends now."""
    return render_template("classroom/join.html", form=form or JoinCodeForm(), limited=True), 429


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Type the code from the board. Wrong guesses are limited per client address."""
    form = JoinCodeForm()
    if form.validate_on_submit():
        if service.too_many_failures(request.remote_addr):
            return limited_page(form)
        code = service.normalise_code(form.code.data)
        if service.joinable(code) is not None:
            # The right code typed is as good as the QR code: the next steps skip the limiter too.
            return redirect(url_for(".join_code", code=code, k=service.join_signature(code)), code=303)
        service.count_failure(request.remote_addr)
        form.code.errors.append(_("No open session has this code. Check the code on the board, or ask your teacher."))
    return render_template("classroom/join.html", form=form, limited=False), 422 if form.errors else 200


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code):
    """Choose a language (each learner their own) and, where the session shows them, a pseudonym."""
    code = service.normalise_code(code)
    signed = service.signature_valid(code, request.args.get("k"))
    if not signed and service.too_many_failures(request.remote_addr):
        return limited_page()
    session = service.joinable(code)
    if session is None:
        if not signed:
            service.count_failure(request.remote_addr)
        form = JoinCodeForm(code=code)
        form.code.errors = [_("This session has ended or the code is wrong. Ask your teacher for the current code.")]
        return render_template("classroom/join.html", form=form, limited=False), 404
    if session.locked or session.joined >= current_app.config["SESSION_MAX_PARTICIPANTS"]:
        return render_template("classroom/join_session.html", form=None, session=session, closed=service.closed_reason(session)), 403
    offered = offered_languages()  # an incubating language is never a learner's choice, even on its own pages
    form = JoinForm(language=current_language().tag if current_language().offered else current_app.config["DEFAULT_LANGUAGE"])
    form.language.choices = [SelectChoice(language.tag, language.native_name, render_kw={"lang": language.tag}) for language in offered.values()]
    if request.method == "GET" and session.pseudonyms:
        form.pseudonym.data = service.pseudonym_suggestion()
    if form.validate_on_submit():
        pseudonym, error = service.clean_pseudonym(form.pseudonym.data) if session.pseudonyms else (None, None)
        if error:
            form.pseudonym.errors.append(error)
        else:
            return join_as(session, form.language.data, pseudonym)
    return render_template("classroom/join_session.html", form=form, session=session, closed=None), 422 if form.errors else 200


def join_as(session, language, pseudonym):
    """Take a seat for this browser and send it to its page, with the cookies that bring it back."""
    browser = request.cookies.get(BROWSER_COOKIE) or secrets.token_urlsafe(16)
    participant = service.join(session, language, pseudonym, service.browser_key(session, browser))
    if participant is None:  # locked, full or ended since the form was shown
        return render_template("classroom/join_session.html", form=None, session=session, closed=service.closed_reason(session)), 409
    remember_own(participant.token)
    response = redirect(url_for(".session_page", lang=participant.language, token=participant.token), code=303)
    for name, value in ((COOKIE_PREFIX + session.code, participant.token), (BROWSER_COOKIE, browser)):
        response.set_cookie(name, value, max_age=COOKIE_DAYS * 24 * 3600, samesite="Lax", secure=cookies_secure(), httponly=True)
    return response


def participant_or_404(token):
    """The learner behind ``token``."""
    participant = service.participant_by_token(token)
    if participant is None:
        abort(404)
    return participant


@bp.route("/s/<token>", methods=["GET", "POST"])
def session_page(token):
    """Whatever the learner should see now; it follows the teacher by itself. Answers and the survey are
    sent here too, so whatever the server says back, the learner's address stays their page's."""
    if request.method == "POST" and "phase" not in request.form:
        return receive_answer(token)
    participant = participant_or_404(token)
    if request.method == "POST":
        return receive_survey(participant, token)
    if participant.language != current_language().tag and current_language().offered and not participant.removed:  # switched with the language picker
        participant.language = current_language().tag
        db.session.commit()
    return render_learner_page(learner_context(participant))


def learner_context(participant, message=None) -> dict:
    """What one learner sees now, in their language, and the sentence that announces it."""
    session = participant.session
    context = session_context(session) | {"participant": participant, "message": message, "form": None, "state_etag": service.learner_etag(session.version)}
    course, quiz, views = context["course"], context["quiz"], context["views"]
    if participant.removed:
        return context | {"step": "removed", "announce": _("Your teacher took you out of this session.")}
    if session.mode == "live" and session.state == "question" and not session.revealed and not context["survey"]:
        return live_question_context(context, participant, session, quiz, views)
    answers = service.answers_of(participant)
    phase = service.pending_survey(participant, session, len(answers), len(quiz.questions)) if context["survey"] else None
    if phase:
        return context | {"step": "survey", "phase": phase, "survey": survey_view(course, context["survey"]), "chosen": {}, "announce": _("A short survey")}
    if session.mode == "self":
        remaining = [q for q in quiz.questions if q.id not in answers]
        if session.state == "ended" or not remaining:
            return context | {"step": "done", "items": results(quiz, views, answers, owns(participant.token)), "announce": _("Your results")}
        return context | {"step": "self", "questions": remaining, "form": quiz_service.build_form(remaining, views, participant.token), "announce": ""}
    if session.state == "lobby":
        return context | {"step": "waiting", "announce": _("You are in. Waiting for your teacher to start.")}
    if session.state == "ended":
        return context | {"step": "ended", "items": results(quiz, views, answers, owns(participant.token)), "announce": _("The session has ended.")}
    question = service.current_question(session, quiz)
    number = quiz.questions.index(question) + 1
    answer = answers.get(question.id)
    # i18n: announced to screen readers and shown in the tab's title when the teacher moves on.
    position = _("Question %(number)s of %(total)s", number=format_decimal(number), total=format_decimal(len(quiz.questions)))
    if session.revealed:
        item = result_item(question, views[question.id], answer, owns(participant.token))
        # i18n: announced when the teacher reveals the answer; %(question)s is "Question 3 of 8".
        announce = _("%(question)s: the answer is shown.", question=position)
        return context | {"step": "reveal", "question": question, "number": number, "item": item, "announce": announce}
    return question_or_answered(context, participant, question, number, position, answer is not None, views)


def live_question_context(context, participant, session, quiz, views) -> dict:
    """A live session's open question, before the reveal: the question, or "answered". The one step every
    learner's page shows after each move of the teacher, so it asks the database only whether this question
    is answered, not for every answer."""
    question = service.current_question(session, quiz)
    number = quiz.questions.index(question) + 1
    # i18n: announced to screen readers and shown in the tab's title when the teacher moves on.
    position = _("Question %(number)s of %(total)s", number=format_decimal(number), total=format_decimal(len(quiz.questions)))
    return question_or_answered(context, participant, question, number, position, service.has_answered(participant, question.id), views)


def question_or_answered(context, participant, question, number, position, answered, views) -> dict:
    """The open question's step: "answered", or the question with a form in this learner's option order."""
    if answered:
        return context | {"step": "answered", "question": question, "number": number, "announce": position}
    form = quiz_service.build_form([question], views, participant.token)
    return context | {"step": "question", "question": question, "number": number, "questions": [question], "form": form, "announce": position}


def results(quiz, views, answers, show_text) -> list:
    """Every question with the learner's answer, feedback and explanation."""
    return [result_item(question, views[question.id], answers.get(question.id), show_text) for question in quiz.questions]


def survey_view(course, survey) -> dict:
    """The session's survey (its statements and scale) in the learner's language."""
    localize = localizer(course)
    return {
        "labels": [localize.text(label) for label in survey.labels],
        "statements": [(statement, localize.text(statement.text)) for statement in survey.statements],
    }


def learner_page(participant, status=200, message=None, **extra):
    """The learner's page as it is now, with a message (a refusal) or the form they sent (its errors)."""
    return render_template("classroom/learner.html", **(learner_context(participant, message=message) | extra)), status


def back_to_page(token):
    """After a stored answer or survey: the learner's page, by GET (a reload resends nothing)."""
    return redirect(url_for(".session_page", token=token), code=303)


def receive_answer(token):
    """Record an answer once; refuse it after the reveal, once the teacher has moved on, or from a learner
    the teacher took out of the session.

    The hottest write (a whole class answers within seconds): one read (the learner, their session, whether
    they answered this question), one INSERT, one COMMIT, and a redirect that reads nothing back.
    """
    question_id = request.form.get("question", "")
    found = service.learner_answering(token, question_id)
    if found is None:
        abort(404)
    participant, answered = found
    session = participant.session
    g.session_country = session.country  # what help directives in the quiz show: no look-up by seat cookie
    course, lesson = lesson_of(session)
    quiz = lesson.quiz
    if session.mode == "live":
        question = quiz.question(question_id)
        if question is not None and answered:  # sent twice: the first answer stands
            return back_to_page(token)
        questions = [question] if question else []
    else:
        done = service.answered_questions(participant)
        questions = [q for q in quiz.questions if q.id not in done]
    if participant.removed:
        return learner_page(participant, 409)
    if not questions or quiz_service.tampered(questions, request.form):
        return tampered_response()
    refusal = service.answer_refusal(session, quiz, questions[0])
    if refusal:
        return learner_page(participant, 409, message=refusal)
    form = quiz_service.build_form(questions, views_in(course, lesson, current_language().tag), token)
    if not form.validate():
        return learner_page(participant, 422, form=form)
    given = quiz_service.answers_from(form, questions)
    if session.mode == "live":
        service.record_answer(participant, given[0])
    else:
        service.record_answers(participant, given, finished=True)
    return back_to_page(token)


def receive_survey(participant, token):
    """Record (or skip) the attitude survey for the phase the learner is in."""
    session = participant.session
    _course, lesson = lesson_of(session)
    survey = survey_of(session)
    phase = service.pending_survey(participant, session, len(service.answers_of(participant)), len(lesson.quiz.questions)) if survey else None
    if participant.removed or phase is None or request.form.get("phase") != phase:  # already sent, or the moment has passed
        return back_to_page(token)
    if request.form.get("skip"):
        service.record_survey(participant, phase, None)
        return back_to_page(token)
    scale = range(1, len(survey.labels) + 1)
    chosen = {}
    for statement in survey.statements:
        raw = request.form.get(f"s_{statement.id}", "")
        if raw and form_integer(raw) not in scale:
            return tampered_response()
        if raw:
            chosen[statement.id] = form_integer(raw)
    if len(chosen) < len(survey.statements):
        return learner_page(participant, 422, message=_("Please choose an answer for every statement, or skip the survey."), chosen=chosen)
    service.record_survey(participant, phase, chosen)
    return back_to_page(token)


@short.route("/s/<token>/state")
def learner_state(token):
    """The session's version: learners' pages poll this and refresh when it changes."""
    version = service.version_for_token(token)  # one indexed query: this is the hottest URL
    if version is None:
        abort(404)
    return state_response({"version": version}, service.learner_etag(version))
