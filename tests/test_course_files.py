"""Course files: every kind of error is reported as file:line, all at once."""

from pathlib import Path

import pytest

from quizapp.content import load_library


def errors_of(tree: Path) -> list[str]:
    """The library's errors as `relative/path:line: message` strings."""
    return [f"{error.path.relative_to(tree)}:{error.line}: {error.message}" for error in load_library(tree).errors]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def test_fixture_library_parses_without_errors(course_tree):
    library = load_library(course_tree)
    assert library.errors == ()
    course = library.courses["sample-course"]
    assert [lesson.id for lesson in course.lessons] == ["first-lesson", "second-lesson"]
    first = course.lessons[0]
    assert [block.kind for block in first.blocks] == ["heading", "paragraph", "bullet_list"]
    assert first.blocks[2].texts[1].source == "Second item with **bold** text."
    assert first.blocks[1].texts[0].line == 12
    assert library.help_lines["JP"][0].source_date == "2024-09"


def test_unknown_key_names_file_line_and_expected_keys(course_tree):
    edit(course_tree / "sample-course/course.yml", "minutes: 10\n", "minutes: 10\nduration: 10\n")
    assert errors_of(course_tree) == [
        "sample-course/course.yml:6: unknown key 'duration' in the course file; "
        "expected one of: id, title, summary, audience, minutes, source_language, lessons, order, icon, survey, class_minutes"
    ]


def test_missing_key_is_reported(course_tree):
    edit(course_tree / "sample-course/course.yml", "summary: A course used by the tests.\n", "")
    assert errors_of(course_tree) == ["sample-course/course.yml:1: missing key 'summary' in the course file (expected text)"]


def test_wrong_type_says_what_was_found(course_tree):
    edit(course_tree / "sample-course/first-lesson.md", "minutes: 4", "minutes: four")
    assert errors_of(course_tree) == [
        "sample-course/first-lesson.md:3: 'minutes' in the lesson header must be a whole number above zero, found the text 'four'"
    ]


def test_duplicate_lesson_id_is_reported(course_tree):
    edit(course_tree / "sample-course/course.yml", "  - second-lesson\n", "  - second-lesson\n  - first-lesson\n")
    assert errors_of(course_tree) == [
        "sample-course/course.yml:10: duplicate lesson id 'first-lesson' in 'lessons': each lesson may be listed once"
    ]


def test_duplicate_yaml_key_is_reported(course_tree):
    edit(course_tree / "sample-course/course.yml", "minutes: 10\n", "minutes: 10\nminutes: 12\n")
    assert errors_of(course_tree) == ["sample-course/course.yml:6: duplicate key 'minutes': each key may appear only once"]


def test_lesson_listed_without_file_is_a_broken_reference(course_tree):
    (course_tree / "sample-course/second-lesson.md").unlink()
    (course_tree / "sample-course/second-lesson.notes.md").unlink()
    assert errors_of(course_tree) == [
        "sample-course/course.yml:9: lesson 'second-lesson' is listed but second-lesson.md does not exist"
    ]


def test_citation_of_unknown_source_is_a_broken_reference(course_tree):
    edit(course_tree / "sample-course/first-lesson.md", "[@source-a]", "[@source-z]")
    assert errors_of(course_tree) == [
        "sample-course/first-lesson.md:12: citation '[@source-z]' names no source of this lesson; declared sources: source-a"
    ]


def test_missing_facilitator_notes_are_reported(course_tree):
    (course_tree / "sample-course/second-lesson.notes.md").unlink()
    assert errors_of(course_tree) == [
        "sample-course/second-lesson.md:1: facilitator notes are missing: expected a file second-lesson.notes.md beside the lesson"
    ]


def test_yaml_syntax_error_gives_the_line(course_tree):
    edit(course_tree / "sample-course/course.yml", "title: Sample course\n", "title: [Sample course\n")
    errors = errors_of(course_tree)
    assert len(errors) == 1
    assert errors[0].startswith("sample-course/course.yml:2: YAML syntax error while parsing a flow sequence started here:")


def test_yaml_syntax_error_in_lesson_header_counts_file_lines(course_tree):
    edit(course_tree / "sample-course/second-lesson.md", "minutes: 3", "minutes: : 3")
    errors = errors_of(course_tree)
    assert len(errors) == 1
    assert errors[0].startswith("sample-course/second-lesson.md:3: YAML syntax error:")


def test_lesson_without_header_is_reported(course_tree):
    (course_tree / "sample-course/second-lesson.md").write_text("Just text.\n")
    assert errors_of(course_tree) == [
        "sample-course/second-lesson.md:1: a lesson must start with a metadata header: a line '---', YAML keys, then another '---'"
    ]


def test_unclosed_header_is_reported(course_tree):
    (course_tree / "sample-course/second-lesson.md").write_text("---\ntitle: x\nminutes: 3\n")
    assert errors_of(course_tree) == [
        "sample-course/second-lesson.md:1: the metadata header is not closed: expected a line '---' after the YAML keys"
    ]


def test_unsupported_markdown_is_reported_with_its_line(course_tree):
    edit(course_tree / "sample-course/second-lesson.md", "Only a paragraph", "> A quote\n\nOnly a paragraph")
    assert errors_of(course_tree) == [
        "sample-course/second-lesson.md:8: unsupported Markdown (a block quote): use headings, paragraphs and simple lists"
    ]


def test_course_id_must_match_folder(course_tree):
    edit(course_tree / "sample-course/course.yml", "id: sample-course", "id: other-course")
    assert errors_of(course_tree) == ["sample-course/course.yml:1: course id 'other-course' must match its folder name 'sample-course'"]


def test_unlisted_lesson_file_is_reported(course_tree):
    (course_tree / "sample-course/draft.md").write_text("---\ntitle: x\n---\n")
    assert errors_of(course_tree) == [
        "sample-course/draft.md:1: 'draft.md' is not listed under 'lessons' in course.yml; add 'draft' there or remove the file"
    ]


def test_help_file_errors_are_reported(course_tree):
    edit(course_tree / "help.yml", "kind: phone, value: \"0120", "kind: fax, value: \"0120")
    edit(course_tree / "help.yml", "  JP:", "  jp:")
    assert errors_of(course_tree) == ["help.yml:10: country 'jp' must be a two-letter ISO 3166 code in capitals, such as JP"]
    edit(course_tree / "help.yml", "  jp:", "  JP:")
    assert errors_of(course_tree) == ["help.yml:16: contact kind 'fax' is unknown; expected one of: phone, sms, whatsapp, chat, web"]


def test_all_errors_in_a_course_are_reported_at_once(course_tree):
    edit(course_tree / "sample-course/course.yml", "minutes: 10", "minutes: ten")
    edit(course_tree / "sample-course/first-lesson.md", "[@source-a]", "[@nope]")
    edit(course_tree / "sample-course/second-lesson.md", "title: Second lesson\n", "")
    errors = errors_of(course_tree)
    assert len(errors) == 3
    assert {error.split(":")[0] for error in errors} == {
        "sample-course/course.yml",
        "sample-course/first-lesson.md",
        "sample-course/second-lesson.md",
    }


def test_raw_html_in_markdown_is_kept_as_text(course_tree):
    edit(course_tree / "sample-course/second-lesson.md", "Only a paragraph", "<script>alert(1)</script>\n\nOnly a paragraph")
    library = load_library(course_tree)
    assert library.errors == ()
    blocks = library.courses["sample-course"].lessons[1].blocks
    assert blocks[0].texts[0].source == "<script>alert(1)</script>"


QUIZ = "sample-course/first-lesson.quiz.yml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("feedback: end", "feedback: later", f"{QUIZ}:1: 'feedback' must be one of: end, immediate; found 'later'"),
        ("        correct: true\n        feedback: Yes, this one.\n", "        feedback: Yes, this one.\n",
         f"{QUIZ}:7: single-choice question 'pick-one' must have exactly one option with 'correct: true', found 0"),
        ("      - {id: b, text: Option B, correct: true, feedback: B is right.}", "      - {id: b, text: Option B, correct: true}",
         f"{QUIZ}:27: missing key 'feedback' in option of question 'pick-many' (expected text)"),
        ("      - {id: b, text: Option B,", "      - {id: a, text: Option B,", f"{QUIZ}:27: duplicate option id 'a' in question 'pick-many'"),
        ("  - id: myth\n", "  - id: pick-one\n", f"{QUIZ}:32: duplicate question id 'pick-one': each question of a quiz needs its own id"),
        ("      - {id: four, text: Step four, feedback: \"Last, four.\"}\n      - {id: three, text: Step three, feedback: Then three.}\n", "",
         None),
        ("    type: ordering", "    type: sorting", f"{QUIZ}:43: question 4 has 'sorting'; expected 'type' to be one of: single, multiple, myth_fact, ordering, likert, reflection"),
        ("    labels: [Strongly disagree, Disagree, Not sure, Agree, Strongly agree]", "    labels: [Yes, No]",
         f"{QUIZ}:56: Likert question 'opinion' needs 3 to 7 labels, found 2"),
        ("    answer: myth", "    answer: maybe", f"{QUIZ}:36: 'answer' of question 'myth' must be myth or fact, found 'maybe'"),
        ("      fact: It is a myth, in fact.\n", "", f"{QUIZ}:37: missing key 'fact' in 'feedback' of question 'myth' (expected text)"),
        ("    explanation: It is rock.\n", "", f"{QUIZ}:32: missing key 'explanation' in question 'myth' (expected text)"),
        ("    source: source-a\n  - id: pick-many", "    source: source-z\n  - id: pick-many",
         f"{QUIZ}:20: question 'pick-one' cites source 'source-z', which the lesson does not list; declared sources: source-a"),
    ],
)
def test_quiz_errors_are_reported_with_file_and_line(course_tree, old, new, expected):
    path = course_tree / QUIZ
    if expected is None:  # an ordering question cut down to two items
        edit(path, "      - {id: three, text: Step three, feedback: Then three.}\n      - {id: four, text: Step four, feedback: \"Last, four.\"}\n", "")
        expected = f"{QUIZ}:46: ordering question 'steps' needs at least 3 items, found 2"
    else:
        edit(path, old, new)
    assert errors_of(course_tree) == [expected]


def test_a_broken_quiz_keeps_its_course_out_of_the_library(course_tree):
    edit(course_tree / QUIZ, "feedback: end", "feedback: later")
    assert "sample-course" not in load_library(course_tree).courses


# -- files as editors save them: never an exception, always file:line ------------------------------------

SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"


def test_quiz_saved_as_latin1_is_an_error_at_the_line_of_its_first_bad_byte(course_tree):
    path = course_tree / QUIZ
    path.write_bytes(path.read_text().replace("Which is right?", "Which is right, café?").encode("latin-1"))
    assert errors_of(course_tree) == [
        f"{QUIZ}:6: the file is not valid UTF-8: byte 0xe9 at column 32 cannot be read "
        f"(the file was probably saved as Latin-1 or Windows-1252); {SAVE_AS_UTF8}"
    ]
    assert "sample-course" not in load_library(course_tree).courses


def test_question_nested_in_a_list_is_an_error_not_a_crash(course_tree):
    edit(course_tree / QUIZ, "questions:\n", "questions:\n  - - id: first\n")
    assert errors_of(course_tree) == [
        f"{QUIZ}:3: question 1 must be a mapping with the keys id, type; found a list holding a mapping (one '-' too many?)"
    ]


def test_question_type_that_is_not_text_is_an_error(course_tree):
    edit(course_tree / QUIZ, "    type: single\n", "    type: [single]\n")
    assert errors_of(course_tree) == [
        f"{QUIZ}:4: question 1 has a list; expected 'type' to be one of: single, multiple, myth_fact, ordering, likert, reflection"
    ]


def test_mapping_replaced_by_a_list_names_the_keys_it_expected(course_tree):
    path = course_tree / "sample-course/course.yml"
    path.write_text("- " + path.read_text().replace("\n", "\n  ").rstrip() + "\n")
    assert errors_of(course_tree) == [
        "sample-course/course.yml:1: the course file must be a mapping with the keys id, title, summary, audience, minutes, "
        "source_language, lessons; found a list holding a mapping (one '-' too many?)"
    ]


def test_byte_order_mark_changes_nothing(course_tree):
    for name in ("sample-course/course.yml", "sample-course/first-lesson.md", QUIZ, "help.yml"):
        path = course_tree / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert errors_of(course_tree) == []


def test_file_saved_as_utf16_is_reported(course_tree):
    path = course_tree / "sample-course/second-lesson.md"
    path.write_bytes(path.read_text().encode("utf-16"))
    assert errors_of(course_tree) == [f"sample-course/second-lesson.md:1: the file is saved as UTF-16; {SAVE_AS_UTF8}"]


def test_folder_where_a_file_belongs_is_reported(course_tree):
    notes = course_tree / "sample-course/second-lesson.notes.md"
    notes.unlink()
    notes.mkdir()
    assert errors_of(course_tree) == ["sample-course/second-lesson.notes.md:1: 'second-lesson.notes.md' is a folder; a file is expected here"]


def test_unreadable_file_is_reported(course_tree):
    quiz = course_tree / QUIZ
    quiz.unlink()
    quiz.symlink_to(course_tree / "nowhere.quiz.yml")  # a link to nothing: there, but not readable
    assert errors_of(course_tree) == [f"{QUIZ}:1: the file cannot be read: No such file or directory"]


def test_unreadable_courses_folder_is_an_error_not_a_crash(tmp_path):
    library = load_library(tmp_path / "missing")
    assert [str(error) for error in library.errors] == [f"{tmp_path / 'missing'}:1: the courses folder cannot be read: No such file or directory"]
    assert library.courses == {}


def test_control_character_in_yaml_is_reported_at_its_line(course_tree):
    edit(course_tree / "sample-course/course.yml", "Test readers.", "Test\x00readers.")
    assert errors_of(course_tree) == [
        "sample-course/course.yml:4: the control character U+0000 is not allowed in YAML: remove it (it is invisible in most editors)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: Sample course\nsummary: A course used by the tests.", "title: &t Sample course\nsummary: *t",
         "2: an anchor (&name) defined on this line is used again (*name): anchors and aliases are not supported in course files; "
         "write the value out where it is needed"),
        ("minutes: 10", "[minutes]: 10", "5: a key must be a single word or text such as 'title', found a list: check the indentation and the ':' on this line"),
        ("minutes: 10", "minutes: !!int ten", "5: 'ten' cannot be read as int: remove the '!!int' tag or fix the value"),
        ("minutes: 10", "minutes: 2023-02-29", "5: '2023-02-29' is not a date that exists: correct it, or put it in quotes if it is not meant as a date"),
        ("minutes: 10", "<<: {minutes: 10}", "5: merge keys ('<<') are not supported in course files: write the keys out"),
    ],
)
def test_yaml_that_python_cannot_build_is_an_error(course_tree, old, new, expected):
    edit(course_tree / "sample-course/course.yml", old, new)
    assert errors_of(course_tree) == [f"sample-course/course.yml:{expected}"]


@pytest.mark.parametrize("date", ["2024-13", '"2023-02-29"', "0000", "2024-09-01 10:00:00"])
def test_impossible_help_date_is_an_error(course_tree, date):
    edit(course_tree / "help.yml", "source_date: 2024-09\n", f"source_date: {date}\n")
    errors = errors_of(course_tree)
    assert len(errors) == 1
    assert errors[0].startswith("help.yml:24: 'source_date' of jp-test-line (or the word undated) must be a date written YYYY, YYYY-MM or YYYY-MM-DD")


def test_empty_help_file_is_reported(course_tree):
    (course_tree / "help.yml").write_text("")
    assert errors_of(course_tree) == ["help.yml:1: the help file is empty; expected the keys directory and countries"]


def test_glossary_term_nested_in_a_list_is_an_error_not_a_crash(course_tree):
    edit(course_tree / "glossary.yml", "terms:\n", "terms:\n  - - id: first\n")
    assert errors_of(course_tree) == [
        "glossary.yml:2: glossary term 1 must be a mapping with the keys id, then one per language (en, ja, …); "
        "found a list holding a mapping (one '-' too many?)"
    ]
