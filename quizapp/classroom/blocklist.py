"""Words a learner's pseudonym may not contain, matched as words: "Skillful Otter" and "Nazira" are fine,
"kill", "(Nazi)", "Sh1thead" and "s h i t" are not.

Each line of ``blocklist.txt`` is a word, refused on its own (and with a plural -s or -es); a ``*`` lets
it run on into a longer word: ``shit*`` also refuses "Shithead", ``*shit`` "bullshit", ``*死ね*`` the word
anywhere, as scripts written without spaces need. Before matching, text is folded the same way on both
sides: compatibility forms (full-width letters), case, accents and vowel signs, digits and symbols
standing for letters inside a word ("sh1t", "sh!t"), and letters spelt out one by one ("s.h.i.t").
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# A word: letters and digits, with symbols allowed only between them (so "sh!t" is one word, "Nazi!" is
# "Nazi"). The underscore separates words.
WORD = re.compile(r"[^\W_]+(?:[@$!|][^\W_]+)*")
# What digits and symbols inside a word usually stand for; "1" and "|" are read both as "i" and as "l".
LOOKALIKES = str.maketrans({"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a", "$": "s", "!": "i"})
ONE_AS = ("i", "l")
PLURALS = ("", "s", "es")
KANA_VOICING = "\u3099\u309a"


def fold(text: str) -> str:
    """Compatibility forms, case and combining marks (accents, Arabic vowel signs) folded away; Japanese
    kana keep their voicing marks, which make other words ("は" and "ば")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(char for char in decomposed if not unicodedata.combining(char) or char in KANA_VOICING)
    return unicodedata.normalize("NFC", kept)


def words(text: str) -> list[str]:
    """The words of ``text`` as the blocklist sees them: each word once for each reading of "1" and "|",
    and letters spelt out one by one ("s h i t") also as the word they spell."""
    tokens = WORD.findall(fold(text))
    found = []
    for token in tokens + spelt_out(tokens):
        if token.isdigit():  # a number is a number ("Otter 42"), not letters in disguise
            found.append(token)
            continue
        base = token.translate(LOOKALIKES)
        found.extend({base.replace("1", letter).replace("|", letter) for letter in ONE_AS})
    return found


def spelt_out(tokens: list[str]) -> list[str]:
    """The words spelt by runs of single characters ("s", "h", "1", "t" spell "sh1t")."""
    spelt, run = [], []
    for token in tokens + [""]:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            spelt.append("".join(run))
        run = []
    return spelt


@dataclass(frozen=True)
class Entry:
    """One line of the blocklist: a folded word and whether it may run on before or after."""

    word: str
    before: bool  # "*word": also at the end of a longer word
    after: bool  # "word*": also at the start of one

    @classmethod
    def parse(cls, line: str) -> "Entry":
        word = line.strip()
        return cls(fold(word.strip("*")), word.startswith("*"), word.endswith("*"))

    def matches(self, token: str) -> bool:
        if self.before and self.after:
            return self.word in token
        if self.after:
            return token.startswith(self.word)
        if self.before:
            return any(token.endswith(self.word + plural) for plural in PLURALS)
        return any(token == self.word + plural for plural in PLURALS)


class Blocklist:
    """The words pseudonyms may not contain."""

    def __init__(self, entries):
        self.entries = tuple(entries)

    @classmethod
    def read(cls, path: Path) -> "Blocklist":
        """The blocklist in the file ``path``."""
        return cls.from_lines(Path(path).read_text(encoding="utf-8").splitlines())

    @classmethod
    def from_lines(cls, lines) -> "Blocklist":
        """A blocklist of one entry per line; ``#`` starts a comment line."""
        return cls(Entry.parse(line) for line in lines if line.strip() and not line.lstrip().startswith("#"))

    def refuses(self, text: str) -> bool:
        """True if ``text`` contains a blocked word."""
        return any(entry.matches(token) for token in words(text) for entry in self.entries)
