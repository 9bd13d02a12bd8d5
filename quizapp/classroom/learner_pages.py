"""A learner's page in a live session, assembled from a page rendered once per lesson, question, step and
language instead of rendered anew for each learner and each poll.

While a question is open, every learner of every session of a lesson sees the same page in their language
except for a few strings: their token (in the page's URLs), their CSRF token, the question's options in their
own order (a field the fragment cache in quizzes/fragments.py holds per order), their session's code and its
state's ETag. So the first learner's page is kept with those cut out, and the others' pages are that skeleton
with their own put back (quizapp/skeletons.py): a third of the CPU of a rendered page, and the same bytes.
A class of thirty in two languages renders two pages per question instead of thirty, and thirty classes on
the same lesson share them. Only the steps that are the same for everyone are kept (waiting, a fresh
question, answered); a reveal or the results show the learner's own answers and are always rendered, as is
any page with a message or a flashed note.

The key holds everything else such a page depends on: the lesson, the step and question, the language with
its catalogs, the course files, the support box's country, the Traditional Chinese note, and the host and
mount point the URLs are built for. A learner with a pseudonym (shown on their page) gets a rendered page.

Each question's field is also kept per option order beside the skeleton (``quizapp.learner_fields``), so that
classroom/lanes.py can serve a learner's page without Flask from the same key and the same parts.
"""

from flask import current_app, render_template, request, session
from flask_babel import get_locale

from .. import skeletons
from ..caches import SourcedLRU
from ..help.choice import request_country
from ..help.countries import country_names
from ..i18n import current_language, traditional_chinese_note
from ..page_cache import page_sources
from ..quizzes.fragments import question_field
from ..quizzes.service import option_ids

# Steps whose page is the same for every learner of a session (but for the holes).
SHARED_STEPS = frozenset({"waiting", "question", "answered"})
# Lessons × questions × steps × languages × help countries a worker keeps (about 25 KB each).
MAX_SKELETONS = 256
# Their questions' fields by option order (up to 24 orders of 4 options; a few KB each).
MAX_FIELDS = 2048


def init_app(state) -> None:
    """Called when the learners' blueprint is registered: one cache of each per app."""
    # Kept from their first use, unlike the other pages (caches.py): a question's page is asked for by a
    # whole class within seconds, by learners in up to ten languages with up to 24 orders of its options,
    # so waiting for a second use doubled Flask's renders when a question opened (1,000 learners: gunicorn
    # used 114 CPU s instead of 67 over the burst, and the page's median went from 6 to 264 ms).
    state.app.extensions["quizapp.learner_pages"] = SourcedLRU(MAX_SKELETONS)
    state.app.extensions["quizapp.learner_fields"] = SourcedLRU(MAX_FIELDS)


def render_learner_page(context: dict) -> str:
    """The learner's page for ``context`` (learner_routes.learner_context), from a skeleton when it can be."""
    cache = current_app.extensions.get("quizapp.learner_pages")
    participant, live = context["participant"], context["session"]
    # A learner's pseudonym is on their page and theirs alone (and a word like "Sun" could not be cut out of
    # "Sunday" safely): their pages are rendered.
    shared = context["step"] in SHARED_STEPS and not context.get("message") and participant.pseudonym is None
    if cache is None or not current_app.config.get("PAGE_CACHE", True) or not shared or "_flashes" in session:
        return render_template("classroom/learner.html", **context)
    values = {"code": live.code, "etag": etag_attribute(context["state_etag"]), "field": fresh_field(context)}
    sources = page_sources()
    key = request_skeleton_key(context, sources)
    if values["field"] is not None:
        current_app.extensions["quizapp.learner_fields"].put(field_key(key, context["question"], participant.token), sources, values["field"])
    return skeletons.serve(cache, key, sources, participant.token, values, lambda: render_template("classroom/learner.html", **context))


def etag_attribute(etag: str) -> str:
    """How learner.html writes the page's state ETag for live.js (the whole attribute: one of a kind)."""
    return f'data-etag="&#34;{etag}&#34;"'


def fresh_field(context: dict) -> str | None:
    """The open question's field as this learner sees it (their option order), or None on other steps: the
    fragment cache's own object (a ``Markup``, so a ``str``), which ``quizapp.learner_fields`` then holds
    too, rather than a copy of it per kept field."""
    if context["step"] != "question":
        return None
    question = context["question"]
    return question_field(context["form"], question, context["views"][question.id], context["number"], len(context["quiz"].questions))


def request_skeleton_key(context: dict, sources: tuple) -> tuple:
    """``skeleton_key`` for ``context`` (learner_routes.learner_context) and this request; ``sources`` are
    the course files and catalogs the page is made from (page_cache.page_sources)."""
    live, language = context["session"], current_language()
    countries = country_names(get_locale())
    country = live.country if live.country in countries else request_country(countries)[0]
    return skeleton_key(
        live.course_id, live.lesson_id, context["step"], context.get("question"), context.get("number"), language, sources, country, traditional_chinese_note(), request.host, request.script_root
    )


def field_key(key: tuple, question, token: str) -> tuple:
    """Where the open question's field for this learner is kept beside the skeleton ``key``: their option order."""
    return key, option_ids(question, token)


def skeleton_key(course_id, lesson_id, step, question, number, language, sources, country, traditional, host, script_root) -> tuple:
    """Everything a shared learner page depends on besides the holes (see the module doc)."""
    return (course_id, lesson_id, step, question.id if question is not None else None, number, language.tag, *(id(source) for source in sources), country, traditional, host, script_root)
