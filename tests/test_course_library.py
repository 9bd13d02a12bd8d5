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
# A part of an evening's running order ("Small groups (10 minutes)") is a plan, not a figure to source.
PLANNED_MINUTES = re.compile(r"\(\d+ minutes\)")


def lesson_ids():
    return [f"{course.id}/{lesson.id}" for course, lesson in LESSONS]


def test_four_courses_of_four_or_five_lessons():
    assert LIBRARY.errors == ()
    assert set(LIBRARY.courses) == {"understanding-hikikomori", "stigma-and-mental-health", "reaching-out", "families-and-communities"}
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
        if FIGURE.search(PLANNED_MINUTES.sub("", DIRECTIVE.sub("", CITATION.sub("", text.source)))) and not CITATION.search(text.source)
    ]
    assert not uncited, "figures without a [@source] marker:\n" + "\n".join(uncited)
    cited = {match for block in lesson.blocks for text in block.texts for match in CITATION.findall(text.source)}
    assert cited <= {source.id for source in lesson.sources}


@pytest.mark.parametrize(("course", "lesson"), LESSONS, ids=lesson_ids())
def test_lesson_has_reading_length_objectives_sources_and_notes(course, lesson):
    words = sum(len(CITATION.sub("", text.source).split()) for block in lesson.blocks for text in block.texts)
    assert 300 <= words <= 1000, f"{lesson.id}: {words} words"
    # The reading time it states is honest for a reader in a second language: at most 130 words a minute.
    assert 3 <= lesson.minutes <= 10 and words <= 130 * lesson.minutes, f"{lesson.id}: {words} words in {lesson.minutes} minutes"
    assert len(lesson.objectives) >= 2
    assert lesson.sources
    notes = " ".join(text.source for block in lesson.notes for text in block.texts).lower()
    assert f"{course.class_minutes} minutes" in notes, f"{lesson.id}: notes need a plan for the course's {course.class_minutes}-minute class"
    # A school class follows its safeguarding procedure; a community group has none, so it needs emergency help.
    assert "safeguarding" in notes or "{{help:emergency}}" in notes, f"{lesson.id}: notes need what to do if someone is at risk"


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


def test_every_course_asks_a_current_survey_of_three_scores_adapted_from_cited_instruments():
    for course in LIBRARY.courses.values():
        survey = course.survey
        assert survey is not None and not survey.retired, course.id
        assert 9 <= len(survey.statements) <= 12
        assert len(survey.labels) == 5
        for score in ("knowledge", "attitude", "behaviour"):
            assert 3 <= sum(statement.score == score for statement in survey.statements) <= 4, (survey.id, score)
        assert "not a validated instrument" in survey.adapted_from.source
        assert {"evans-lacko-2010-maks", "evans-lacko-2011-ribs"} <= {source.id for source in survey.sources}


def test_help_data_has_a_source_and_its_date_for_every_entry():
    assert LIBRARY.help_directory.contacts[0].href == "https://findahelpline.com"
    for entry in LIBRARY.help_entries():
        assert entry.source.startswith(("https://", "http://")), entry.id
        assert entry.source_date, entry.id
        assert entry.checked_on is None, f"{entry.id}: checked_on is only for a person who checked the service live"
