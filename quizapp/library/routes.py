"""Routes of the course library.

/<lang>/                                         the library
/<lang>/courses/<course>/                        a course and its lessons
/<lang>/courses/<course>/<lesson>/               a lesson
/<lang>/courses/<course>/<lesson>/guide          the facilitator notes for a lesson
/favicon.ico                                     the app's icon, where browsers look for it
"""

from flask import current_app, render_template

from .. import typography
from ..content_access import content, course_or_404, lesson_or_404, localizer
from ..i18n import current_language, offered_languages
from ..page_cache import cached_page
from ..privacy import lessons_done
from ..web import localized_blueprint

bp = localized_blueprint("library", __name__)
typography.register(bp)


@bp.route("/")
@cached_page
def index():
    """Every course in library order: the first is where to start; who Kizuna is for."""
    cards = [course_card(course) for course in content().courses()]
    return render_template("library/index.html", start=cards[0] if cards else None, cards=cards[1:])


def course_card(course):
    """What the library shows of one course, with this browser's progress through it."""
    localize = localizer(course)
    done = lessons_done(course.id)
    upcoming = [lesson for lesson in course.lessons if lesson.id not in done]
    return {
        "course": course,
        "title": localize.text(course.title),
        "summary": localize.text(course.summary),
        "audience": localize.text(course.audience),
        "languages": content().complete_languages(course, offered_languages().values()),
        "done": [lesson.id for lesson in course.lessons if lesson.id in done],
        "next": upcoming[0] if upcoming else None,
    }


@bp.route("/courses/<course_id>/")
@cached_page
def course(course_id):
    """A course page: what it is about and its lessons in order."""
    course = course_or_404(course_id)
    localize = localizer(course)
    lessons = [(lesson, localize.text(lesson.title)) for lesson in course.lessons]
    card = course_card(course)
    return render_template("library/course.html", card=card, course=course, lessons=lessons, done=set(card["done"]))


@bp.route("/courses/<course_id>/<lesson_id>/")
@cached_page
def lesson(course_id, lesson_id):
    """A lesson: objectives, content warning, text, sources, previous/next, where to find help."""
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, lesson_id)
    view = content().lesson_view(course, lesson, current_language())
    done = lessons_done(course.id)
    done_positions = [number for number, other in enumerate(course.lessons, 1) if other.id in done]
    return render_template("library/lesson.html", course=course, lesson=lesson, view=view, done_positions=done_positions, **neighbours(course, lesson))


@bp.route("/courses/<course_id>/<lesson_id>/guide")
@cached_page
def guide(course_id, lesson_id):
    """The facilitator notes for one lesson."""
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, lesson_id)
    view = content().lesson_view(course, lesson, current_language())
    return render_template("library/guide.html", course=course, lesson=lesson, view=view)


def neighbours(course, lesson) -> dict:
    """The previous and next lessons (or None) with their localized titles, and the lesson's position."""
    position = course.lessons.index(lesson)
    localize = localizer(course)

    def entry(index):
        if 0 <= index < len(course.lessons):
            other = course.lessons[index]
            return {"lesson": other, "title": localize.text(other.title)}
        return None

    return {
        "previous": entry(position - 1),
        "next": entry(position + 1),
        "position": position + 1,
        "course_title": localize.text(course.title),
    }


@bp.record_once
def serve_favicon(state) -> None:
    """/favicon.ico, which browsers and feed readers ask for whatever the page says (a 404 otherwise)."""
    state.app.add_url_rule("/favicon.ico", "favicon", favicon)


def favicon():
    """The icon from static/, cached like any unfingerprinted static file."""
    return current_app.send_static_file("favicon.ico")
