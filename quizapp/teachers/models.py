"""Teachers and invitations. Passwords are hashed with Werkzeug's current default (scrypt)."""

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db


def utcnow() -> datetime:
    """Now, timezone-aware."""
    return datetime.now(timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: read them as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class Teacher(UserMixin, db.Model):
    """A teacher or facilitator. The only people with accounts: learners never have one."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def set_password(self, password: str) -> None:
        """Store a salted hash, never the password (scrypt, Werkzeug's current default)."""
        self.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])

    def check_password(self, password: str) -> bool:
        """True if ``password`` matches."""
        return check_password_hash(self.password_hash, password)

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
        if invite is None or invite.used_by is not None or aware(invite.expires_at) < utcnow():
            return None
        return invite


def hash_code(code: str) -> str:
    """Invitation codes are stored hashed, like passwords (they are long and random, so SHA-256 is enough)."""
    return hashlib.sha256(code.encode()).hexdigest()


def load_teacher(teacher_id: str) -> Teacher | None:
    """Flask-Login's user loader."""
    return db.session.get(Teacher, int(teacher_id)) if teacher_id.isdigit() else None
