"""Teachers, their logins and invitations. Passwords are hashed with Werkzeug's current default (scrypt).

A login is a row of its own (``teacher_logins``), named in the session cookie by a random token, so that
logging out, a password change or "log out everywhere" ends it on the server: a copied cookie dies with it.
"""

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..timeutil import aware, utcnow


class Teacher(UserMixin, db.Model):
    """A teacher or facilitator. The only people with accounts: learners never have one."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    country: Mapped[str | None] = mapped_column(String(2))  # the default country of new sessions' help lines

    # The login this object was loaded for (set by ``start_login`` and the user loader): Flask-Login keeps
    # ``get_id()`` in the session, so the session names the login, not just the teacher.
    login_token = None

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password (scrypt, Werkzeug's current default)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: this login's token (see ``load_teacher``)."""
        return self.login_token or ""

    @staticmethod
    def by_email(email: str) -> "Teacher | None":
        """The teacher with this e-mail address (case-insensitive), or None."""
        return db.session.scalar(select(Teacher).where(Teacher.email == normalise_email(email)))


def normalise_email(email: str) -> str:
    """E-mail addresses compare case-insensitively."""
    return email.strip().lower()


class Invite(db.Model):
    """A one-time invitation to sign up, for invite-only deployments. Only a hash of the code is kept."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_by: Mapped[int | None] = mapped_column(ForeignKey("teachers.id", ondelete="SET NULL"))
    # Set once, by one conditional UPDATE: an invitation signs up one account, however many tabs send it.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @staticmethod
    def create(days: int = 14) -> str:
        """Store a new invitation and return its code (shown once)."""
        code = secrets.token_urlsafe(16)
        db.session.add(Invite(code_hash=hash_code(code), expires_at=utcnow() + timedelta(days=days)))
        db.session.commit()
        return code

    @staticmethod
    def usable(code: str) -> "Invite | None":
        """The invitation for ``code`` if it exists, is unused and has not expired."""
        invite = db.session.scalar(select(Invite).where(Invite.code_hash == hash_code(code or "")))
        if invite is None or invite.used_at is not None or aware(invite.expires_at) < utcnow():
            return None
        return invite

    def use(self, teacher: "Teacher") -> bool:
        """Mark the invitation used by ``teacher``, atomically; False if another sign-up was first."""
        claim = update(Invite).where(Invite.id == self.id, Invite.used_at.is_(None), Invite.expires_at > utcnow()).values(used_at=utcnow(), used_by=teacher.id)
        used = db.session.execute(claim.execution_options(synchronize_session=False))
        return used.rowcount == 1


def hash_code(code: str) -> str:
    """Invitation codes are stored hashed, like passwords (they are long and random, so SHA-256 is enough)."""
    return hashlib.sha256(code.encode()).hexdigest()


class TeacherLogin(db.Model):
    """One logged-in browser of a teacher. Only a hash of its token is stored."""

    __tablename__ = "teacher_logins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Indexed for ``purge_account_leftovers``, which ends idle logins.
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    teacher: Mapped[Teacher] = relationship()


# A login's last_seen_at is written at most this often: the console polls every few seconds.
SEEN_EVERY = timedelta(minutes=1)


def start_login(teacher: Teacher) -> None:
    """Record a new login for ``teacher``; ``login_user(teacher)`` then keeps its token in the session."""
    token = secrets.token_urlsafe(32)
    db.session.add(TeacherLogin(teacher_id=teacher.id, token_hash=hash_code(token)))
    db.session.commit()
    teacher.login_token = token


def end_login(token: str | None) -> None:
    """End the one login whose token this browser holds (logging out)."""
    db.session.execute(delete(TeacherLogin).where(TeacherLogin.token_hash == hash_code(token or "")))
    db.session.commit()


def end_logins(teacher: Teacher, keep: str | None = None) -> None:
    """End every login of ``teacher`` (all but the one with token ``keep``)."""
    query = delete(TeacherLogin).where(TeacherLogin.teacher_id == teacher.id)
    if keep:
        query = query.where(TeacherLogin.token_hash != hash_code(keep))
    db.session.execute(query)
    db.session.commit()


def load_teacher(token: str) -> Teacher | None:
    """Flask-Login's user loader: the teacher of a login that exists and has not been idle too long."""
    if not token or len(token) > 64:
        return None
    login = db.session.scalar(select(TeacherLogin).where(TeacherLogin.token_hash == hash_code(token)))
    if login is None:
        return None
    now = utcnow()
    if aware(login.last_seen_at) < now - timedelta(minutes=current_app.config["TEACHER_IDLE_MINUTES"]):
        db.session.delete(login)
        db.session.commit()
        return None
    if aware(login.last_seen_at) < now - SEEN_EVERY:
        login.last_seen_at = now
        db.session.commit()
    teacher = login.teacher
    teacher.login_token = token
    return teacher


# -- login throttling: a growing wait per (account, address) and per address, never a lockout ----------------


class LoginThrottle(db.Model):
    """Recent failed logins under one key: a keyed hash of (e-mail, address) or of the address alone."""

    __tablename__ = "login_throttles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


# (key kind, failures allowed without waiting). Past them each failure doubles the wait, up to a minute:
# slow enough to make guessing hopeless, short enough that nobody can keep a teacher out before class.
THROTTLES = (("account", 5), ("address", 30))
MAX_WAIT = timedelta(seconds=60)
FORGET_AFTER = timedelta(hours=1)


def _throttle_keys(email: str, address: str) -> list[tuple[str, int]]:
    secret = current_app.config["SECRET_KEY"].encode()
    values = {"account": f"account:{normalise_email(email)}|{address}", "address": f"address:{address}"}
    return [(hmac.new(secret, values[kind].encode(), hashlib.sha256).hexdigest(), allowed) for kind, allowed in THROTTLES]


def login_wait(email: str, address: str) -> int:
    """Seconds this (e-mail, address) must still wait before its next try (0: go ahead)."""
    keys = dict(_throttle_keys(email, address))
    now, wait = utcnow(), timedelta(0)
    for row in db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))):
        over = row.failures - keys[row.key]
        last = aware(row.last_failure_at)
        if over >= 0 and last > now - FORGET_AFTER:
            wait = max(wait, last + min(MAX_WAIT, timedelta(seconds=2**over)) - now)
    return max(0, math.ceil(wait.total_seconds()))


def count_login_failure(email: str, address: str) -> None:
    """One more failed login for this (e-mail, address) and this address."""
    now = utcnow()
    for key, _allowed in _throttle_keys(email, address):
        row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
        if row is None:
            db.session.add(LoginThrottle(key=key, failures=1, last_failure_at=now))
        else:
            row.failures = 1 if aware(row.last_failure_at) < now - FORGET_AFTER else row.failures + 1
            row.last_failure_at = now
    try:
        db.session.commit()
    except IntegrityError:  # another server counted the same first failure: one count more or less is fine
        db.session.rollback()


def clear_login_failures(email: str, address: str) -> None:
    """A successful login clears its (e-mail, address) count (not the address's)."""
    key, _allowed = _throttle_keys(email, address)[0]
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
    db.session.commit()


_DUMMY_HASHES: dict[str, str] = {}


def verify_login(email: str, password: str) -> Teacher | None:
    """The teacher with this e-mail and password, or None, in the same time whether or not the e-mail
    has an account (an unknown one is checked against a dummy hash made with the same method)."""
    teacher = Teacher.by_email(email)
    if teacher is not None:
        return teacher if teacher.check_password(password) else None
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password)
    return None


def purge_account_leftovers(now: datetime | None = None) -> dict[str, int]:
    """Delete what accounts leave behind: used or expired invitations, idle logins, old throttle counts."""
    now = now or utcnow()
    idle = now - timedelta(minutes=current_app.config["TEACHER_IDLE_MINUTES"])
    gone = {
        "invitations": db.session.execute(delete(Invite).where((Invite.used_at.is_not(None)) | (Invite.expires_at < now))).rowcount,
        "logins": db.session.execute(delete(TeacherLogin).where(TeacherLogin.last_seen_at < idle)).rowcount,
        "throttles": db.session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER)).rowcount,
    }
    db.session.commit()
    return gone
