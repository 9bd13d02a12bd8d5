"""One bibliography (courses/sources.yml): one work, one id, one text; lessons list ids from it."""

from pathlib import Path

from quizapp.content import load_library


def errors_of(tree: Path) -> list[str]:
    return [f"{error.path.relative_to(tree)}:{error.line}: {error.message}" for error in load_library(tree).errors]


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_lesson_sources_come_from_the_bibliography_in_the_header_order(course_tree):
    library = load_library(course_tree)
    first = library.courses["sample-course"].lessons[0]
    assert [(source.id, source.citation, source.url) for source in first.sources] == [
        ("source-a", "Author A. A study. 2020.", "https://example.org/a")
    ]


def test_planted_duplicate_source_id_is_refused(course_tree):
    append(course_tree / "sources.yml", '\n- id: source-a\n  citation: "Author A. The same study, written again."\n')
    assert errors_of(course_tree) == ["sources.yml:8: duplicate source id 'source-a' (first at line 1): one work, one id"]


def test_one_work_under_two_ids_is_refused_by_its_address(course_tree):
    append(course_tree / "sources.yml", '\n- id: source-a2\n  citation: "A. Author, A study (2020)."\n  url: http://www.example.org/a/\n')
    assert errors_of(course_tree) == [
        "sources.yml:10: source 'source-a2' has the same url as source 'source-a': one work, one id; cite 'source-a' instead"
    ]


def test_one_work_under_two_ids_is_refused_by_its_citation(course_tree):
    append(course_tree / "sources.yml", '\n- id: source-b2\n  citation: "author b.  another study. 2021."\n')
    assert errors_of(course_tree) == [
        "sources.yml:9: source 'source-b2' has the same citation as source 'source-b': one work, one id; cite 'source-b' instead"
    ]


def test_lesson_listing_an_unknown_source_names_the_file_and_line(course_tree):
    path = course_tree / "sample-course/second-lesson.md"
    path.write_text(path.read_text().replace("sources: [source-b]", "sources: [source-b, source-q]"))
    assert errors_of(course_tree) == [
        "sample-course/second-lesson.md:6: source 'source-q' is not in courses/sources.yml: add it there (id, citation, url) or correct the id"
    ]


def test_a_source_written_inline_in_a_lesson_is_refused(course_tree):
    path = course_tree / "sample-course/second-lesson.md"
    path.write_text(path.read_text().replace("sources: [source-b]", "sources:\n  - id: source-b\n    citation: Inline.\n"))
    errors = errors_of(course_tree)
    assert errors[0].startswith("sample-course/second-lesson.md:7: 'sources' lists ids of courses/sources.yml, not whole entries")


def test_the_shipped_library_has_one_bibliography_with_every_entry_cited():
    library = load_library(Path(__file__).parents[1] / "courses")
    cited = {source.id for course in library.courses.values() for lesson in course.lessons for source in lesson.sources}
    cited |= {source.id for survey in library.surveys.values() for source in survey.sources}
    bibliography = {line.split(":", 1)[1].strip() for line in (Path(__file__).parents[1] / "courses/sources.yml").read_text().splitlines() if line.startswith("- id:")}
    assert library.errors == ()
    assert cited == bibliography
