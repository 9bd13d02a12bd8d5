"""`translate check` catches every fault a translator can plant in a lesson's translation, on a copy of the
shipped catalogs: a figure, emphasis, a link, a citation marker, a help directive, an inflected term to
avoid, a stale fuzzy entry; and the shipped catalogs have none of them."""

import re
import shutil

import polib
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from quizapp.catalog_checks import markdown_issues, number_issues, placeholder_issues, single_number_forms
from quizapp.catalogs import Catalogs, Problem
from quizapp.content import load_library
from quizapp.content.glossary import allowances

from .support import PROJECT_ROOT, TRANSLATED

LIBRARY = load_library(PROJECT_ROOT / "courses")


@pytest.fixture
def catalogs(tmp_path):
    """The shipped templates and catalogs, copied, with the real glossary and allow_terms."""
    directory = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", directory, ignore=shutil.ignore_patterns("*.mo"))
    return Catalogs(PROJECT_ROOT, directory, ["en", *TRANSLATED], "en", glossary=LIBRARY.glossary, allowed=allowances(LIBRARY))


def template(catalogs: Catalogs, domain: str = "courses") -> Catalog:
    with open(catalogs.template_path(domain), "rb") as fileobj:
        return read_po(fileobj)


def plant(catalogs: Catalogs, tag: str, chosen, change, allowed_term: str | None = None) -> polib.POEntry:
    """Change the translation of the first translated course entry for which ``chosen(msgid, msgstr)`` holds
    (and, with ``allowed_term``, whose lesson does not quote that term on purpose); return the entry."""
    path = catalogs.po_path(tag, "courses")
    catalog = polib.pofile(str(path))
    for entry in catalog:
        if entry.translated() and not entry.msgid_plural and chosen(entry.msgid, entry.msgstr):
            if allowed_term and allowed_term in catalogs.allowed.get(entry.msgctxt, ()):
                continue
            before = defects(catalogs, tag, entry)
            assert before == [], f"the shipped entry already has defects: {before}"
            entry.msgstr = change(entry.msgstr)
            catalog.save(str(path))
            return entry
    raise AssertionError("no entry to plant the fault in")


def defects(catalogs: Catalogs, tag: str, entry: polib.POEntry) -> list[str]:
    """What `translate check` says of ``entry`` that is not a mere gap."""
    label = unquoted(f"entry [{entry.msgctxt}] {entry.msgid[:20]}")
    return [problem.message for problem in catalogs.check_catalog(tag, "courses", template(catalogs)) if not problem.gap and label in unquoted(problem.message)]


def unquoted(text: str) -> str:
    return text.replace("'", "").replace('"', "").replace("\\", "")


FAULTS = {
    "figure": ("es", lambda msgid, msgstr: "613,000" in msgid and "613" in msgstr, lambda msgstr: msgstr.replace("613", "631", 1), "figures differ: the source's 613000 not found"),
    "emphasis": ("es", lambda msgid, msgstr: re.search(r"(?<!\*)\*\w[^*]*\*(?!\*)", msgid) is not None, lambda msgstr: re.sub(r"(?<!\*)\*(\w[^*]*)\*(?!\*)", r"\1", msgstr, count=1), "emphasis (*…*) differ"),
    "bold": ("ja", lambda msgid, msgstr: msgid.startswith("**Myth:**"), lambda msgstr: msgstr.replace("**", "", 2), "bold (**…**) differ"),
    "link": ("ar", lambda msgid, msgstr: msgid.count(" ") > 5, lambda msgstr: msgstr + " [المزيد](https://example.org/)", "links differ"),
    "citation": ("ja", lambda msgid, msgstr: "[@" in msgid, lambda msgstr: re.sub(r"\s*\[@[^\]]*\]", "", msgstr, count=1), "citation markers differ"),
    "help directive": ("es", lambda msgid, msgstr: "{{help:" in msgid, lambda msgstr: re.sub(r"\{\{help:[a-z0-9-]+\}\}", "{{ayuda:emergencia}}", msgstr, count=1), "help directives differ"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_check_catches_a_planted_fault(catalogs, fault):
    tag, chosen, change, expected = FAULTS[fault]
    entry = plant(catalogs, tag, chosen, change)
    found = defects(catalogs, tag, entry)
    assert any(expected in message for message in found), found


@pytest.mark.parametrize(
    ("tag", "inflected"),
    [("ar", "المجنون"), ("ar", "للمجانين"), ("es", "un enfermo mental"), ("es", "una enferma mental"), ("ja", "きちがい"), ("ja", "ｷﾁｶﾞｲ")],
)
def test_check_catches_an_inflected_term_to_avoid(catalogs, tag, inflected):
    entry = plant(catalogs, tag, lambda msgid, msgstr: msgid.count(" ") > 5, lambda msgstr: f"{msgstr} {inflected}", allowed_term="crazy")
    found = defects(catalogs, tag, entry)
    assert any("is a term to avoid" in message for message in found), found


def test_check_accepts_figures_in_the_translations_own_format(catalogs):
    entry = plant(catalogs, "es", lambda msgid, msgstr: "613,000" in msgid and "613" in msgstr, lambda msgstr: re.sub(r"613[.,\s]000", "613 000", msgstr))
    assert "613 000" in polib.pofile(str(catalogs.po_path("es", "courses"))).find(entry.msgid, msgctxt=entry.msgctxt).msgstr
    assert defects(catalogs, "es", entry) == []


def test_a_fuzzy_entry_is_a_gap_showing_the_old_source(catalogs):
    path = catalogs.po_path("es", "courses")
    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.translated() and len(entry.msgid) > 40)
    entry.flags.append("fuzzy")
    entry.previous_msgid = "An older source text that said six months"
    catalog.save(str(path))
    problems = [problem for problem in catalogs.check_catalog("es", "courses", template(catalogs)) if entry.msgid[:20] in problem.message]
    assert [problem.gap for problem in problems] == [True]
    assert "fuzzy: the source changed (it was 'An older source text that said six months')" in problems[0].message


def test_a_cleared_fuzzy_flag_over_an_old_source_is_a_defect(catalogs):
    path = catalogs.po_path("es", "courses")
    catalog = polib.pofile(str(path))
    entry = next(entry for entry in catalog if entry.translated() and len(entry.msgid) > 40)
    entry.previous_msgid = "The old source, which said 6 months where the source now says three"  # no fuzzy flag
    catalog.save(str(path))
    found = defects(catalogs, "es", entry)
    assert any("the fuzzy flag was cleared but the entry still carries its old source" in message for message in found), found


def test_shipped_catalogs_have_no_defects(catalogs):
    """Gaps may come and go while strings are added; a wrong translation may not."""
    for tag in TRANSLATED:
        for domain in ("messages", "courses"):
            found = [str(problem) for problem in catalogs.check_catalog(tag, domain, template(catalogs, domain)) if not problem.gap]
            assert found == [], "\n".join(found)


# -- the comparisons themselves, on fixed text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [
        ("about 613,000 people (1.45%)", "unas 613 000 personas (1,45 %)", "es"),
        ("about 613,000 people (1.45%)", "unas 613.000 personas (1,45 %)", "es"),
        ("about 613,000 people (1.45%)", "unas 613,000 personas (1.45%)", "es"),  # the source's own format
        ("about 613,000 people (1.45%)", "environ 613\u202f000 personnes (1,45 %)", "fr"),
        ("about 613,000 people", "約61万3000人", "ja"),
        ("about 970 million people", "約9億7000万人", "ja"),
        ("about 1.46 million people", "約146万人", "ja"),
        ("about 1.46 million people", "约146万人", "zh_Hans"),
        ("about 970 million people", "约9.7亿人", "zh_Hans"),
        ("about 613,000 people", "约61.3万人", "zh_Hans"),
        ("about 1.46 million people", "약 146만 명", "ko"),
        ("about 970 million people", "약 9억 7000만 명", "ko"),
        ("improved by 0.25 of a standard deviation", "0.25만큼 나아졌어요", "ko"),  # 만큼: "as much as", not 10,000
        ("about 970 million people", "unos 970 millones de personas", "es"),
        ("for 6 months", "لمدة ٦ أشهر", "ar"),
        ("1.5 months [@mhlw-2010] {{help:jp-yorisoi}}", "١٫٥ شهر [@mhlw-2010] {{help:jp-yorisoi}}", "ar"),
    ],
)
def test_figures_match_after_locale_normalisation(source, translation, locale):
    assert number_issues(source, translation, "en", locale) == []


@pytest.mark.parametrize(
    ("source", "translation", "locale"),
    [("for 3 months", "durante 6 meses", "es"), ("about 613,000 people", "unas 631.000 personas", "es"), ("1.45%", "1,54 %", "es"), ("in 2010", "2001年に", "ja")],
)
def test_a_changed_figure_is_refused(source, translation, locale):
    assert number_issues(source, translation, "en", locale)


def test_emphasis_lost_to_punctuation_is_refused():
    # CommonMark does not close ** after "：" before a letter: the learner would see the asterisks.
    assert markdown_issues("**Myth:** people choose it.", "**神話：**本人が選んでいる。")
    assert markdown_issues("**Myth:** people choose it.", "**神話：** 本人が選んでいる。") == []
    assert markdown_issues("See [the guide](https://example.org/a).", "Voir [le guide](https://example.org/a).") == []
    assert markdown_issues("See [the guide](https://example.org/a).", "Voir [le guide](https://example.org/b).")


def test_placeholders_may_be_left_out_only_in_a_form_for_one_number():
    arabic = single_number_forms("(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : n % 100 >= 11 && n % 100 <= 99 ? 4 : 5)", 6)
    assert arabic == {0, 1, 2}
    assert single_number_forms("0", 1) == set()  # Japanese: one form for every number
    assert single_number_forms("(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2)", 3) == {0}
    ids = ("%(num)s day", "%(num)s days")
    assert placeholder_issues(ids, ["لا أيام", "يوم واحد", "يومان", "%(num)s أيام", "%(num)s يومًا", "%(num)s يوم"], arabic) == []
    assert placeholder_issues(ids, ["لا أيام", "يوم واحد", "يومان", "أيام", "%(num)s يومًا", "%(num)s يوم"], arabic) == ["plural form 3 serves several numbers and must keep ['%(num)s']"]
    assert placeholder_issues(ids, ["日"], set()) == ["plural form 0 serves several numbers and must keep ['%(num)s']"]
    assert placeholder_issues(ids, ["%(n)s 日"], set())[0] == "plural form 0: placeholders not in the source: ['%(n)s']"


def test_problem_records_its_language_and_whether_it_is_a_gap(tmp_path):
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "es"], "en")
    (problem,) = catalogs.check_catalog("es", "courses", Catalog())
    assert problem == Problem(catalogs.po_path("es", "courses"), 0, problem.message, "es", gap=True)


def test_a_catalog_msgfmt_refuses_is_a_defect_even_if_babel_reads_it(tmp_path):
    """The file Babel's own writer makes of a fuzzy entry with a long previous source (python-babel#206)."""
    from babel.messages.pofile import write_po

    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "es"], "en")
    source = "A sentence that is long enough for Babel to wrap its previous text inside the quotes, now changed."
    catalog = Catalog(locale="es")
    catalog.add(source, "Una frase.", flags=("fuzzy",), previous_id=(source.replace("now changed", "before") + " And more words to wrap.",))
    path = catalogs.po_path("es", "courses")
    path.parent.mkdir(parents=True)
    with open(path, "wb") as fileobj:
        write_po(fileobj, catalog, width=0, include_previous=True)
    template = Catalog()
    template.add(source)
    problems = catalogs.check_catalog("es", "courses", template)
    assert any("msgfmt: end-of-line within string" in problem.message and not problem.gap for problem in problems), problems
