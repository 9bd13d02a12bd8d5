"""Localized typography for templates: lists joined the way each language joins them (CLDR's list patterns,
through Babel), and text of either direction kept in its own bidi isolate.

A list joined with ", " in a template reads "5レッスン, 74分" in Japanese and "5 دروس, 74 دقيقة" in Arabic; a
translated ", " still cannot say "and" before the last item, and a Japanese "、" between answers that
themselves contain "、" makes one list of two answers look like four. CLDR knows each language's pattern:
"A, B, and C", "A、B、C", "A وB وC". Long or nested items belong in a real list (<ul>), not in a sentence.

Registered as Jinja filters by the library blueprint (quizapp/library/routes.py):
``{{ items|format_list }}``, ``{{ items|format_list("or") }}``, ``{{ name|bdi }}``.
"""

import re

from babel.lists import format_list as cldr_format_list
from markupsafe import Markup, escape

# Stands for the n-th item while CLDR's pattern is applied, so that items are escaped once and kept whole.
_SLOT = "\x00{}\x00"
_SLOTS = re.compile("\x00(\\d+)\x00")


def format_list(items, style: str = "standard", locale=None) -> Markup:
    """``items`` (text, escaped here, or Markup, kept) joined by the locale's CLDR list pattern: "and"-lists
    by default, ``style="or"`` for alternatives. ``locale`` defaults to the request's (Flask-Babel)."""
    items = [escape(item) for item in items]
    if not items:
        return Markup("")
    if locale is None:
        from flask_babel import get_locale

        locale = get_locale()
    joined = cldr_format_list([_SLOT.format(index) for index in range(len(items))], style=style, locale=locale)
    parts = _SLOTS.split(joined)
    # split() alternates: pattern text, slot number, pattern text, …
    return Markup("").join(items[int(part)] if odd else escape(part) for odd, part in zip_alternating(parts))


def zip_alternating(parts):
    """(False, text), (True, slot), (False, text)… for the pieces of a split on a pattern with one group."""
    return ((index % 2 == 1, part) for index, part in enumerate(parts))


def bdi(value, lang: str | None = None) -> Markup:
    """``value`` in a bidi isolate: a pseudonym, a name or a number that may run the other way than the text
    around it ("سارة" in an English sentence, "English" beside a count on an Arabic page) neither reorders
    its neighbours nor is reordered by them. ``lang`` marks the isolate's language when it is known."""
    attributes = Markup(' lang="{}"').format(lang) if lang else Markup("")
    return Markup("<bdi{}>{}</bdi>").format(attributes, value)


def register(blueprint) -> None:
    """Make the helpers Jinja filters for every template of the app."""
    blueprint.add_app_template_filter(format_list, "format_list")
    blueprint.add_app_template_filter(bdi, "bdi")
