"""A question's form field rendered once per (question, language, attempt order) and then reused.

Rendering a question's fieldset is most of a quiz page's and a learner page's cost (Jinja, escaping, a
gettext per label), yet a fresh field (nothing typed, no error) is the same markup for every learner who gets
the same options in the same order: 4 options have 24 orders. So the markup is kept, keyed by what it is
made of, and a learner's page is assembled from it. A field holding an answer or an error is always rendered
(the learner's own text never becomes a key).
"""

from flask import current_app, g
from markupsafe import Markup

from ..caches import SourcedLRU
from ..i18n import ui_translations
from .widgets.base import field_name

# Questions × languages × orders a worker keeps; each a few hundred bytes to a few KB.
MAX_FRAGMENTS = 4096
# flask.g: the fields this request has made or found already.
MADE_FIELDS = "quizapp_made_fields"


def init_app(app) -> None:
    app.extensions["quizapp.fragments"] = SourcedLRU(MAX_FRAGMENTS, app.config["PAGE_CACHE_MIN_USES"])
    app.add_template_global(question_field, "question_field")


def question_field(form, question, view, number, total=None) -> Markup:
    """The question's fieldset (the ``question_field`` macro of quizzes/_fields.html), from the cache when
    the field is fresh."""
    field = form[field_name(question)]
    render = current_app.jinja_env.get_template("quizzes/_fields.html").module.question_field
    cache = current_app.extensions.get("quizapp.fragments")
    if cache is None or not current_app.config.get("PAGE_CACHE", True) or not is_fresh(field):
        return render(form, question, view, number, total)
    # By what the view was rendered from, not by the view object: the repository drops and remakes views
    # (it keeps a few), and a remade view must find the fields made from its predecessor.
    sources = (question, view.catalog, ui_translations())
    key = (id(question), view.stamp, id(sources[2]), field_state(field), number, total)
    # A page that keeps its fields asks for each twice (to keep it, then in its template): one use.
    made = g.setdefault(MADE_FIELDS, {})
    html = made.get(key) or cache.get(key, sources)
    if html is None:
        html = Markup(render(form, question, view, number, total))
        cache.put(key, sources, html)
    made[key] = html
    return html


def is_fresh(field) -> bool:
    """Nothing chosen or typed and no error: the field as every learner first sees it."""
    if field.errors:
        return False
    items = getattr(field, "items", None)
    if items is not None and field.data == [item_id for item_id, _label in items]:
        return True  # an ordering field starts in the attempt's own order
    return not field.data


def field_state(field) -> tuple:
    """What the markup of a fresh field depends on besides its question and language: its ids and names,
    and this attempt's order of options (or items)."""
    choices = getattr(field, "choices", None) or ()
    items = getattr(field, "items", None) or ()
    return (
        type(field).__name__,
        field.id,
        field.name,
        bool(field.flags.required),
        tuple(choice_value(choice) for choice in choices),
        tuple(item[0] for item in items),
    )


def choice_value(choice):
    """A choice's value: WTForms takes (value, label) pairs and its own SelectChoice objects."""
    return choice.value if hasattr(choice, "value") else choice[0]
