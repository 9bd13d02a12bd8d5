"""``flask translate new LANG``: start a language as incubating, in one command.

Checks the tag against CLDR, creates both catalogs from the templates (with CLDR's plural forms), declares the
language ``incubating`` in the languages file, compiles, and says what to do next: which file to open, which
countries' help lines the language needs.
"""

from pathlib import Path

import click
from babel import Locale
from flask import current_app
from flask.cli import with_appcontext

from ..catalogs import DOMAINS
from ..help.countries import is_covered, main_countries
from ..i18n import INCUBATING, declare_language, language_tag, read_languages

WHAT_IS_IN = {"messages": "the interface: buttons, headings, messages", "courses": "lessons, quizzes, notes, surveys and help lines"}


@click.command("new")
@click.argument("tag")
@with_appcontext
def translate_new(tag):
    """Start translating into TAG (a BCP 47 tag such as nl or pt-BR): its catalogs, declared as incubating."""
    config = current_app.config
    tag = checked_tag(tag)
    languages_file = Path(config["LANGUAGES_FILE"])
    declared = read_languages(languages_file)
    if tag in declared:
        raise click.UsageError(f"{tag} is already declared in {languages_file} ({declared[tag].state}).")
    from ..catalogs import project_catalogs

    library = current_app.extensions["quizapp.content"].library
    catalogs = project_catalogs(config, library, languages=[tag])
    catalogs.update(DOMAINS, languages=[tag])
    declare_language(languages_file, tag, INCUBATING)
    catalogs.compile(languages=[tag])
    (status,) = catalogs.status([tag], with_problems=False)
    click.echo(started(tag, catalogs, status, languages_file))
    click.echo(next_steps(tag, catalogs, library))


def checked_tag(value: str) -> str:
    """The canonical tag for ``value``, or a usage error when CLDR does not know the language."""
    try:
        tag = language_tag(value)
    except ValueError:
        raise click.UsageError(f"{value!r} is not a language CLDR knows: give a BCP 47 tag such as nl, pt-BR or zh-Hans.") from None
    if tag == current_app.config["DEFAULT_LANGUAGE"]:
        raise click.UsageError(f"{tag} is the source language.")
    return tag


def started(tag: str, catalogs, status, languages_file: Path) -> str:
    """What the command did."""
    locale = Locale.parse(tag, sep="-")
    lines = [f"Started {locale.english_name} ({tag}, {locale.get_display_name(locale)}) as an incubating language:"]
    for domain in DOMAINS:
        lines.append(f"  {catalogs.po_path(tag, domain)}: {status.domains[domain].total} texts ({WHAT_IS_IN[domain]})")
    lines.append(f"  declared `{tag}: {INCUBATING}` in {languages_file}")
    lines.append(f"  compiled: /{tag}/ serves every page with a banner saying how complete it is; nobody is offered it yet.")
    return "\n".join(lines)


def next_steps(tag: str, catalogs, library) -> str:
    """What the translator does next, in order."""
    locale = Locale.parse(tag, sep="-")
    steps = [
        f"Open {catalogs.po_path(tag, 'messages')} in Poedit (or any PO editor) and translate the interface first;",
        f"then {catalogs.po_path(tag, 'courses')}. docs/TRANSLATING.md explains the shared contexts (scale, <course>/survey, help).",
        f"Add {locale.english_name}'s stigmatizing words and what to say instead to courses/glossary.yml.",
        help_line_step(tag, library),
        f"After each sitting: `flask --app quizapp translate compile`, then read /{tag}/; `translate status` and /{tag}/translations show what is left.",
        f"When `flask --app quizapp translate check` reports nothing for {tag}, change `{tag}: {INCUBATING}` to `{tag}: offered` in the languages file.",
    ]
    return "Next:\n" + "\n".join(f"  {number}. {step}" for number, step in enumerate(steps, 1))


def help_line_step(tag: str, library) -> str:
    """Which countries' help lines the language needs: where CLDR says it is official, against help.yml."""
    names = Locale("en").territories
    countries = main_countries(tag)
    if not countries:
        return "Help lines: CLDR names no country where this language is official; add its readers' countries to courses/help.yml (docs/AUTHORING.md)."
    covered = [country for country in countries if is_covered(library, country)]
    missing = [country for country in countries if country not in covered]
    described = ", ".join(f"{country} ({names.get(country, country)})" for country in countries)
    step = f"Help lines: CLDR lists it as an official language of {described}."
    if covered:
        step += f" courses/help.yml covers {', '.join(covered)}."
    if missing:
        step += f" Add an emergency number and a help line for {', '.join(missing)} to courses/help.yml, from an official dated source (docs/AUTHORING.md)."
    else:
        step += " Nothing to add."
    return step
