"""The Babel extractor yields one unit per title, objective, paragraph and list item, with context."""

from babel.messages.extract import extract_from_dir

from .support import DATA


def extract(method: str):
    """Run Babel's own extraction over the fixture library, as `pybabel extract -F babel.cfg` does."""
    mapping = [("courses/**.yml", method), ("courses/**.md", method)]
    return [
        (filename, lineno, message, comments, context)
        for filename, lineno, message, comments, context in extract_from_dir(
            DATA, mapping, comment_tags=("i18n:",), strip_comment_tags=True
        )
    ]


def test_extractor_output_on_fixture_course():
    results = extract("quizapp.content.extract:extract_courses")
    units = {(filename, lineno, context, message) for filename, lineno, message, _comments, context in results if ".quiz." not in filename}
    assert units == {
        ("courses/help.yml", 3, "help", "Test Directory"),
        ("courses/help.yml", 4, "help", "A directory used by the tests."),
        ("courses/help.yml", 13, "help", "Test Line"),
        ("courses/help.yml", 14, "help", "A help line used by the tests."),
        ("courses/help.yml", 21, "help", "Every day"),
        ("courses/sample-course/course.yml", 2, "sample-course", "Sample course"),
        ("courses/sample-course/course.yml", 3, "sample-course", "A course used by the tests."),
        ("courses/sample-course/course.yml", 4, "sample-course", "Test readers."),
        ("courses/sample-course/first-lesson.md", 2, "sample-course/first-lesson", "First lesson"),
        ("courses/sample-course/first-lesson.md", 5, "sample-course/first-lesson", "Learn the first thing."),
        ("courses/sample-course/first-lesson.md", 6, "sample-course/first-lesson", "Learn the second thing."),
        ("courses/sample-course/first-lesson.md", 7, "sample-course/first-lesson", "Mentions a sensitive topic."),
        ("courses/sample-course/first-lesson.md", 10, "sample-course/first-lesson", "A heading"),
        ("courses/sample-course/first-lesson.md", 12, "sample-course/first-lesson", "A paragraph with a figure, 42% [@source-a]."),
        ("courses/sample-course/first-lesson.md", 14, "sample-course/first-lesson", "First item."),
        ("courses/sample-course/first-lesson.md", 15, "sample-course/first-lesson", "Second item with **bold** text."),
        ("courses/sample-course/first-lesson.notes.md", 1, "sample-course/first-lesson/notes", "Plan"),
        ("courses/sample-course/first-lesson.notes.md", 3, "sample-course/first-lesson/notes", "Talk about the first lesson."),
        ("courses/sample-course/second-lesson.md", 2, "sample-course/second-lesson", "Second lesson"),
        ("courses/sample-course/second-lesson.md", 5, "sample-course/second-lesson", "Learn more."),
        ("courses/sample-course/second-lesson.md", 8, "sample-course/second-lesson", "Only a paragraph [@source-b]."),
        ("courses/sample-course/second-lesson.notes.md", 1, "sample-course/second-lesson/notes", "Discuss the second lesson."),
    }


def test_every_unit_carries_a_translator_comment_naming_its_item():
    comments = {message: comments for _f, _l, message, comments, _c in extract("quizapp.content.extract:extract_courses")}
    assert comments["First item."] == ["sample-course, first-lesson: list item 1"]
    assert comments["Learn the second thing."] == ["course sample-course, lesson first-lesson: learning objective 2"]
    assert comments["Talk about the first lesson."] == ["sample-course, first-lesson/notes: paragraph 1"]


def test_babel_cfg_alias_form_extracts_course_files(tmp_path):
    """The `[extractors]` alias in babel.cfg resolves to our extractor (the colon form would silently fail)."""
    from babel.messages.frontend import parse_mapping_cfg

    from .support import PROJECT_ROOT

    with open(PROJECT_ROOT / "babel.cfg") as fileobj:
        method_map, _options = parse_mapping_cfg(fileobj)
    methods = {pattern: method for pattern, method in method_map}
    assert methods["courses/**.md"] == "quizapp.content.extract:extract_courses"
    assert len(extract(methods["courses/**.md"])) == 22 + 49  # 39 + 10 quiz units


def test_quiz_units_carry_their_question_and_option():
    results = extract("quizapp.content.extract:extract_courses")
    quiz = {(lineno, message): (context, comments) for filename, lineno, message, comments, context in results if filename.endswith("first-lesson.quiz.yml")}
    assert quiz[(6, "Which is right?")] == ("sample-course/first-lesson/quiz", ["quiz pick-one: prompt"])
    assert quiz[(14, "No, a common mix-up.")] == ("sample-course/first-lesson/quiz", ["quiz pick-one: feedback for option wrong"])
    assert quiz[(39, "It is a myth, in fact.")] == ("sample-course/first-lesson/quiz", ["quiz myth: feedback when the learner says fact"])
    assert quiz[(56, "Strongly agree")] == ("scale", ["quiz opinion: scale label 5 of 5"])
    assert quiz[(59, "What did you learn?")] == ("sample-course/first-lesson/quiz", ["quiz reflect: prompt"])


# -- one parse per course and extraction run ------------------------------------------------------------------


def count_course_parses(monkeypatch) -> list:
    """The course folders the extractor parses from now on (the real parser still runs), from a cold cache."""
    from quizapp.content import extract as extractor

    parsed, parse = [], extractor.parse_course

    def counting(folder):
        parsed.append(folder.name)
        return parse(folder)

    monkeypatch.setattr(extractor, "parse_course", counting)
    monkeypatch.setattr(extractor, "_PARSED", {})  # nothing kept from an earlier extraction in this process
    return parsed


def extract_tree(root):
    mapping = [("courses/**.yml", "quizapp.content.extract:extract_courses"), ("courses/**.md", "quizapp.content.extract:extract_courses")]
    return list(extract_from_dir(root, mapping, comment_tags=("i18n:",), strip_comment_tags=True))


def test_extraction_parses_a_course_once_however_many_files_it_has(monkeypatch):
    parsed = count_course_parses(monkeypatch)
    results = extract("quizapp.content.extract:extract_courses")
    assert len({filename for filename, *_rest in results if "/sample-course/" in filename}) == 7  # course, 2 lessons, their notes and quizzes
    assert parsed == ["sample-course"]


def test_extraction_gives_what_parsing_every_file_afresh_gives(monkeypatch):
    from quizapp.content import extract as extractor

    once = extract("quizapp.content.extract:extract_courses")
    monkeypatch.setattr(extractor, "parsed_course", extractor.parse_course)  # the old way: a parse per file
    assert extract("quizapp.content.extract:extract_courses") == once


def test_a_course_changed_between_extractions_is_parsed_again(monkeypatch, course_tree):
    parsed = count_course_parses(monkeypatch)
    assert "First item, changed." not in {message for _f, _l, message, _c, _x in extract_tree(course_tree.parent)}
    lesson = course_tree / "sample-course" / "first-lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("First item.", "First item, changed."), encoding="utf-8")
    assert "First item, changed." in {message for _f, _l, message, _c, _x in extract_tree(course_tree.parent)}
    assert parsed == ["sample-course", "sample-course"]
