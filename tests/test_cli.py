"""`flask courses check` and `flask translate check|status`."""

import json
from pathlib import Path

from babel.messages.catalog import Catalog

from quizapp.catalogs import Catalogs

from .support import TRANSLATED


def test_courses_check_passes_on_the_real_library(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output


def test_courses_check_prints_every_error_with_file_and_line(runner, course_tree):
    (course_tree / "sample-course/course.yml").write_text(
        (course_tree / "sample-course/course.yml").read_text().replace("minutes: 10", "minutes: ten")
    )
    lesson = course_tree / "sample-course/first-lesson.md"
    lesson.write_text(lesson.read_text().replace("[@source-a]", "[@missing]").replace("title: First lesson\n", "title: First lesson\ncolour: red\n"))
    result = runner.invoke(args=["courses", "check", str(course_tree)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1] == "3 error(s) found."
    assert f"{course_tree}/sample-course/course.yml:5: 'minutes' in the course file must be a whole number above zero, found the text 'ten'" in lines
    assert any(line.startswith(f"{course_tree}/sample-course/first-lesson.md:3: unknown key 'colour'") for line in lines)
    assert any(line.startswith(f"{course_tree}/sample-course/first-lesson.md:13: citation '[@missing]'") for line in lines)


def test_courses_check_verbose_describes_each_question(runner, course_tree):
    result = runner.invoke(args=["courses", "check", "--verbose", str(course_tree / "sample-course")])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:8] == [
        "sample-course/first-lesson: quiz, feedback end",
        "  pick-one: single, 3 options",
        "  pick-many: multiple, 4 options",
        "  myth: myth or fact, answer: myth",
        "  steps: ordering, 4 items",
        "  opinion: opinion, 5-point scale",
        "  reflect: reflection, free text",
        "sample-course/second-lesson: quiz, feedback immediate",
    ]


def test_checking_one_course_reports_a_broken_help_file_rather_than_every_directive(runner, course_tree):
    help_file = course_tree / "help.yml"
    help_file.write_text(help_file.read_text(encoding="utf-8") + "broken: [\n", encoding="utf-8")
    result = runner.invoke(args=["courses", "check", str(course_tree / "sample-course")])
    assert result.exit_code == 1
    assert "help.yml:" in result.output and "names no entry" not in result.output


def test_courses_check_accepts_one_course_folder(runner, course_tree):
    result = runner.invoke(args=["courses", "check", str(course_tree / "sample-course")])
    assert result.exit_code == 0
    assert "course sample-course: 2 lesson(s)" in result.output


def write_po(path: Path, locale: str, entries) -> None:
    from babel.messages.pofile import write_po as babel_write_po

    catalog = Catalog(locale=locale)
    for msgid, msgstr, flags in entries:
        catalog.add(msgid, msgstr, flags=flags)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fileobj:
        babel_write_po(fileobj, catalog)


def template_of(*msgids) -> Catalog:
    catalog = Catalog()
    for msgid in msgids:
        catalog.add(msgid)
    return catalog


def test_translate_check_names_each_kind_of_problem(tmp_path):
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "ja", "ar"], "en")
    template = template_of("Hello", "Not yet", "Draft", "Hi %(name)s", "<b>bold</b> [@src]", ("%(num)s lesson", "%(num)s lessons"))
    write_po(
        catalogs.po_path("ar", "messages"),
        "ar",
        [
            ("Hello", "مرحبا", ()),
            ("Not yet", "", ()),
            ("Draft", "مسودة", ("fuzzy",)),
            ("Hi %(name)s", "أهلا %(nom)s", ()),
            ("<b>bold</b> [@src]", "عريض", ()),
            (("%(num)s lesson", "%(num)s lessons"), ("%(num)s درس", "%(num)s درسان"), ()),
        ],
    )
    problems = [str(problem) for problem in catalogs.check_catalog("ar", "messages", template)]
    text = "\n".join(problems)
    assert "entry 'Not yet': untranslated" in text
    assert "entry 'Draft': fuzzy" in text
    assert "entry 'Hi %(name)s': placeholders differ" in text
    assert "entry '<b>bold</b> [@src]': markup differs" in text
    assert "entry '%(num)s lesson': untranslated" in text  # Arabic needs six forms; four are empty
    assert "entry 'Hello'" not in text
    assert all(problem.startswith(str(catalogs.po_path("ar", "messages"))) for problem in problems)


def test_translate_check_reports_missing_and_unreadable_catalogs(tmp_path):
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "ja"], "en")
    template = template_of("Hello")
    assert "missing catalog for language 'ja'" in str(catalogs.check_catalog("ja", "messages", template)[0])
    path = catalogs.po_path("ja", "messages")
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Hello"\nthis is not gettext\n')
    assert "unreadable catalog" in str(catalogs.check_catalog("ja", "messages", template)[0])


def test_translate_check_reports_wrong_plural_forms_header(tmp_path):
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "ja"], "en")
    path = catalogs.po_path("ja", "messages")
    path.parent.mkdir(parents=True)
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "%(num)s lesson"\nmsgid_plural "%(num)s lessons"\nmsgstr[0] "%(num)s 課"\nmsgstr[1] "%(num)s 課"\n'
    )
    template = Catalog()
    template.add(("%(num)s lesson", "%(num)s lessons"))
    text = "\n".join(map(str, catalogs.check_catalog("ja", "messages", template)))
    assert "Plural-Forms header declares 2 forms; ja has 1 in CLDR" in text


def test_translate_check_passes_on_shipped_catalogs(runner):
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def test_translate_status_json_reports_coverage(runner):
    result = runner.invoke(args=["translate", "status", "--json"])
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert {row["language"] for row in rows} >= set(TRANSLATED)
    for row in rows:
        assert set(row["domains"]) == {"messages", "courses"}
        for tally in [row["overall"], *row["domains"].values(), *row["units"].values()]:
            assert tally["translated"] + tally["fuzzy"] + tally["untranslated"] == tally["total"] > 0
