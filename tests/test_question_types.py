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


def test_a_type_needs_a_kind_exactly_when_it_is_scored(course_tree):
    """`scored` on the definition decides: the fixture quiz without its `kind:` lines is refused at each
    scored question and nowhere else."""
    quiz = course_tree / "sample-course/first-lesson.quiz.yml"
    quiz.write_text("".join(line for line in quiz.read_text().splitlines(keepends=True) if not line.strip().startswith("kind:")))
    missing = {error.message.split("'")[1] for error in load_library(course_tree).errors if "needs 'kind:" in error.message}
    first = load_library(DATA / "courses").courses["sample-course"].lessons[0].quiz
    assert missing == {q.id for q in first.questions if QUESTION_TYPES[q.type].scored} == {"pick-one", "pick-many", "myth", "steps"}
    assert all(q.kind for q in first.questions if QUESTION_TYPES[q.type].scored)


def test_registry_has_one_class_per_type():
    assert set(QUESTION_TYPES) == {"single", "multiple", "myth_fact", "ordering", "likert", "reflection"}
    assert len({type(t) for t in QUESTION_TYPES.values()}) == 6


def test_question_definitions_and_the_course_parser_load_without_any_web_framework():
    """Content depends on the definitions and the web on both, never the reverse: the parser and Babel's
    extractor run without Flask, Flask-Babel, WTForms or Jinja."""
    import subprocess
    import sys

    code = (
        "import sys, quizapp.questions, quizapp.content.parser, quizapp.content.extract\n"
        "web = {'flask', 'flask_babel', 'flask_wtf', 'wtforms', 'jinja2', 'werkzeug', 'sqlalchemy'}\n"
        "print(sorted(web & {name.split('.')[0] for name in sys.modules}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_question_type_has_a_widget_whose_partials_exist(make_app):
    from quizapp.quizzes.widgets import WIDGETS

    assert set(WIDGETS) == set(QUESTION_TYPES)
    app = make_app()
    for name, widget in WIDGETS.items():
        assert widget.definition is QUESTION_TYPES[name]
        for template in (widget.field_template, widget.result_template, widget.live_template):
            app.jinja_env.get_template(template)  # raises TemplateNotFound


def test_a_type_adds_up_answers_for_reports_and_stats():
    opinion = QUIZ.question("opinion")
    summary = QUESTION_TYPES["likert"].summarise(opinion, [(5, None), (3, None), (4, None)])
    assert (summary.answers, summary.fully_right, summary.average) == (3, None, 4.0)
    assert summary.counts["5"] == 1 and summary.counts["2"] == 0
    many = QUIZ.question("pick-many")
    summary = QUESTION_TYPES["multiple"].summarise(many, [(["a", "b"], 1.0), (["a"], 0.5), (["c"], 0.0)])
    assert (summary.fully_right, summary.counts["a"], summary.counts["c"], summary.average) == (1, 2, 1, None)
    assert summary.percent_right() == pytest.approx(100 / 3)
    steps = QUIZ.question("steps")
    summary = QUESTION_TYPES["ordering"].summarise(steps, [(["one", "two", "three", "four"], 1.0)])
    assert summary.counts is None and summary.fully_right == 1


def test_the_lanes_store_what_the_validated_form_gives_for_every_shipped_question(make_app):
    """classroom/lanes.py stores ``answer_from_values`` and quizzes/lane.py ``given_from_values`` without
    building a form: for every question of the shipped courses, sent its right answer, each option alone,
    each step twice, a reflection kept or not, blank or over its length, they are what the validated WTForms
    form gives (or None, so the request goes to Flask); the types whose values need no form always give one."""
    from werkzeug.datastructures import MultiDict

    from quizapp.content_access import content
    from quizapp.i18n import current_language
    from quizapp.questions.opinion import REFLECTION_MAX
    from quizapp.quizzes import service
    from quizapp.quizzes.widgets import field_name, save_field_name, widget_for
    from quizapp.testing import right_answer_form

    app = make_app(WTF_CSRF_ENABLED=False)
    taken, given_taken = set(), set()
    with app.test_request_context("/en/"):
        for course in content().courses():
            for lesson in course.lessons:
                for question in lesson.quiz.questions if lesson.quiz else ():
                    views = content().quiz_view(course, lesson, current_language())
                    name = field_name(question)
                    sent = [right_answer_form(question)] + [{name: option.id} for option in question.options]
                    sent += [{name: [option.id for option in question.options[:-1]] + [question.options[0].id]}] if question.options else []
                    if question.type == "reflection":
                        keep = save_field_name(question)
                        sent += [{name: " My thought \r\n", keep: "y"}, {name: "My thought"}, {name: "  ", keep: "y"}, {keep: "y"}, {name: "x" * (REFLECTION_MAX + 1), keep: "y"}]
                    for data in sent:
                        formdata = MultiDict([(name, value) for name, values in data.items() for value in (values if isinstance(values, list) else [values])])
                        if service.tampered([question], formdata):
                            continue
                        form = service.build_form([question], views, "a-token-of-16-chars", formdata=formdata)
                        lane = widget_for(question).answer_from_values(question, formdata.getlist(name))
                        given = widget_for(question).given_from_values(question, formdata)
                        if form.validate():
                            assert lane is None or lane[0] == widget_for(question).given(form, question)[0], (question.id, data)
                            assert given is None or given == widget_for(question).given(form, question), (question.id, data)
                        else:
                            assert lane is None and given is None, (question.id, data)
                        if lane is not None:
                            taken.add(question.type)
                        if given is not None:
                            given_taken.add(question.type)
    assert taken == {"single", "multiple", "myth_fact", "likert", "ordering"}
    assert given_taken == taken | {"reflection"}
