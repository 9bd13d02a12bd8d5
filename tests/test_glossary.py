"""Terms to avoid are caught in course text and in translations, unless a lesson quotes them on purpose."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from quizapp.catalogs import Catalogs
from quizapp.content import load_library
from quizapp.content.glossary import allowances, term_errors

from .test_cli import write_po
from .test_course_files import edit


def test_planted_term_in_a_lesson_is_caught_with_file_and_line(course_tree):
    edit(course_tree / "sample-course/first-lesson.md", "A paragraph with a figure", "A shut-in paragraph with a figure")
    errors = [str(error) for error in term_errors(load_library(course_tree))]
    assert errors == [
        f"{course_tree}/sample-course/first-lesson.md:12: 'shut-in' (en) in the text is a term to avoid; "
        "say \"a person experiencing prolonged social withdrawal\" instead, or list 'shut-in' under allow_terms if the lesson quotes it on purpose"
    ]


def test_term_in_quiz_and_notes_is_caught_too(course_tree):
    edit(course_tree / "sample-course/first-lesson.quiz.yml", "Which is right?", "Which is crazy?")
    edit(course_tree / "sample-course/second-lesson.notes.md", "Discuss", "Discuss the psycho")
    errors = sorted(f"{error.path.name}:{error.line}" for error in term_errors(load_library(course_tree)))
    assert errors == ["first-lesson.quiz.yml:6", "second-lesson.notes.md:1"]


def test_whole_words_only(course_tree):
    edit(course_tree / "sample-course/first-lesson.md", "A paragraph with a figure", "A psychotic episode, per Psychol Med, with a figure")
    assert term_errors(load_library(course_tree)) == []


def test_allow_terms_permits_a_deliberate_quote(course_tree):
    edit(course_tree / "sample-course/first-lesson.md", "A paragraph with a figure", 'Instead of "crazy", say what you mean. A figure')
    edit(course_tree / "sample-course/first-lesson.md", "minutes: 4\n", "minutes: 4\nallow_terms: [crazy]\n")
    library = load_library(course_tree)
    assert library.errors == ()
    assert term_errors(library) == []
    assert allowances(library)["sample-course/first-lesson/quiz"] == frozenset({"crazy"})


def test_planted_term_in_a_translation_is_caught(tmp_path, course_tree):
    library = load_library(course_tree)
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "es", "ja"], "en", glossary=library.glossary, allowed=allowances(library))
    template = Catalog()
    template.add("First item.", context="sample-course/first-lesson")
    template.add("Only a paragraph [@source-b].", context="sample-course/second-lesson")
    path = catalogs.po_path("es", "courses")
    write_po(path, "es", [])
    catalog = Catalog(locale="es")
    catalog.add("First item.", "Un punto LOCO.", context="sample-course/first-lesson")
    catalog.add("Only a paragraph [@source-b].", "Solo un párrafo [@source-b].", context="sample-course/second-lesson")
    from babel.messages.pofile import write_po as babel_write_po

    with open(path, "wb") as fileobj:
        babel_write_po(fileobj, catalog)
    problems = [str(problem) for problem in catalogs.check_catalog("es", "courses", template)]
    assert len(problems) == 1
    assert "entry [sample-course/first-lesson] 'First item.': 'loco' (es) in the translation is a term to avoid" in problems[0]
    # The same word is fine where the lesson quotes it on purpose.
    catalogs.allowed = {"sample-course/first-lesson": frozenset({"crazy"})}
    assert catalogs.check_catalog("es", "courses", template) == []


def test_japanese_terms_match_without_word_boundaries(course_tree):
    library = load_library(course_tree)
    assert [rule.id for rule in library.glossary.find("彼は引きこもり野郎だ", "ja")] == ["shut-in"]
    assert library.glossary.find("ひきこもりの状態にある人", "ja") == []


def test_real_library_has_no_term_to_avoid():
    from .support import PROJECT_ROOT

    library = load_library(PROJECT_ROOT / "courses")
    assert library.glossary.rules["en"]
    assert term_errors(library) == []


# -- inflected forms (the real glossary) ---------------------------------------------------------------------

REAL_GLOSSARY = load_library(Path(__file__).resolve().parent.parent / "courses").glossary
INFLECTED = {
    "ar": ["المجنون", "للمجانين", "بالمجانين", "والمجانين", "مجنونًا", "مَجْنُونٌ", "مجـنون", "ومجنونة", "مجنونتها", "فالمعتوه", "كالمجنون",
           "بحبيس البيت", "يعانون منه", "ويعاني من", "المختلون عقليًا", "لضحايا الاكتئاب", "الانتحار الفاشل", "بالهيكيكوموريين"],
    "es": ["un enfermo mental", "una enferma mental", "Los enfermos mentales", "unas locas", "un loco", "Loca", "un pirado", "la hikikomori",
           "unos hikikomori", "una persona hikikomori", "una víctima de la depresión", "victima de la depresion", "una encerrada",
           "unos encerrados", "psicopata", "cometio suicidio", "los esquizofrénicos"],
    "ja": ["きちがい", "ｷﾁｶﾞｲ", "めんへら", "ひっきー", "頭がおかしく", "頭がオカシイ", "頭のおかしかった", "精神病者たち"],
    "en": ["a hikikomori", "an hikikomori", "Hikikomoris", "lunatics", "a lunatic", "crazies", "Psychos", "nutjobs", "schizophrenics", "sufferers"],
}
NOT_TERMS = {
    "ar": ["الانتحار ليس ضعفًا", "شخص يمرّ بحالة هيكيكوموري"],
    "es": ["el hikikomori no es un diagnóstico", "la enfermedad mental", "costumbres locales", "una persona en situación de hikikomori"],
    "ja": ["ひきこもりの状態にある人", "気持ち"],
    "en": ["a psychotic episode", "a person experiencing hikikomori", "the hikikomori phenomenon"],
}


@pytest.mark.parametrize(("language", "text"), [(language, text) for language, texts in INFLECTED.items() for text in texts])
def test_inflected_and_variant_forms_of_a_term_are_caught(language, text):
    assert REAL_GLOSSARY.find(f"Antes {text} después.", language), f"{text!r} ({language}) passed unflagged"


@pytest.mark.parametrize(("language", "text"), [(language, text) for language, texts in NOT_TERMS.items() for text in texts])
def test_ordinary_words_are_not_taken_for_terms(language, text):
    assert REAL_GLOSSARY.find(text, language) == []


def test_each_term_is_reported_once_however_many_of_its_phrases_match():
    assert [rule.id for rule in REAL_GLOSSARY.find("Unos locos y una loca.", "es")] == ["crazy"]


# Each language added in issue 17, by the tag languages.yml declares (pt-BR finds the `pt` entries): a planted
# term, and a neutral sentence built from words close to the listed ones.
NEW_LANGUAGES = [
    ("ko", "그는 은둔형 외톨이가 되었다.", "그 경험은 삶에 큰 영향을 미친 사람들에게 히키코모리 상태에 있는 사람도 있었다."),
    ("zh-Hans", "他一时想不开。", "他因自杀离世；自杀未遂的人需要支持，疯狂地学习不是问题。"),
    ("fr", "Son frère a commis l’irréparable.", "Elle a eu un fou rire ; le hikikomori n'est pas un diagnostic ; son sommeil est détraqué."),
    ("de", "Er ist ein Hikikomori und spricht mit niemandem.", "Eine Hikikomori-Beratungsstelle hilft bei gestörtem Schlaf und depressiven Episoden."),
    ("it", "Quanti sono gli hikikomori in Italia?", "Con affetto da parte dei genitori: l'hikikomori non è una diagnosi."),
    ("pt-BR", "Ele cometeu suicídio em 2020.", "O hikikomori não é um diagnóstico; uma alimentação desequilibrada; um quadro depressivo."),
]


@pytest.mark.parametrize(("language", "planted", "neutral"), NEW_LANGUAGES, ids=[language for language, *_ in NEW_LANGUAGES])
def test_new_language_catches_a_planted_term_and_passes_neutral_text(language, planted, neutral):
    assert REAL_GLOSSARY.find(planted, language), f"{planted!r} ({language}) passed unflagged"
    assert REAL_GLOSSARY.find(neutral, language) == []
