"""When the database is away: pages that need it answer 503 with Retry-After in the visitor's language;
lessons and the help page keep serving; everything comes back with the database."""

import pytest
from flask_migrate import upgrade

from .classroom_helpers import login, make_teacher
from .postgres import PostgresServer


@pytest.fixture
def outage(make_app):
    """An app on its own PostgreSQL server, which the test may stop and start again."""
    server = PostgresServer().start()
    app = make_app(DATABASE_URL=server.new_database(), WTF_CSRF_ENABLED=False)
    with app.app_context():
        upgrade()
    make_teacher(app)
    yield app, server
    try:
        server.stop()
    except Exception:  # noqa: BLE001 - already stopped by the test
        pass


def pg_ctl(server, action):
    from .postgres import pg_bin

    data = str(server.dir / "data")
    options = f"-c listen_addresses=127.0.0.1 -p {server.port} -k {server.dir} -c fsync=off"
    extra = ["-o", options, "-l", str(server.dir / "log")] if action == "start" else ["-m", "fast"]
    server._as_postgres(pg_bin("pg_ctl"), "-D", data, *extra, "-w", action)


def test_without_the_database_teacher_and_learner_pages_say_503_and_lessons_and_help_still_serve(outage):
    app, server = outage
    teacher = app.test_client()
    login(teacher)
    assert teacher.get("/en/teach/").status_code == 200
    pg_ctl(server, "stop")
    for path in ("/ja/teach/", "/ja/join/ABCDEF", "/s/abcdefghijklmnop/state"):
        response = teacher.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
    japanese = teacher.get("/ja/teach/").get_data(as_text=True)
    assert '<html lang="ja"' in japanese and "Try again in a minute" not in japanese
    assert app.test_client().post("/en/join", data={"code": "ABCDEF"}).status_code == 503
    for path in ("/en/help", "/ja/help", "/ar/courses/understanding-hikikomori/what-is-hikikomori/", "/en/"):
        assert app.test_client().get(path).status_code == 200, path
    # A learner who joined a session before (their session cookie points at the database) too.
    learner = app.test_client()
    learner.set_cookie("kz_p_ABCDEF", "abcdefghijklmnop")
    for path in ("/en/help", "/ja/courses/reaching-out/where-to-get-help/"):
        assert learner.get(path).status_code == 200, path
    pg_ctl(server, "start")
    assert teacher.get("/en/teach/").status_code == 200
