"""Build step: the wheel carries the repository's courses/, translations/, static/ and migrations/.

Everything else about the package is in setup.cfg. These four folders stay at the repository root, where
authors and translators work; the build copies them into the package as quizapp/<folder>, and
quizapp.config.shipped_folder reads those copies when the app is installed from the wheel rather than run
from a checkout. An editable install (`make run`, `make test`) copies nothing: it reads the checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

ROOT = Path(__file__).resolve().parent
PACKAGE = "quizapp"
SHIPPED_FOLDERS = ("courses", "translations", "static", "migrations")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.py[cod]")


def stale_catalogs(translations: Path) -> list[str]:
    """Every .po whose .mo is missing or older: the wheel would serve those translations out of date."""
    return [str(po.relative_to(ROOT)) for po in sorted(translations.rglob("*.po")) if not po.with_suffix(".mo").is_file() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime]


class BuildWithShippedFolders(build_py):
    """build_py, then a fresh copy of each shipped folder into the build tree's package."""

    def run(self):
        editable = getattr(self, "editable_mode", False)
        stale = [] if editable else stale_catalogs(ROOT / "translations")
        if stale:
            raise FileError(f"compiled catalogs missing or older than their .po: {', '.join(stale)}. Run `make catalogs` (flask --app quizapp translate compile) first.")
        super().run()
        if editable:
            return
        for name in SHIPPED_FOLDERS:
            target = Path(self.build_lib) / PACKAGE / name
            shutil.rmtree(target, ignore_errors=True)  # a file deleted from the checkout must not linger from an earlier build
            shutil.copytree(ROOT / name, target, ignore=NOT_SHIPPED)


setup(cmdclass={"build_py": BuildWithShippedFolders})
