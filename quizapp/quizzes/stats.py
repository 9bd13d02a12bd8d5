"""What authors learn from the answers: per question and language, how learners did."""

import json
from collections import defaultdict
from dataclasses import asdict, dataclass

from sqlalchemy import select

from ..extensions import db
from ..questions import QUESTION_TYPES
from .models import QuizAnswer, QuizAnswerTally, QuizAttempt


@dataclass(frozen=True)
class QuestionStats:
    """The figures for one question in one language."""

    course_id: str
    lesson_id: str
    question_id: str
    type: str
    language: str
    answers: int
    percent_correct: float | None  # share of answers fully right (scored questions only)
    wrong_option: str | None  # the wrong option chosen most often
    wrong_option_count: int
    average_opinion: float | None  # mean position on the scale (Likert only)

    def as_dict(self) -> dict:
        """For JSON output."""
        return asdict(self)


def course_stats(course, languages) -> list[QuestionStats]:
    """Figures for every question of ``course`` that has answers, in course, quiz and language order."""
    rows = db.session.execute(
        select(QuizAttempt.lesson_id, QuizAttempt.language, QuizAnswer.question_id, QuizAnswer.value, QuizAnswer.score)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.course_id == course.id)
    ).all()
    grouped = defaultdict(list)
    for lesson_id, language, question_id, value, score in rows:
        grouped[(lesson_id, question_id, language)].append((value, score))
    # Answers of purged attempts live on as tallies (see quizzes/retention.py).
    tallies = db.session.execute(
        select(QuizAnswerTally.lesson_id, QuizAnswerTally.language, QuizAnswerTally.question_id, QuizAnswerTally.value_json, QuizAnswerTally.score, QuizAnswerTally.count).where(QuizAnswerTally.course_id == course.id)
    ).all()
    for lesson_id, language, question_id, value_json, score, count in tallies:
        grouped[(lesson_id, question_id, language)].extend([(json.loads(value_json), score)] * count)
    language_order = {tag: index for index, tag in enumerate(languages)}
    stats = []
    for lesson in course.lessons:
        for question in lesson.quiz.questions if lesson.quiz else ():
            found = sorted((key for key in grouped if key[:2] == (lesson.id, question.id)), key=lambda key: language_order.get(key[2], len(language_order)))
            for key in found:
                stats.append(summarise(course.id, lesson.id, question, key[2], grouped[key]))
    return stats


def summarise(course_id, lesson_id, question, language, answers) -> QuestionStats:
    """Figures for one question's answers in one language."""
    summary = QUESTION_TYPES[question.type].summarise(question, answers)
    wrong, wrong_count = most_chosen_wrong(question, summary)
    return QuestionStats(course_id, lesson_id, question.id, question.type, language, summary.answers, summary.percent_right(), wrong, wrong_count, summary.average)


def most_chosen_wrong(question, summary) -> tuple[str | None, int]:
    """The wrong option chosen most often (ties go to the one listed first), for scored choice questions."""
    if summary.counts is None or summary.fully_right is None:
        return None, 0
    wrong_ids = [option.id for option in question.options if not option.correct and summary.counts[option.id]]
    if not wrong_ids:
        return None, 0
    best = max(wrong_ids, key=lambda option_id: (summary.counts[option_id], -wrong_ids.index(option_id)))
    return best, summary.counts[best]
