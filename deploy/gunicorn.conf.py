"""gunicorn's settings for Kizuna, shared by `make run` and deploy/kizuna.service.

HOST, PORT, WORKERS and THREADS come from the environment (the Makefile's variables of the same names).
"""

import gc
import os
import sys

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WORKERS", "3"))
# Threads: a learner's page polls every few seconds; a thread waiting on the network costs little.
worker_class = "gthread"
threads = int(os.environ.get("THREADS", "4"))
# The app is built once, in the master, and the workers are forked from it: they share its memory (the code,
# the parsed library, the catalogs) instead of each building a copy. Nothing that must not cross a fork is
# open by then: building the app opens no database connection (each worker's pool fills in that worker;
# when_ready makes sure), and no file, thread or socket of the app's (the course and catalog watchers run in
# debug only, without threads; psutil is asked per request). A reload (HUP, `systemctl reload kizuna`)
# builds the app again from the new code and files before forking the new workers: see on_reload.
preload_app = True
# The access log keeps learners anonymous: no address, no query, no referrer or user agent, and token
# paths by their shape (quizapp/logs.py). It goes to standard output (journald under systemd).
accesslog = "-"
logger_class = "quizapp.logs.AnonymousLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(B)s %(M)sms'


def when_ready(server):
    """In the master, after the app is loaded and before any worker is forked."""
    if server.cfg.preload_app:
        app = server.app.wsgi()
        load_language_data(app)
        close_database_connections(app)
        # Out of the collector's sight: a collection in a worker writes to every object it visits, which
        # would copy the shared pages into each worker one by one.
        gc.freeze()


def load_language_data(app) -> None:
    """Every language's CLDR data and course catalog read once here, shared by the workers (quizapp.i18n)."""
    from quizapp.i18n import load_language_data

    if "quizapp.languages" in app.extensions:  # not bench/hello.py's baseline
        load_language_data(app)


def close_database_connections(app) -> None:
    """Close whatever the database pools hold, so no connection is inherited by two workers at once."""
    from quizapp.extensions import db

    if "sqlalchemy" not in app.extensions:  # another app under the same settings: bench/hello.py's baseline
        return
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def on_reload(server):
    """HUP: gunicorn forks new workers and retires the old ones, but from the app the master preloaded, which
    is the old one. Build it again first, from the code, courses and catalogs on disk now, so that a reload
    still serves an upgrade without dropping a request. Only Kizuna's own modules are imported again: a
    change of dependencies needs a restart (docs/DEPLOYING.md)."""
    if not server.cfg.preload_app:
        return
    gc.unfreeze()  # the old app may go once nothing refers to it
    for name in [name for name in sys.modules if name == "quizapp" or name.startswith("quizapp.")]:
        del sys.modules[name]
    server.app.callable = None
    when_ready(server)  # loads the app (wsgi()), then closes connections and freezes, as at start-up
