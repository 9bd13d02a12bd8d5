"""The help page: help lines for the visitor's country and the worldwide directory; the help directives
of lessons; the emergency and youth lines in every page's support box."""

from .routes import bp

__all__ = ["bp"]
