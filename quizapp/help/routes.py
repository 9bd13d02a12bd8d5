"""/<lang>/help — help lines for the visitor's country, and the worldwide directory everywhere.

The country is the one chosen here (remembered in a cookie), else the classroom session's, else the region in
the browser's Accept-Language, else none yet: the page then offers a chooser and the worldwide directory.
"""

from flask import g, make_response, render_template, request
from flask_babel import get_locale

from ..content_access import content, localizer
from ..page_cache import cached_page
from ..web import localized_blueprint
from .choice import CHOSEN, COUNTRY_COOKIE, remember_country, request_country
from .countries import country_names
from .directives import HelpDirectives
from .present import emergency_numbers, entry_view

bp = localized_blueprint("help", __name__)

ROLE_ORDER = ("national", "youth", "text")


@bp.record_once
def install(state) -> None:
    """Let the content repository render help directives, and every template show the support box's lines."""
    state.app.extensions["quizapp.content"].directives = HelpDirectives()
    state.app.jinja_env.globals["help_support"] = help_support


@bp.route("/help")
@cached_page
def index():
    """Help lines for the visitor's country; choosing a country here remembers it."""
    countries = country_names(get_locale())
    asked = (request.args.get("country") or "").upper()
    if asked in countries:
        country, how = asked, CHOSEN
    else:
        country, how = request_country(countries)
    library = content().library
    localize = localizer()
    entries = library.help_lines.get(country, ())
    groups = {role: [entry_view(entry, localize) for entry in entries if entry.role == role] for role in ROLE_ORDER}
    emergency = [entry for entry in entries if entry.role == "emergency"]
    response = make_response(
        render_template(
            "help/index.html",
            country=country,
            how=how,
            country_name=countries.get(country),
            countries=sorted(countries.items(), key=lambda item: item[1]),
            listed=[(code, countries[code]) for code in sorted(library.help_lines, key=lambda code: countries.get(code, code)) if code in countries],
            emergency=emergency_numbers(emergency, localize),
            emergency_entries=[entry_view(entry, localize) for entry in emergency],
            groups=groups,
            has_national=bool(groups["national"]),
            directory=library.help_directory and entry_view(library.help_directory, localize),
        )
    )
    if asked in countries and request.cookies.get(COUNTRY_COOKIE) != asked:
        remember_country(response, asked)
    response.vary.update(("Cookie", "Accept-Language"))
    return response


@bp.after_app_request
def vary_by_country(response):
    """A page that showed the visitor's country's numbers differs by cookie and browser languages."""
    if g.get("help_country_used"):
        response.vary.update(("Cookie", "Accept-Language"))
    return response


def help_support() -> dict | None:
    """The emergency numbers and youth lines the support box shows: the session's country on its pages,
    else the visitor's; None when the country is unknown."""
    g.help_country_used = True
    countries = country_names(get_locale())
    country = g.get("session_country") if g.get("session_country") in countries else request_country(countries)[0]
    entries = content().library.help_lines.get(country, ())
    if not entries:
        return None
    localize = localizer()
    return {
        "country": country,
        "country_name": countries[country],
        "emergency": emergency_numbers([entry for entry in entries if entry.role == "emergency"], localize),
        "youth": [entry_view(entry, localize) for entry in entries if entry.role == "youth"],
    }
