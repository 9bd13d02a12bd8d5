"""The visual identity and the way through: one accent palette with tested contrast (light and dark), the
icons and favicon, the home page's "start here" course, lessons done in this browser, and error pages in the
address's language."""

import json
import re
import shutil
from xml.etree import ElementTree

import pytest

from quizapp.content import load_library
from quizapp.content.icons import COURSE_ICONS

from .support import PROJECT_ROOT

CSS = (PROJECT_ROOT / "static/css/app.css").read_text(encoding="utf-8")
SPRITE = PROJECT_ROOT / "static/img/icons.svg"
LIBRARY = load_library(PROJECT_ROOT / "courses")

# (foreground, background, minimum ratio): text 4.5:1, large text and the edges of controls 3:1 (WCAG 2.2 AA).
PAIRS = [
    ("text", "bg", 4.5),
    ("text", "surface", 4.5),
    ("text", "surface-2", 4.5),
    ("muted", "bg", 4.5),
    ("muted", "surface", 4.5),
    ("muted", "surface-2", 4.5),
    ("accent", "bg", 4.5),
    ("accent", "surface", 4.5),
    ("accent", "accent-soft", 4.5),
    ("accent-strong", "accent-soft", 4.5),
    ("accent-strong", "surface", 4.5),
    ("on-accent", "accent", 4.5),
    ("on-accent", "accent-strong", 4.5),
    ("on-accent", "danger", 4.5),
    ("right", "surface", 4.5),
    ("partly", "surface", 4.5),
    ("wrong", "surface", 4.5),
    ("wrong", "bg", 4.5),
    ("text", "warn-bg", 4.5),
    ("text", "support-bg", 4.5),
    ("focus", "bg", 3),
    ("focus", "surface", 3),
    ("field-border", "surface", 3),
    ("accent", "border", 1),  # the progress segments: done against to do (words say the same)
]


def palette(block: str) -> dict[str, str]:
    """The custom properties set in one block of the stylesheet."""
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def palettes() -> dict[str, dict[str, str]]:
    light = palette(CSS[CSS.index(":root {") : CSS.index("}", CSS.index(":root {"))])
    dark_start = CSS.index("@media (prefers-color-scheme: dark)")
    dark = light | palette(CSS[dark_start : CSS.index("}\n}", dark_start)])
    return {"light": light, "dark": dark}


def luminance(colour: str) -> float:
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_colour_pair_of_the_palette_meets_wcag_aa(scheme):
    colours = palettes()[scheme]
    failing = {
        f"{foreground} on {background}": round(contrast(colours[foreground], colours[background]), 2)
        for foreground, background, minimum in PAIRS
        if contrast(colours[foreground], colours[background]) < minimum
    }
    assert not failing, failing


def test_dark_mode_redefines_every_colour_and_forced_colours_keep_edges():
    light, dark = palettes()["light"], palette(CSS[CSS.index("@media (prefers-color-scheme: dark)") :])
    assert set(light) <= set(dark), set(light) - set(dark)
    assert "@media (forced-colors: active)" in CSS
    assert "color-scheme: light dark" in CSS


def test_no_web_font_and_only_logical_directions():
    assert "@font-face" not in CSS and "url(" not in CSS
    physical = re.findall(r"(?<![\w-])(?:margin|padding|border)-(?:left|right)\b|(?<![\w-])(?:left|right):|text-align:\s*(?:left|right)|float:\s*(?:left|right)", CSS)
    assert not physical, physical


def symbols() -> set[str]:
    tree = ElementTree.parse(SPRITE)
    return {element.get("id") for element in tree.iter() if element.tag.endswith("symbol")}


def test_the_sprite_draws_every_icon_a_template_or_course_names():
    used = set(COURSE_ICONS) | {"mark", "right", "partly", "wrong", "unscored", "class", "globe"}
    for path in (PROJECT_ROOT / "quizapp").glob("**/templates/**/*.html"):
        used |= set(re.findall(r"""m\.icon\(["']([\w-]+)["']""", path.read_text(encoding="utf-8")))
    assert used <= symbols(), used - symbols()
    assert {course.icon for course in LIBRARY.courses.values()} <= set(COURSE_ICONS)
    assert SPRITE.stat().st_size < 6_000  # a few KB, cached for a year under its fingerprint


def fetch(client, path) -> tuple[int, bytes]:
    """Status and body of a static file (closed, as a browser's read would)."""
    with client.get(path) as response:
        return response.status_code, response.get_data()


def test_favicon_and_app_icons_are_served(client):
    status, body = fetch(client, "/favicon.ico")
    assert status == 200
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/en/").get_data(as_text=True)
    for href in re.findall(r'<link rel="(?:icon|apple-touch-icon|manifest)" href="([^"]+)"', html):
        assert fetch(client, href)[0] == 200, href
    manifest = json.loads(fetch(client, re.search(r'<link rel="manifest" href="([^"]+)"', html).group(1))[1])
    for icon in manifest["icons"]:
        assert fetch(client, icon["src"])[0] == 200, icon["src"]


def test_home_page_starts_with_the_first_course_in_library_order_and_speaks_to_each_audience(client):
    html = client.get("/en/").get_data(as_text=True)
    start = html[html.index('id="start-heading"') : html.index("</section>", html.index('id="start-heading"'))]
    first = next(iter(LIBRARY.courses.values()))
    assert first.order == 1
    assert f'href="/en/courses/{first.id}/"' in start
    assert f'href="/en/courses/{first.id}/{first.lessons[0].id}/"' in start  # straight into its first lesson
    for audience in ("Learners", "Teachers", "Translators"):
        assert f"<strong>{audience}</strong>" in html
    assert 'href="/en/teach/"' in html and 'href="/en/translations"' in html


def test_course_order_comes_from_the_course_files(make_app, tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(PROJECT_ROOT / "courses", courses)
    for path in courses.glob("*/course.yml"):
        text = path.read_text(encoding="utf-8")
        order = "1" if path.parent.name == "reaching-out" else "5"
        path.write_text(re.sub(r"^order: \d+$", f"order: {order}", text, flags=re.M), encoding="utf-8")
    html = make_app(COURSES_DIR=str(courses)).test_client().get("/en/").get_data(as_text=True)
    start = html[html.index('id="start-heading"') : html.index("</section>", html.index('id="start-heading"'))]
    assert 'href="/en/courses/reaching-out/"' in start


def test_an_unknown_icon_is_a_course_file_error(tmp_path):
    courses = tmp_path / "courses"
    shutil.copytree(PROJECT_ROOT / "tests/data/courses", courses)
    course_file = courses / "sample-course/course.yml"
    course_file.write_text(course_file.read_text(encoding="utf-8") + "icon: unicorn\n", encoding="utf-8")
    library = load_library(courses)
    assert "sample-course" not in library.courses
    assert any("unknown icon 'unicorn'" in str(error) for error in library.errors)


def take_quiz(client, course, lesson) -> None:
    from .test_quizzes import right_answers

    url = client.get(f"/en/courses/{course.id}/{lesson.id}/quiz").headers["Location"]
    if lesson.quiz.feedback == "end":
        data = {}
        for question in lesson.quiz.questions:
            data.update(right_answers(question))
        location = client.post(url, data=data).headers["Location"]
    else:
        for question in lesson.quiz.questions:
            location = client.post(url, data={"question": question.id, **right_answers(question)}).headers["Location"]
    client.get(location)


def test_lessons_done_show_in_this_browser_until_it_forgets(make_app):
    app = make_app(WTF_CSRF_ENABLED=False)
    learner, other = app.test_client(), app.test_client()
    course = next(iter(LIBRARY.courses.values()))
    take_quiz(learner, course, course.lessons[0])
    page = learner.get(f"/en/courses/{course.id}/").get_data(as_text=True)
    assert f"1 of {len(course.lessons)} lessons done in this browser" in page
    lessons = page[page.index('<ol class="lesson-list">') :]
    assert lessons.count('<li class="done">') == 1
    assert f'href="/en/courses/{course.id}/{course.lessons[1].id}/">Continue with lesson 2<' in page
    home = learner.get("/en/").get_data(as_text=True)
    assert "1 of 5 lessons done in this browser" in home
    lesson = learner.get(f"/en/courses/{course.id}/{course.lessons[0].id}/").get_data(as_text=True)
    assert "Done in this browser" in lesson
    assert "lessons done" not in other.get(f"/en/courses/{course.id}/").get_data(as_text=True)
    assert learner.post("/en/forget").status_code == 303
    assert "lessons done" not in learner.get(f"/en/courses/{course.id}/").get_data(as_text=True)


def test_a_page_not_found_speaks_the_language_of_its_address(client):
    client.set_cookie("lang", "en")
    for tag, title in (("ja", "ページが見つかりません"), ("ar", "لم نعثر على الصفحة")):
        response = client.get(f"/{tag}/no-such-page")
        html = response.get_data(as_text=True)
        assert response.status_code == 404
        assert f'<html lang="{tag}"' in html and title in html
    response = client.get("/no-such-page", headers={"Accept-Language": "ja"})
    assert response.status_code == 404
    assert '<html lang="en"' in response.get_data(as_text=True)  # no language in the address: the cookie's
