"""Command-line tools: ``flask courses …`` for authors and ``flask translate …`` for translators."""

import datetime
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .catalogs import DOMAINS, Catalogs, GettextMissing, project_catalogs
from .content import Library
from .content.directives import directive_errors
from .content.glossary import parse_glossary, term_errors
from .content.help import HELP_FILE, parse_help, stale_warnings
from .content.parser import COURSE_FILE, GLOSSARY_FILE, load_library, parse_course
from .content.phones import phone_number_errors
from .content.quiz_quality import quality_errors, quality_report
from .questions import QUESTION_TYPES

courses_cli = AppGroup("courses", help="Check course files.")
translate_cli = AppGroup("translate", help="Extract, update, compile and check translations.")


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="Also list every quiz question as its type describes it, and each course's quiz-rule figures.")
@click.option("--stale-after", type=click.IntRange(min=1), default=None, metavar="MONTHS", help="Warn about help entries whose newest date is older than this (default: HELP_STALE_MONTHS, 12).")
def courses_check(path, verbose, stale_after):
    """Check every course file (or one course folder) and print each error as file:line.

    Help entries whose sources are old or undated are warnings: they do not fail the check. Breaking a quiz
    rule (docs/AUTHORING.md) fails it, although the app still serves the course.
    """
    path = path or Path(current_app.config["COURSES_DIR"])
    warnings = []
    if (path / COURSE_FILE).is_file():
        course, errors = parse_course(path)
        courses = [course] if course else []
        if course:
            glossary, glossary_errors = parse_glossary(path.parent / GLOSSARY_FILE)
            directory, help_lines, help_errors = parse_help(path.parent / HELP_FILE)
            one = Library(courses={course.id: course}, glossary=glossary, help_directory=directory, help_lines=help_lines)
            # A broken help.yml is the error to report: checking directives against it would flag every one.
            directives = help_errors or directive_errors(course, directory, help_lines)
            errors = list(errors) + glossary_errors + term_errors(one) + list(directives) + phone_number_errors(one) + quality_errors(one)
        summary = f"course {path.name}: {len(course.lessons) if course else 0} lesson(s)"
    else:
        library = load_library(path)
        courses = list(library.courses.values())
        errors = list(library.errors) + term_errors(library) + phone_number_errors(library) + quality_errors(library)
        months = stale_after or current_app.config.get("HELP_STALE_MONTHS", 12)
        warnings = stale_warnings(library, datetime.date.today(), months)
        lessons = sum(len(course.lessons) for course in library.courses.values())
        lines = sum(len(entries) for entries in library.help_lines.values())
        summary = f"{len(library.courses)} course(s), {lessons} lesson(s), {lines} help entries in {len(library.help_lines)} countries"
    if verbose:  # before the errors: the figures are what an author needs to fix a failing quiz rule
        describe_quizzes(courses)
    for warning in warnings:
        click.echo(warning, err=True)
    if warnings:
        click.echo(f"{len(warnings)} warning(s): help entries to check live before release.", err=True)
    for error in sorted(errors):
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {summary}, no errors.")


def describe_quizzes(courses) -> None:
    """Every quiz question as its type describes it, then the quiz-rule report of each course and the library."""
    for course in courses:
        for lesson in course.lessons:
            if lesson.quiz:
                click.echo(f"{course.id}/{lesson.id}: quiz, feedback {lesson.quiz.feedback}")
                for question in lesson.quiz.questions:
                    click.echo(f"  {question.id}: {QUESTION_TYPES[question.type].describe(question)}")
    for line in quality_report(Library(courses={course.id: course for course in courses})):
        click.echo(line)


@courses_cli.command("stats")
@click.argument("course_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def courses_stats(course_id, as_json):
    """Per question and language: answers, percent correct, most chosen wrong option, average opinion."""
    from .content_access import content
    from .quizzes.stats import course_stats

    courses = content().courses()
    if course_id:
        courses = [course for course in courses if course.id == course_id]
        if not courses:
            raise click.UsageError(f"no course '{course_id}'; courses: {', '.join(c.id for c in content().courses())}")
    rows = [row for course in courses for row in course_stats(course, current_app.config["LANGUAGES"])]
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], indent=2))
        return
    if not rows:
        click.echo("No answers yet.")
        return
    header = f"{'lesson':<28} {'question':<24} {'type':<10} {'lang':<5} {'answers':>7} {'correct':>8}  {'most chosen wrong option':<28} {'avg opinion':>11}"
    click.echo(header)
    for row in rows:
        correct = f"{row.percent_correct:.1f}%" if row.percent_correct is not None else "-"
        wrong = f"{row.wrong_option} ({row.wrong_option_count})" if row.wrong_option else "-"
        opinion = f"{row.average_opinion:.2f}" if row.average_opinion is not None else "-"
        click.echo(f"{row.lesson_id:<28} {row.question_id:<24} {row.type:<10} {row.language:<5} {row.answers:>7} {correct:>8}  {wrong:<28} {opinion:>11}")


def _catalogs() -> Catalogs:
    library = load_library(Path(current_app.config["COURSES_DIR"]))
    return project_catalogs(current_app.config, library)


def _states() -> dict[str, str]:
    """tag -> "offered" or "incubating", for every served language."""
    from .i18n import languages

    return {tag: language.state for tag, language in languages().items()}


def _gettext_tools(action):
    """Run ``action``, turning a missing GNU gettext tool into a usage error that says how to install it."""
    try:
        return action()
    except GettextMissing as exc:
        raise click.ClickException(str(exc)) from exc


@translate_cli.command("extract")
def translate_extract():
    """Extract messages.pot (UI) and courses.pot (content)."""
    for path in _catalogs().write_templates():
        click.echo(f"wrote {path}")


@translate_cli.command("update")
@click.option("--domain", type=click.Choice(DOMAINS), multiple=True, help="Only this catalog: messages (the interface) or courses (content). Default: both.")
def translate_update(domain):
    """Merge the templates into every language's catalogs (GNU msgmerge --previous)."""
    for path in _gettext_tools(lambda: _catalogs().update(domain or DOMAINS)):
        click.echo(f"updated {path}")


@translate_cli.command("compile")
def translate_compile():
    """Compile the .po catalogs into .mo files, and count how complete each language is for the
    translations page (quizapp/translating/progress.py)."""
    for path in _catalogs().compile():
        click.echo(f"compiled {path}")
    click.echo(f"counted {current_app.extensions['quizapp.translation_progress'].write()}")


@translate_cli.command("check")
def translate_check():
    """Fail on anything untranslated, fuzzy, mismatched or unreadable in an offered language.

    An incubating language's gaps (missing, untranslated, fuzzy) are warnings; a defect in what it does
    translate (markup, figures, placeholders, terms to avoid…) fails, since its pages are served.
    """
    states = _states()
    failing = 0
    tolerated = dict.fromkeys((tag for tag, state in states.items() if state == "incubating"), 0)
    for problem in _catalogs().check():
        if problem.gap and problem.language in tolerated:
            tolerated[problem.language] += 1
            click.echo(f"warning: {problem}", err=True)
        else:
            failing += 1
            click.echo(str(problem), err=True)
    for tag, gaps in tolerated.items():
        click.echo(f"{tag} (incubating): {gaps:,} gap(s), not failing", err=True)
    if failing:
        click.echo(f"{failing} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("OK: every offered language is complete; no defect in any language.")


@translate_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--lessons/--no-lessons", default=True, help="Also list each course unit (lesson, survey, help…).")
def translate_status(as_json, lessons):
    """Print translation coverage per language, catalog and lesson (fuzzy entries counted once)."""
    statuses = _catalogs().status(states=_states())
    missing = countries_missing_help()
    if as_json:
        data = [{**status.as_dict(), "countries_without_help": missing.get(status.language, [])} for status in statuses]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    width = max([20, *(len(unit) + 4 for status in statuses for unit in status.units)]) if lessons else 20
    click.echo(f"{'language':<14}{'catalog':<{width}}{'translated':>15}{'fuzzy':>7}{'untransl.':>10}{'%':>8}")
    for status in statuses:
        state = f" ({status.state})" if status.state and status.state != "offered" else ""
        rows = [(status.language + state, "all", status.overall)]
        rows += [("", domain, tally) for domain, tally in status.domains.items()]
        if lessons:
            rows += [("", "  " + unit, tally) for unit, tally in status.units.items()]
        for language, name, tally in rows:
            counts = f"{tally.translated:>8}/{tally.total:<6}{tally.fuzzy:>7}{tally.untranslated:>10}{tally.percent:>7.1f}%"
            click.echo(f"{language:<14}{name:<{width}}{counts}")
        if status.problems:
            click.echo(f"{'':<14}{len(status.problems)} problem(s): `flask --app quizapp translate check` lists them")
    for tag, countries in missing.items():
        if countries:
            click.echo(f"{tag}: no emergency number or no help line in courses/help.yml for {len(countries)} of its main countries (CLDR): {', '.join(countries)}")


def countries_missing_help() -> dict[str, list[str]]:
    """Per shipped language, its main countries (from CLDR) that help.yml does not cover yet."""
    from .help.countries import countries_without_help

    library = load_library(Path(current_app.config["COURSES_DIR"]))
    return {tag: countries_without_help(tag, library) for tag in current_app.config["LANGUAGES"]}
