"""The shipped course library meets its own standards: cited figures, lesson size, quiz mix, surveys."""

import re

import pytest

from quizapp.content import load_library
from quizapp.content.directives import DIRECTIVE
from quizapp.content.parser import CITATION

from .support import PROJECT_ROOT

LIBRARY = load_library(PROJECT_ROOT / "courses")
LESSONS = [(course, lesson) for course in LIBRARY.courses.values() for lesson in course.lessons]
FIGURE = re.compile(r"\d")


def lesson_ids():
    return [f"{course.id}/{lesson.id}" for course, lesson in LESSONS]


def test_three_courses_of_four_or_five_lessons():
    assert LIBRARY.errors == ()
    assert set(LIBRARY.courses) == {"understanding-hikikomori", "stigma-and-mental-health", "reaching-out"}
    for course in LIBRARY.courses.values():
        assert 4 <= len(course.lessons) <= 5, course.id


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=lesson_ids())
def test_every_figure_in_a_lesson_has_a_source_entry(course, lesson):
    uncited = [
        f"{text.path.name}:{text.line}: {text.source}"
        for block in lesson.blocks
        if block.kind != "heading"  # a heading names a topic ("the 8050 problem"); the text below cites it
        for text in block.texts
        # A help directive ({{help:us-988}}) is not a figure: its number lives in help.yml, with its source.
        if FIGURE.search(DIRECTIVE.sub("", CITATION.sub("", text.source))) and not CITATION.search(text.source)
    ]
    assert not uncited, "figures without a [@source] marker:\n" + "\n".join(uncited)
    cited = {match for block in lesson.blocks for text in block.texts for match in CITATION.findall(text.source)}
    assert cited <= {source.id for source in lesson.sources}


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=lesson_ids())
def test_lesson_has_reading_length_objectives_sources_and_notes(course, lesson):
    words = sum(len(CITATION.sub("", text.source).split()) for block in lesson.blocks for text in block.texts)
    assert 300 <= words <= 650, f"{lesson.id}: {words} words"
    assert 3 <= lesson.minutes <= 7
    assert len(lesson.objectives) >= 2
    assert lesson.sources
    notes = " ".join(text.source for block in lesson.notes for text in block.texts).lower()
    assert "45" in notes and "safeguarding" in notes, f"{lesson.id}: notes need a 45-minute plan and the disclosure procedure"


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=lesson_ids())
def test_quiz_mixes_types_with_one_opinion_question(course, lesson):
    quiz = lesson.quiz
    assert quiz is not None
    assert 5 <= len(quiz.questions) <= 8
    kinds = [question.type for question in quiz.questions]
    assert kinds.count("likert") == 1
    assert {"single", "multiple"} & set(kinds)
    for question in quiz.questions:
        if question.type not in ("likert", "reflection"):
            assert all(option.feedback for option in question.options), question.id
            assert question.explanation and question.source, question.id


def test_every_course_has_a_pre_post_survey_of_five_to_eight_statements():
    for course in LIBRARY.courses.values():
        assert course.survey is not None, course.id
        assert 5 <= len(course.survey.statements) <= 8
        assert len(course.survey.labels) == 5


def test_help_data_has_a_source_and_its_date_for_every_entry():
    assert LIBRARY.help_directory.contacts[0].href == "https://findahelpline.com"
    for entry in LIBRARY.help_entries():
        assert entry.source.startswith(("https://", "http://")), entry.id
        assert entry.source_date, entry.id
        assert entry.checked_on is None, f"{entry.id}: checked_on is only for a person who checked the service live"
