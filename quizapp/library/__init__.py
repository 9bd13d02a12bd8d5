"""The course library: courses, lessons and facilitator guides, in every language."""

from .routes import bp

__all__ = ["bp"]
