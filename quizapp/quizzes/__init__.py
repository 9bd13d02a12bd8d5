"""Quizzes after lessons: question types from the registry, feedback that teaches, anonymous attempts."""

from .routes import bp

__all__ = ["bp"]
