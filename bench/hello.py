"""The baseline: a bare Flask hello-world, served by gunicorn with the same settings as the app
(`gunicorn --config deploy/gunicorn.conf.py "bench.hello:create_app()"`), so that every figure of the app is a
ratio to what Flask and gunicorn cost on this machine at this moment."""

from flask import Flask


def create_app() -> Flask:
    """One route, one short string."""
    app = Flask(__name__)

    @app.get("/")
    def hello():
        return "Hello, World!"

    return app
