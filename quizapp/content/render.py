"""Turning parsed content into safe, localized HTML.

Course text and translations are untrusted: Markdown is rendered without raw HTML and the result is
sanitized with nh3. A unit without a current translation falls back to the source text and says so
(its own ``lang``/``dir`` and a visible mark): never a crash, never a silent switch of language.
"""

import re
from dataclasses import dataclass

import nh3
from markupsafe import Markup, escape

from .directives import DIRECTIVE
from .models import Block, Source, Text
from .parser import CITATION, _markdown

ALLOWED_TAGS = {"a", "strong", "em", "code", "sup", "br", "span", "bdi"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "sup": {"class"}, "span": {"class"}, "bdi": {"dir"}}
URL_SCHEMES = {"http", "https", "mailto", "tel", "sms"}


@dataclass(frozen=True, slots=True)
class Localized:
    """A piece of content in the language it is shown in."""

    html: Markup
    lang: str
    dir: str
    translated: bool


@dataclass(frozen=True, slots=True)
class RenderedBlock:
    """A rendered heading, paragraph or list (``items`` holds one entry for a heading or paragraph)."""

    kind: str
    items: tuple[Localized, ...]
    level: int = 0


def sanitize(html: str) -> Markup:
    """Keep only inline formatting and safe links."""
    return Markup(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener noreferrer",
        )
    )


def render_inline(markdown_text: str, sources: tuple[Source, ...] = (), directives=None) -> Markup:
    """Render one unit of inline Markdown, turning ``[@id]`` into a numbered link to its source and each help
    directive into what ``directives(target)`` gives (safe HTML from ``help.yml``; nothing without it)."""
    html = _markdown.renderInline(markdown_text)
    numbers = {source.id: number for number, source in enumerate(sources, 1)}

    def cite(match) -> str:
        number = numbers.get(match.group(1))
        if number is None:
            return ""  # a translator's stray marker: drop it rather than show syntax
        return f'<sup class="cite"><a href="#source-{match.group(1)}">{number}</a></sup>'

    html = keep_numbers_left_to_right(CITATION.sub(cite, html))
    # After the bidi pass: the help entries' numbers come already isolated, with their own links.
    html = DIRECTIVE.sub(lambda match: str(directives(match.group(1)) or "") if directives else "", html)
    return sanitize(html)


# A phone number written in groups ("116 123", "0800 111 0 111"). In a right-to-left paragraph the
# Unicode bidirectional algorithm would show the groups in reverse order, so they are isolated as LTR.
GROUPED_NUMBER = re.compile(r"(?<![\w#/=\-])(\d{1,4}(?:[ \u00a0]\d{1,4})+)(?![\w])")


def keep_numbers_left_to_right(html: str) -> str:
    """Wrap grouped numbers in text (never inside tags) in ``<bdi dir="ltr">``."""
    parts = re.split(r"(<[^>]*>)", html)
    return "".join(part if part.startswith("<") else GROUPED_NUMBER.sub(r'<bdi dir="ltr">\1</bdi>', part) for part in parts)


class Localizer:
    """Localizes content units for one shipped language, against the ``courses`` catalogs."""

    def __init__(self, language, catalogs, source_language, directives=None):
        self.language = language
        self.catalogs = catalogs
        self.source_language = source_language
        self.directives = directives  # renders {{help:…}} directives (see quizapp.help.directives)

    def _translate(self, text: Text) -> tuple[str, bool]:
        if self.language.tag == self.source_language.tag:
            return text.source, True
        translated = self.catalogs.lookup(self.language.babel_id, text.context, text.source)
        return (translated, True) if translated else (text.source, False)

    def _wrap(self, html: Markup, translated: bool) -> Localized:
        language = self.language if translated else self.source_language
        return Localized(html, language.tag, language.dir, translated)

    def text(self, text: Text | None) -> Localized | None:
        """A plain-text unit (titles, objectives), escaped."""
        if text is None:
            return None
        value, translated = self._translate(text)
        return self._wrap(escape(value), translated)

    def markdown(self, text: Text, sources: tuple[Source, ...] = ()) -> Localized:
        """An inline-Markdown unit, rendered and sanitized."""
        value, translated = self._translate(text)
        return self._wrap(render_inline(value, sources, self.directives), translated)

    def blocks(self, blocks: tuple[Block, ...], sources: tuple[Source, ...] = ()) -> tuple[RenderedBlock, ...]:
        """Render a lesson body or facilitator notes."""
        return tuple(
            RenderedBlock(block.kind, tuple(self.markdown(text, sources) for text in block.texts), block.level)
            for block in blocks
        )

    def is_complete(self, texts) -> bool:
        """True when every unit has a current translation in this language."""
        return all(self._translate(text)[1] for text in texts)
