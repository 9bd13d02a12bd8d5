"""The quiz rules of docs/AUTHORING.md: `kind` on scored questions, and the rules over many questions.

Each rule gets one planted violation in an otherwise passing course; each test fails when its check is
removed. The course is the fixture library's sample course with its first quiz replaced by a generated one
big enough (11 scored items with the second lesson's two) not to be exempt from the share rules.
"""

import shutil
from pathlib import Path

import pytest
import yaml

from quizapp.content import load_library
from quizapp.content.quiz_quality import MIN_SCORED_ITEMS, quality_errors

from .support import PROJECT_ROOT

QUIZ = "sample-course/first-lesson.quiz.yml"
COURSE_FILE = "sample-course/course.yml"
SAME_LENGTH = ("Talk to them calmly today", "Send them a long letter.", "Wait for them to call you")


def single(question_id, kind="scenario", texts=SAME_LENGTH, right=0, pinned_right=False, prompt=None):
    """A single-choice item whose options are all the same length (rule 3 sees no giveaway)."""
    options = [{"id": f"o{n}", "text": text, "feedback": f"Feedback {n}."} for n, text in enumerate(texts)]
    if pinned_right:
        options.append({"id": "none", "text": "None of these", "pinned": True, "correct": True, "feedback": "Right: none fits."})
    else:
        options[right]["correct"] = True
    return {"id": question_id, "type": "single", "kind": kind, "prompt": prompt or f"What would you do in case {question_id}?",
            "options": options, "explanation": "Because.", "source": "source-a"}


def multiple(question_id, wrong=2, kind="reasoning"):
    options = [{"id": "r1", "text": "Right one", "correct": True, "feedback": "Yes."}, {"id": "r2", "text": "Right two", "correct": True, "feedback": "Yes."}]
    options += [{"id": f"w{n}", "text": f"Wrong {n}", "feedback": "No."} for n in range(wrong)]
    return {"id": question_id, "type": "multiple", "kind": kind, "prompt": f"Which apply in case {question_id}?", "options": options,
            "explanation": "Because.", "source": "source-a"}


def myth(question_id, kind="reasoning"):
    return {"id": question_id, "type": "myth_fact", "kind": kind, "statement": f"Statement {question_id} is true.", "answer": "myth",
            "feedback": {"myth": "Right.", "fact": "No."}, "explanation": "Because.", "source": "source-a"}


def ordering(question_id, kind="reasoning"):
    items = [{"id": f"s{n}", "text": f"Step {n}", "feedback": f"Step {n} comes here."} for n in range(3)]
    return {"id": question_id, "type": "ordering", "kind": kind, "prompt": f"Order the steps of {question_id}.", "items": items,
            "explanation": "Because.", "source": "source-a"}


def passing_questions() -> list[dict]:
    """Nine scored items (two recall) and two unscored ones: with the second lesson, a course that passes."""
    return [
        single("s1"), single("s2"), single("s3", kind="reasoning"), single("s4", kind="recall"),
        single("s5", texts=("Short", "A much longer wrong option", "Medium one")),  # the right one is shortest
        single("s6", kind="recall"),
        single("pinned", pinned_right=True),
        multiple("m1"),
        ordering("o1"),
        {"id": "opinion", "type": "likert", "statement": "I like quizzes.", "labels": ["No", "Not sure", "Yes"]},
        {"id": "reflect", "type": "reflection", "prompt": "What did you learn?"},
    ]


def write_quiz(tree: Path, questions: list[dict]) -> Path:
    path = tree / QUIZ
    path.write_text(yaml.safe_dump({"feedback": "end", "questions": questions}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` holding ``text`` (the first one)."""
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def quality(tree: Path) -> list[str]:
    """The quiz-rule errors of the library at ``tree`` (which must load cleanly), as `path:line: message`."""
    library = load_library(tree)
    assert library.errors == (), [str(error) for error in library.errors]
    return [f"{error.path.relative_to(tree)}:{error.line}: {error.message}" for error in quality_errors(library)]


def parse_errors(tree: Path) -> list[str]:
    return [f"{error.path.relative_to(tree)}:{error.line}: {error.message}" for error in load_library(tree).errors]


def test_the_generated_course_passes_every_rule_and_is_big_enough_to_be_judged(course_tree):
    write_quiz(course_tree, passing_questions())
    assert quality(course_tree) == []
    course = load_library(course_tree).courses["sample-course"]
    scored = [q for lesson in course.lessons for q in lesson.quiz.questions if q.kind]
    assert len(scored) >= MIN_SCORED_ITEMS


# -- rule 1: kind ----------------------------------------------------------------------------------------


def test_scored_question_without_kind_is_refused_with_file_and_line(course_tree):
    questions = passing_questions()
    del questions[1]["kind"]
    path = write_quiz(course_tree, questions)
    assert parse_errors(course_tree) == [
        f"{QUIZ}:{line_of(path, '- id: s2')}: question 's2' needs 'kind: scenario | reasoning | recall' beside its type (what the question asks the learner to do)"
    ]
    assert "sample-course" not in load_library(course_tree).courses


def test_unknown_kind_is_an_error_listing_the_three(course_tree):
    questions = passing_questions()
    questions[0]["kind"] = "application"
    path = write_quiz(course_tree, questions)
    assert parse_errors(course_tree) == [
        f"{QUIZ}:{line_of(path, 'kind: application')}: 'kind' of question 's1' must be one of: scenario, reasoning, recall; found 'application'"
    ]


@pytest.mark.parametrize("question_id", ["opinion", "reflect"])
def test_kind_on_an_unscored_question_is_refused(course_tree, question_id):
    questions = passing_questions()
    next(q for q in questions if q["id"] == question_id)["kind"] = "recall"
    path = write_quiz(course_tree, questions)
    [error] = parse_errors(course_tree)
    kind_line = [n for n, line in enumerate(path.read_text().splitlines(), 1) if "kind: recall" in line][-1]
    assert error.startswith(f"{QUIZ}:{kind_line}: question '{question_id}' is a ")
    assert "which is not scored: remove 'kind'" in error


def test_kind_is_stored_on_the_question(course_tree):
    write_quiz(course_tree, passing_questions())
    quiz = load_library(course_tree).courses["sample-course"].lessons[0].quiz
    assert [quiz.question(i).kind for i in ("s1", "s3", "s4", "opinion", "reflect")] == ["scenario", "reasoning", "recall", None, None]


# -- rule 2: the mix of kinds and types -------------------------------------------------------------------


def test_too_few_scenario_and_reasoning_items_fail_the_course_at_its_course_file(course_tree):
    questions = passing_questions()
    for question in questions[:4]:
        question["kind"] = "recall"  # 5 recall of 11 scored: 6 scenario or reasoning (55 %)
    write_quiz(course_tree, questions)
    assert quality(course_tree) == [
        f"{COURSE_FILE}:1: course sample-course: 6 of 11 scored items (55 %) are scenario or reasoning; at least two thirds are needed"
    ]


def test_too_many_myth_fact_items_fail_the_course(course_tree):
    questions = passing_questions() + [myth("x1"), myth("x2")]  # 3 of 13 myth/fact (second lesson has one): 23 %
    write_quiz(course_tree, questions)
    assert quality(course_tree) == []
    write_quiz(course_tree, questions + [myth("x3")])  # 4 of 14: 29 %
    assert quality(course_tree) == [f"{COURSE_FILE}:1: course sample-course: 4 of 14 scored items (29 %) are myth/fact; at most a quarter are allowed"]


def test_a_course_under_the_minimum_of_scored_items_is_exempt_from_the_share_rules(course_tree):
    # The fixture's own course: 6 scored items, a third of them myth/fact and a pinned option never right.
    assert quality(course_tree) == []
    # Recall myth/fact items only, with the second lesson's two: one short of the minimum, then at it.
    write_quiz(course_tree, [myth(f"x{n}", kind="recall") for n in range(MIN_SCORED_ITEMS - 3)])
    assert quality(course_tree) == []
    write_quiz(course_tree, [myth(f"x{n}", kind="recall") for n in range(MIN_SCORED_ITEMS - 2)])
    assert quality(course_tree) == [
        f"{COURSE_FILE}:1: course sample-course: 2 of 10 scored items (20 %) are scenario or reasoning; at least two thirds are needed",
        f"{COURSE_FILE}:1: course sample-course: 9 of 10 scored items (90 %) are myth/fact; at most a quarter are allowed",
    ]


# -- rule 3: the right option is not the longest one -----------------------------------------------------


def test_right_option_longest_too_often_fails_the_course(course_tree):
    questions = passing_questions()
    longer = ("Talk to them calmly today, and listen", "Send them a long letter.", "Wait for them to call you")
    for question_id in ("s1", "s2", "s3"):  # 3 of 7 single items with 3+ unpinned options ("pinned" too): 43 %
        questions[[q["id"] for q in questions].index(question_id)] = single(question_id, texts=longer)
    write_quiz(course_tree, questions)
    assert quality(course_tree) == [
        f"{COURSE_FILE}:1: course sample-course: the right option is strictly the longest in 3 of 7 single-choice items with 3 or more options (43 %); "
        "at most 40 % are allowed (make the wrong options as long and specific): first-lesson/s1, first-lesson/s2, first-lesson/s3"
    ]
    questions[0] = single("s1")  # 2 of 7: 29 %
    write_quiz(course_tree, questions)
    assert quality(course_tree) == []


# -- rule 4: a pinned "none of these" is sometimes right -------------------------------------------------


def test_pinned_option_never_right_fails_the_course(course_tree):
    questions = passing_questions()
    pinned = single("pinned")
    pinned["options"].append({"id": "none", "text": "None of these", "pinned": True, "feedback": "One of them fits."})
    questions[[q["id"] for q in questions].index("pinned")] = pinned
    write_quiz(course_tree, questions)
    [error] = quality(course_tree)
    assert error.startswith(f"{COURSE_FILE}:1: course sample-course: 1 item(s) have a pinned option ('none of these') and it is never the right answer")


# -- rule 5: multiple-select items offer two wrong options ------------------------------------------------


def test_multiple_select_with_one_wrong_option_is_an_error_at_its_line(course_tree):
    questions = passing_questions() + [multiple("m2", wrong=1)]
    path = write_quiz(course_tree, questions)
    assert quality(course_tree) == [
        f"{QUIZ}:{line_of(path, '- id: m2')}: multiple-select question 'm2' has 1 wrong option(s) that are not pinned; at least 2 plausible wrong options are needed"
    ]


# -- rule 6: feedback on every option (the parser's) -----------------------------------------------------


def test_option_without_feedback_is_refused_with_file_and_line(course_tree):
    questions = passing_questions()
    del questions[0]["options"][1]["feedback"]
    path = write_quiz(course_tree, questions)
    assert parse_errors(course_tree) == [
        f"{QUIZ}:{line_of(path, 'id: o1')}: missing key 'feedback' in option of question 's1' (expected text)"
    ]


# -- rule 7: no item asked twice in the library ----------------------------------------------------------


def test_a_repeated_prompt_is_an_error_at_the_second_item_naming_the_first(course_tree):
    questions = passing_questions()
    questions.append(single("again", prompt="  WHAT would you do in   case s1?"))  # case and spacing ignored
    path = write_quiz(course_tree, questions)
    assert quality(course_tree) == [
        f"{QUIZ}:{line_of(path, '- id: again')}: question 'again' asks the same as question 's1' of sample-course/first-lesson "
        f"({course_tree / QUIZ}:{line_of(path, '- id: s1')}); ask each idea once in the library"
    ]


def test_a_repeated_prompt_in_another_course_is_found_too(course_tree):
    shutil.copytree(course_tree / "sample-course", course_tree / "other-course")
    course = course_tree / "other-course/course.yml"
    course.write_text(course.read_text().replace("id: sample-course", "id: other-course"))
    errors = [error for error in quality(course_tree) if "asks the same as" in error]
    assert errors and all(error.startswith("sample-course/") or error.startswith("other-course/") for error in errors)
    assert len(errors) == 8  # every item of the copy repeats one of the original (the fixture's 8 items)


# -- where the rules bite: `courses check`, not the running site -----------------------------------------


def test_a_quality_failure_fails_courses_check_but_the_course_still_loads(course_tree, runner):
    write_quiz(course_tree, passing_questions() + [multiple("m2", wrong=1)])
    library = load_library(course_tree)
    assert "sample-course" in library.courses and library.errors == ()
    result = runner.invoke(args=["courses", "check", str(course_tree)])
    assert result.exit_code == 1
    assert "multiple-select question 'm2' has 1 wrong option(s)" in result.output
    one = runner.invoke(args=["courses", "check", str(course_tree / "sample-course")])
    assert one.exit_code == 1 and "'m2'" in one.output


def test_courses_check_verbose_reports_each_rule_with_its_verdict(course_tree, runner):
    write_quiz(course_tree, passing_questions() + [multiple("m2", wrong=1)])
    result = runner.invoke(args=["courses", "check", "--verbose", str(course_tree)])
    lines = result.output.splitlines()
    start = lines.index("sample-course: quiz rules")
    assert lines[start + 1 : start + 4] == [
        "  scored items: 12",
        "  kinds: scenario 5 (42 %), reasoning 5 (42 %), recall 2 (17 %)",
        "  types: single 8, multiple 2, myth_fact 1, ordering 1",
    ]
    report = "\n".join(lines[start:])
    assert "PASS   rule 2: scenario + reasoning: 10 of 12 scored items are scenario or reasoning (83 %), at least 67 %" in report
    assert "PASS   rule 2: myth/fact share: 1 of 12 scored items are myth/fact (8 %), at most 25 %" in report
    assert "PASS   rule 3: right option longest: 0 of 7 single items" in report
    assert "PASS   rule 4: pinned option right: 1 item(s) with a pinned option, 1 with it right" in report
    assert "FAIL   rule 5: wrong options of multiple-select items: m1 2, m2 1; at least 2 each" in report
    assert "PASS   rule 7: no repeated items: 0 repeated prompt(s) among 14 items" in report


# -- the shipped library ---------------------------------------------------------------------------------


def test_the_shipped_library_passes_every_quiz_rule():
    library = load_library(PROJECT_ROOT / "courses")
    assert [str(error) for error in library.errors] == []
    assert [str(error) for error in quality_errors(library)] == []
