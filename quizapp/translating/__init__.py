"""For translators: ``/<lang>/translations`` (how complete each language is, per lesson), the banner on an
incubating language's pages, and ``flask translate new`` (start a language as incubating)."""

from .routes import bp

__all__ = ["bp"]
