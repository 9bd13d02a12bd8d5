"""`make screenshots`, tested cheaply: the target installs the fonts and runs the script, and the script, run
on two page types, saves one full-page PNG per page, language and width into a folder git ignores."""

import subprocess
import sys

import pytest
from PIL import Image

from ..support import PROJECT_ROOT

pytestmark = pytest.mark.browser


def test_make_screenshots_installs_the_fonts_then_runs_the_script():
    plan = subprocess.run(["make", "-n", "-B", "screenshots", "PAGES=library"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    assert "fonts-noto-cjk fonts-noto-core" in plan
    assert "-m tests.browser.screenshots --out screenshots --pages library" in plan
    ignored = subprocess.run(["git", "check-ignore", "-q", "screenshots/library-en-360.png"], cwd=PROJECT_ROOT)
    assert ignored.returncode == 0, "the screenshots folder must be git-ignored"


def test_the_script_saves_each_page_type_in_each_language_and_width(tmp_path):
    out = tmp_path / "shots"
    command = [sys.executable, "-m", "tests.browser.screenshots", "--out", str(out), "--pages", "library,not-found", "--languages", "ja,ar", "--widths", "360,1280"]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True, capture_output=True, timeout=120)
    files = sorted(path.name for path in out.iterdir())
    assert files == sorted(f"{page}-{tag}-{width}.png" for page in ("library", "not-found") for tag in ("ja", "ar") for width in (360, 1280))
    with Image.open(out / "library-ja-360.png") as image:
        assert image.width == 360 and image.height > 800  # the whole page, not one screen
        assert len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 16  # drawn, not blank
    with Image.open(out / "not-found-ar-1280.png") as image:
        assert image.width == 1280
