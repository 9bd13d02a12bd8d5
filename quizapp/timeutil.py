"""Time as the database stores it: timezone-aware UTC, for every model and feature."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, timezone-aware (UTC)."""
    return datetime.now(timezone.utc)


def aware(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes: read them as UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value
