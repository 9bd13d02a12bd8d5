"""The quiz rules that look past one question (docs/AUTHORING.md, "Quiz rules"), and the authors' report.

A single question is checked when its type parses it (``kind``, right options, feedback on every option).
What is checked here is a property of many questions at once: the mix of kinds and types in a course, how
often the right option is the longest, whether a pinned "none of these" is ever right, how many wrong
options a multiple-select item offers, and prompts asked twice in the library.

These are *quality* findings, not format errors: ``load_library`` does not run them, so a course that
breaks one still loads and is served; ``flask courses check`` reports them as file:line errors and fails
(and with it ``make test`` and CI). A learner never loses a course because its mix of questions drifted.
"""

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from ..questions import QUESTION_TYPES
from ..questions.base import KINDS
from .errors import ContentError
from .models import Course, Lesson, Library, Question

COURSE_FILE = "course.yml"  # the course-level findings point at line 1 of the course file
# Rules 2, 3 and 4 describe the spread of a course's items. Under this many scored items a single question
# moves a share by ten points or more, so a share says nothing about the author's habits; such a course
# (the test fixtures' sample course has 7, a shipped course about 25) is exempt from them.
MIN_SCORED_ITEMS = 10
MIN_APPLIED = Fraction(2, 3)  # rule 2: scenario + reasoning, at least
MAX_MYTH_FACT = Fraction(1, 4)  # rule 2: myth/fact items, at most
MAX_RIGHT_LONGEST = Fraction(2, 5)  # rule 3: single items whose right option is strictly the longest, at most
MIN_OPTIONS_FOR_LENGTH = 3  # rule 3 counts single items with this many options that are not pinned
MIN_WRONG_OPTIONS = 2  # rule 5: plausible (not pinned) wrong options of a multiple-select item
APPLIED_KINDS = ("scenario", "reasoning")

PASS, FAIL, EXEMPT = "PASS", "FAIL", "EXEMPT"


@dataclass(frozen=True)
class Item:
    """A question with where it lives."""

    course: Course
    lesson: Lesson
    question: Question

    @property
    def path(self):
        return self.lesson.quiz.path

    @property
    def name(self) -> str:
        return f"{self.lesson.id}/{self.question.id}"


@dataclass(frozen=True)
class Finding:
    """One rule applied to a course (or the whole library): its figures, verdict and errors."""

    rule: int
    label: str
    figures: str
    status: str
    errors: tuple[ContentError, ...] = field(default=())

    def line(self) -> str:
        return f"  {self.status:<6} rule {self.rule}: {self.label}: {self.figures}"


def items_of(courses) -> list[Item]:
    """Every quiz question of ``courses``, in library order."""
    return [
        Item(course, lesson, question)
        for course in courses
        for lesson in course.lessons
        if lesson.quiz
        for question in lesson.quiz.questions
    ]


def scored(items: list[Item]) -> list[Item]:
    """The items whose type is scored (the ones the quiz rules count)."""
    return [item for item in items if QUESTION_TYPES[item.question.type].scored]


def percent(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a whole percentage, written "56 %"."""
    return f"{round(100 * part / whole) if whole else 0} %"


def share_of(part: int, whole: int, label: str) -> str:
    return f"{part} of {whole} {label} ({percent(part, whole)})"


def course_error(course: Course, message: str) -> ContentError:
    """A finding about a whole course, at line 1 of its course file."""
    return ContentError(course.path / COURSE_FILE, 1, f"course {course.id}: {message}")


def item_error(item: Item, message: str) -> ContentError:
    return ContentError(item.path, item.question.line, message)


# -- the rules ---------------------------------------------------------------------------------------------


def applied_share(course: Course | None, items: list[Item]) -> Finding:
    """Rule 2: scenario + reasoning items are at least two thirds of the scored items."""
    items = scored(items)
    applied = sum(item.question.kind in APPLIED_KINDS for item in items)
    figures = share_of(applied, len(items), "scored items are scenario or reasoning") + ", at least 67 %"
    if len(items) < MIN_SCORED_ITEMS:
        return Finding(2, "scenario + reasoning", figures, EXEMPT)
    if applied >= MIN_APPLIED * len(items):
        return Finding(2, "scenario + reasoning", figures, PASS)
    message = f"{share_of(applied, len(items), 'scored items')} are scenario or reasoning; at least two thirds are needed"
    return Finding(2, "scenario + reasoning", figures, FAIL, (course_error(course, message),) if course else ())


def myth_fact_share(course: Course | None, items: list[Item]) -> Finding:
    """Rule 2: myth/fact items are at most a quarter of the scored items."""
    items = scored(items)
    myths = sum(item.question.type == "myth_fact" for item in items)
    figures = share_of(myths, len(items), "scored items are myth/fact") + ", at most 25 %"
    if len(items) < MIN_SCORED_ITEMS:
        return Finding(2, "myth/fact share", figures, EXEMPT)
    if myths <= MAX_MYTH_FACT * len(items):
        return Finding(2, "myth/fact share", figures, PASS)
    message = f"{share_of(myths, len(items), 'scored items')} are myth/fact; at most a quarter are allowed"
    return Finding(2, "myth/fact share", figures, FAIL, (course_error(course, message),) if course else ())


def right_is_strictly_longest(question: Question) -> bool | None:
    """Whether the right option is longer than every other unpinned one; None when the item has too few
    unpinned options for its length to give anything away."""
    options = [option for option in question.options if not option.pinned]
    if len(options) < MIN_OPTIONS_FOR_LENGTH:
        return None
    right = [len(option.text.source) for option in options if option.correct]
    longest_wrong = max(len(option.text.source) for option in options if not option.correct)
    return bool(right) and right[0] > longest_wrong


def right_option_longest(course: Course | None, items: list[Item]) -> Finding:
    """Rule 3: in at most 40 % of the single-choice items (3+ unpinned options) is the right one longest."""
    verdicts = [(item, right_is_strictly_longest(item.question)) for item in items if item.question.type == "single"]
    counted = [(item, longest) for item, longest in verdicts if longest is not None]
    longest = [item for item, is_longest in counted if is_longest]
    figures = share_of(len(longest), len(counted), "single items with 3+ options have the right option strictly longest") + ", at most 40 %"
    if len(scored(items)) < MIN_SCORED_ITEMS:
        return Finding(3, "right option longest", figures, EXEMPT)
    if len(longest) <= MAX_RIGHT_LONGEST * len(counted):
        return Finding(3, "right option longest", figures, PASS)
    message = (
        f"the right option is strictly the longest in {share_of(len(longest), len(counted), 'single-choice items with 3 or more options')}; "
        f"at most 40 % are allowed (make the wrong options as long and specific): {', '.join(item.name for item in longest)}"
    )
    return Finding(3, "right option longest", figures, FAIL, (course_error(course, message),) if course else ())


def pinned_option_sometimes_right(course: Course | None, items: list[Item]) -> Finding:
    """Rule 4: where a course pins an option ("none of these"), it is the right answer at least once."""
    pinned = [item for item in items if any(option.pinned for option in item.question.options)]
    right = [item for item in pinned if any(option.pinned and option.correct for option in item.question.options)]
    figures = f"{len(pinned)} item(s) with a pinned option, {len(right)} with it right; at least 1 right when any"
    if len(scored(items)) < MIN_SCORED_ITEMS:
        return Finding(4, "pinned option right", figures, EXEMPT)
    if not pinned or right:
        return Finding(4, "pinned option right", figures, PASS)
    message = (
        f"{len(pinned)} item(s) have a pinned option ('none of these') and it is never the right answer, so learners "
        f"learn to skip it: make it right in at least one item, or remove it ({', '.join(item.name for item in pinned)})"
    )
    return Finding(4, "pinned option right", figures, FAIL, (course_error(course, message),) if course else ())


def wrong_options_of_multiple_select(course: Course | None, items: list[Item]) -> Finding:
    """Rule 5: each multiple-select item has at least two unpinned wrong options (its right ones: the parser).

    The figures list every item's count for a course, and only the items below the minimum for the library."""
    multiple = [item for item in items if item.question.type == "multiple"]
    counts = [(item, sum(not option.correct and not option.pinned for option in item.question.options)) for item in multiple]
    errors = tuple(
        item_error(item, f"multiple-select question '{item.question.id}' has {wrong} wrong option(s) that are not pinned; at least {MIN_WRONG_OPTIONS} plausible wrong options are needed")
        for item, wrong in counts
        if wrong < MIN_WRONG_OPTIONS
    )
    shown = counts if course is not None else [(item, wrong) for item, wrong in counts if wrong < MIN_WRONG_OPTIONS]
    listed = ", ".join(f"{item.question.id} {wrong}" for item, wrong in shown)
    if course is None:
        listed = f"{len(counts)} items, {len(shown)} below the minimum" + (f": {listed}" if listed else "")
    figures = (listed or "no multiple-select items") + f"; at least {MIN_WRONG_OPTIONS} each"
    return Finding(5, "wrong options of multiple-select items", figures, FAIL if errors else PASS, errors)


def normalised_prompt(question: Question) -> str:
    """The prompt (or statement) as rule 7 compares it: case and spacing ignored."""
    return " ".join(question.prompt.source.casefold().split())


def repeated_prompts(items: list[Item]) -> Finding:
    """Rule 7: no two items share a prompt; the error is at the later one, naming the first."""
    first: dict[str, Item] = {}
    errors = []
    for item in items:
        earlier = first.setdefault(normalised_prompt(item.question), item)
        if earlier is not item:
            errors.append(item_error(item, f"question '{item.question.id}' asks the same as question '{earlier.question.id}' of {earlier.course.id}/{earlier.lesson.id} ({earlier.path}:{earlier.question.line}); ask each idea once in the library"))
    figures = f"{len(errors)} repeated prompt(s) among {len(items)} items"
    return Finding(7, "no repeated items", figures, FAIL if errors else PASS, tuple(errors))


def course_findings(course: Course | None, items: list[Item]) -> list[Finding]:
    """Rules 2 to 5 on one course's items (``course`` None: the library's items taken together)."""
    return [
        applied_share(course, items),
        myth_fact_share(course, items),
        right_option_longest(course, items),
        pinned_option_sometimes_right(course, items),
        wrong_options_of_multiple_select(course, items),
    ]


def quality_errors(library: Library) -> list[ContentError]:
    """Every quiz-rule error of ``library``: each course's findings, then prompts repeated anywhere."""
    courses = list(library.courses.values())
    findings = [finding for course in courses for finding in course_findings(course, items_of([course]))]
    findings.append(repeated_prompts(items_of(courses)))
    return [error for finding in findings for error in finding.errors]


# -- the authors' report (`flask courses check --verbose`) ------------------------------------------------


def quality_report(library: Library) -> list[str]:
    """The quiz properties of each course and of the library, each rule with PASS, FAIL or EXEMPT."""
    courses = list(library.courses.values())
    lines = []
    for course in courses:
        lines += [f"{course.id}: quiz rules"] + profile(course, items_of([course]))
    if len(courses) > 1:
        everything = items_of(courses)
        lines += ["library: quiz rules (each rule but 7 applies per course; these are the whole library's figures)"]
        lines += profile(None, everything)
    lines.append(repeated_prompts(items_of(courses)).line())
    return lines


def profile(course: Course | None, items: list[Item]) -> list[str]:
    """The report lines of one course (or the library): counts, then each rule's verdict."""
    counted = scored(items)
    kinds = Counter(item.question.kind for item in counted)
    types = Counter(item.question.type for item in counted)
    per_lesson = Counter(item.lesson.id for item in counted)
    lines = [
        f"  scored items: {len(counted)}" + (f" (fewer than {MIN_SCORED_ITEMS}: exempt from rules 2 to 4)" if len(counted) < MIN_SCORED_ITEMS else ""),
        "  kinds: " + ", ".join(f"{kind} {kinds[kind]} ({percent(kinds[kind], len(counted))})" for kind in KINDS),
        "  types: " + ", ".join(f"{name} {types[name]}" for name, kind in QUESTION_TYPES.items() if kind.scored),
    ]
    if course is not None:
        lines.append("  scored items per lesson (aim: about 5): " + ", ".join(f"{lesson.id} {per_lesson[lesson.id]}" for lesson in course.lessons))
    return lines + [finding.line() for finding in course_findings(course, items)]
