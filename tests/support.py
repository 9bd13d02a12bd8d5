"""Constants and small helpers shared by the tests."""

import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from quizapp.config import LANGUAGES_FILE_NAME, DefaultConfig, shipped_folder
from quizapp.i18n import read_languages

# The repository the tests run from (the app finds its own folders through quizapp.config.shipped_folder).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
# The languages as translations/languages.yml declares them: the tests keep no list of their own.
LANGUAGES_FILE = shipped_folder("translations") / LANGUAGES_FILE_NAME
DECLARED = read_languages(LANGUAGES_FILE)  # tag -> Language, offered and incubating
SHIPPED = tuple(tag for tag, language in DECLARED.items() if language.offered)  # offered to every visitor
SOURCE = DefaultConfig.DEFAULT_LANGUAGE
TRANSLATED = tuple(tag for tag in SHIPPED if tag != SOURCE)  # offered, and so complete


@contextmanager
def another_process_holding(lock_path):
    """Another process holding the exclusive flock on ``lock_path`` (as a gunicorn worker in a lane's write
    turn does) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()", str(lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
        holder.stdout.close()


def still_running_after(seconds: float, function):
    """Start ``function`` in a thread; (whether it was still running after ``seconds``, a way to wait for
    its result)."""
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", function()))
    thread.start()
    thread.join(seconds)
    running = thread.is_alive()

    def outcome():
        thread.join(10)
        return result["value"]

    return running, outcome
