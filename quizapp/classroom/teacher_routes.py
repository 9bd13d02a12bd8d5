"""A teacher's side of classroom sessions. Every route needs a logged-in teacher, and every session
route checks that the session is theirs (another teacher's session is a 404, not a 403: its existence
is not their business).

/<lang>/teach/                                 the teacher's sessions
/<lang>/teach/sessions/new                     create a session from any lesson (?lesson=<course>/<lesson>)
/<lang>/teach/sessions/<id>/                   the console: controls, who is in the room, notes
/<lang>/teach/sessions/<id>/control            start, reveal, next, previous, end (POST)
/<lang>/teach/sessions/<id>/state              what the console polls (JSON, ETag)
/<lang>/teach/sessions/<id>/qr.svg             the join QR code
/<lang>/teach/sessions/<id>/lock               close the room to new learners, or open it (POST)
/<lang>/teach/sessions/<id>/remove             take one learner out of the session (POST)
/<lang>/teach/sessions/<id>/projector          make a new projector link; the old one stops working (POST)
/<lang>/teach/sessions/<id>/report             the report (also the print view)
/<lang>/teach/sessions/<id>/report.csv         the same numbers as CSV
/<lang>/teach/sessions/<id>/delete             delete now (POST)

The projector view (projector_routes.py) has its own secret link and needs no login.
"""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from ..content_access import content, localizer
from ..extensions import db
from ..forms import MAX_SQL_INTEGER, form_integer
from ..help.countries import country_names
from ..i18n import current_language, languages
from ..web import localized_blueprint
from . import service
from .forms import ActionForm, ControlForm, NewSessionForm
from .models import ClassSession
from .report import SURVEY_MINIMUM, build_report, report_csv
from .views import ReportLabels, lesson_of, live_view, qr_response, survey_of, teacher_state_response, views_in

bp = localized_blueprint("classroom", __name__)


@bp.before_request
@login_required
def require_teacher():
    """Every route here is for logged-in teachers only."""


def own_session_or_404(session_id: int) -> ClassSession:
    """The session, if it belongs to the current teacher."""
    session = db.session.get(ClassSession, session_id) if session_id <= MAX_SQL_INTEGER else None
    if session is None or session.teacher_id != current_user.id:
        abort(404)
    return session


@bp.route("/teach/")
def dashboard():
    """The teacher's sessions, newest first."""
    sessions = db.session.scalars(select(ClassSession).where(ClassSession.teacher_id == current_user.id).order_by(ClassSession.id.desc())).all()
    titles = {}
    for session in sessions:
        course = content().course(session.course_id)
        lesson = course.lesson(session.lesson_id) if course else None
        titles[session.id] = localizer(course).text(lesson.title) if lesson else None
    return render_template("classroom/dashboard.html", sessions=sessions, titles=titles, days=current_app.config["SESSION_RETENTION_DAYS"])


def lesson_choices():
    """Every lesson that has a quiz, grouped by course, in the teacher's language."""
    choices = []
    for course in content().courses():
        localize = localizer(course)
        course_title = localize.text(course.title).html.striptags()
        for lesson in course.lessons:
            if lesson.quiz:
                choices.append(SelectChoice(f"{course.id}/{lesson.id}", localize.text(lesson.title).html.striptags(), optgroup=course_title))
    return choices


def country_choices():
    """Every country by its name in the teacher's language (CLDR), after "none": learners then choose their own."""
    names = country_names(get_locale())
    # i18n: the first choice of "Country for help lines" on the new-session form.
    return [SelectChoice("", _("None: each learner chooses on the help page"))] + [SelectChoice(code, name) for code, name in sorted(names.items(), key=lambda item: item[1])]


@bp.route("/teach/sessions/new", methods=["GET", "POST"])
def new_session():
    """Create a session: live or self-paced, with or without the survey, anonymous or with pseudonyms."""
    form = NewSessionForm()
    form.lesson.choices = lesson_choices()
    form.country.choices = country_choices()
    if not form.lesson.data and request.args.get("lesson"):
        form.lesson.data = request.args["lesson"]
    if request.method == "GET":
        form.country.data = current_user.country or ""
    if form.validate_on_submit():
        course_id, lesson_id = form.lesson.data.split("/", 1)
        course = content().course(course_id)
        lesson = course.lesson(lesson_id)
        open_until = service.open_until_end_of(form.open_until.data) if form.mode.data == "self" else None
        session = service.create_session(current_user, course, lesson, form.mode.data, form.with_survey.data, form.names.data == "pseudonyms", open_until, form.country.data or None)
        return redirect(url_for(".live", session_id=session.id))
    return render_template("classroom/new.html", form=form), 422 if form.errors else 200


def console_context(session):
    """What the teacher's console shows, in the teacher's language: the projector's view and more."""
    context = live_view(session)
    question = context["question"]
    return context | {
        "languages_joined": [(languages().get(tag), count) for tag, count in service.languages_joined(session)],
        "room": service.room(session, question.id if question else None),
        "finished": service.finished_count(session),
        "form": ControlForm(version=session.version),
        "projector_url": url_for("projector.view", token=service.projector_token(session)),
        "capacity": current_app.config["SESSION_MAX_PARTICIPANTS"],
        "lesson_notes": content().lesson_view(context["course"], context["lesson"], current_language()).notes,
    }


def back_to_console(session):
    """The console again, scrolled to its controls (without JavaScript each step reloads the page)."""
    return redirect(url_for(".live", session_id=session.id, _anchor="controls"), code=303)


@bp.route("/teach/sessions/<int:session_id>/")
def live(session_id):
    """The teacher's console: controls with keyboard shortcuts, who is in the room, the facilitator notes."""
    session = own_session_or_404(session_id)
    return render_template("classroom/live.html", **console_context(session))


@bp.route("/teach/sessions/<int:session_id>/control", methods=["POST"])
def control(session_id):
    """Move the session on. A stale screen (double click, second tab) changes nothing."""
    session = own_session_or_404(session_id)
    form = ControlForm()
    if form.validate_on_submit():
        _course, lesson = lesson_of(session)
        count = len(lesson.quiz.questions) if lesson.quiz else 0
        version = form_integer(form.version.data)
        if version is None or not service.control(session, form.action.data, count, version):
            flash(_("The session had already moved on; this screen is now up to date."))
    return back_to_console(session)


@bp.route("/teach/sessions/<int:session_id>/state")
def state(session_id):
    """A cheap summary for the console to poll; 304 while nothing changed."""
    return teacher_state_response(own_session_or_404(session_id))


@bp.route("/teach/sessions/<int:session_id>/qr.svg")
def qr(session_id):
    """The join link as a QR code, drawn on the server (no script, works on any projector)."""
    return qr_response(own_session_or_404(session_id))


@bp.route("/teach/sessions/<int:session_id>/lock", methods=["POST"])
def lock(session_id):
    """Close the room once everyone is in (learners already in it carry on), or open it again."""
    session = own_session_or_404(session_id)
    if ActionForm().validate_on_submit():
        service.set_locked(session, request.form.get("locked") == "1")
    return back_to_console(session)


@bp.route("/teach/sessions/<int:session_id>/remove", methods=["POST"])
def remove(session_id):
    """Take one learner out: their answers go, their page tells them, the room has a free seat again."""
    session = own_session_or_404(session_id)
    participant_id = form_integer(request.form.get("participant"))
    if ActionForm().validate_on_submit() and participant_id is not None:
        if service.remove_participant(session, participant_id):
            flash(_("The learner was taken out of the session and their answers were deleted."))
    return back_to_console(session)


@bp.route("/teach/sessions/<int:session_id>/projector", methods=["POST"])
def new_projector_link(session_id):
    """A new projector link, for when the old one was left open on a shared computer."""
    session = own_session_or_404(session_id)
    if ActionForm().validate_on_submit():
        service.renew_projector_token(session)
        flash(_("The projector has a new link. The old link no longer works."))
    return back_to_console(session)


@bp.route("/teach/sessions/<int:session_id>/report")
def report(session_id):
    """Per question, distribution and percent right; per learner only with pseudonyms; the survey change."""
    session = own_session_or_404(session_id)
    course, lesson = lesson_of(session)
    data = build_report(session, lesson, survey_of(session))
    views = views_in(course, lesson, current_language().tag)
    labels = ReportLabels(views, localizer(course))
    return render_template("classroom/report.html", session=session, course=course, lesson=lesson, report=data, views=views, labels=labels, minimum=SURVEY_MINIMUM)


@bp.route("/teach/sessions/<int:session_id>/report.csv")
def report_download(session_id):
    """The report's numbers as CSV, exactly those on the screen."""
    session = own_session_or_404(session_id)
    course, lesson = lesson_of(session)
    data = build_report(session, lesson, survey_of(session))
    labels = ReportLabels(views_in(course, lesson, current_language().tag), localizer(course))
    filename = f"kizuna-{session.code}-{lesson.id}.csv"
    return Response(report_csv(data, labels), mimetype="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/teach/sessions/<int:session_id>/delete", methods=["POST"])
def delete(session_id):
    """Delete the session and every answer in it, now."""
    session = own_session_or_404(session_id)
    if ActionForm().validate_on_submit():
        service.delete_session(session)
        flash(_("The session and all its answers are deleted."))
    return redirect(url_for(".dashboard"), code=303)
