"""Command-line tools: ``flask courses …`` for authors and ``flask translate …`` for translators."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .catalogs import Catalogs
from .config import PROJECT_ROOT
from .content.parser import COURSE_FILE, load_library, parse_course

courses_cli = AppGroup("courses", help="Check course files.")
translate_cli = AppGroup("translate", help="Extract, update, compile and check translations.")


@courses_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def courses_check(path):
    """Check every course file (or one course folder) and print each error as file:line."""
    path = path or Path(current_app.config["COURSES_DIR"])
    if (path / COURSE_FILE).is_file():
        course, errors = parse_course(path)
        summary = f"course {path.name}: {len(course.lessons) if course else 0} lesson(s)"
    else:
        library = load_library(path)
        errors = list(library.errors)
        lessons = sum(len(course.lessons) for course in library.courses.values())
        lines = sum(len(entries) for entries in library.help_resources.values())
        summary = f"{len(library.courses)} course(s), {lessons} lesson(s), {lines} help line(s)"
    for error in sorted(errors):
        click.echo(str(error), err=True)
    if errors:
        click.echo(f"{len(errors)} error(s) found.", err=True)
        sys.exit(1)
    click.echo(f"OK: {summary}, no errors.")


def _catalogs() -> Catalogs:
    config = current_app.config
    return Catalogs(PROJECT_ROOT, Path(config["TRANSLATIONS_DIR"]), config["LANGUAGES"], config["DEFAULT_LANGUAGE"])


@translate_cli.command("extract")
def translate_extract():
    """Extract messages.pot (UI) and courses.pot (content)."""
    for path in _catalogs().write_templates():
        click.echo(f"wrote {path}")


@translate_cli.command("update")
def translate_update():
    """Merge the templates into every shipped language's catalogs."""
    for path in _catalogs().update():
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
            }
            for row in rows
        ]
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{'language':<10}{'domain':<10}{'translated':>12}{'fuzzy':>8}{'missing':>9}{'%':>8}")
    for row in rows:
        click.echo(f"{row.language:<10}{row.domain:<10}{row.translated:>7}/{row.total:<4}{row.fuzzy:>8}{row.untranslated:>9}{row.percent:>7.1f}%")
