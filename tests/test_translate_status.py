"""`translate status`: per language, catalog and lesson, a fuzzy entry counted once; the same data as JSON
and for the /<lang>/translations page. `translate check` fails on an incubating language's defects, not
on its gaps."""

import json
import shutil

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from quizapp.catalogs import Catalogs, Tally, unit_of

from .support import PROJECT_ROOT, TRANSLATED


def write(path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fileobj:
        write_po(fileobj, catalog)


@pytest.fixture
def small(tmp_path):
    """A template with every kind of course context, and a Spanish catalog with each state of entry."""
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "es"], "en")
    entries = [
        ("c/l", "Title", "Título", False),
        ("c/l", "Paragraph", "Párrafo", True),  # fuzzy
        ("c/l/notes", "Note", "", False),  # empty
        ("c/l/quiz", "Question", "Pregunta", False),
        ("c/l/quiz", "Option", None, False),  # missing from the catalog
        ("c", "Course title", "Título del curso", False),
        ("c/survey", "Statement", "Afirmación", True),
        ("scale", "Agree", "De acuerdo", False),
        ("help", "Call now", "Llama ya", False),
    ]
    template, catalog = Catalog(), Catalog(locale="es")
    for context, msgid, msgstr, fuzzy in entries:
        template.add(msgid, context=context)
        if msgstr is not None:
            catalog.add(msgid, msgstr, context=context, flags=("fuzzy",) if fuzzy else ())
    ui_template, ui_catalog = Catalog(), Catalog(locale="es")
    ui_template.add("Open")
    ui_catalog.add("Open", "Abrir")
    write(catalogs.template_path("courses"), template)
    write(catalogs.po_path("es", "courses"), catalog)
    write(catalogs.template_path("messages"), ui_template)
    write(catalogs.po_path("es", "messages"), ui_catalog)
    return catalogs


def test_fuzzy_entries_are_counted_once(small):
    (status,) = small.status()
    assert status.domains["courses"] == Tally(total=9, translated=5, fuzzy=2, untranslated=2)
    assert status.domains["messages"] == Tally(total=1, translated=1, fuzzy=0, untranslated=0)
    assert status.overall == Tally(total=10, translated=6, fuzzy=2, untranslated=2)
    assert status.overall.percent == 60.0


def test_a_lesson_counts_its_notes_and_quiz_and_shared_contexts_count_apart(small):
    (status,) = small.status()
    assert list(status.units) == ["c", "c/l", "c/survey", "scale", "help"]
    assert status.units["c/l"] == Tally(total=5, translated=2, fuzzy=1, untranslated=2)
    assert status.units["c/survey"] == Tally(total=1, translated=0, fuzzy=1, untranslated=0)
    assert unit_of("course/lesson/quiz") == unit_of("course/lesson/notes") == unit_of("course/lesson") == "course/lesson"
    assert unit_of("course/survey") == "course/survey"


def test_status_lists_what_check_would_report_unless_asked_not_to(small):
    (status,) = small.status()
    messages = [problem.message for problem in status.problems]
    assert any("'Paragraph': fuzzy" in message for message in messages)
    assert any("'Option': missing" in message for message in messages)
    assert all(problem.gap for problem in status.problems)
    (quick,) = small.status(with_problems=False, states={"es": "incubating"})
    assert quick.problems == () and quick.state == "incubating"
    assert quick.as_dict()["units"]["c/l"] == {"total": 5, "translated": 2, "fuzzy": 1, "untranslated": 2, "percent": 40.0}


def test_a_missing_or_unreadable_catalog_counts_as_untranslated(small):
    small.po_path("es", "courses").write_text('msgid "x"\nnot gettext\n')
    (status,) = small.status(with_problems=False)
    assert status.domains["courses"] == Tally(total=9, translated=0, fuzzy=0, untranslated=9)
    (nl,) = small.status(["nl"], with_problems=False)
    assert nl.overall == Tally(total=10, translated=0, fuzzy=0, untranslated=10)


def test_status_json_has_every_lesson_of_every_language(runner, app):
    result = runner.invoke(args=["translate", "status", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["language"]: row for row in json.loads(result.output)}
    assert set(TRANSLATED) <= set(rows)
    library = app.extensions["quizapp.content"].library
    lessons = {f"{course.id}/{lesson.id}" for course in library.courses.values() for lesson in course.lessons}
    for tag in TRANSLATED:
        assert rows[tag]["state"] == "offered"
        assert lessons <= set(rows[tag]["units"])
        assert {"help", "scale"} <= set(rows[tag]["units"])
        units = rows[tag]["units"].values()
        assert sum(unit["total"] for unit in units) == rows[tag]["domains"]["courses"]["total"]


def test_status_table_shows_each_lesson(runner):
    output = runner.invoke(args=["translate", "status"]).output
    assert "understanding-hikikomori/what-is-hikikomori" in output
    header = output.splitlines()[0]
    assert "fuzzy" in header and "untransl." in header


@pytest.fixture
def incubating(tmp_path, make_app):
    """A copy of the translations with fresh templates, declaring only English and an incubating Dutch."""
    directory = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", directory, ignore=shutil.ignore_patterns("*.mo", "languages.yml"))
    (directory / "languages.yml").write_text("en: offered\nnl: incubating\n")
    catalogs = Catalogs(PROJECT_ROOT, directory, ["en", "nl"], "en")
    catalogs.write_templates()
    catalogs.update(languages=["nl"])
    app = make_app(TRANSLATIONS_DIR=str(directory), LANGUAGES_FILE=str(directory / "languages.yml"))
    return catalogs, app.test_cli_runner()


def test_check_warns_of_an_incubating_languages_gaps_without_failing(incubating):
    catalogs, runner = incubating
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output
    assert "nl (incubating): " in result.output and "gap(s), not failing" in result.output


def test_check_fails_on_a_defect_in_an_incubating_language(incubating):
    catalogs, runner = incubating
    path = catalogs.po_path("nl", "courses")
    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.msgid.startswith("Survey of December 2018") and "613,000" in entry.msgid)
    # A wrong figure: served on /nl/ pages as it is.
    entry.msgstr = "Onderzoek van december 2018, gepubliceerd in maart 2019: ongeveer 631.000 mensen van 40-64 jaar, of 1,45% [@cabinet-2019]."
    catalog.save(str(path))
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "figures differ: the source's 613000 not found" in result.output


def test_compile_counts_once_and_the_app_reads_that_count_until_a_catalog_changes(tmp_path, make_app):
    """Counting reads every catalog (most of a second, and megabytes left in the worker's heap), so
    ``translate compile`` counts and writes the result; the app reads it while the catalogs are those it was
    counted from, and counts again when one changes."""
    from quizapp.translating.progress import PROGRESS_FILE, TranslationProgress

    directory = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", directory, ignore=shutil.ignore_patterns("*.mo", PROGRESS_FILE))
    app = make_app(TRANSLATIONS_DIR=str(directory), LANGUAGES_FILE=str(directory / "languages.yml"))
    result = app.test_cli_runner().invoke(args=["translate", "compile"])
    assert result.exit_code == 0, result.output
    assert f"counted {directory / PROGRESS_FILE}" in result.output
    with app.test_request_context("/en/translations"):
        counted = TranslationProgress(directory)._count()
        assert TranslationProgress(directory).statuses() == counted
        assert set(counted) >= set(TRANSLATED)

        written = json.loads((directory / PROGRESS_FILE).read_text(encoding="utf-8"))
        written["statuses"]["ja"]["domains"]["messages"][1] = 1  # what the app shows now comes from the file
        (directory / PROGRESS_FILE).write_text(json.dumps(written), encoding="utf-8")
        assert TranslationProgress(directory).statuses()["ja"].domains["messages"].translated == 1

        po = directory / "ja" / "LC_MESSAGES" / "messages.po"
        po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a translator saved it
        assert TranslationProgress(directory).statuses()["ja"] == counted["ja"]
