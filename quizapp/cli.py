"""Command-line tools: ``flask courses …`` for authors and ``flask translate …`` for translators."""

import datetime
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .catalogs import DOMAINS, Catalogs
from .config import PROJECT_ROOT
from .content import Library
from .content.directives import directive_errors
from .content.glossary import allowances, parse_glossary, term_errors
from .content.help import HELP_FILE, parse_help, stale_warnings
from .content.parser import COURSE_FILE, GLOSSARY_FILE, load_library, parse_course
from .content.phones import phone_number_errors
from .questions import QUESTION_TYPES

courses_cli = AppGroup("courses", help="Check course files.")
translate_cli = AppGroup("translate", help="Extract, update, compile and check translations.")


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--verbose", "-v", is_flag=True, help="Also list every quiz question as its type describes it.")
@click.option("--stale-after", type=click.IntRange(min=1), default=None, metavar="MONTHS", help="Warn about help entries whose newest date is older than this (default: HELP_STALE_MONTHS, 12).")
def courses_check(path, verbose, stale_after):
    """Check every course file (or one course folder) and print each error as file:line.

    Help entries whose sources are old or undated are warnings: they do not fail the check.
    """
    path = path or Path(current_app.config["COURSES_DIR"])
    warnings = []
    if (path / COURSE_FILE).is_file():
        course, errors = parse_course(path)
        courses = [course] if course else []
        if course:
            glossary, glossary_errors = parse_glossary(path.parent / GLOSSARY_FILE)
            directory, help_lines, _help_errors = parse_help(path.parent / HELP_FILE)
            one = Library(courses={course.id: course}, glossary=glossary, help_directory=directory, help_lines=help_lines)
            errors = glossary_errors + term_errors(one) + directive_errors(course, directory, help_lines) + phone_number_errors(one)
        summary = f"course {path.name}: {len(course.lessons) if course else 0} lesson(s)"
    else:
        library = load_library(path)
        courses = list(library.courses.values())
        errors = list(library.errors) + term_errors(library) + phone_number_errors(library)
        months = stale_after or current_app.config.get("HELP_STALE_MONTHS", 12)
        warnings = stale_warnings(library, datetime.date.today(), months)
        lessons = sum(len(course.lessons) for course in library.courses.values())
        lines = sum(len(entries) for entries in library.help_lines.values())
        summary = f"{len(library.courses)} course(s), {lessons} lesson(s), {lines} help entries in {len(library.help_lines)} countries"
    for warning in warnings:
        click.echo(warning, err=True)
    if warnings:
        click.echo(f"{len(warnings)} warning(s): help entries to check live before release.", err=True)
    for error in sorted(errors):
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s) found.", err=True)
        sys.exit(1)
    if verbose:
        for course in courses:
            for lesson in course.lessons:
                if lesson.quiz:
                    click.echo(f"{course.id}/{lesson.id}: quiz, feedback {lesson.quiz.feedback}")
                    for question in lesson.quiz.questions:
                        click.echo(f"  {question.id}: {QUESTION_TYPES[question.type].describe(question)}")
    click.echo(f"OK: {summary}, no errors.")


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
    config = current_app.config
    library = load_library(Path(config["COURSES_DIR"]))
    return Catalogs(
        PROJECT_ROOT,
        Path(config["TRANSLATIONS_DIR"]),
        config["LANGUAGES"],
        config["DEFAULT_LANGUAGE"],
        glossary=library.glossary,
        allowed=allowances(library),
    )


@translate_cli.command("extract")
def translate_extract():
    """Extract messages.pot (UI) and courses.pot (content)."""
    for path in _catalogs().write_templates():
        click.echo(f"wrote {path}")


@translate_cli.command("update")
@click.option("--domain", type=click.Choice(DOMAINS), multiple=True, help="Only this catalog: messages (the interface) or courses (content). Default: both.")
def translate_update(domain):
    """Merge the templates into every shipped language's catalogs."""
    for path in _catalogs().update(domain or DOMAINS):
        click.echo(f"updated {path}")


@translate_cli.command("compile")
def translate_compile():
    """Compile the .po catalogs into .mo files."""
    for path in _catalogs().compile():
        click.echo(f"compiled {path}")


@translate_cli.command("check")
def translate_check():
    """Fail on anything untranslated, fuzzy, mismatched or unreadable in a shipped language."""
    problems = _catalogs().check()
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        sys.exit(1)
    click.echo("OK: every shipped language is complete.")


@translate_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def translate_status(as_json):
    """Print translation coverage per language and domain."""
    rows = _catalogs().status()
    missing = countries_missing_help()
    if as_json:
        data = [
            {
                "language": row.language,
                "domain": row.domain,
                "total": row.total,
                "translated": row.translated,
                "fuzzy": row.fuzzy,
                "untranslated": row.untranslated,
                "percent": round(row.percent, 1),
                "countries_without_help": missing.get(row.language, []),
            }
            for row in rows
        ]
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{'language':<10}{'domain':<10}{'translated':>12}{'fuzzy':>8}{'missing':>9}{'%':>8}")
    for row in rows:
        click.echo(f"{row.language:<10}{row.domain:<10}{row.translated:>7}/{row.total:<4}{row.fuzzy:>8}{row.untranslated:>9}{row.percent:>7.1f}%")
    for tag, countries in missing.items():
        if countries:
            click.echo(f"{tag}: no emergency number or no help line in courses/help.yml for {len(countries)} of its main countries (CLDR): {', '.join(countries)}")


def countries_missing_help() -> dict[str, list[str]]:
    """Per shipped language, its main countries (from CLDR) that help.yml does not cover yet."""
    from .help.countries import countries_without_help

    library = load_library(Path(current_app.config["COURSES_DIR"]))
    return {tag: countries_without_help(tag, library) for tag in current_app.config["LANGUAGES"]}
