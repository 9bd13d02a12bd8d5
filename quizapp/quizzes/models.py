"""Quiz attempts and answers. Anonymous by design: no name, no IP address, no account."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class QuizAttempt(db.Model):
    """One learner's go at one lesson's quiz, identified only by an unguessable token."""

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    course_id: Mapped[str] = mapped_column(String(100), index=True)
    lesson_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    # Indexed for the retention purge (``retention.purge_attempts``), which deletes by age.
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    score: Mapped[float | None] = mapped_column(Float)  # 0-1 over scored questions, when completed

    # Deleting an attempt deletes its answers in the database (ON DELETE CASCADE): the ORM need not load them first.
    answers: Mapped[list["QuizAnswer"]] = relationship(back_populates="attempt", cascade="all, delete-orphan", passive_deletes=True, order_by="QuizAnswer.id")

    def answer_to(self, question_id: str) -> "QuizAnswer | None":
        """This attempt's answer to one question, or None."""
        return next((answer for answer in self.answers if answer.question_id == question_id), None)


class QuizAnswer(db.Model):
    """An answer to one question; recorded once per attempt (the unique constraint makes resends harmless)."""

    __tablename__ = "quiz_answers"
    # The unique constraint's index (attempt_id first) also serves look-ups and cascades by attempt.
    __table_args__ = (UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answers_attempt_question"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[object | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    # A reflection's text, only when the learner ticked "save"; never shown to anyone else.
    text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="answers")


class QuizAnswerTally(db.Model):
    """How many answers of one kind purged attempts gave: what ``flask courses stats`` still needs once the
    attempts themselves (their tokens and saved reflections) are deleted after their retention period."""

    __tablename__ = "quiz_answer_tallies"
    # The unique constraint's index (course_id first) also serves ``flask courses stats``, which reads by course.
    __table_args__ = (UniqueConstraint("course_id", "lesson_id", "question_id", "language", "value_json", "score", name="uq_quiz_answer_tallies_answer"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(16))
    value_json: Mapped[str] = mapped_column(Text)  # the answer's value as canonical JSON
    score: Mapped[float | None] = mapped_column(Float)
    count: Mapped[int] = mapped_column(Integer, default=0)
