"""Offered and incubating languages: one declaration, `translate new`, the banner, never offered, the
/<lang>/translations page.

A language is started with the real command in a throwaway copy of translations/ and of the languages file,
then served by an app configured with their locations; the shipped languages are read from the real file.
"""

import math
import re
import shutil

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_percent

from quizapp import create_app
from quizapp.catalogs import project_catalogs
from quizapp.config import ConfigurationError
from quizapp.i18n import LanguageFileError, read_languages

from .classroom_helpers import create_session, login, with_two_teachers
from .support import DECLARED, LANGUAGES_FILE, PROJECT_ROOT, SHIPPED, SOURCE

# A language CLDR knows that the languages file does not declare yet (Dutch, unless it already does).
NEW = next(tag for tag in ("nl", "de", "fr", "it", "sv", "pt-BR") if tag not in DECLARED)
LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"
TRANSLATED_SKIP_LINK = "Naar de inhoud"  # a translation the page can only show from the new catalog


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """A copy of translations/ and of the languages file, with NEW started by `translate new` and its
    interface catalog then translated in full (the lessons not at all)."""
    root = tmp_path_factory.mktemp("started")
    translations = root / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", translations, ignore=shutil.ignore_patterns(LANGUAGES_FILE.name))
    languages_file = root / "languages.yml"
    shutil.copyfile(LANGUAGES_FILE, languages_file)
    config = {"TESTING": True, "DATABASE_URL": f"sqlite:///{root / 'cli.sqlite'}", "TRANSLATIONS_DIR": str(translations), "LANGUAGES_FILE": str(languages_file)}
    real_declaration = LANGUAGES_FILE.read_bytes()
    result = create_app(config).test_cli_runner().invoke(args=["translate", "new", NEW])
    assert result.exit_code == 0, result.output
    assert LANGUAGES_FILE.read_bytes() == real_declaration  # the project's own list is untouched
    translate_interface(translations / NEW / "LC_MESSAGES" / "messages.po")
    compiled = create_app(config).test_cli_runner().invoke(args=["translate", "compile"])
    assert compiled.exit_code == 0, compiled.output
    return {"config": config, "output": result.output, "translations": translations, "languages_file": languages_file}


def translate_interface(path) -> None:
    """Fill every interface entry (with its source text, save the skip link, which gets a real translation)."""
    with open(path, "rb") as fileobj:
        catalog = read_po(fileobj)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = (message.id[0], message.id[1])
        else:
            message.string = TRANSLATED_SKIP_LINK if message.id == "Skip to content" else message.id
    with open(path, "wb") as fileobj:
        write_po(fileobj, catalog, width=0)


@pytest.fixture
def incubating_app(make_app, started):
    """The app serving the shipped languages plus NEW, incubating."""
    settings = {key: value for key, value in started["config"].items() if key in ("TRANSLATIONS_DIR", "LANGUAGES_FILE")}
    return make_app(**settings)


def picker_tags(html: str) -> list[str]:
    start = html.index('class="language-picker"')
    picker = html[start : html.index("</nav>", start)]
    return re.findall(r'<a href="[^"]+" lang="([^"]+)"', picker)


# -- translate new -----------------------------------------------------------------------------------------


def test_translate_new_creates_both_catalogs_with_cldr_plural_forms_and_declares_the_language_incubating(started):
    languages = read_languages(started["languages_file"])
    assert list(languages) == [*DECLARED, NEW]
    assert languages[NEW].state == "incubating" and not languages[NEW].offered
    for domain in ("messages", "courses"):
        po = started["translations"] / NEW / "LC_MESSAGES" / f"{domain}.po"
        assert f"Plural-Forms: {get_plural(NEW).plural_forms}" in po.read_text(encoding="utf-8")
        assert po.with_suffix(".mo").is_file()
        assert str(po) in started["output"]  # which file to open


def test_translate_new_names_the_countries_whose_help_lines_the_language_needs(started):
    from quizapp.content import load_library
    from quizapp.help.countries import is_covered, main_countries

    countries = main_countries(NEW)  # CLDR: where the language is official
    assert countries
    library = load_library(PROJECT_ROOT / "courses")
    missing = [country for country in countries if not is_covered(library, country)]
    line = next(line for line in started["output"].splitlines() if "Help lines:" in line)
    assert all(country in line for country in countries)
    if missing:
        assert f"Add an emergency number and a help line for {', '.join(missing)} to courses/help.yml" in line
    assert "Poedit" in started["output"] and f"`{NEW}: offered`" in started["output"]


@pytest.mark.parametrize(
    ("tag", "message"),
    [("xx", "not a language CLDR knows"), ("ja", "already declared"), (SOURCE, "source language"), ("pt_BR", "not a language CLDR knows")],
)
def test_translate_new_refuses_unknown_declared_and_source_languages(make_app, tmp_path, tag, message):
    languages_file = tmp_path / "languages.yml"
    shutil.copyfile(LANGUAGES_FILE, languages_file)
    runner = make_app(LANGUAGES_FILE=str(languages_file), TRANSLATIONS_DIR=str(tmp_path)).test_cli_runner()
    result = runner.invoke(args=["translate", "new", tag])
    assert result.exit_code == 2
    assert message in result.output
    assert languages_file.read_bytes() == LANGUAGES_FILE.read_bytes()
    assert not any(tmp_path.glob("*/LC_MESSAGES"))


# -- an incubating language is served by its address, with a banner ----------------------------------------


def test_incubating_language_is_served_by_its_address_with_a_banner_saying_how_complete_it_is(incubating_app, started):
    response = incubating_app.test_client().get(f"/{NEW}{LESSON}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{NEW}" dir="ltr">' in html
    assert TRANSLATED_SKIP_LINK in html  # its catalogs are served
    with incubating_app.app_context():
        catalogs = project_catalogs(incubating_app.config, incubating_app.extensions["quizapp.content"].library, [NEW])
        overall = catalogs.status([NEW], with_problems=False)[0].overall
    assert 0 < overall.translated < overall.total
    expected = format_percent(math.floor(100 * overall.translated / overall.total) / 100, locale=NEW)
    start = html.index('class="notice incubating"')
    banner = html[start : html.index("</div>", start)]
    assert html.index("<main") < start  # where the skip link leads
    assert f"This translation is {expected} complete; untranslated text is shown in" in banner
    assert f'href="/{SOURCE}{LESSON}" hreflang="{SOURCE}"' in banner  # the same page in the source language
    assert '<meta name="robots" content="noindex">' in html


def test_offered_languages_show_no_banner(incubating_app):
    client = incubating_app.test_client()
    for tag in SHIPPED:
        html = client.get(f"/{tag}{LESSON}").get_data(as_text=True)
        assert "notice incubating" not in html
        assert 'name="robots"' not in html


def test_incubating_language_is_not_in_the_picker_nor_the_alternate_links(incubating_app):
    client = incubating_app.test_client()
    for tag in (SOURCE, NEW):
        html = client.get(f"/{tag}{LESSON}").get_data(as_text=True)
        assert picker_tags(html) == list(SHIPPED)
        assert f'hreflang="{NEW}" href=' not in html
        assert re.findall(r'<link rel="alternate" hreflang="([^"]+)"', html) == list(SHIPPED)


@pytest.mark.parametrize(("accept", "expected"), [(f"{NEW}-NL,{NEW};q=0.9", SOURCE), (f"{NEW},es;q=0.5", "es")])
def test_incubating_language_is_never_negotiated_from_accept_language(incubating_app, accept, expected):
    response = incubating_app.test_client().get("/", headers={"Accept-Language": accept})
    assert response.headers["Location"] == f"/{expected}/"


def test_visiting_an_incubating_language_does_not_make_it_the_remembered_one(incubating_app):
    client = incubating_app.test_client()
    response = client.get(f"/{NEW}/", headers={"Accept-Language": "es"})
    assert "Set-Cookie" not in response.headers
    assert client.get("/", headers={"Accept-Language": "es"}).headers["Location"] == "/es/"
    client.set_cookie("lang", NEW)  # an old or hand-made cookie is not obeyed either
    assert client.get("/", headers={"Accept-Language": "es"}).headers["Location"] == "/es/"


def test_join_page_offers_only_offered_languages_even_in_an_incubating_one(make_app, started):
    settings = {key: value for key, value in started["config"].items() if key in ("TRANSLATIONS_DIR", "LANGUAGES_FILE")}
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False, **settings))
    teacher = app.test_client()
    login(teacher)
    _live, code = create_session(teacher)
    learner = app.test_client()
    html = learner.get(f"/{NEW}/join/{code}").get_data(as_text=True)
    select = html[html.index('<select id="language"') : html.index("</select>")]
    assert re.findall(r'<option[^>]*value="([^"]+)"', select) == list(SHIPPED)
    assert re.search(rf'<option[^>]*selected[^>]*value="{SOURCE}"|<option[^>]*value="{SOURCE}"[^>]*selected', select)
    refused = learner.post(f"/{NEW}/join/{code}", data={"language": NEW})
    assert refused.status_code == 422
    page = learner.post(f"/{NEW}/join/{code}", data={"language": "es"}).headers["Location"]
    assert page.startswith("/es/s/")
    learner.get(page.replace("/es/", f"/{NEW}/", 1))  # the learner opens their page at the incubating address
    screen = teacher.get(_live).get_data(as_text=True)
    assert DECLARED["es"].native_name in screen  # their language stays the one they chose


# -- translate check and the translations page -------------------------------------------------------------


def test_translate_check_reports_the_incubating_language_gaps_without_failing(incubating_app):
    result = incubating_app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
    assert f"{NEW}/LC_MESSAGES/courses.po" in result.output  # its gaps, as file:line
    assert f"{NEW} (incubating)" in result.output


def test_translations_page_lists_offered_and_incubating_languages_and_every_lesson(incubating_app):
    client = incubating_app.test_client()
    response = client.get(f"/{SOURCE}/translations")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(response.data) < 30_000
    assert html.count("<caption") == 2 and 'scope="col"' in html and 'scope="row"' in html
    for tag in [*SHIPPED[1:], NEW]:
        assert f'<bdi lang="{tag}" dir="{DECLARED[tag].dir if tag in DECLARED else "ltr"}">' in html
    rows = dict(re.findall(r'<bdi lang="([\w-]+)"[^>]*>[^<]+</bdi></a>.*?</th>\s*<td>\s*(\w+)', html, re.S))
    assert rows[NEW] == "Incubating"
    assert all(rows[tag] == "Offered" for tag in SHIPPED if tag != SOURCE)
    with incubating_app.app_context():
        library = incubating_app.extensions["quizapp.content"].library
    for course in library.courses.values():
        for lesson in course.lessons:
            assert lesson.title.source in html
    assert format_percent(0, locale=SOURCE) in html  # the new language's lessons: nothing translated yet
    footer = client.get(f"/{SOURCE}/").get_data(as_text=True)
    assert f'href="/{SOURCE}/translations"' in footer[footer.index("<footer") :]


@pytest.mark.parametrize("tag", SHIPPED)
def test_translations_page_formats_numbers_for_its_own_locale(client, tag):
    html = client.get(f"/{tag}/translations").get_data(as_text=True)
    assert format_percent(1, locale=DECLARED[tag].locale) in html
    assert f'<html lang="{tag}"' in html


# -- the declaration -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("en: offered\nja: ready\n", "languages.yml:2: ja: the state must be offered or incubating"),
        ("en: offered\nxx: incubating\n", "languages.yml:2: 'xx' is not a language CLDR knows"),
        ("en: offered\npt-br: incubating\n", "languages.yml:2: write the tag as 'pt-BR'"),
        ("- en\n- ja\n", "languages.yml:1: expected one line per language"),
    ],
)
def test_a_wrong_languages_file_is_refused_with_its_line(tmp_path, content, message):
    path = tmp_path / "languages.yml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(LanguageFileError, match=re.escape(message)):
        read_languages(path)


def test_the_source_language_must_be_offered(make_app, tmp_path):
    path = tmp_path / "languages.yml"
    path.write_text("en: incubating\nja: offered\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="DEFAULT_LANGUAGE 'en' must be an offered language"):
        make_app(LANGUAGES_FILE=str(path))


def test_languages_are_declared_in_the_file_not_in_settings(make_app):
    with pytest.raises(ConfigurationError, match="LANGUAGES is no longer a setting"):
        make_app(LANGUAGES=("en", "ja"))
