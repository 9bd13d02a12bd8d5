"""Constants shared by the tests."""

from pathlib import Path

from quizapp.config import DefaultConfig

DATA = Path(__file__).parent / "data"
SHIPPED = DefaultConfig.LANGUAGES
