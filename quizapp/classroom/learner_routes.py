"""A learner's side of classroom sessions: no account, no name, their own language.

/j/<code>                    the short link in the QR code: the join page in the visitor's language
/<lang>/join                 type a code
/<lang>/join/<code>          choose a language (and a pseudonym when the session shows them), join
/<lang>/s/<token>            the learner's page: survey, waiting, question, reveal, end (token = the learner)
/<lang>/s/<token>/answer     send an answer (POST; recorded once)
/<lang>/s/<token>/survey     send or skip the attitude survey (POST)
/s/<token>/state             the version learners' pages poll (ETag, 304 while nothing changed)

The learner's token is in the URL, so a reload (even without cookies) keeps the same participant; a
cookie per session code brings a closed tab back through the QR link.
"""

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from ..content_access import localizer
from ..extensions import db
from ..i18n import current_language, languages, negotiate_language
from ..quizzes import service as quiz_service
from ..quizzes.routes import result_item
from ..teachers.models import utcnow
from ..web import localized_blueprint
from . import service
from .forms import JoinCodeForm, JoinForm
from .views import lesson_of, session_context, views_in

bp = localized_blueprint("learn", __name__)
short = Blueprint("learn_short", __name__)

COOKIE_PREFIX = "kz_p_"


@short.route("/j/<code>")
def short_link(code):
    """Back to the learner's own page if this browser already joined this session, else to joining."""
    code = service.normalise_code(code)
    participant = service.participant_by_token(request.cookies.get(COOKIE_PREFIX + code, ""))
    if participant is not None and participant.session.code == code:
        return redirect(url_for("learn.session_page", lang=participant.language, token=participant.token))
    return redirect(url_for("learn.join_code", lang=negotiate_language(), code=code))


@bp.route("/join", methods=["GET", "POST"])
def join():
    """Type the code from the board. Wrong guesses are limited per client."""
    form = JoinCodeForm()
    if form.validate_on_submit():
        if service.too_many_failures(request.remote_addr):
            return render_template("classroom/join.html", form=form, limited=True), 429
        code = service.normalise_code(form.code.data)
        if service.joinable(code) is not None:
            return redirect(url_for(".join_code", code=code), code=303)
        service.count_failure(request.remote_addr)
        form.code.errors.append(_("No open session has this code. Check the code on the board, or ask your teacher."))
    return render_template("classroom/join.html", form=form, limited=False), 422 if form.errors else 200


@bp.route("/join/<code>", methods=["GET", "POST"])
def join_code(code):
    """Choose a language (each learner their own) and, where the session shows them, a pseudonym."""
    code = service.normalise_code(code)
    if service.too_many_failures(request.remote_addr):
        return render_template("classroom/join.html", form=JoinCodeForm(), limited=True), 429
    session = service.joinable(code)
    if session is None:
        service.count_failure(request.remote_addr)
        form = JoinCodeForm(code=code)
        form.code.errors = [_("This session has ended or the code is wrong. Ask your teacher for the current code.")]
        return render_template("classroom/join.html", form=form, limited=False), 404
    form = JoinForm(language=current_language().tag)
    form.language.choices = [SelectChoice(language.tag, language.native_name, render_kw={"lang": language.tag}) for language in languages().values()]
    if request.method == "GET" and session.pseudonyms:
        form.pseudonym.data = service.pseudonym_suggestion()
    if form.validate_on_submit():
        pseudonym, error = service.clean_pseudonym(form.pseudonym.data) if session.pseudonyms else (None, None)
        if error:
            form.pseudonym.errors.append(error)
        else:
            participant = service.join(session, form.language.data, pseudonym)
            response = redirect(url_for(".session_page", lang=participant.language, token=participant.token), code=303)
            response.set_cookie(COOKIE_PREFIX + session.code, participant.token, max_age=7 * 24 * 3600, samesite="Lax", secure=request.is_secure, httponly=True)
            return response
    return render_template("classroom/join_session.html", form=form, session=session), 422 if form.errors else 200


def participant_or_404(token):
    """The learner behind ``token``."""
    participant = service.participant_by_token(token)
    if participant is None:
        abort(404)
    return participant


@bp.route("/s/<token>")
def session_page(token):
    """Whatever the learner should see now; it refreshes itself when the teacher moves on."""
    participant = participant_or_404(token)
    if participant.language != current_language().tag:  # switched with the language picker
        participant.language = current_language().tag
        db.session.commit()
    return render_template("classroom/learner.html", **learner_context(participant))


def learner_context(participant, message=None) -> dict:
    """What one learner sees now, in their language."""
    session = participant.session
    context = session_context(session) | {"participant": participant, "message": message, "form": None, "state_etag": service.learner_etag(session)}
    course, quiz, views = context["course"], context["quiz"], context["views"]
    answers = service.answers_of(participant)
    phase = service.pending_survey(participant, session, len(answers), len(quiz.questions))
    if phase:
        return context | {"step": "survey", "phase": phase, "survey": survey_view(course), "chosen": {}}
    if session.mode == "self":
        remaining = [q for q in quiz.questions if q.id not in answers]
        if session.state == "ended" or not remaining:
            return context | {"step": "done", "items": results(quiz, views, answers)}
        return context | {"step": "self", "questions": remaining, "form": quiz_service.build_form(remaining, views, participant.token)}
    if session.state == "lobby":
        return context | {"step": "waiting"}
    if session.state == "ended":
        return context | {"step": "ended", "items": results(quiz, views, answers)}
    question = service.current_question(session, quiz)
    number = quiz.questions.index(question) + 1
    answer = answers.get(question.id)
    if session.revealed:
        return context | {"step": "reveal", "question": question, "number": number, "item": result_item(question, views[question.id], answer)}
    if answer is not None:
        return context | {"step": "answered", "question": question, "number": number}
    form = quiz_service.build_form([question], views, participant.token)
    return context | {"step": "question", "question": question, "number": number, "questions": [question], "form": form}


def results(quiz, views, answers) -> list:
    """Every question with the learner's answer, feedback and explanation."""
    return [result_item(question, views[question.id], answers.get(question.id)) for question in quiz.questions]


def survey_view(course) -> dict:
    """The survey's statements and scale in the learner's language."""
    localize = localizer(course)
    return {
        "labels": [localize.text(label) for label in course.survey.labels],
        "statements": [(statement, localize.text(statement.text)) for statement in course.survey.statements],
    }


def tampered_response():
    """A submission our pages could not have produced: nothing is stored."""
    message = _("Some answers did not match this quiz, so nothing was saved. Please reload the page and try again.")
    return render_template("error.html", title=_("Please try again"), message=message), 400


@bp.route("/s/<token>/answer", methods=["POST"])
def answer(token):
    """Record an answer once; refuse it after the reveal or once the teacher has moved on."""
    participant = participant_or_404(token)
    session = participant.session
    course, lesson = lesson_of(session)
    quiz = lesson.quiz
    answered = service.answers_of(participant)
    if session.mode == "live":
        question = quiz.question(request.form.get("question", ""))
        if question is not None and question.id in answered:  # sent twice: the first answer stands
            return redirect(url_for(".session_page", token=token), code=303)
        questions = [question] if question else []
    else:
        questions = [q for q in quiz.questions if q.id not in answered]
    if not questions or quiz_service.tampered(questions, request.form):
        return tampered_response()
    refusal = service.answer_refusal(session, quiz, questions[0])
    if refusal:
        return render_template("classroom/learner.html", **learner_context(participant, message=refusal)), 409
    form = quiz_service.build_form(questions, views_in(course, lesson, current_language().tag), participant.token)
    if not form.validate():
        context = learner_context(participant) | {"form": form}
        return render_template("classroom/learner.html", **context), 422
    for given in quiz_service.answers_from(form, questions):
        service.record_answer(participant, given)
    if session.mode == "self":
        participant.finished_at = utcnow()
        db.session.commit()
    return redirect(url_for(".session_page", token=token), code=303)


@bp.route("/s/<token>/survey", methods=["POST"])
def survey(token):
    """Record (or skip) the attitude survey for the phase the learner is in."""
    participant = participant_or_404(token)
    session = participant.session
    course, lesson = lesson_of(session)
    phase = service.pending_survey(participant, session, len(service.answers_of(participant)), len(lesson.quiz.questions))
    if phase is None or request.form.get("phase") != phase:  # already sent, or the moment has passed
        return redirect(url_for(".session_page", token=token), code=303)
    if request.form.get("skip"):
        service.record_survey(participant, phase, None)
        return redirect(url_for(".session_page", token=token), code=303)
    scale = range(1, len(course.survey.labels) + 1)
    chosen = {}
    for statement in course.survey.statements:
        raw = request.form.get(f"s_{statement.id}", "")
        if raw and (not raw.isdigit() or int(raw) not in scale):
            return tampered_response()
        if raw:
            chosen[statement.id] = int(raw)
    if len(chosen) < len(course.survey.statements):
        context = learner_context(participant, message=_("Please choose an answer for every statement, or skip the survey.")) | {"chosen": chosen}
        return render_template("classroom/learner.html", **context), 422
    service.record_survey(participant, phase, chosen)
    return redirect(url_for(".session_page", token=token), code=303)


@short.route("/s/<token>/state")
def learner_state(token):
    """The session's version: learners' pages poll this and refresh when it changes."""
    version = service.version_for_token(token)  # one indexed query: this is the hottest URL
    if version is None:
        abort(404)
    etag = f"v{version}"
    if request.if_none_match.contains(etag):
        return Response(status=304, headers={"ETag": f'"{etag}"', "Cache-Control": "no-cache"})
    response = jsonify({"version": version})
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"
    return response
