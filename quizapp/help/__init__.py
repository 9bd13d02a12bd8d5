"""The help page: help lines for the visitor's country and the worldwide directory."""

from .routes import bp

__all__ = ["bp"]
