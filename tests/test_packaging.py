"""The wheel runs on its own: built from the working tree and installed into a fresh venv without the network,
it migrates a database and serves lessons, static files and translated pages over real HTTP, from a folder
outside the repository.

The dependencies come from .wheelhouse/, which `make test` fills (``pip wheel '.[postgres]'`` and the build
tools): neither the build nor the install reaches a package index.
"""

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .servers import free_port
from .support import PROJECT_ROOT
from .test_pages import visible_text

WHEELHOUSE = PROJECT_ROOT / ".wheelhouse"
SHIPPED_FOLDERS = ("courses", "translations", "static", "migrations")
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".wheelhouse", "build", "dist", "instance", "*.egg-info", "__pycache__", "*.py[cod]", ".hypothesis", ".ruff_cache", ".pytest_cache", "node_modules"
)
# The lesson the test serves: its page, in English and in Japanese.
LESSON = "/courses/understanding-hikikomori/what-is-hikikomori/"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run(command, **kwargs) -> subprocess.CompletedProcess:
    """Run ``command``; fail the test with its output if it fails."""
    result = subprocess.run([str(part) for part in command], capture_output=True, text=True, **kwargs)
    if result.returncode:
        pytest.fail(f"{' '.join(map(str, command))} exited with {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def data_files(folder: Path) -> list[str]:
    """Every file under ``folder`` but Python's caches, relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """quizapp's wheel, built from a copy of the working tree (no earlier build/ folder can leak into it)."""
    if not (WHEELHOUSE / ".built").is_file():
        pytest.fail(f"{WHEELHOUSE} is missing: run `make test`, which builds it (this test installs the dependencies from it, without the network)")
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=NOT_SOURCES)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check", "--no-deps", "--no-index", "--find-links", WHEELHOUSE, "--wheel-dir", folder, source], cwd=folder)
    (built,) = folder.glob("quizapp-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh venv holding the wheel and its dependencies, installed from the wheelhouse only."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    run([sys.executable, "-m", "venv", folder])
    run([folder / "bin" / "python", "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check", "--no-index", "--find-links", WHEELHOUSE, wheel])
    return folder


def installed_env(venv: Path, folder: Path) -> dict:
    """The environment of a server of the installed app: none of the checkout's (no PYTHONPATH, no settings)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith(("QUIZAPP_", "FLASK_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        QUIZAPP_SECRET_KEY="packaging-test",
        QUIZAPP_DATABASE_URL=f"sqlite:///{folder / 'kizuna.sqlite'}",
        QUIZAPP_INSTANCE_PATH=str(folder / "instance"),
    )
    return env


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def serve(venv: Path, folder: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """gunicorn from the venv, in ``folder``, on a free port; returns once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen([venv / "bin" / "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "quizapp:create_app()"], cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/healthz", timeout=2).close()
            return process, url
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"the installed app did not start:\n{log.read_text()}")
            time.sleep(0.1)


def words(html) -> str:
    """What a reader sees of a page, spaces normalised."""
    return " ".join(visible_text(html if isinstance(html, str) else html.decode()).split())


def test_the_wheel_carries_every_template_and_data_file_and_the_shipped_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"quizapp/{name}" for name in data_files(PROJECT_ROOT / "quizapp") if not name.endswith(".py")}
    expected |= {f"quizapp/{folder}/{name}" for folder in SHIPPED_FOLDERS for name in data_files(PROJECT_ROOT / folder)}
    assert "quizapp/classroom/blocklist.txt" in expected and "quizapp/templates/base.html" in expected
    assert "quizapp/translations/ja/LC_MESSAGES/messages.mo" in expected and "quizapp/translations/ja/LC_MESSAGES/courses.mo" in expected
    assert sorted(expected - names) == []
    # Nothing lands outside the package: no top-level courses/ or static/ in site-packages.
    assert {name.split("/", 1)[0] for name in names} == {"quizapp", wheel.name.split("-py3")[0] + ".dist-info"}


def test_the_installed_wheel_migrates_and_serves_lessons_from_outside_the_repository(venv, tmp_path, client):
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    env = installed_env(venv, folder)
    # The installed package, not the checkout, and the folders it carries, not the repository's.
    show = "import quizapp; config = quizapp.create_app().config; print(quizapp.__file__, *(config[name] for name in ('COURSES_DIR', 'TRANSLATIONS_DIR', 'STATIC_DIR', 'MIGRATIONS_DIR', 'LANGUAGES_FILE')))"
    where, *folders = run([venv / "bin" / "python", "-c", show], cwd=folder, env=env).stdout.split()
    package = Path(where).parent
    assert package.is_relative_to(venv), f"imported {where}, not the installed package"
    assert len(folders) == 5 and all(Path(path).is_relative_to(package) for path in folders), folders

    run([venv / "bin" / "flask", "--app", "quizapp", "db", "upgrade"], cwd=folder, env=env)
    process, url = serve(venv, folder, env)
    try:
        status, english = get(url + "/en/")
        assert status == 200
        status, lesson = get(url + "/en" + LESSON)
        assert status == 200 and words(lesson) == words(client.get("/en" + LESSON).get_data(as_text=True))
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{8}\.css)"', english.decode()).group(1)
        assert get(url + stylesheet) == (200, (PROJECT_ROOT / "static/css/app.css").read_bytes())
        # Japanese pages, the same as the checkout's, prove that both compiled catalogs (the interface's and
        # the lessons') are in the wheel: without them the pages would read in English.
        for page, source in (("/", english), (LESSON, lesson)):
            status, japanese = get(url + "/ja" + page)
            assert status == 200 and '<html lang="ja"' in japanese.decode()
            assert words(japanese) == words(client.get("/ja" + page).get_data(as_text=True)) != words(source)
            assert len(JAPANESE.findall(words(japanese))) > len(words(japanese)) / 4
    finally:
        process.terminate()
        process.wait(timeout=10)
