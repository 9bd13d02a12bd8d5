"""Routes of the course library.

/<lang>/                                         the library
/<lang>/courses/<course>/                        a course and its lessons
/<lang>/courses/<course>/<lesson>/               a lesson
/<lang>/courses/<course>/<lesson>/guide          the facilitator notes for a lesson
"""

from flask import render_template

from ..content_access import content, course_or_404, lesson_or_404, localizer
from ..i18n import current_language, languages
from ..web import localized_blueprint

bp = localized_blueprint("library", __name__)


@bp.route("/")
def index():
    """Every course with its summary, audience, size and complete languages."""
    courses = content().courses()
    cards = [course_card(course) for course in courses]
    return render_template("library/index.html", cards=cards)


def course_card(course):
    """What the library shows of one course."""
    localize = localizer(course)
    return {
        "course": course,
        "title": localize.text(course.title),
        "summary": localize.text(course.summary),
        "audience": localize.text(course.audience),
        "languages": content().complete_languages(course, languages().values()),
    }


@bp.route("/courses/<course_id>/")
def course(course_id):
    """A course page: what it is about and its lessons in order."""
    course = course_or_404(course_id)
    localize = localizer(course)
    lessons = [(lesson, localize.text(lesson.title)) for lesson in course.lessons]
    return render_template("library/course.html", card=course_card(course), course=course, lessons=lessons)


@bp.route("/courses/<course_id>/<lesson_id>/")
def lesson(course_id, lesson_id):
    """A lesson: objectives, content warning, text, sources, previous/next, where to find help."""
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, lesson_id)
    view = content().lesson_view(course, lesson, current_language())
    return render_template("library/lesson.html", course=course, lesson=lesson, view=view, **neighbours(course, lesson))


@bp.route("/courses/<course_id>/<lesson_id>/guide")
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
