"""Each question type scores as documented, including the edges."""

import pytest

from quizapp.content import load_library
from quizapp.questions import QUESTION_TYPES

from .support import DATA

QUIZ = load_library(DATA / "courses").courses["sample-course"].lessons[0].quiz


def score(question_id, answer):
    question = QUIZ.question(question_id)
    return QUESTION_TYPES[question.type].score(question, answer)


@pytest.mark.parametrize(("answer", "expected"), [("right", 1.0), ("wrong", 0.0), ("none", 0.0), (None, 0.0), ("nope", 0.0)])
def test_single_choice_scores_one_for_the_right_option_only(answer, expected):
    assert score("pick-one", answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["a", "b"], 1.0),  # every right option
        ([], 0.0),  # nothing chosen
        (None, 0.0),
        (["a", "b", "c", "d"], 0.0),  # every option: two right minus two wrong
        (["a"], 0.5),  # half the right options
        (["a", "c"], 0.0),  # a wrong choice cancels a right one
        (["a", "b", "c"], 0.5),
        (["c", "d"], 0.0),  # never below zero
    ],
)
def test_multiple_select_partial_credit(answer, expected):
    assert score("pick-many", answer) == expected


@pytest.mark.parametrize(("answer", "expected"), [("myth", 1.0), ("fact", 0.0), (None, 0.0)])
def test_myth_or_fact(answer, expected):
    assert score("myth", answer) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (["one", "two", "three", "four"], 1.0),
        (["four", "three", "two", "one"], 0.0),  # reversed: no pair in order
        (["two", "one", "three", "four"], 5 / 6),  # one neighbour swap loses one of six pairs
        (["one", "two", "four", "three"], 5 / 6),
        (["four", "one", "two", "three"], 3 / 6),  # the last moved first
        (["one", "two", "three"], 0.0),  # an item missing
        (["one", "one", "two", "three"], 0.0),  # an item twice
    ],
)
def test_ordering_scores_the_share_of_pairs_in_order(answer, expected):
    assert score("steps", answer) == pytest.approx(expected)


def test_opinion_and_reflection_are_never_scored():
    assert score("opinion", 5) is None
    assert score("reflect", None) is None
    assert not QUESTION_TYPES["likert"].scored and not QUESTION_TYPES["reflection"].scored


def test_registry_has_one_class_per_type():
    assert set(QUESTION_TYPES) == {"single", "multiple", "myth_fact", "ordering", "likert", "reflection"}
    assert len({type(t) for t in QUESTION_TYPES.values()}) == 6
