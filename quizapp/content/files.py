"""Reading course files: the one way every file under ``courses/`` becomes text.

Authors save files from many editors. A byte-order mark, a file saved as Latin-1, Windows-1252 or UTF-16,
a folder where a file belongs or a file nobody may read each become an error at ``file:line``, never an
exception: the check lists them all, and the app skips the course and serves the rest.
"""

import codecs
import os
from pathlib import Path

# Notepad and Excel write these when asked for "Unicode": the text is there, but not as UTF-8.
WIDE_UNICODE_MARKS = {codecs.BOM_UTF32_LE: "UTF-32", codecs.BOM_UTF32_BE: "UTF-32", codecs.BOM_UTF16_LE: "UTF-16", codecs.BOM_UTF16_BE: "UTF-16"}
SAVE_AS_UTF8 = "save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)"


def exists(path: Path) -> bool:
    """True when something is at ``path`` (a file, a folder, even a broken link); never raises.

    Reading it then says what is wrong with it, where ``Path.is_file`` would silently call a folder
    or an unreadable file absent.
    """
    return os.path.lexists(path)


def read_source(path: Path, errors) -> str | None:
    """The text of the course file at ``path``, or None after adding why it cannot be read to ``errors``.

    A UTF-8 byte-order mark is dropped; line endings are left to the YAML and Markdown parsers, which
    read ``\\r\\n`` as one line break.
    """
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        errors.add(1, f"'{Path(path).name}' is a folder; a file is expected here")
        return None
    except OSError as exc:
        errors.add(1, f"the file cannot be read: {exc.strerror or exc}")
        return None
    return decode_source(data, errors)


def decode_source(data: bytes, errors) -> str | None:
    """``data`` as text, or None after reporting the line and column of the first byte that is not UTF-8."""
    for mark, encoding in WIDE_UNICODE_MARKS.items():
        if data.startswith(mark):
            errors.add(1, f"the file is saved as {encoding}; {SAVE_AS_UTF8}")
            return None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        errors.add(
            line,
            f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} at column {column} cannot be read "
            f"(the file was probably saved as Latin-1 or Windows-1252); {SAVE_AS_UTF8}",
        )
        return None


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Line and column (both from 1, the column in characters) of byte ``offset``."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return data.count(b"\n", 0, offset) + 1, column
