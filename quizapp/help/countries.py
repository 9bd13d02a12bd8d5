"""Which countries a language needs help lines for, and what each country is called: all from CLDR (Babel).

A language's main countries are the territories where CLDR records it as an official (or de facto official)
language spoken by at least half of the people. No hand-written list: adding a language to ``LANGUAGES``
is enough for ``translate status`` and the tests to ask for its countries' help lines.
"""

from functools import lru_cache

from babel import Locale
from babel.core import get_global

MAIN_SHARE = 50.0  # percent of the population who speak the language, per CLDR
OFFICIAL = ("official", "de_facto_official")
# CLDR territory codes that are not countries a person lives in.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


def main_countries(tag: str, minimum_share: float = MAIN_SHARE) -> list[str]:
    """Territories where CLDR says ``tag``'s language is official and spoken by ``minimum_share`` % or more,
    the most widely spoken first; a region in the tag itself (``pt-BR``) comes first."""
    locale = Locale.parse(tag, sep="-")
    keys = [key for key in (f"{locale.language}_{locale.script}" if locale.script else None, locale.language) if key]
    shares = {}
    for territory, languages in get_global("territory_languages").items():
        for key in keys:
            info = languages.get(key)
            if info and info.get("official_status") in OFFICIAL and info.get("population_percent", 0) >= minimum_share:
                shares[territory] = max(shares.get(territory, 0), info["population_percent"])
    countries = sorted((t for t in shares if t not in NOT_COUNTRIES), key=lambda t: (-shares[t], t))
    if locale.territory:
        countries = [locale.territory] + [t for t in countries if t != locale.territory]
    return countries


def countries_without_help(tag: str, library) -> list[str]:
    """The main countries of ``tag`` that have no emergency number or no help line in ``help.yml``."""
    return [country for country in main_countries(tag) if not is_covered(library, country)]


def is_covered(library, country: str) -> bool:
    """True when ``help.yml`` gives ``country`` an emergency number and at least one line."""
    roles = {entry.role for entry in library.help_lines.get(country, ())}
    return "emergency" in roles and bool(roles - {"emergency"})


def country_names(locale) -> dict[str, str]:
    """Two-letter country codes with their names in ``locale``, from CLDR (read once per locale: every page's
    support box asks, and building the table costs more than serving a cached page). Callers must not
    modify the dict they get."""
    return _country_names(str(locale))


@lru_cache(maxsize=64)
def _country_names(tag: str) -> dict[str, str]:
    territories = Locale.parse(tag).territories
    return {code: name for code, name in territories.items() if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES}
