"""Self-study attempts are kept for a while, then purged: their answers survive only as tallies.

An attempt is an unguessable token in a URL that stays in a browser's history, with the learner's answers
and any reflection they chose to save. After ``QUIZ_ATTEMPT_RETENTION_DAYS`` it is deleted; what
``flask courses stats`` reports (how many gave which answer, per question and language) is first folded
into ``quiz_answer_tallies``, which hold no token, no time and no text.
"""

import json
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from ..extensions import db
from ..timeutil import utcnow
from .models import QuizAnswer, QuizAnswerTally, QuizAttempt


def purge_attempts(days: int, now: datetime | None = None) -> int:
    """Fold attempts started more than ``days`` ago into the tallies and delete them; how many went."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    old = select(QuizAttempt.id).where(QuizAttempt.started_at < cutoff)
    rows = db.session.execute(
        select(QuizAttempt.course_id, QuizAttempt.lesson_id, QuizAnswer.question_id, QuizAttempt.language, QuizAnswer.value, QuizAnswer.score)
        .join(QuizAnswer.attempt)
        .where(QuizAttempt.id.in_(old))
    ).all()
    counts = Counter((course, lesson, question, language, canonical(value), score) for course, lesson, question, language, value, score in rows)
    for (course, lesson, question, language, value_json, score), count in counts.items():
        tally = db.session.scalar(
            select(QuizAnswerTally).where(
                QuizAnswerTally.course_id == course,
                QuizAnswerTally.lesson_id == lesson,
                QuizAnswerTally.question_id == question,
                QuizAnswerTally.language == language,
                QuizAnswerTally.value_json == value_json,
                QuizAnswerTally.score.is_(None) if score is None else QuizAnswerTally.score == score,
            )
        )
        if tally is None:
            db.session.add(QuizAnswerTally(course_id=course, lesson_id=lesson, question_id=question, language=language, value_json=value_json, score=score, count=count))
        else:
            tally.count += count
    gone = db.session.scalar(select(func.count()).select_from(old.subquery()))
    db.session.execute(delete(QuizAttempt).where(QuizAttempt.started_at < cutoff))  # answers go by cascade
    db.session.commit()
    return gone


def canonical(value) -> str:
    """One spelling of an answer value, so equal answers fold into one tally."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
