"""Constants shared by the tests."""

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
