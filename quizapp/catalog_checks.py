"""What `translate check` compares between a source text and its translation, beyond presence.

Each function takes the source (``msgid``) and one translated string and returns messages, empty when the
translation is faithful: figures (after each locale's number format), Markdown (emphasis, links, citation
markers, rendered by the same Markdown parser the app uses), plural-form placeholders, and the previous
source text that ``msgmerge --previous`` keeps beside a fuzzy entry.
"""

import gettext
import re
import unicodedata
from collections import Counter
from decimal import Decimal

from babel import Locale
from babel.messages.pofile import denormalize
from babel.numbers import NumberFormatError, get_group_symbol, parse_decimal

from .content.directives import ANY_BRACES
from .content.parser import CITATION, _markdown

# -- numbers ---------------------------------------------------------------------------------------------

# A figure as people write it: digits, joined by "." "," "'" (any locale's separators) or by a space when
# a group of exactly three digits follows (French and Spanish "613 000").
NUMBER = re.compile(r"\d+(?:(?:[.,'’]|[ \u00a0\u202f\u2009](?=\d{3}(?!\d)))\d+)*")
SPACES = re.compile(r"[ \u00a0\u202f\u2009]")
# Japanese, Chinese and Korean myriads: 61万3000 is 613,000; 9億7000万 is 970,000,000; 1.5億 (Chinese 1.5亿)
# is 150,000,000; 146万 (Korean 146만) is 1,460,000.
# Korean 만 counts only when no syllable follows it: "0.25만큼" is "as much as 0.25", not 2,500.
MYRIAD_UNIT = r"(?:[兆億亿万억]|만(?![가-힣]))"
JAPANESE_MYRIADS = re.compile(rf"(?:\d+(?:\.\d+)?\s*{MYRIAD_UNIT}\s*)+\d*")
MYRIAD_PART = re.compile(rf"(\d+(?:\.\d+)?)\s*({MYRIAD_UNIT})")
MYRIADS = {"万": 10**4, "만": 10**4, "億": 10**8, "亿": 10**8, "억": 10**8, "兆": 10**12}
MYRIAD_LANGUAGES = {"ja", "zh", "ko"}
# "970 million" in an English source is 970 (970 millones, 970 مليون) or 970,000,000 (9億7000万).
SCALE_WORDS = re.compile(r"\s+(thousand|million|billion)\b")
SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
# Text that holds digits but no figure of the lesson: citation ids, help directives, link targets, URLs,
# placeholders.
NOT_FIGURES = re.compile(r"\[@[^\]]*\]|\{\{.*?\}\}|\]\([^)]*\)|<?https?://\S+|%\([a-zA-Z_]\w*\)[sdif]|\{[a-zA-Z_]\w*\}")


def _ascii_digits(text: str) -> str:
    """NFKC (full-width digits and separators) and every Unicode decimal digit as ASCII (Arabic-Indic
    ٣ and Persian ۳ included); the Arabic decimal and thousands marks ٫ ٬ become "." and ","."""
    text = unicodedata.normalize("NFKC", text).replace("\u066b", ".").replace("\u066c", ",")
    return "".join(str(unicodedata.digit(char)) if char.isdigit() and not char.isascii() else char for char in text)


def _values(run: str, locales) -> set[Decimal]:
    """Every value ``run`` can mean in one of ``locales`` (the translation's, then the source's: a
    translator may keep the source's format or follow their own)."""
    values = set()
    for locale in locales:
        candidate = SPACES.sub(get_group_symbol(locale), run) if SPACES.search(run) else run
        try:
            values.add(parse_decimal(candidate, locale, strict=True))
        except NumberFormatError:
            continue
    if SPACES.search(run):  # "in 2010 100 people": two figures, or one grouped
        values.update(Decimal(part) for part in SPACES.split(run))
    if not values:  # "1.2.3": not a number in any locale; its parts are
        values.update(Decimal(part) for part in re.split(r"\D+", run) if part)
    return values


def figures(text: str, locales) -> list[set[Decimal]]:
    """The figures in ``text``: for each, the set of values it can mean in ``locales``."""
    text = _ascii_digits(NOT_FIGURES.sub(" ", text))
    found = []
    if MYRIAD_LANGUAGES & {Locale.parse(locale).language for locale in locales}:
        found.extend({_myriad_value(match.group())} for match in JAPANESE_MYRIADS.finditer(text))
        text = JAPANESE_MYRIADS.sub(" ", text)
    for match in NUMBER.finditer(text):
        values = _values(match.group(), locales)
        scale = SCALE_WORDS.match(text, match.end())
        if scale:
            values |= {value * SCALES[scale.group(1)] for value in values}
        found.append(values)
    return found


def _myriad_value(run: str) -> Decimal:
    """61万3000 → 613000."""
    value = sum((Decimal(number) * MYRIADS[unit] for number, unit in MYRIAD_PART.findall(run)), Decimal(0))
    rest = MYRIAD_PART.sub("", run).strip()
    return value + Decimal(rest or 0)


def number_issues(source: str, translation: str, source_locale: str, locale: str) -> list[str]:
    """Figures of the source that the translation lacks ("6 months" where the source now says 3)."""
    translated = set().union(*figures(translation, (locale, source_locale)))
    missing = []
    for meanings in figures(source, (source_locale,)):
        if not meanings & translated:
            missing.append(min(meanings))
    if not missing:
        return []
    shown = ", ".join(_show(value) for value in missing)
    return [f"figures differ: the source's {shown} not found in the translation (write them in your language's format or the source's)"]


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


# -- Markdown --------------------------------------------------------------------------------------------


EMPHASIS, BOLD, LINKS, CITATIONS = "emphasis (*…*)", "bold (**…**)", "links", "citation markers"


def markdown_shape(text: str) -> dict[str, list]:
    """What the app's Markdown parser makes of ``text``: emphasis and bold spans (counted), link targets and
    citation markers. Asterisks it does not read as emphasis do not count: the learner would see them."""
    tokens = _markdown.parseInline(text)[0].children or []
    kinds = Counter(token.type for token in tokens)
    return {
        EMPHASIS: [kinds["em_open"]],
        BOLD: [kinds["strong_open"]],
        LINKS: sorted(token.attrGet("href") for token in tokens if token.type == "link_open"),
        CITATIONS: sorted(f"[@{cite}]" for cite in CITATION.findall(text)),
    }


def markdown_issues(source: str, translation: str) -> list[str]:
    """Emphasis, bold, link targets or citation markers that differ from the source's."""
    expected, found = markdown_shape(source), markdown_shape(translation)
    issues = [f"{what} differ: the source has {_list(wanted)}, the translation {_list(found[what])}" for what, wanted in expected.items() if found[what] != wanted]
    lost_emphasis = found[EMPHASIS] < expected[EMPHASIS] or found[BOLD] < expected[BOLD]
    if lost_emphasis and "*" in translation:
        issues.append("asterisks next to punctuation (：、。「) without a space are not read as emphasis: move them inside or outside the punctuation")
    return issues


def _list(values: list) -> str:
    if len(values) == 1 and isinstance(values[0], int):
        return str(values[0])
    return ", ".join(map(str, values)) or "none"


def directive_differences(source: str, translation: str) -> list[str]:
    """Help directives ({{help:jp-yorisoi}}) must be copied exactly, never translated or replaced."""
    expected = sorted(ANY_BRACES.findall(source))
    if sorted(ANY_BRACES.findall(translation)) == expected:
        return []
    shown = ", ".join("{{" + inner + "}}" for inner in expected) or "none"
    return [f"help directives differ: the source has {shown}; copy them exactly, without translating them"]


# -- placeholders per plural form ------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\([a-zA-Z_]\w*\)[sdif]|%[sdif]|\{[a-zA-Z_]\w*\}")


def single_number_forms(plural_expr: str, num_plurals: int) -> set[int]:
    """Plural forms used for exactly one number (Arabic's 0, 1 and 2; English's 1): like GNU msgfmt,
    such a form may say the number in words and leave out its placeholder."""
    choose = gettext.c2py(plural_expr)
    samples = list(range(0, 2000)) + [10**6, 2 * 10**6, 10**9, 10**12 + 7]
    uses = Counter(choose(n) for n in samples)
    return {form for form in range(num_plurals) if uses[form] == 1}


def placeholder_issues(ids, strings, single_forms=frozenset()) -> list[str]:
    """A singular translation keeps exactly the source's placeholders. A plural form may add none the
    source lacks (Babel's python_format rule) and may drop one only in a form for a single number."""
    source = set(PLACEHOLDER.findall(ids[0])) | set(PLACEHOLDER.findall(ids[-1]))
    if len(ids) == 1:
        found = set(PLACEHOLDER.findall(strings[0]))
        return [] if found == source else [f"placeholders differ: source has {sorted(source)}, translation has {sorted(found)}"]
    issues = []
    for form, string in enumerate(strings):
        found = set(PLACEHOLDER.findall(string))
        if found - source:
            issues.append(f"plural form {form}: placeholders not in the source: {sorted(found - source)}")
        if source - found and form not in single_forms:
            issues.append(f"plural form {form} serves several numbers and must keep {sorted(source - found)}")
    return issues


# -- previous source text (#| msgid) ---------------------------------------------------------------------


def previous_id(message) -> str | None:
    """The source text a fuzzy entry was translated from, as ``msgmerge --previous`` keeps it (``#| msgid``).

    Babel's reader keeps those lines as translator comments (python-babel#206), so they are parsed here.
    """
    lines = [comment[1:].strip() for comment in message.user_comments if comment.startswith("|")]
    parts: dict[str, list[str]] = {}
    keyword = None
    for line in lines:
        if line.startswith('"'):
            if keyword:
                parts[keyword].append(line)
            continue
        keyword, _, rest = line.partition(" ")
        parts[keyword] = [rest.strip()]
    if "msgid" not in parts:
        return None
    return denormalize("\n".join(parts["msgid"]))
