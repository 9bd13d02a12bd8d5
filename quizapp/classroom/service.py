"""Running a classroom session: codes, joining, pacing, answers once, surveys, retention, rate limits.

Every state change is a single UPDATE that also bumps ``version``, so concurrent requests on several
servers cannot lose one another's changes, and learners' pages know when to refresh.
"""

import base64
import functools
import hashlib
import hmac
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from ..database import insert_once, read_scalar
from ..extensions import db
from ..timeutil import aware, utcnow
from ..web import TOKEN_PATTERN
from .blocklist import Blocklist
from .models import ClassSession, JoinAttempt, Participant, SessionAnswer, SurveyResponse

# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
PSEUDONYM_MAX = 30
# Wrong codes are counted per client address in windows of ten minutes, and kept for a day.
# The ceilings (JOIN_FAILURES_PER_WINDOW, JOIN_FAILURES_PER_DAY) are settings: see docs/RUNNING-A-SESSION.md.
JOIN_WINDOW_SECONDS = 600
WINDOWS_PER_DAY = 24 * 3600 // JOIN_WINDOW_SECONDS

# i18n: animals for learners' generated pseudonyms ("Otter 42"); any friendly animal works.
ANIMALS = [_l("Otter"), _l("Crane"), _l("Panda"), _l("Koala"), _l("Dolphin"), _l("Fox"), _l("Owl"), _l("Turtle"), _l("Penguin"), _l("Hedgehog"), _l("Rabbit"), _l("Whale"), _l("Deer"), _l("Swan"), _l("Seal"), _l("Robin")]


def normalise_code(code: str) -> str:
    """What a learner typed, as a code: capitals, no spaces or dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def new_code() -> str:
    """A random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_session(teacher, course, lesson, mode, with_survey, pseudonyms, open_until=None, country=None) -> ClassSession:
    """Create a session with a code no other session uses; a country given becomes the teacher's default."""
    if country:
        teacher.country = country
    for _attempt in range(20):
        session = ClassSession(
            code=new_code(),
            teacher_id=teacher.id,
            course_id=course.id,
            lesson_id=lesson.id,
            mode=mode,
            with_survey=with_survey and course.survey is not None,
            # The course's survey today; the session keeps this version whatever the course names later.
            survey_id=course.survey.id if with_survey and course.survey is not None else None,
            pseudonyms=pseudonyms,
            open_until=open_until,
            country=country or None,
        )
        db.session.add(session)
        try:
            db.session.commit()
            return session
        except IntegrityError:  # the code was taken: draw again
            db.session.rollback()
    raise RuntimeError("could not find a free session code")


def joinable(code: str) -> ClassSession | None:
    """The session a learner may join with ``code``: not ended, and for self-paced, still open."""
    if not CODE_PATTERN.match(code):
        return None
    session = db.session.scalar(select(ClassSession).where(ClassSession.code == code))
    if session is None or session.state == "ended" or (session.open_until and aware(session.open_until) < utcnow()):
        return None
    return session


def pseudonym_suggestion() -> str:
    """A friendly generated pseudonym in the request's language."""
    animal = secrets.choice(ANIMALS)
    # i18n: a generated pseudonym: an animal and a number, e.g. "Otter 42".
    return gettext("%(animal)s %(number)s", animal=animal, number=secrets.randbelow(90) + 10)


def clean_pseudonym(value: str) -> tuple[str | None, str | None]:
    """The pseudonym to store, or an error message. Plain text only; it is always escaped on output."""
    text = unicodedata.normalize("NFC", " ".join((value or "").split()))
    if not text:
        return None, gettext("Choose a name to show, or keep the one we suggested.")
    if len(text) > PSEUDONYM_MAX:
        return None, gettext("Use at most %(max)d characters.", max=PSEUDONYM_MAX)
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in text):
        return None, gettext("Use letters, numbers and spaces only.")
    if pseudonym_blocklist().refuses(text):
        return None, gettext("Please choose another name.")
    return text, None


@functools.cache
def pseudonym_blocklist() -> Blocklist:
    """The words a pseudonym may not contain (read once per process)."""
    return Blocklist.read(Path(__file__).parent / "blocklist.txt")


def join(session: ClassSession, language: str, pseudonym: str | None, browser: str | None = None) -> Participant | None:
    """Add a learner to ``session``; None if it is locked, full or ended (reload it to tell which).

    The seat is taken by one conditional UPDATE of the session row, so the cap holds on any number of
    servers, and a room locked a moment ago takes nobody.
    """
    taken = db.session.execute(
        update(ClassSession)
        .where(ClassSession.id == session.id, ClassSession.locked.is_(False), ClassSession.state != "ended", ClassSession.joined < current_app.config["SESSION_MAX_PARTICIPANTS"])
        .values(joined=ClassSession.joined + 1)
    )
    if taken.rowcount != 1:
        db.session.rollback()
        return None
    participant = Participant(session_id=session.id, token=secrets.token_urlsafe(12), language=language, pseudonym=pseudonym if session.pseudonyms else None, browser=browser)
    db.session.add(participant)
    db.session.commit()
    return participant


def closed_reason(session: ClassSession) -> str:
    """Why ``join`` refused a learner, as a message for them."""
    db.session.refresh(session)
    if session.state == "ended":
        return gettext("This session has ended or the code is wrong. Ask your teacher for the current code.")
    if session.locked:
        return gettext("Your teacher has closed this session to new learners. If you were meant to take part, ask your teacher.")
    return gettext("This session is full. Ask your teacher.")


def browser_key(session: ClassSession, browser_cookie: str) -> str:
    """A keyed hash of a browser's random cookie, per session: it tells two joins from one browser apart
    from joins from two browsers (for the survey threshold), and links nothing across sessions."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"browser:{session.id}:{browser_cookie}".encode(), hashlib.sha256).hexdigest()[:16]


def join_signature(code: str) -> str:
    """What the QR code and the shared link carry beside the code: proof that they came from the teacher's
    screen, so joining through them never touches (or counts against) the guess limiter."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"join:{code}".encode(), hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode()


def signature_valid(code: str, signature: str | None) -> bool:
    """True if ``signature`` is the one ``join_signature`` gives for ``code``. Compared as bytes: a link
    anyone can edit may carry any character, and ``compare_digest`` refuses non-ASCII strings."""
    return bool(signature) and hmac.compare_digest(join_signature(code).encode(), signature.encode("utf-8", "surrogatepass"))


# Built once: a learner's page reads this on every load, and building the statement (its comparisons, its
# cache key) cost as much as running it.
PARTICIPANT_BY_TOKEN = select(Participant).join(Participant.session).options(contains_eager(Participant.session)).where(Participant.token == bindparam("token"))


def participant_by_token(token: str) -> Participant | None:
    """The participant with this token, or None; their session comes in the same read (every caller needs it)."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return db.session.scalar(PARTICIPANT_BY_TOKEN, {"token": token})


# -- pacing ----------------------------------------------------------------------------------------------


def control(session: ClassSession, action: str, question_count: int, seen_version: int) -> bool:
    """Apply a teacher's action atomically; False if it does not apply in the current state.

    Only from the version the teacher's screen showed: a double click or a second tab cannot skip two
    questions or reveal twice.
    """
    values = None
    where = [ClassSession.id == session.id, ClassSession.version == seen_version]
    if action == "start" and session.state == "lobby":
        values = {"state": "question", "question_index": 0, "revealed": False}
    elif action == "reveal" and session.state == "question" and not session.revealed:
        values = {"revealed": True}
    elif action == "next" and session.state == "question" and session.question_index + 1 < question_count:
        values = {"question_index": session.question_index + 1, "revealed": False}
    elif action == "previous" and session.state == "question" and session.question_index > 0:
        values = {"question_index": session.question_index - 1, "revealed": False}
    elif action == "end" and session.state != "ended":
        values = {"state": "ended", "ended_at": utcnow()}
    if values is None:
        return False
    result = db.session.execute(update(ClassSession).where(*where).values(version=ClassSession.version + 1, **values))
    db.session.commit()
    db.session.refresh(session)
    return result.rowcount == 1


def current_question(session: ClassSession, quiz):
    """The question on screen in a live session, or None."""
    if session.mode != "live" or session.state != "question" or quiz is None:
        return None
    return quiz.questions[min(session.question_index, len(quiz.questions) - 1)]


# The hottest statements, built once per process: SQLAlchemy caches their compiled SQL, not their
# construction, which was a third of a state poll's CPU.
VERSION_BY_TOKEN = select(ClassSession.version).join(Participant, Participant.session_id == ClassSession.id).where(Participant.token == bindparam("token"))
LEARNER_ANSWERING = (
    select(Participant, select(SessionAnswer.id).where(SessionAnswer.participant_id == Participant.id, SessionAnswer.question_id == bindparam("question_id")).exists())
    .join(Participant.session)
    .options(contains_eager(Participant.session))
    .where(Participant.token == bindparam("token"))
)


def version_for_token(token: str) -> int | None:
    """The version of the session a learner token belongs to (None if unknown): every learner's page polls
    this, so it is one indexed read (the token's unique index, the session's key) outside any transaction."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return read_scalar(VERSION_BY_TOKEN, {"token": token})


def learner_etag(version: int) -> str:
    """What a learner's page depends on: only its session's version, for the page and ``/s/<token>/state``.

    Everything a learner sees change (the teacher's pacing, a lock, a removal) bumps the version.
    """
    return f"v{version}"


def teacher_state(session: ClassSession, quiz) -> dict:
    """What the console and the projector view depend on: the version, who joined, who answered."""
    question = current_question(session, quiz)
    answered = answer_count(session, question.id) if question else finished_count(session)
    return {"version": session.version, "joined": session.joined, "answered": answered}


def teacher_etag(state: dict) -> str:
    """The ETag of the teacher's state."""
    return f"t{state['version']}-{state['joined']}-{state['answered']}"


def answer_refusal(session: ClassSession, quiz, question) -> str | None:
    """Why an answer to ``question`` cannot be taken now (a message for the learner), or None."""
    if session.state == "ended" or (session.open_until and aware(session.open_until) < utcnow()):
        return gettext("This session has ended, so answers are closed.")
    if session.mode == "live":
        current = current_question(session, quiz)
        if current is None or current.id != question.id:
            return gettext("Your teacher has moved on, so this answer was not saved.")
        if session.revealed:
            return gettext("The answer has been revealed, so new answers are closed.")
    return None


def learner_answering(token: str, question_id: str) -> tuple[Participant, bool] | None:
    """The learner behind ``token`` with their session loaded, and whether they have answered ``question_id``
    already; None for an unknown token. One indexed read (the token's unique index, the session's key, the
    answers' unique (participant, question) index): an answer needs nothing else from the database."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    row = db.session.execute(LEARNER_ANSWERING, {"token": token, "question_id": question_id}).first()
    return (row[0], row[1]) if row else None


def answered_questions(participant: Participant) -> set[str]:
    """The ids of the questions this learner has answered."""
    return set(db.session.scalars(select(SessionAnswer.question_id).where(SessionAnswer.participant_id == participant.id)))


def record_answer(participant: Participant, given) -> bool:
    """Store one answer once; False if this learner had already answered (the first answer stands)."""
    return record_answers(participant, [given]) == 1


def record_answers(participant: Participant, answers, finished: bool = False) -> int:
    """Store the answers (and with ``finished``, that the learner has answered every question) in one
    transaction; how many rows were new (exact for one answer).

    An answer to a question this learner has answered already is skipped by the database itself (the unique
    (participant, question) index), so a resend, a double click or two tabs at the same moment leave the
    first answer standing. Nothing is read back: the caller redirects, and the next page loads what it shows.
    """
    now = utcnow()
    rows = [
        {"session_id": participant.session_id, "participant_id": participant.id, "question_id": given.question_id, "value": given.value, "score": given.score, "text": given.text, "answered_at": now}
        for given in answers
    ]
    try:
        stored = db.session.execute(insert_once(SessionAnswer), rows[0] if len(rows) == 1 else rows).rowcount if rows else 0
        if finished:
            participants = Participant.__table__
            db.session.execute(update(participants).where(participants.c.id == participant.id).values(finished_at=now))
        db.session.commit()
    except IntegrityError:  # the session was deleted meanwhile: its learners and their answers are gone
        db.session.rollback()
        return 0
    return stored


HAS_ANSWERED = select(SessionAnswer.id).where(SessionAnswer.participant_id == bindparam("participant_id"), SessionAnswer.question_id == bindparam("question_id"))


def has_answered(participant: Participant, question_id: str) -> bool:
    """Whether this learner has answered this question: one read of the answers' unique index, no row loaded
    (on the connection that read the learner)."""
    return db.session.scalar(HAS_ANSWERED, {"participant_id": participant.id, "question_id": question_id}) is not None


def answers_of(participant: Participant) -> dict[str, SessionAnswer]:
    """A learner's answers by question id."""
    rows = db.session.scalars(select(SessionAnswer).where(SessionAnswer.participant_id == participant.id))
    return {answer.question_id: answer for answer in rows}


def answers_to(session: ClassSession, question_id: str) -> list[SessionAnswer]:
    """Every learner's answer to one question of the session."""
    return list(db.session.scalars(select(SessionAnswer).where(SessionAnswer.session_id == session.id, SessionAnswer.question_id == question_id)))


def answer_count(session: ClassSession, question_id: str) -> int:
    """How many learners answered one question."""
    return db.session.scalar(select(func.count(SessionAnswer.id)).where(SessionAnswer.session_id == session.id, SessionAnswer.question_id == question_id))


def finished_count(session: ClassSession) -> int:
    """How many learners of a self-paced session have answered every question."""
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.session_id == session.id, Participant.removed.is_(False), Participant.finished_at.is_not(None)))


def languages_joined(session: ClassSession) -> list[tuple[str, int]]:
    """(language, learners) for the learners in the room, most first."""
    rows = db.session.execute(
        select(Participant.language, func.count(Participant.id))
        .where(Participant.session_id == session.id, Participant.removed.is_(False))
        .group_by(Participant.language)
        .order_by(func.count(Participant.id).desc(), Participant.language)
    )
    return [(language, count) for language, count in rows]


# -- the room: who is in it, removing a learner, locking, the projector link ---------------------------------


@dataclass(frozen=True)
class RoomMember:
    """A learner as the teacher's console lists them: a pseudonym, or "learner n" by order of joining."""

    id: int
    number: int
    pseudonym: str | None
    language: str
    answered: bool  # the question on screen (live), or every question (self-paced)


def room(session: ClassSession, question_id: str | None) -> list[RoomMember]:
    """The learners in the room, in the order they joined. Numbers stay put when someone is removed."""
    people = db.session.execute(select(Participant.id, Participant.pseudonym, Participant.language, Participant.removed, Participant.finished_at).where(Participant.session_id == session.id).order_by(Participant.id)).all()
    answered = set()
    if question_id is not None:
        answered = set(db.session.scalars(select(SessionAnswer.participant_id).where(SessionAnswer.session_id == session.id, SessionAnswer.question_id == question_id)))
    return [
        RoomMember(row.id, number, row.pseudonym, row.language, row.id in answered if question_id is not None else row.finished_at is not None)
        for number, row in enumerate(people, 1)
        if not row.removed
    ]


def remove_participant(session: ClassSession, participant_id: int) -> bool:
    """Take a learner out of the session: their answers and survey go, their page says so, their seat frees."""
    participant = db.session.scalar(select(Participant).where(Participant.id == participant_id, Participant.session_id == session.id, Participant.removed.is_(False)))
    if participant is None:
        return False
    # The learner's row stays (it keeps the others' numbers and tells their page), so no cascade applies:
    # what they sent is deleted here.
    for model in (SessionAnswer, SurveyResponse):
        db.session.execute(delete(model).where(model.participant_id == participant.id))
    participant.removed = True
    db.session.execute(update(ClassSession).where(ClassSession.id == session.id).values(joined=ClassSession.joined - 1, version=ClassSession.version + 1))
    db.session.commit()
    db.session.refresh(session)
    return True


def set_locked(session: ClassSession, locked: bool) -> None:
    """Close the room to new learners (those in it stay), or open it again."""
    db.session.execute(update(ClassSession).where(ClassSession.id == session.id).values(locked=locked, version=ClassSession.version + 1))
    db.session.commit()
    db.session.refresh(session)


def projector_token(session: ClassSession) -> str:
    """The secret in the projector view's link, made on first use."""
    if session.projector_token is None:
        renew_projector_token(session)
    return session.projector_token


def renew_projector_token(session: ClassSession) -> None:
    """A new projector link: the old one stops working at once (a link left open on a shared computer)."""
    session.projector_token = secrets.token_urlsafe(24)
    db.session.commit()


def session_by_projector_token(token: str) -> ClassSession | None:
    """The session whose projector link carries ``token``, or None."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    return db.session.scalar(select(ClassSession).where(ClassSession.projector_token == token))


def record_survey(participant: Participant, phase: str, responses: dict[str, int] | None) -> None:
    """Store a learner's survey for one phase (``None``: they chose to skip it), once."""
    if getattr(participant, f"{phase}_survey") is not None:
        return
    for statement_id, value in (responses or {}).items():
        db.session.add(SurveyResponse(session_id=participant.session_id, participant_id=participant.id, phase=phase, statement_id=statement_id, value=value))
    setattr(participant, f"{phase}_survey", "answered" if responses else "skipped")
    try:
        db.session.commit()
    except IntegrityError:  # sent twice at the same moment: the first one stands
        db.session.rollback()


def pending_survey(participant: Participant, session: ClassSession, answered: int, question_count: int) -> str | None:
    """``pre`` before the lesson starts, ``post`` once it is over (only for learners who did ``pre``)."""
    if not session.with_survey:
        return None
    started = session.state != "lobby" if session.mode == "live" else answered > 0
    if not started and participant.pre_survey is None:
        return "pre"
    finished = session.state == "ended" or (session.mode == "self" and answered >= question_count)
    if finished and participant.pre_survey == "answered" and participant.post_survey is None:
        return "post"
    return None


# -- retention and rate limits ----------------------------------------------------------------------------


def purge_expired(days: int, now: datetime | None = None) -> int:
    """Delete sessions (and, by cascade, everything about their learners) ``days`` after they ended.

    A self-paced session that was never ended counts as ended when it closed (``open_until``); a live
    session nobody ended counts as ended at its last activity (created, a learner joined, an answer).
    """
    cutoff = (now or utcnow()) - timedelta(days=days)
    recent_join = select(Participant.id).where(Participant.session_id == ClassSession.id, Participant.joined_at >= cutoff).exists()
    recent_answer = select(SessionAnswer.id).where(SessionAnswer.session_id == ClassSession.id, SessionAnswer.answered_at >= cutoff).exists()
    abandoned = and_(ClassSession.ended_at.is_(None), ClassSession.open_until.is_(None), ClassSession.created_at < cutoff, ~recent_join, ~recent_answer)
    expired = select(ClassSession.id).where(or_(ClassSession.ended_at < cutoff, ClassSession.open_until < cutoff, abandoned))
    ids = list(db.session.scalars(expired))
    if ids:
        db.session.execute(delete(ClassSession).where(ClassSession.id.in_(ids)))  # the rest goes by cascade
    db.session.execute(delete(JoinAttempt).where(JoinAttempt.window <= _window() - WINDOWS_PER_DAY))
    db.session.commit()
    return len(ids)


def delete_session(session: ClassSession) -> None:
    """Delete a session and everything its learners sent, now (the database cascades to them)."""
    db.session.execute(delete(ClassSession).where(ClassSession.id == session.id))
    db.session.commit()


def _window() -> int:
    return int(time.time() // JOIN_WINDOW_SECONDS)


def client_key(remote_addr: str) -> str:
    """A keyed hash of the client's address: enough to count guesses, useless to identify anyone."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, (remote_addr or "").encode(), hashlib.sha256).hexdigest()


def too_many_failures(remote_addr: str) -> bool:
    """True once a client address has typed too many wrong codes in ten minutes or in a day.

    Checked before any code is looked up, so a limited address learns nothing about which codes exist.
    """
    window = _window()
    rows = db.session.execute(select(JoinAttempt.window, JoinAttempt.failures).where(JoinAttempt.client == client_key(remote_addr), JoinAttempt.window > window - WINDOWS_PER_DAY)).all()
    now = sum(failures for row_window, failures in rows if row_window == window)
    day = sum(failures for _window_, failures in rows)
    config = current_app.config
    return now >= config["JOIN_FAILURES_PER_WINDOW"] or day >= config["JOIN_FAILURES_PER_DAY"]


def count_failure(remote_addr: str) -> None:
    """Count one wrong code for this client."""
    client, window = client_key(remote_addr), _window()
    updated = db.session.execute(update(JoinAttempt).where(JoinAttempt.client == client, JoinAttempt.window == window).values(failures=JoinAttempt.failures + 1))
    if updated.rowcount == 0:
        db.session.add(JoinAttempt(client=client, window=window, failures=1))
        try:
            db.session.commit()
        except IntegrityError:  # another server counted the first failure at the same moment
            db.session.rollback()
            db.session.execute(update(JoinAttempt).where(JoinAttempt.client == client, JoinAttempt.window == window).values(failures=JoinAttempt.failures + 1))
    db.session.commit()


def open_until_end_of(day) -> datetime:
    """A self-paced session stays open until the end of the chosen day (UTC)."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=timezone.utc)
