"""The report after a session: the same figures for the screen, the print view and the CSV export."""

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..questions import QUESTION_TYPES
from .models import Participant, SessionAnswer, SurveyResponse

# Fewer learners than this answering both surveys could identify individuals: no comparison is shown.
# They must answer from as many separate browsers, and not all identically, so that a room padded from one
# browser (or with one copied answer pattern) cannot isolate the one real learner in it.
SURVEY_MINIMUM = 5


@dataclass
class OptionRow:
    """How many learners chose one option (or put items in the right order, or chose a scale point)."""

    option_id: str
    count: int
    percent: float
    correct: bool


@dataclass
class QuestionRow:
    """One question's figures."""

    question: object
    answers: int
    percent_correct: float | None
    average: float | None
    options: list[OptionRow] = field(default_factory=list)


@dataclass
class LearnerRow:
    """One learner (only when the session shows pseudonyms)."""

    pseudonym: str
    language: str
    answered: int
    percent_correct: float | None


class BeforeAfter:
    """A survey row's mean before and after, over the learners who answered both phases."""

    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        """After minus before (None when the row is hidden)."""
        return None if self.before is None else round(self.after - self.before, 2)


@dataclass
class SurveyRow(BeforeAfter):
    """One statement before and after (positive change: more agreement)."""

    statement: object
    respondents: int
    before: float | None
    after: float | None


@dataclass
class ScoreRow(BeforeAfter):
    """One score (knowledge, attitude, behaviour) before and after: per learner the mean of its statements,
    reverse ones turned round, then the mean over the learners who answered both phases (positive change:
    better informed, more accepting, more willing)."""

    score: str
    respondents: int
    before: float | None
    after: float | None


@dataclass
class Report:
    """Everything the report shows."""

    learners: int
    questions: list[QuestionRow]
    learner_rows: list[LearnerRow] | None
    survey_rows: list[SurveyRow] | None
    survey_respondents: int
    # Per score, with the same threshold as the statements; None when hidden or the survey has no scores.
    survey_scores: list[ScoreRow] | None = None
    survey: object = None  # the session's survey version (its adapted_from label goes with the scores)


def percent(part: int, whole: int) -> float:
    """A share as a percentage rounded to one decimal, the precision shown everywhere."""
    return round(100.0 * part / whole, 1) if whole else 0.0


def build_report(session, lesson, survey) -> Report:
    """Compute the report of ``session`` from the database; ``survey`` is the version the session asked
    (``views.survey_of``), never the course's current one."""
    participants = list(db.session.scalars(select(Participant).where(Participant.session_id == session.id, Participant.removed.is_(False)).order_by(Participant.id)))
    answers = list(db.session.scalars(select(SessionAnswer).where(SessionAnswer.session_id == session.id)))
    questions = [question_row(question, [a for a in answers if a.question_id == question.id]) for question in (lesson.quiz.questions if lesson.quiz else ())]
    learner_rows = None
    if session.pseudonyms:
        scored = {q.id for q in (lesson.quiz.questions if lesson.quiz else ()) if QUESTION_TYPES[q.type].scored}
        learner_rows = []
        for participant in participants:
            own = [a for a in answers if a.participant_id == participant.id]
            own_scored = [a for a in own if a.question_id in scored]
            right = sum(1 for a in own_scored if a.score == 1.0)
            learner_rows.append(LearnerRow(participant.pseudonym or "", participant.language, len(own), percent(right, len(own_scored)) if own_scored else None))
    survey_rows, scores, respondents = None, None, 0
    if session.with_survey and survey is not None:
        survey_rows, scores, respondents = survey_comparison(session, survey)
    return Report(len(participants), questions, learner_rows, survey_rows, respondents, scores, survey)


def question_row(question, answers) -> QuestionRow:
    """Distribution and share right for one question, as its type adds the answers up."""
    summary = QUESTION_TYPES[question.type].summarise(question, [(answer.value, answer.score) for answer in answers])
    total = summary.answers
    row = QuestionRow(question, total, None, None)
    if summary.fully_right is not None:
        row.percent_correct = percent(summary.fully_right, total)
    if summary.counts is not None:
        row.options = [OptionRow(option.id, summary.counts[option.id], percent(summary.counts[option.id], total), option.correct) for option in question.options]
    if summary.average is not None:
        row.average = round(summary.average, 2)
    return row


def survey_comparison(session, survey) -> tuple[list[SurveyRow] | None, list[ScoreRow] | None, int]:
    """Mean position before and after, per statement and per score, over learners who answered both phases.

    Nothing is shown (None) unless ``survey_may_be_shown`` says the respondents are enough real people.
    """
    responses = list(db.session.scalars(select(SurveyResponse).where(SurveyResponse.session_id == session.id)))
    by_phase = {"pre": {}, "post": {}}
    for response in responses:
        by_phase[response.phase].setdefault(response.participant_id, {})[response.statement_id] = response.value
    both = set(by_phase["pre"]) & set(by_phase["post"])
    browsers = dict(db.session.execute(select(Participant.id, Participant.browser).where(Participant.id.in_(both))).all()) if both else {}
    patterns = {participant: (tuple(sorted(by_phase["pre"][participant].items())), tuple(sorted(by_phase["post"][participant].items()))) for participant in both}
    if not survey_may_be_shown(browsers, patterns):
        return None, None, len(both)
    rows = []
    for statement in survey.statements:
        pairs = [(by_phase["pre"][p].get(statement.id), by_phase["post"][p].get(statement.id)) for p in both]
        pairs = [(before, after) for before, after in pairs if before is not None and after is not None]
        if len(pairs) < SURVEY_MINIMUM:
            rows.append(SurveyRow(statement, len(pairs), None, None))
            continue
        rows.append(SurveyRow(statement, len(pairs), round(sum(b for b, _ in pairs) / len(pairs), 2), round(sum(a for _, a in pairs) / len(pairs), 2)))
    scores = [score_row(survey, score, by_phase, both) for score in survey.scores()]
    return rows, scores or None, len(both)


def score_row(survey, score: str, by_phase: dict, both: set) -> ScoreRow:
    """One score before and after. A learner counts when they answered at least one of its statements in
    both phases; below ``SURVEY_MINIMUM`` such learners the score is hidden, like a statement."""
    statements = [statement for statement in survey.statements if statement.score == score]
    top = len(survey.labels) + 1  # a reverse statement's position p counts as top - p: 1 <-> 5 on five labels
    befores, afters = [], []
    for participant in both:
        pairs = [(by_phase["pre"][participant].get(statement.id), by_phase["post"][participant].get(statement.id), statement.reverse) for statement in statements]
        pairs = [(top - before, top - after) if reverse else (before, after) for before, after, reverse in pairs if before is not None and after is not None]
        if pairs:
            befores.append(sum(before for before, _ in pairs) / len(pairs))
            afters.append(sum(after for _, after in pairs) / len(pairs))
    if len(befores) < SURVEY_MINIMUM:
        return ScoreRow(score, len(befores), None, None)
    return ScoreRow(score, len(befores), round(sum(befores) / len(befores), 2), round(sum(afters) / len(afters), 2))


def survey_may_be_shown(browsers: dict[int, str | None], patterns: dict[int, tuple]) -> bool:
    """True when at least ``SURVEY_MINIMUM`` respondents answered from separate browsers and their answers
    are not all one pattern. A participant without a browser key counts as a browser of their own."""
    distinct_browsers = {browser or f"participant-{participant}" for participant, browser in browsers.items()}
    return len(distinct_browsers) >= SURVEY_MINIMUM and len(set(patterns.values())) > 1


def report_csv(report: Report, labels) -> str:
    """The report as CSV: the same numbers as on screen, one table after another.

    ``labels`` turns a question or option into the text the screen shows (in the teacher's language).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "question", "option", "count", "percent", "correct", "answers", "percent_correct", "average"])
    for number, row in enumerate(report.questions, 1):
        writer.writerow(["question", f"{number}. {labels.question(row.question)}", "", "", "", "", row.answers, _number(row.percent_correct), _number(row.average)])
        for option in row.options:
            writer.writerow(["option", f"{number}. {labels.question(row.question)}", labels.option(row.question, option.option_id), option.count, _number(option.percent), "yes" if option.correct else "", "", "", ""])
    if report.learner_rows is not None:
        writer.writerow([])
        writer.writerow(["learner", "pseudonym", "language", "answered", "percent_correct"])
        for learner in report.learner_rows:
            writer.writerow(["learner", _safe(learner.pseudonym), learner.language, learner.answered, _number(learner.percent_correct)])
    if report.survey_scores is not None:
        writer.writerow([])
        writer.writerow(["score", "name", "respondents", "before", "after", "change"])
        for score in report.survey_scores:
            writer.writerow(["score", labels.score(score.score), score.respondents, _number(score.before), _number(score.after), _number(score.change)])
        if report.survey.adapted_from is not None:
            writer.writerow(["adapted_from", labels.adapted_from(report.survey)])
    if report.survey_rows is not None:
        writer.writerow([])
        writer.writerow(["survey", "statement", "respondents", "before", "after", "change"])
        for survey in report.survey_rows:
            writer.writerow(["survey", labels.statement(survey.statement), survey.respondents, _number(survey.before), _number(survey.after), _number(survey.change)])
    return out.getvalue()


def _safe(text: str) -> str:
    """Keep spreadsheet programs from reading a learner's pseudonym as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _number(value) -> str:
    return "" if value is None else f"{value:g}"
