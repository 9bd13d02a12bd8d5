"""Compiled catalogs: content look-ups (the standard library's .mo parser, checked against Babel's reader on
every shipped catalog), and UI catalogs loaded through Babel without the messages that could break a page
(checked form by form, dropped whole)."""

import gc
import logging

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from quizapp.i18n import ContentCatalogs, read_content_catalog, safe_ui_translations

from .support import PROJECT_ROOT


def test_a_content_translation_equal_to_its_source_counts_as_translated(write_catalog):
    # "Hikikomori" is the word in Spanish too: the unit is translated, not waiting for a translator.
    directory = write_catalog("es", "courses", {("c/l", "Hikikomori"): "Hikikomori", ("c/l", "Tea"): "Té"})
    catalogs = ContentCatalogs(directory)
    assert catalogs.lookup("es", "c/l", "Hikikomori") == "Hikikomori"
    assert catalogs.lookup("es", "c/l", "Tea") == "Té"
    assert catalogs.lookup("es", "other/lesson", "Tea") is None  # the context is part of the key
    assert catalogs.lookup("es", "c/l", "Coffee") is None
    assert catalogs.lookup("ja", "c/l", "Tea") is None  # no catalog compiled for ja


def test_a_content_catalog_hands_out_new_strings_and_holds_no_string_per_entry(write_catalog):
    # gunicorn's master reads the catalogs and the workers share them: a catalog that handed out its own
    # string objects would have their reference counts written, and so its memory copied, in every worker.
    entries = {("c/l", f"Sentence {n}"): f"Frase {n} con ñ" for n in range(500)}
    directory = write_catalog("es", "courses", entries)
    catalog = ContentCatalogs(directory).get("es")
    first, again = catalog.get(("c/l", "Sentence 7")), catalog.get(("c/l", "Sentence 7"))
    assert first == again == "Frase 7 con ñ" and first is not again
    assert not any("Frase" in text or "Sentence" in text for text in strings_held_by(catalog))
    assert all(catalog[key] == value for key, value in entries.items()) and len(catalog) == 500


def test_a_content_catalog_keeps_its_translations_but_not_the_source_texts_every_language_shares(write_catalog):
    # The keys (English source and context) are nearly half of a .mo file and the same in every language.
    directory = write_catalog("es", "courses", {("c/l", f"Sentence number {n}"): f"Frase {n}" for n in range(200)})
    catalog = ContentCatalogs(directory).get("es")
    held = b"".join(bytes(value) for value in vars(catalog).values() if not isinstance(value, str))  # bytes and arrays
    assert b"Frase 199" in held and b"Sentence" not in held and b"c/l" not in held
    assert catalog.get(("c/l", "Sentence number 199")) == "Frase 199" and ("c/l", "Sentence number 200") not in catalog


def test_a_ui_catalog_answers_every_gettext_call_and_holds_no_string_per_entry(write_catalog):
    # The master loads the UI catalogs too: handed-out strings would have their pages copied in every worker.
    forms = Catalog(locale="es").num_plurals
    directory = write_catalog("es", "messages", {
        (None, "Courses"): "Cursos",
        ("verb", "Open"): "Abrir",
        (None, ("one answer", "%(count)s answers")): ("una respuesta",) + ("%(count)s respuestas",) * (forms - 1),
    })
    translations = safe_ui_translations(directory / "es" / "LC_MESSAGES" / "messages.mo", "es")
    first, again = translations.gettext("Courses"), translations.gettext("Courses")
    assert first == again == "Cursos" and first is not again
    assert translations.pgettext("verb", "Open") == "Abrir" and translations.gettext("Open") == "Open"
    assert [translations.ngettext("one answer", "%(count)s answers", n) for n in (1, 5)] == ["una respuesta", "%(count)s respuestas"]
    assert translations.gettext("Not translated") == "Not translated"
    assert not any("Cursos" in text or "Abrir" in text or "respuesta" in text for text in strings_held_by(translations._catalog))


def test_a_plural_ui_translation_with_one_bad_form_shows_the_source_in_every_form(write_catalog, caplog):
    forms = Catalog(locale="es").num_plurals
    bad = ("%(num)s alumno",) + ("<b onclick=x>%(num)s</b> alumnos",) * (forms - 1)
    good = ("una respuesta",) + ("%(count)s respuestas",) * (forms - 1)  # count: the plural source passes it
    directory = write_catalog("es", "messages", {
        (None, ("%(num)s learner", "%(num)s learners")): bad,
        (None, ("one answer", "%(count)s answers")): good,
        (None, "Courses"): "Cursos",
    })
    with caplog.at_level(logging.ERROR, logger="quizapp.i18n"):
        translations = safe_ui_translations(directory / "es" / "LC_MESSAGES" / "messages.mo", "es")
    assert [translations.ungettext("%(num)s learner", "%(num)s learners", n) for n in (1, 5)] == ["%(num)s learner", "%(num)s learners"]
    assert [translations.ungettext("one answer", "%(count)s answers", n) for n in (1, 5)] == ["una respuesta", "%(count)s respuestas"]
    assert translations.ugettext("Courses") == "Cursos"
    assert [record.getMessage() for record in caplog.records] == ["Dropped the es translation of '%(num)s learner': it contains HTML markup, which the source does not."]


def test_every_shipped_course_catalog_reads_as_babel_reads_it():
    # The app reads .mo files with the standard library's parser (fast enough for the master to read every
    # language before forking); it must find what Babel's reader finds, contexts included.
    compiled = sorted((PROJECT_ROOT / "translations").glob("*/LC_MESSAGES/courses.mo"))
    assert len(compiled) >= 9
    for path in compiled:
        with open(path, "rb") as fileobj:
            expected = {(message.context, message.id): message.string for message in read_mo(fileobj) if message.id and message.string and isinstance(message.id, str)}
        catalog = read_content_catalog(path)
        assert len(catalog) == len(expected) and all(catalog.get(key) == value for key, value in expected.items()), path


def test_a_content_unit_without_a_context_is_read_with_none_for_its_context(write_catalog):
    directory = write_catalog("es", "courses", {(None, "Tea"): "Té", ("c/l", "Cup"): "Taza"})
    catalog = ContentCatalogs(directory).get("es")
    assert (catalog.get((None, "Tea")), catalog.get(("c/l", "Cup")), len(catalog)) == ("Té", "Taza", 2)
    assert catalog.get(("c/l", "Tea")) is None and catalog.get((None, "Cup")) is None


def strings_held_by(instance) -> list[str]:
    """Every string reachable from ``instance``'s own attributes (not through its class)."""
    seen, found, waiting = set(), [], [vars(instance)]
    while waiting:
        item = waiting.pop()
        if id(item) in seen or isinstance(item, type):
            continue
        seen.add(id(item))
        if isinstance(item, str):
            found.append(item)
        else:
            waiting += gc.get_referents(item)
    return found
