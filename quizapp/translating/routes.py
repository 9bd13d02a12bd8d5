"""Routes for translators and teachers.

/<lang>/translations     how complete every language is (offered and incubating), per catalog and per lesson
"""

from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import gettext as _

from ..content_access import content, localizer
from ..i18n import current_language, languages
from ..web import localized_blueprint
from .progress import TranslationProgress, progress, share

bp = localized_blueprint("translating", __name__)

# The shared contexts of courses.pot: one translation serves every lesson (see docs/TRANSLATING.md).
SHARED_UNITS = ("scale", "help")


@bp.record_once
def install(state) -> None:
    """Count translations for the page and the banner of incubating languages (see base.html)."""
    state.app.extensions["quizapp.translation_progress"] = TranslationProgress(state.app.config["TRANSLATIONS_DIR"])
    state.app.jinja_env.globals["incubating_share"] = incubating_share


def incubating_share(tag: str) -> float | None:
    """How much of an incubating language is translated (0-1), for its banner; None if it cannot be counted."""
    tally = progress().overall(tag)
    return share(tally) if tally is not None else None


@dataclass(frozen=True)
class UnitRow:
    """One row of the per-lesson table: a lesson (or a shared unit) and its tally in every language."""

    label: object  # a Localized title, or a plain string
    tallies: list  # (Language, Tally or None), in the languages' order


@bp.route("/translations")
def index():
    """Every language but the source one, how much of it is translated, and what each lesson still lacks."""
    statuses = progress().statuses()
    translated = [language for tag, language in languages().items() if tag in statuses]
    groups = [(localizer(course).text(course.title), course_rows(course, translated, statuses)) for course in content().courses()]
    shared = [UnitRow(shared_label(key), [(language, statuses[language.tag].units.get(key)) for language in translated]) for key in SHARED_UNITS]
    source = languages()[current_app.config["DEFAULT_LANGUAGE"]]
    return render_template(
        "translating/index.html",
        languages=translated,
        statuses=statuses,
        groups=groups,
        shared=shared,
        source=source,
        page_locale=current_language().locale,
        share=share,
    )


def course_rows(course, translated, statuses) -> list[UnitRow]:
    """The rows of one course: its own page, each lesson (with its notes and quiz), its survey."""
    localize = localizer(course)
    units = [(course.id, _("Course title and description"))]
    units += [(f"{course.id}/{lesson.id}", localize.text(lesson.title)) for lesson in course.lessons]
    if course.survey is not None:  # the version new sessions ask: its own context, shared by the courses naming it
        units.append((f"surveys/{course.survey.id}", _("Attitude survey")))
    rows = [UnitRow(label, [(language, statuses[language.tag].units.get(key)) for language in translated]) for key, label in units]
    return [row for row in rows if any(tally is not None for _language, tally in row.tallies)]


def shared_label(key: str) -> str:
    """What a shared context is, for the table."""
    if key == "scale":
        return _("Agreement scale (every survey and opinion question)")
    return _("Help lines (every lesson and the help page)")
