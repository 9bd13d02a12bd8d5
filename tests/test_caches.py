"""What a worker keeps of the pages and parts it makes (quizapp/caches.py): from their second use on, as
deployed (PAGE_CACHE_MIN_USES = 2), so a sweep through every page, asked for once each, leaves the caches
as empty as it found them, while a page a class asks for again is kept and served from then on."""

from flask import request_started

from quizapp.caches import LRU
from quizapp.config import DefaultConfig

from .classroom_helpers import make_teacher
from .test_fragments import without_csrf_token
from .test_lanes import classroom, served

LESSON = "/en/courses/understanding-hikikomori/what-is-hikikomori/"
QUIZ = LESSON + "quiz/abcdefghijklmnopqrstuv"
KEPT = ("quizapp.page_cache", "quizapp.quiz_pages", "quizapp.quiz_fields", "quizapp.fragments", "quizapp.form_classes")


def test_an_entry_is_kept_from_its_second_use():
    cache = LRU(4, min_uses=2)
    cache.put("page", "html")
    assert cache.get("page") is None
    cache.put("page", "html")
    assert cache.get("page") == "html"
    cache.put("page", "newer")  # kept already: replaced at once
    assert cache.get("page") == "newer"


def test_the_keys_offered_once_are_remembered_no_more_than_the_entries_kept():
    cache = LRU(3, min_uses=2)
    for number in range(10):
        cache.put(f"page {number}", "html")
    assert len(cache._offered) == 3 and not cache._items
    cache.put("page 0", "html")  # forgotten: a first use again
    assert cache.get("page 0") is None
    cache.put("page 9", "html")
    assert cache.get("page 9") == "html"


def test_as_deployed_pages_are_kept_from_their_second_use():
    assert DefaultConfig.PAGE_CACHE_MIN_USES == 2


def kept(app) -> dict:
    return {name: len(app.extensions[name]._items) for name in KEPT}


def test_a_page_asked_for_once_is_not_kept_and_twice_is_then_served_before_flask(make_app):
    app = make_app(PAGE_CACHE_MIN_USES=2)
    client = app.test_client()
    first = client.get(LESSON)
    assert kept(app)["quizapp.page_cache"] == 0
    assert client.get(LESSON).data == first.data
    assert kept(app)["quizapp.page_cache"] == 1
    reached = []
    request_started.connect(lambda sender, **extra: reached.append(1), app, weak=False)
    client.get(LESSON)  # the same request: replayed from the kept response
    client.get(LESSON)
    assert reached == [1]  # the first time from the page cache through Flask, then before it


def test_walking_every_page_of_a_language_once_keeps_none_and_a_quiz_page_asked_again_is_kept(make_app):
    """A quiz page asks for each field twice (to keep it, and in its template): still one use."""
    app = make_app(PAGE_CACHE_MIN_USES=2)
    client = app.test_client()
    library = app.extensions["quizapp.content"].library
    paths = ["/ja/", "/ja/help", "/ja/translations"]
    for course in library.courses.values():
        paths.append(f"/ja/courses/{course.id}/")
        for lesson in course.lessons:
            base = f"/ja/courses/{course.id}/{lesson.id}/"
            paths += [base, base + "guide"] + ([base + "quiz/abcdefghijklmnopqrstuv"] if lesson.quiz else [])
    for path in paths:
        assert client.get(path).status_code == 200, path
    assert kept(app) == dict.fromkeys(KEPT, 0)
    page = client.get(QUIZ).get_data(as_text=True)  # a first use in English
    assert without_csrf_token(client.get(QUIZ).get_data(as_text=True)) == without_csrf_token(page)
    assert all(count > 0 for name, count in kept(app).items() if name != "quizapp.page_cache")  # quiz pages are kept in parts


def test_a_live_learners_page_is_kept_from_its_first_use_as_deployed(make_app):
    """A question's page is asked for by a whole class at once: its skeleton and the learner's field are
    kept the first time Flask renders them, so the next request comes from the lane."""
    app = make_app(PAGE_CACHE_MIN_USES=2)
    make_teacher(app)
    _teacher, _live, [(learner, page)] = classroom(app, learners=1)
    assert not served(app, learner, page)[1]  # rendered by Flask, and kept
    assert served(app, learner, page)[1]
