"""Help where every learner lives: help.yml as the one source of truth, the checks that keep it honest, and
the order in which the learner's country is chosen, end to end."""

import datetime
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from quizapp.catalogs import Catalogs
from quizapp.content import load_library
from quizapp.content.phones import known_numbers, phone_numbers_in
from quizapp.extensions import db
from quizapp.help.countries import countries_without_help, is_covered, main_countries
from quizapp.teachers.models import Teacher

from .classroom_helpers import LESSON, join, login, with_two_teachers
from .support import PROJECT_ROOT, SHIPPED
from .test_cli import write_po
from .test_pages import page_paths, visible_text

LIBRARY = load_library(PROJECT_ROOT / "courses")
COUNTRY_COOKIE = "help_country"


def words(html: str) -> str:
    """The page's visible text on one line, as a reader sees it ("Source: site.org, dated …")."""
    return re.sub(r"\s+([,.:;)])", r"\1", re.sub(r"\s+", " ", visible_text(html)))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# -- the data ------------------------------------------------------------------------------------------


def test_help_yml_covers_at_least_forty_countries_with_an_emergency_number_and_a_line():
    assert LIBRARY.errors == ()
    covered = [country for country in LIBRARY.help_lines if is_covered(LIBRARY, country)]
    assert len(covered) >= 40, covered


def test_the_phone_guard_leaves_figures_alone_in_every_country_of_help_yml():
    regions = sorted(LIBRARY.help_lines)  # Uruguay and Tunisia: eight-digit numbers starting with 2; Luxembourg: four digits
    known = known_numbers(LIBRARY)
    for figure in ("1.46 million", "from 2010-2019", "2007–2021", "PubMed 20074814", "346,482 students, or 3.7%", "aged 19-39", "16:00-21:00", "surveys of 2022 and 2023, people aged 40-64", "Curr Opin Psychiatry 2020; 33(3):264-270", "2023. 29"):
        assert phone_numbers_in(figure, regions, known) == [], figure
    assert phone_numbers_in("call ٠١٢٠-٢٧٩-٣٣٨ or 0120-279-338", regions, known) == ["0120-279-338"]
    assert phone_numbers_in("Samaritans on 116 123, or text 988", regions, known) == ["116 123", "988"]


@pytest.mark.parametrize("country", ["JP", "US", "CA", "GB", "IE", "AU", "NZ", "KR", "FR", "ES", "DE", "IT", "BR", "MX", "AR", "CO", "CL", "PE", "EG", "SA", "AE", "LB", "JO", "MA", "IQ", "QA", "KW", "IN", "CN", "HK", "TW", "SG", "AT", "CH", "BE", "PT", "NL", "LU", "MY", "ID", "VN", "TH", "TR"])
def test_the_issues_countries_have_an_emergency_number_and_a_line(country):
    assert is_covered(LIBRARY, country)


def test_main_countries_of_a_language_come_from_cldr():
    assert main_countries("ja") == ["JP"]
    assert {"ES", "MX", "AR", "CO", "CL", "PE"} <= set(main_countries("es"))
    assert {"EG", "SA", "AE", "JO", "KW", "QA", "LB", "IQ", "MA"} <= set(main_countries("ar"))
    assert {"US", "GB", "IE", "AU", "NZ", "CA"} <= set(main_countries("en"))
    assert "US" not in main_countries("es")  # Spanish is not official there
    assert main_countries("pt-BR")[0] == "BR"  # a region in the tag comes first
    assert set(main_countries("zh-Hant")) >= {"TW", "HK"}


def test_every_shipped_languages_main_countries_are_covered_or_named_by_translate_status(runner):
    output = runner.invoke(args=["translate", "status"]).output
    for tag in SHIPPED:
        missing = countries_without_help(tag, LIBRARY)
        for country in main_countries(tag):
            assert is_covered(LIBRARY, country) or country in missing
        if missing:
            line = next(line for line in output.splitlines() if line.startswith(f"{tag}: no emergency number"))
            assert line.endswith(", ".join(missing))
        else:
            assert not any(line.startswith(f"{tag}: no emergency number") for line in output.splitlines())
    assert countries_without_help("ja", LIBRARY) == []


def test_lessons_quizzes_and_notes_type_no_phone_numbers(runner):
    result = runner.invoke(args=["courses", "check"])
    assert result.exit_code == 0, result.output
    assert "typed into the text" not in result.output


# -- one source of truth -------------------------------------------------------------------------------


@pytest.fixture
def library_copy(tmp_path):
    """A writable copy of the real courses."""
    target = tmp_path / "courses"
    shutil.copytree(PROJECT_ROOT / "courses", target)
    return target


def test_a_changed_number_changes_every_page_in_every_language_and_leaves_no_trace(make_app, library_copy):
    edit(library_copy / "help.yml", 'value: "0120-279-338"', 'value: "0120-444-555"')
    client = make_app(COURSES_DIR=str(library_copy)).test_client()
    old = re.compile(r"0\D?1\D?2\D?0\D?2\D?7\D?9\D?3\D?3\D?8|0120279338")
    seen_new = set()
    for tag in SHIPPED:
        for path in page_paths():
            client.set_cookie(COUNTRY_COOKIE, "JP")  # page_paths() also chooses other countries
            html = client.get(f"/{tag}{path}").get_data(as_text=True)
            assert not old.search(html), f"the old number is still on /{tag}{path}"
            if "0120-444-555" in html:
                seen_new.add((tag, path))
        assert (tag, "/help") in seen_new
        assert (tag, "/courses/reaching-out/where-to-get-help/") in seen_new  # {{help:national}} for Japan
        assert (tag, "/courses/reaching-out/where-to-get-help/guide") in seen_new  # {{help:jp-yorisoi}} in the notes
    html = client.get("/ar/help").get_data(as_text=True)
    assert 'href="tel:0120444555"' in html


def test_a_lesson_names_help_entries_of_the_learners_country_by_role(client):
    lesson = "/en/courses/reaching-out/where-to-get-help/"
    html = client.get(lesson, headers={"Accept-Language": "en-AU"}).get_data(as_text=True)
    assert 'href="tel:000"' in html and "13 11 14" in html  # Australia's emergency number and Lifeline
    html = client.get(lesson, headers={"Accept-Language": "de-AT"}).get_data(as_text=True)
    assert 'href="tel:142"' in html and 'href="tel:000"' not in html
    html = client.get(lesson).get_data(as_text=True)  # country unknown: no number is guessed
    assert 'href="tel:' not in html
    assert '<a href="/en/help" rel="noopener noreferrer">find it on the Help page</a>' in html
    assert "{{help:" not in html


# -- the checks ----------------------------------------------------------------------------------------


def test_stale_date_warning_catches_a_planted_old_source(runner, course_tree):
    today = datetime.date.today()
    edit(course_tree / "help.yml", "source_date: 2024-09", f"source_date: {today.isoformat()}")
    edit(course_tree / "help.yml", "source_date: 2026-01-15\n", f"source_date: {today.isoformat()}\n")
    result = runner.invoke(args=["courses", "check", str(course_tree)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    planted = today.replace(year=today.year - 2).isoformat()
    edit(course_tree / "help.yml", "source: https://example.org/emergency\n      source_date: " + today.isoformat(), f"source: https://example.org/emergency\n      source_date: {planted}")
    result = runner.invoke(args=["courses", "check", str(course_tree)])
    assert result.exit_code == 0  # a warning, not an error
    assert f"help.yml:25: warning: help entry 'jp-test-emergency': its newest date ({planted}) is more than 12 months old" in result.output
    assert "jp-test-line" not in result.output
    assert "warning" not in runner.invoke(args=["courses", "check", "--stale-after", "36", str(course_tree)]).output
    edit(course_tree / "help.yml", f"source_date: {planted}", "source_date: undated")
    assert "'jp-test-emergency': its source is undated" in runner.invoke(args=["courses", "check", str(course_tree)]).output


def test_a_live_check_makes_an_old_source_current(runner, course_tree):
    old = datetime.date.today().replace(year=datetime.date.today().year - 3).isoformat()
    edit(course_tree / "help.yml", "source_date: 2026-01-15\n", f"source_date: {old}\n      checked_on: {datetime.date.today().isoformat()}\n")
    output = runner.invoke(args=["courses", "check", str(course_tree)]).output
    assert "jp-test-emergency" not in output and "test-directory" not in output


def test_phone_number_guard_catches_typed_numbers_and_leaves_figures_alone(runner, course_tree):
    lesson = course_tree / "sample-course/first-lesson.md"
    edit(lesson, "A paragraph with a figure, 42% [@source-a].", "A paragraph with a figure, 42% [@source-a]. Call 0120-000-000 tonight.")
    edit(course_tree / "sample-course/first-lesson.notes.md", "Talk about the first lesson.", "Talk about the first lesson. ٠١٢٠-٠٠٠-٠٠٠ is open.")
    edit(course_tree / "sample-course/first-lesson.quiz.yml", "explanation: It is rock.", "explanation: It is rock; call 110 if you are in danger.")
    edit(course_tree / "sample-course/second-lesson.md", "Only a paragraph [@source-b].", "Only a paragraph: 1.46 million people, from 2010-2019 and 2010–2019, aged 19-39 [@source-b].")
    result = runner.invoke(args=["courses", "check", str(course_tree)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if "typed into the text" in line]
    assert [error.split(": phone number ")[1].split(" typed")[0] for error in errors] == ["'0120-000-000'", "'0120-000-000'", "'110'"]
    assert errors[0].startswith(f"{course_tree}/sample-course/first-lesson.md:12:")
    assert errors[1].startswith(f"{course_tree}/sample-course/first-lesson.notes.md:3:")
    assert errors[2].startswith(f"{course_tree}/sample-course/first-lesson.quiz.yml:")
    assert "second-lesson" not in result.output


def test_an_entry_without_a_source_is_refused(course_tree):
    edit(course_tree / "help.yml", "      source: https://example.org/line\n", "")
    errors = [str(error) for error in load_library(course_tree).errors]
    assert errors == [f"{course_tree}/help.yml:11: missing key 'source' in an entry of JP (expected a web address starting with https:// or http://)"]


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:text/html,hello", "http://example.org/chat"])
def test_contact_links_other_than_tel_sms_and_https_are_refused(course_tree, value):
    edit(course_tree / "help.yml", '{kind: web, value: "https://example.org/directory"}', f'{{kind: chat, value: "{value}"}}')
    errors = [str(error) for error in load_library(course_tree).errors]
    assert len(errors) == 1 and "only tel:, sms: and https: links are allowed" in errors[0]


def test_directives_must_name_a_help_entry(course_tree):
    edit(course_tree / "sample-course/second-lesson.md", "Only a paragraph [@source-b].", "Only a paragraph [@source-b]. {{help:jp-test-line}} {{help:youth}} {{help:nowhere}} {{help: }}")
    errors = [f"{error.path.name}:{error.line}: {error.message}" for error in load_library(course_tree).errors]
    assert errors == [
        "second-lesson.md:8: '{{help:nowhere}}' names no entry of help.yml; use an entry id or one of: emergency, national, youth, text",
        "second-lesson.md:8: '{{help: }}' is not a help directive: write {{help:<entry id>}} or {{help:emergency}}, {{help:national}}, {{help:youth}}, {{help:text}}",
    ]


def test_translate_check_refuses_a_translation_that_drops_or_changes_a_directive(tmp_path):
    catalogs = Catalogs(tmp_path, tmp_path / "translations", ["en", "es"], "en")
    sources = ("Call: {{help:emergency}}", "Talk to {{help:jp-yorisoi}}.", "Lines: {{help:youth}}")
    template = Catalog()
    for msgid in sources:
        template.add(msgid)
    translations = ("Llama al: {{help:emergency}}", "Habla con la línea Yorisoi.", "Líneas: {{ayuda:jóvenes}}")
    write_po(catalogs.po_path("es", "courses"), "es", [(msgid, msgstr, ()) for msgid, msgstr in zip(sources, translations, strict=True)])
    problems = [str(problem) for problem in catalogs.check_catalog("es", "courses", template)]
    assert len(problems) == 2
    assert "entry 'Talk to {{help:jp-yorisoi}}.': help directives differ: the source has {{help:jp-yorisoi}}" in problems[0]
    assert "entry 'Lines: {{help:youth}}': help directives differ: the source has {{help:youth}}" in problems[1]


# -- the page ------------------------------------------------------------------------------------------


def test_the_help_page_words_cost_hours_audience_and_source_from_each_entry(client):
    html = client.get("/en/help?country=JP").get_data(as_text=True)
    text = words(html)
    assert "free and confidential" not in text  # no blanket promise: each line says its own
    yorisoi = text[text.index("Yorisoi Hotline") :]
    assert yorisoi.index("Free") < yorisoi.index("24 hours a day, every day") < yorisoi.index("Source: wic-net.com, dated December 26, 2025")
    kokoro = text[text.index("National mental-health consultation line") :]
    assert kokoro.index("You pay for the call") < kokoro.index("Opening hours not confirmed") < kokoro.index("24-hour Children")
    childline = text[text.index("Childline Japan") :]
    assert childline.index("Every day, 4:00 PM–9:00 PM (Japan Time)") < childline.index("For ages up to 18")
    assert "Checked on" not in text  # nobody has checked a service live
    assert 'href="tel:110"' in html and "(police)" in text
    html = client.get("/en/help?country=US").get_data(as_text=True)
    assert "Source: 988lifeline.org (undated)" in words(html)
    assert 'href="sms:741741"' in html and "Text HOME to 741741" in words(html)


def test_a_country_without_a_line_for_everyone_says_so_plainly(client):
    text = words(client.get("/en/help?country=JO").get_data(as_text=True))
    assert "We could not confirm a help line for everyone in Jordan" in text
    assert "911" in text and "Family and Child Helpline 110" in text and "Find A Helpline" in text
    text = words(client.get("/en/help?country=BO").get_data(as_text=True))
    assert "We do not list a help line in Bolivia yet" in text and "110 (police)" in text and "Find A Helpline" in text
    text = words(client.get("/en/help?country=CU").get_data(as_text=True))
    assert "We do not list a help line in Cuba yet" in text and "Call your local emergency number." in text
    assert "Find A Helpline" in text


def test_the_help_page_never_guesses_the_country_from_the_interface_language(client):
    for tag in SHIPPED:
        # A language without a region (pt, not pt-BR): the page language alone never picks a country.
        html = client.get(f"/{tag}/help", headers={"Accept-Language": tag.split("-")[0]}).get_data(as_text=True)
        assert 'href="tel:' not in html, tag
        assert 'id="country-heading"' not in html
        assert "findahelpline.com" in html


def test_the_country_choice_order_end_to_end(make_app):
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False))
    teacher_browser = app.test_client()
    login(teacher_browser)
    response = teacher_browser.post("/en/teach/sessions/new", data={"lesson": LESSON, "mode": "live", "names": "anonymous", "country": "KR"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(Teacher).where(Teacher.email == "a@example.org")).country == "KR"
    form = teacher_browser.get("/en/teach/sessions/new").get_data(as_text=True)
    assert '<option selected value="KR">' in form or '<option value="KR" selected>' in form
    live = teacher_browser.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="join-code"[^>]*>(\w+)<', live).group(1)

    learner = app.test_client()
    mexico = {"Accept-Language": "es-MX,es;q=0.9"}
    # 4. nothing known but the interface language: a chooser, no guess
    assert 'href="tel:' not in learner.get("/es/help", headers={"Accept-Language": "es"}).get_data(as_text=True)
    # 3. the region in Accept-Language
    assert "800 911 2000" in learner.get("/es/help", headers=mexico).get_data(as_text=True)
    # 2. the classroom session's country beats the browser's region
    page = join(learner, code, "es")
    html = learner.get("/es/help", headers=mexico).get_data(as_text=True)
    assert "1388" in html and "800 911 2000" not in html
    # 1. a country chosen on the page beats both, and is remembered
    response = learner.get("/es/help?country=FR", headers=mexico)
    assert "help_country=FR" in response.headers["Set-Cookie"]
    html = learner.get("/es/help", headers=mexico).get_data(as_text=True)
    assert "3114" in html and "1388" not in html
    # the session's own page shows the session's country in its support box, whatever was chosen elsewhere
    support = learner.get(page, headers=mexico).get_data(as_text=True)
    support = support[support.index('class="support-box"') :]
    assert 'href="tel:112"' in support and 'href="tel:119"' in support and 'href="tel:1388"' in support
    assert "3114" not in support


def test_a_session_without_a_country_leaves_each_learner_their_own(make_app):
    app = with_two_teachers(make_app(WTF_CSRF_ENABLED=False))
    teacher_browser = app.test_client()
    login(teacher_browser)
    response = teacher_browser.post("/en/teach/sessions/new", data={"lesson": LESSON, "mode": "live", "names": "anonymous", "country": ""})
    live = teacher_browser.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'class="join-code"[^>]*>(\w+)<', live).group(1)
    learner = app.test_client()
    page = join(learner, code, "en")
    html = learner.get(page, headers={"Accept-Language": "en-NZ"}).get_data(as_text=True)
    assert 'href="tel:111"' in html[html.index('class="support-box"') :]
    with app.app_context():
        assert db.session.scalar(db.select(Teacher).where(Teacher.email == "a@example.org")).country is None
