"""Small pure helpers that keep user data from doing harm on its way out of the program.

* :func:`neutralise_cell` / :func:`restore_cell`: the one CSV-injection guard every CSV writer
  uses (scores, findings, segment tables, glossary CSV, annotation export) and its inverse for
  the readers of our own CSV files (suppressions, annotation import, glossary CSV).
* :func:`safe_name` and :func:`safe_child`: file names that come from users (uploads, corpus
  names, export names) turned into a path that cannot leave its folder.

Cell neutralisation
    A spreadsheet runs a cell whose first character is ``=``, ``+``, ``-`` or ``@`` as a formula
    (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``, ``@SUM(...)``); a leading tab or carriage
    return can hide such a cell in some spreadsheets. Such a cell gets a leading apostrophe, the
    spreadsheet convention for "this is text". So that the round trip through our own readers is
    exact, a cell that *already* starts with apostrophes followed by one of those characters gets
    one more apostrophe; :func:`restore_cell` removes exactly one apostrophe from cells of that
    shape (``^'+[=+\\-@\\t\\r]``) and leaves every other cell alone.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Sequence

from review_app.errors import InputError

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")

MAX_NAME_BYTES = 255  # one path component on every common file system
# Names Windows will not create (a downloaded export named CON.csv cannot be saved there).
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


# --- CSV cells ----------------------------------------------------------------------------------


def neutralise_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (see the module doc); non-strings unchanged."""
    if isinstance(value, str) and _NEEDS_QUOTE.match(value):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The inverse of :func:`neutralise_cell` (non-strings unchanged)."""
    if isinstance(value, str) and _QUOTED.match(value):
        return value[1:]
    return value


def is_neutral(value: Any) -> bool:
    """True when a spreadsheet would not read ``value`` as a formula."""
    return not (isinstance(value, str) and value.startswith(FORMULA_TRIGGERS))


def csv_text(rows: Iterable[Sequence[Any]], *, delimiter: str = ",", lineterminator: str = "\n") -> str:
    """CSV text for ``rows`` with every text cell neutralised: the one CSV writer for files meant for
    spreadsheets (findings, scores, glossary, annotations).

    Formatted as ``csv.writer`` (QUOTE_MINIMAL) formats, with one difference that matters for
    safety: a cell holding a carriage return is always quoted. ``csv.writer`` with a ``"\\n"`` line
    terminator leaves a bare CR unquoted, so a cell ``'\\r=1+1`` would be read back as a new row
    starting with ``=1+1``: the neutralisation undone by a line break.
    """
    specials = (delimiter, '"', "\n", "\r")
    lines = []
    for row in rows:
        cells = []
        for value in row:
            value = neutralise_cell(value)
            text = "" if value is None else str(value)
            if any(ch in text for ch in specials):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        if cells == [""]:
            cells = ['""']  # as csv.writer: a row of one empty cell is not an empty line
        lines.append(delimiter.join(cells) + lineterminator)
    return "".join(lines)


# --- file names ---------------------------------------------------------------------------------


def safe_name(name: str, default: str = "file") -> str:
    """A harmless single file name made from a name a user sent (an upload's name, a corpus name).

    Keeps the last component after ``/`` or ``\\`` (a browser may send ``C:\\Users\\x\\ref.en``),
    turns ``:`` into ``_``, drops control characters and NUL, leading dots and spaces, maps a
    Windows reserved name to ``_NAME``, and shortens it to 255 UTF-8 bytes keeping the suffix.
    Returns ``default`` when nothing usable is left. The result always passes :func:`safe_child`.
    """
    if not isinstance(name, str):
        name = str(name)
    name = re.split(r"[\\/]", name)[-1]
    name = name.replace(":", "_")  # "C:report.csv" names a drive on Windows; a colon is not allowed there anyway
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")  # control, format, unassigned
    name = name.strip().lstrip(".").strip()
    if not name:
        return default
    if name.split(".")[0].lower() in _WINDOWS_RESERVED:
        name = "_" + name
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        stem, dot, suffix = name.rpartition(".")
        if not dot or len(suffix.encode("utf-8")) > 16:
            stem, suffix = name, ""
        room = MAX_NAME_BYTES - len(suffix.encode("utf-8")) - (1 if suffix else 0)
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore").rstrip()
        name = stem + ("." + suffix if suffix else "")
    return name or default


def safe_child(folder: str | os.PathLike, name: str) -> Path:
    """``folder / name`` when ``name`` is one plain file name that stays inside ``folder``.

    Refused with :class:`InputError` (naming the offending name): an empty name, ``.`` or
    ``..``, a name with a path separator (``/`` or ``\\``) or a drive (``C:``), an absolute
    path, NUL or other control characters, a name over 255 UTF-8 bytes, a Windows reserved name
    (``CON``, ``NUL.txt``...), and an existing symbolic link that resolves outside ``folder``.
    The folder itself is resolved (it may be a link); the returned path is absolute.
    Use :func:`safe_name` first to turn an arbitrary upload name into an acceptable one.
    """
    if not isinstance(name, str):
        raise InputError(f"a file name must be text, not {type(name).__name__}")
    shown = repr(name[:80] + ("..." if len(name) > 80 else ""))
    if name in ("", ".", ".."):
        raise InputError(f"{shown} is not a file name")
    if "\x00" in name or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InputError(f"the file name {shown} contains a control character")
    if "/" in name or "\\" in name or os.sep in name or (os.altsep and os.altsep in name):
        raise InputError(f"the file name {shown} contains a path separator; give a plain file name")
    if re.match(r"[A-Za-z]:", name) or os.path.isabs(name):
        raise InputError(f"the file name {shown} is an absolute path or names a drive")
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        raise InputError(f"the file name {shown} is longer than {MAX_NAME_BYTES} bytes")
    if name.split(".")[0].lower() in _WINDOWS_RESERVED:
        raise InputError(f"the file name {shown} is reserved on Windows")
    root = Path(folder).resolve()
    child = root / name
    if os.path.lexists(child):
        try:
            target = child.resolve(strict=True)
        except (OSError, RuntimeError):
            raise InputError(f"{shown} is a link that leads nowhere (dangling or a loop); refused") from None
        if target != root and not target.is_relative_to(root):
            raise InputError(f"{shown} is a link to {target.parent}, outside {root}; refused")
    return child
