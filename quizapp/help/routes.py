"""/<lang>/help — where to find help, for the visitor's country or the one they pick."""

import datetime

from babel.core import get_global
from babel.dates import format_skeleton
from flask import render_template, request
from flask_babel import format_date, get_locale

from ..content_access import content, localizer
from ..i18n import current_language
from ..web import localized_blueprint

bp = localized_blueprint("help", __name__)

# CLDR territory codes that are not countries a person lives in.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


@bp.route("/help")
def index():
    """Help lines for the chosen country, else the one guessed from the visitor's locale."""
    library = content().library
    countries = country_names()
    country = chosen_country(countries)
    localize = localizer()
    resources = [localize_resource(resource, localize) for resource in library.help_resources.get(country, ())]
    directory = library.help_directory
    return render_template(
        "help/index.html",
        country=country,
        country_name=countries.get(country),
        countries=sorted(countries.items(), key=lambda item: item[1]),
        listed=set(library.help_resources),
        resources=resources,
        directory=directory and {
            "name": localize.text(directory.name),
            "description": localize.text(directory.description),
            "url": directory.url,
            "verified_on": format_partial_date(directory.verified_on),
            "source": directory.source,
        },
    )


def country_names() -> dict[str, str]:
    """Two-letter country codes with their names in the page's language, from CLDR."""
    territories = get_locale().territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}


def chosen_country(countries: dict) -> str | None:
    """The country asked for, else the region of the browser's language, else the language's likely one."""
    asked = (request.args.get("country") or "").upper()
    if asked in countries:
        return asked
    for value, _quality in request.accept_languages:
        region = value.replace("_", "-").split("-")[-1].upper()
        if "-" in value and region in countries:
            return region
    likely = get_global("likely_subtags").get(current_language().locale.language, "")
    region = likely.split("_")[-1]
    return region if region in countries else None


def localize_resource(resource, localize) -> dict:
    """A help line in the page's language."""
    return {
        "resource": resource,
        "name": localize.text(resource.name),
        "description": localize.text(resource.description),
        "hours": localize.text(resource.hours),
        "verified_on": format_partial_date(resource.verified_on),
    }


def format_partial_date(value: str) -> str:
    """Format ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` with the precision it has, in the page's locale."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 3:
        return format_date(datetime.date(*parts), "long")
    if len(parts) == 2:
        return format_skeleton("yMMMM", datetime.date(parts[0], parts[1], 1), locale=get_locale())
    return format_skeleton("y", datetime.date(parts[0], 1, 1), locale=get_locale())
