"""Classroom sessions. Everything lives in the database (nothing in process memory), so any number of
workers and servers can serve one session. Learners are anonymous: a random token, an optional
pseudonym, a language. No names, no IP addresses.
"""

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class ClassSession(db.Model):
    """One lesson run by one teacher: live (teacher-paced) or self-paced (open until a date)."""

    __tablename__ = "class_sessions"
    __table_args__ = (
        db.CheckConstraint("state IN ('lobby', 'question', 'ended')", name="state"),
        db.CheckConstraint("mode IN ('live', 'self')", name="mode"),
        # The purge (``service.purge_expired``) looks for sessions that ended before a cutoff, or never ended
        # and were created before it (this index), or closed before it (``open_until``'s).
        Index("ix_class_sessions_ended_at_open_until_created_at", "ended_at", "open_until", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    mode: Mapped[str] = mapped_column(String(10))  # "live" or "self"
    with_survey: Mapped[bool] = mapped_column(Boolean, default=False)
    # The survey version it asks (courses/surveys/<id>.yml), fixed when it is created: a course that moves to a
    # new survey leaves its earlier sessions with the statements their learners answered. None without one.
    survey_id: Mapped[str | None] = mapped_column(String(100))
    pseudonyms: Mapped[bool] = mapped_column(Boolean, default=False)  # False: no names at all
    open_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # Live state: "lobby", "question" or "ended"; the question shown and whether it is revealed.
    state: Mapped[str] = mapped_column(String(10), default="lobby")
    question_index: Mapped[int] = mapped_column(Integer, default=0)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on every change learners must see: their pages poll it (ETag) instead of the whole state.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Learners in the room (removed ones not counted): joining takes a seat with one conditional UPDATE, so
    # the cap (SESSION_MAX_PARTICIPANTS) and a lock hold across servers.
    joined: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Closed to new learners by the teacher; learners already in carry on.
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The secret in the projector view's link (no login needed); replaced to revoke it.
    projector_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    # ISO 3166 code of the country whose emergency numbers and help lines learners' pages show (None: theirs).
    country: Mapped[str | None] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    participants: Mapped[list["Participant"]] = relationship(back_populates="session", cascade="all, delete-orphan", passive_deletes=True)


class Participant(db.Model):
    """A learner in a session, known only by a random token (in their URL and a cookie)."""

    __tablename__ = "participants"
    __table_args__ = (
        db.CheckConstraint("pre_survey IS NULL OR pre_survey IN ('answered', 'skipped')", name="pre_survey"),
        db.CheckConstraint("post_survey IS NULL OR post_survey IN ('answered', 'skipped')", name="post_survey"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    pseudonym: Mapped[str | None] = mapped_column(String(40))  # only when the session shows pseudonyms
    language: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # self-paced: quiz done
    # The attitude survey before and after: None (not yet), "answered" or "skipped" (always allowed).
    pre_survey: Mapped[str | None] = mapped_column(String(10))
    post_survey: Mapped[str | None] = mapped_column(String(10))
    # Taken out of the session by the teacher: their answers are deleted, their page says so.
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # A keyed hash of the browser's random cookie, per session (never the same across sessions): the survey
    # threshold counts browsers, so one browser joining five times is one respondent, not five.
    browser: Mapped[str | None] = mapped_column(String(16))

    session: Mapped[ClassSession] = relationship(back_populates="participants")


class SessionAnswer(db.Model):
    """A learner's answer to one question of the session: recorded once, however often it is sent."""

    __tablename__ = "session_answers"
    __table_args__ = (
        UniqueConstraint("participant_id", "question_id", name="uq_session_answers_participant_question"),
        # The console and the projector count the answers to the question on screen at every poll; the report
        # and the cascade from a deleted session use the same index by its first column.
        Index("ix_session_answers_session_id_question_id", "session_id", "question_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[object | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    # A reflection's text, only when the learner ticked "save"; shown to them alone, never to the teacher.
    text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SurveyResponse(db.Model):
    """One learner's position on one attitude statement, before ("pre") or after ("post") the lesson."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        UniqueConstraint("participant_id", "phase", "statement_id", name="uq_survey_responses_participant_phase_statement"),
        db.CheckConstraint("phase IN ('pre', 'post')", name="phase"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(4))
    statement_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[int] = mapped_column(Integer)


class JoinAttempt(db.Model):
    """Failed join-code guesses per client and time window, for rate limiting across all servers.

    The client is stored as a keyed hash of its address (never the address itself) and rows expire.
    """

    __tablename__ = "join_attempts"
    __table_args__ = (UniqueConstraint("client", "window", name="uq_join_attempts_client_window"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client: Mapped[str] = mapped_column(String(64))
    window: Mapped[int] = mapped_column(Integer, index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
