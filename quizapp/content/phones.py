"""The guard against phone numbers typed into lessons, quizzes and notes: they belong in ``help.yml``.

Full numbers are found by Google's libphonenumber (the ``phonenumbers`` package) for every country in
``help.yml``, after every kind of decimal digit (Arabic-Indic, Persian, full-width…) is read as 0-9, so a year
range (2010-2019) or a figure (1.46 million) is never taken for a number. Short codes (988, 116 123) look like
any figure, so they are flagged only when they are a number of ``help.yml`` and the text treats them as one:
written in groups as a number is ("116 123"), or next to a word such as call, text, dial or line.
"""

import functools
import re
import unicodedata

from phonenumbers import Leniency, PhoneNumberMatcher

from .directives import ANY_BRACES
from .errors import ContentError, ErrorList
from .files import read_source

# Words that make a known short code a phone number rather than a figure (course text is in English).
CUE_BEFORE = re.compile(r"\b(call|calling|ring|dial|dialling|dialing|text|texting|phone|number|line|hotline|helpline|sms|whatsapp|reach|reached)\W+(?:\w+\W+){0,2}$", re.I)
CUE_AFTER = re.compile(r"^\W*(line|hotline|helpline|number)\b", re.I)
SHORT = re.compile(r"(?<![\w.,:/])(\+?\d{2,6}(?:[ \u00a0]\d{1,4}){0,3})(?![\w]|[.,:]\d)")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
# In some countries (Uruguay, Tunisia) an eight-digit number starting with 2 is a landline, so a year range
# such as 2010-2019 is a "valid" number there; so is a PubMed id. Neither is ever a phone number in a lesson.
YEAR_RANGE = re.compile(r"^(1[89]|20)\d\d\s*[-\u2010-\u2015]\s*(1[89]|20)\d\d$")
IDENTIFIER_BEFORE = re.compile(r"\b(pubmed|pmid|doi|isbn|issn|arxiv)\W*$", re.I)
MIN_DIGITS_FOR_MATCHER = 6
# Luxembourg has numbers of four to six digits, so there every year ("2025"), page range ("264-270") and
# volume and page ("2023. 29") is a valid number. A number shorter than this is flagged only when help.yml
# lists it (the short codes above).
MIN_DIGITS_OF_A_FULL_NUMBER = 7


def normalise_digits(text: str) -> str:
    """Every decimal digit as ASCII 0-9 (``٠١٢٠`` and ``０１２０`` read as ``0120``); everything else kept."""
    return "".join(str(unicodedata.decimal(char)) if char.isdecimal() and not char.isascii() else char for char in text)


def phone_numbers_in(text: str, regions, known=frozenset()) -> list[str]:
    """The phone numbers in ``text`` as written there (after digit normalisation)."""
    return list(_phone_numbers_in(text, tuple(regions), frozenset(known)))


# Matching every text against every help.yml country is most of `courses check`'s time, and a pure function
# of its arguments: a text checked again in the same process (a re-check while editing, the test suite's many
# checks of nearly the same library) is looked up, not matched again.
@functools.lru_cache(maxsize=16384)
def _phone_numbers_in(text: str, regions: tuple, known: frozenset) -> tuple[str, ...]:
    text = normalise_digits(LINK_TARGET.sub(" ", ANY_BRACES.sub(" ", text)))
    found = []
    if sum(char.isdigit() for char in text) >= MIN_DIGITS_FOR_MATCHER:
        for region in regions:
            for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
                if YEAR_RANGE.match(match.raw_string) or IDENTIFIER_BEFORE.search(text[: match.start]):
                    continue
                if sum(char.isdigit() for char in match.raw_string) < MIN_DIGITS_OF_A_FULL_NUMBER:
                    continue
                if match.raw_string not in found:
                    found.append(match.raw_string)
    for match in SHORT.finditer(text):
        written = match.group(1)
        digits = re.sub(r"\D", "", written)
        if digits not in known or any(digits in re.sub(r"\D", "", number) for number in found):
            continue
        grouped = " " in written or "\u00a0" in written
        if grouped or CUE_BEFORE.search(text[: match.start()]) or CUE_AFTER.match(text[match.end() :]):
            found.append(written)
    return tuple(found)


def known_numbers(library) -> frozenset:
    """The digits of every phone and text number in ``help.yml``."""
    numbers = set()
    for entry in library.help_entries():
        for contact in entry.contacts:
            if contact.kind in ("phone", "sms", "whatsapp"):
                numbers.add(re.sub(r"\D", "", contact.value))
                numbers.add(re.sub(r"\D", "", contact.href))
    return frozenset(number for number in numbers if len(number) >= 3)


def phone_number_errors(library) -> list[ContentError]:
    """Every phone number typed into a lesson, its sources, its quiz or its notes, as ``file:line`` errors."""
    regions = sorted(library.help_lines)
    known = known_numbers(library)
    errors = []

    def check(text: str, path, line: int) -> None:
        for number in phone_numbers_in(text, regions, known):
            errors.append(ContentError(path, line, f"phone number '{number.strip('()')}' typed into the text: numbers live in help.yml; write a directive such as {{{{help:<entry id>}}}} or {{{{help:emergency}}}} instead"))

    for course in library.courses.values():
        for text in course.texts():
            check(text.source, text.path, text.line)
        for lesson in course.lessons:
            lines = (read_source(lesson.path, ErrorList(lesson.path)) or "").splitlines()
            for source in lesson.sources:
                line = next((n for n, row in enumerate(lines, 1) if source.citation in row), 1)
                check(source.citation, lesson.path, line)
    return errors
