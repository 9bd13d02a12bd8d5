"""Every command of the translator workflow leaves catalogs that GNU msgfmt, polib and translate-toolkit
(Weblate's parser) open, with a changed source's previous text kept where those tools read it."""

import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po
from translate.storage import po as toolkit_po

from quizapp.catalogs import Catalogs

from .support import PROJECT_ROOT

LANGUAGES = ["en", "ja", "es", "ar"]


def assert_every_tool_opens(directory: Path) -> None:
    """msgfmt --check, polib, translate-toolkit and Babel read every template and catalog in ``directory``."""
    paths = sorted(directory.glob("*.pot")) + sorted(directory.glob("*/LC_MESSAGES/*.po"))
    assert paths
    for path in paths:
        result = subprocess.run(["msgfmt", "--check", "--output-file=/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, f"msgfmt refuses {path}: {result.stderr}"
        assert len(polib.pofile(str(path))) > 0
        assert len(toolkit_po.pofile.parsefile(str(path)).units) > 1
        with open(path, "rb") as fileobj:
            read_po(fileobj, abort_invalid=True)
        assert not any(line.startswith("# |") for line in path.read_text(encoding="utf-8").splitlines()), f"junk '# |' comment in {path}"


@pytest.fixture
def project(tmp_path):
    """A copy of the project's sources, course files and translations, to run the workflow on."""
    shutil.copy(PROJECT_ROOT / "babel.cfg", tmp_path)
    shutil.copytree(PROJECT_ROOT / "quizapp", tmp_path / "quizapp", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PROJECT_ROOT / "courses", tmp_path / "courses")
    shutil.copytree(PROJECT_ROOT / "translations", tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))
    return tmp_path


def long_lesson_sentence(catalogs: Catalogs) -> tuple[str, Path, str]:
    """A lesson paragraph longer than 70 characters, with its file and context."""
    with open(catalogs.template_path("courses"), "rb") as fileobj:
        template = read_po(fileobj)
    for message in template:
        if isinstance(message.id, str) and len(message.id) > 90 and message.context and message.context.count("/") == 1:
            path = catalogs.root / "courses" / f"{message.context}.md"
            if path.is_file() and message.id in path.read_text(encoding="utf-8"):
                return message.id, path, message.context
    raise AssertionError("no long lesson sentence found")


def test_extract_update_change_update_compile_leave_catalogs_every_tool_opens(project):
    catalogs = Catalogs(project, project / "translations", LANGUAGES, "en")
    catalogs.write_templates()
    assert_every_tool_opens(catalogs.directory)
    catalogs.update()
    assert_every_tool_opens(catalogs.directory)

    old, lesson, context = long_lesson_sentence(catalogs)
    new = old[:-1] + ", as the lesson explains later" + old[-1]
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    catalogs.write_templates()
    catalogs.update()
    assert_every_tool_opens(catalogs.directory)
    catalogs.update()  # a second update must not turn the previous text into junk
    assert_every_tool_opens(catalogs.directory)

    for tag in LANGUAGES[1:]:
        entry = polib.pofile(str(catalogs.po_path(tag, "courses"))).find(new, msgctxt=context)
        assert entry is not None and entry.fuzzy
        assert entry.previous_msgid == old  # the old source, whole, where PO editors show it
        assert entry.msgstr  # the old translation is kept for review

    catalogs.compile()
    for tag in LANGUAGES[1:]:
        mo = polib.mofile(str(catalogs.po_path(tag, "courses").with_suffix(".mo")))
        assert mo.find(new, msgctxt=context) is None  # fuzzy: not shown to learners
        assert len(mo) > 100


def test_update_starts_a_new_language_in_the_standard_form(project):
    catalogs = Catalogs(project, project / "translations", LANGUAGES, "en")
    catalogs.update(languages=["nl"])
    for domain in ("messages", "courses"):
        path = catalogs.po_path("nl", domain)
        catalog = polib.pofile(str(path))
        assert catalog.metadata["Plural-Forms"].startswith("nplurals=2;")
        assert catalog.metadata["Language"] == "nl"
        assert len(catalog) == len(polib.pofile(str(catalogs.template_path(domain))))
        assert catalog.percent_translated() == 0
    assert_every_tool_opens(catalogs.directory)
    catalogs.compile(languages=["nl"])
    assert catalogs.po_path("nl", "courses").with_suffix(".mo").is_file()


def test_update_drops_entries_gone_from_the_template(project):
    catalogs = Catalogs(project, project / "translations", LANGUAGES, "en")
    template = catalogs.template_path("messages")
    pot = polib.pofile(str(template))
    removed = pot[5]
    pot.remove(removed)
    pot.save(str(template))
    catalogs.update(["messages"])
    for tag in LANGUAGES[1:]:
        text = catalogs.po_path(tag, "messages").read_text(encoding="utf-8")
        assert "#~" not in text
        assert polib.pofile(str(catalogs.po_path(tag, "messages"))).find(removed.msgid, msgctxt=removed.msgctxt) is None


def test_shipped_catalogs_open_in_every_tool():
    assert_every_tool_opens(PROJECT_ROOT / "translations")
