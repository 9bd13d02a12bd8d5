"""How a term to avoid is matched in each language: the text and the phrase are folded alike, and the
phrase admits the forms the language builds from it.

- Arabic: diacritics and tatweel dropped, alef/yaa/taa marbuta variants folded; attached prefixes
  (و ف ب ك ل ال لل بال وال …) before the first word, the article on an adjective (انتحار فاشل, الانتحار الفاشل) and suffixes
  (number, gender, pronouns) after the last.
- Spanish: accents folded; each word in either gender and number (enfermo, enferma, enfermos, enfermas;
  mental, mentales); un, una, unos, unas, los and las for one another (never el: "el hikikomori" is the
  phenomenon, not a person).
- English: "a" or "an"; the last word singular or plural, and "a schizophrenic" also as "schizophrenics".
- Japanese: katakana read as hiragana (キチガイ, きちがい), full and half width alike; an adjective in
  い also in its other forms (おかしい, おかしく, おかしかった). Kanji variants are listed in the glossary.

Other languages match the phrase as written, ignoring case.
"""

import re
import unicodedata

# -- folding ---------------------------------------------------------------------------------------------

ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]")
ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})
KATAKANA = str.maketrans({chr(code): chr(code - 0x60) for code in range(0x30A1, 0x30F7)})


def _base(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def fold(text: str, language: str) -> str:
    """``text`` in the form terms are matched in: compatibility forms unified (NFKC), then per language."""
    text = unicodedata.normalize("NFKC", text)
    base = _base(language)
    if base == "ar":
        return ARABIC_MARKS.sub("", text).translate(ARABIC_LETTERS)
    if base == "ja":
        return text.translate(KATAKANA)
    if base == "es":
        return "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))
    return text


# -- phrases ---------------------------------------------------------------------------------------------

ARABIC_PREFIX = "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)"
ARABIC_SUFFIX = "(?:ون|ين|ان|ات|تان|تين|ه|ها|هم|هن|هما|كم|كن|نا|ي|ك|ا)?"
ARABIC_TAA_MARBUTA = "(?:ه|ات|ت(?:ان|ين|ه|ها|هم|هن|كم|نا|ي|ك))"
# An article stands for the others that make a noun of a person ("un hikikomori", "los hikikomori"); "el"
# and "la" stand for themselves only: "el hikikomori no es un diagnóstico" names the phenomenon.
LABELLING_ARTICLES = "(?:un|una|unos|unas|los|las)"
SPANISH_ARTICLES = dict.fromkeys(("un", "una", "unos", "unas", "los", "las"), LABELLING_ARTICLES)
VOWELS = "aeiou"
JAPANESE_ADJECTIVE_ENDINGS = "(?:い|く|かった|くて|さ|そう|けれ|き)"


def phrase_regex(phrase: str, language: str) -> str:
    """The regular expression (without word boundaries) for ``phrase`` and its forms in ``language``;
    ``phrase`` is already folded."""
    base = _base(language)
    words = phrase.split()
    if base == "ar":
        return _arabic(words)
    if base == "es":
        return r"\s+".join(_spanish_word(word) for word in words)
    if base == "en":
        return _english(words)
    if base == "ja":
        return _japanese(phrase)
    return r"\s+".join(re.escape(word) for word in words)


def _arabic(words: list[str]) -> str:
    first = words[0]
    if first.startswith("ال") and len(first) > 4:
        first = first[2:]  # the article is one of the prefixes
    words = [first, *words[1:]]
    last = words[-1]
    if last.endswith("ه") and len(last) > 3:  # a taa marbuta (folded): مجنونة, مجنونتها
        ending = re.escape(last[:-1]) + ARABIC_TAA_MARBUTA
    else:
        ending = re.escape(last) + ARABIC_SUFFIX
    parts = [re.escape(word) for word in words[:-1]] + [ending]
    # An adjective takes the article with its noun: انتحار فاشل, الانتحار الفاشل.
    parts = [parts[0]] + [part if word.startswith("ال") else "(?:ال)?" + part for word, part in zip(words[1:], parts[1:], strict=True)]
    return ARABIC_PREFIX + r"\s+".join(parts)


def _spanish_word(word: str) -> str:
    if word.lower() in SPANISH_ARTICLES:
        return SPANISH_ARTICLES[word.lower()]
    if len(word) <= 3 or not word.isalpha():
        return re.escape(word)
    if word.endswith(("os", "as")):
        return re.escape(word[:-2]) + "(?:o|a|os|as)"
    if word.endswith(("o", "a")):
        return re.escape(word[:-1]) + "(?:o|a|os|as)"
    if word.endswith("es") and word[-3] not in VOWELS:  # mentales: mental
        return re.escape(word[:-2]) + "(?:es)?"
    if word[-1] in VOWELS:
        return re.escape(word) + "s?"
    return re.escape(word) + "(?:es)?"


def _english(words: list[str]) -> str:
    parts = [re.escape(word) for word in words]
    last = words[-1]
    plural = None
    if len(last) > 3 and last.isalpha():
        if last.endswith("y") and last[-2] not in VOWELS:
            plural = re.escape(last[:-1]) + "ies"
        elif last.endswith(("s", "x", "sh", "ch")):
            plural = re.escape(last) + "es"
        else:
            plural = re.escape(last) + "s"
        parts[-1] = f"(?:{parts[-1]}|{plural})"
    if words[0].lower() in ("a", "an") and len(words) > 1:
        singular = r"(?:a|an)\s+" + r"\s+".join(parts[1:])
        if plural is None:
            return singular
        # "a schizophrenic" names people in the plural without its article: "schizophrenics".
        return f"(?:{singular}|" + r"\s+".join([*parts[1:-1], plural]) + ")"
    return r"\s+".join(parts)


def _japanese(phrase: str) -> str:
    if len(phrase) > 2 and phrase.endswith("い") and "\u3041" <= phrase[-2] <= "\u3096":
        return re.escape(phrase[:-1]) + JAPANESE_ADJECTIVE_ENDINGS
    return re.escape(phrase)
