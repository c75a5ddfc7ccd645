"""Reading and writing text files safely.

Reading: strict UTF-8 with a clear error (file, line, byte offset; a UTF-16/UTF-32 or Latin-1
file is named as such), a silent UTF-8 BOM, lines split on "\\n" only as sacrebleu's command line
does, so line counts always agree with it. Only regular files are read, and never more than the
size limit (``REVIEW_APP_MAX_FILE_MB``, default 200): the size is checked before reading and the
read itself stops at the limit, so a FIFO, a device or a growing file cannot exhaust memory.
Writing: atomic (temporary file in the same folder, fsync, rename), so a crash never leaves
half a file behind; a failure is an :class:`OutputError` naming the file.
"""

from __future__ import annotations

import csv
import errno
import json
import math
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from review_app.errors import ConfigError, InputError, OutputError

BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_FILE_MB = 200
# Byte-order marks of encodings we do not read, longest first (UTF-32 LE starts like UTF-16 LE).
FOREIGN_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)

# A table cell may be as long as a file may be (a 1 MB segment is fine): lift the csv module's
# default field limit of 131072 characters once for the process. The file size limit bounds it.
_CSV_FIELD_LIMIT = 2**31 - 1
if csv.field_size_limit() < _CSV_FIELD_LIMIT:
    csv.field_size_limit(_CSV_FIELD_LIMIT)


def megabytes_setting(variable: str, default_mb: float) -> int:
    """A size limit in bytes from an environment variable in megabytes; an unusable value is a ConfigError."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return int(default_mb * 1024 * 1024)
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if math.isnan(megabytes) or megabytes <= 0:
        raise ConfigError(f"{variable} must be a positive number of megabytes, not {raw!r}")
    return int(min(megabytes * 1024 * 1024, 2**62))


def max_file_bytes() -> int:
    """The largest file the readers accept; ``REVIEW_APP_MAX_FILE_MB`` overrides the default."""
    return megabytes_setting("REVIEW_APP_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)


def read_bytes(path: str | os.PathLike, *, name: str | None = None) -> bytes:
    """Read a whole regular file, size limit applied before and while reading; errors name the file."""
    label = name or str(path)
    if "\x00" in os.fspath(path):
        raise InputError("the file name contains a NUL character", label.replace("\x00", "\\x00"))
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("file not found", label) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file", label)
    if not stat.S_ISREG(info.st_mode):
        raise InputError("is not a regular file (a device, pipe or socket); refused", label)
    check_size(info.st_size, label)
    limit = max_file_bytes()
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check must not hang the open.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a device, pipe or socket); refused", label)
        try:
            data = read_at_most(handle, min(info.st_size, limit) + 1, limit + 1)
        except OSError as exc:
            raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None
    check_size(len(data), label)
    return data


def read_at_most(handle, first: int, most: int) -> bytes:
    """Read up to ``most`` bytes: one read of ``first`` (the size the file says it has, plus one), then
    1 MB at a time only if the file turns out longer. (``read(n)`` allocates ``n`` bytes up front,
    so reading ``limit + 1`` at once would cost 200 MB for every small file.)"""
    data = handle.read(first)
    if len(data) < first:
        return data
    chunks, total = [data], len(data)
    while total < most:
        chunk = handle.read(min(1 << 20, most - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def check_size(size: int, label: str) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise InputError(
            f"file is {size / 1048576:.1f} MB, over the limit of {limit / 1048576:.4g} MB "
            "(set REVIEW_APP_MAX_FILE_MB to raise it)",
            label,
        )


def decode_utf8(data: bytes, label: str) -> str:
    """Decode UTF-8 strictly; strip one leading BOM; reject NUL bytes. Errors give line and byte offset,
    and name the likely encoding (UTF-16/UTF-32 from a byte-order mark or NUL pattern, Latin-1)."""
    check_size(len(data), label)
    for mark, encoding in FOREIGN_BOMS:
        if data.startswith(mark):
            raise InputError(
                f"the file is {encoding} (it starts with a {encoding} byte-order mark); save it as UTF-8", label, 1
            )
    utf16 = looks_like_utf16(data)
    if utf16:
        raise InputError(f"the file looks like {utf16} without a byte-order mark; save it as UTF-8", label, 1)
    offset = 0
    if data.startswith(BOM):
        data = data[len(BOM):]
        offset = len(BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        hint = "save the file as UTF-8"
        if looks_like_latin1(data):
            hint = "it looks like Latin-1 or Windows-1252; save the file as UTF-8"
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start + offset} ({hint})",
            label,
            line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError("contains a NUL byte (binary file?)", label, line)
    return text


def looks_like_utf16(data: bytes) -> str | None:
    """"UTF-16 LE"/"UTF-16 BE" when the first bytes are mostly ASCII interleaved with NULs."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    # Only decides the message for data that has NUL bytes (refused anyway): ASCII-heavy UTF-16
    # has a NUL in most high bytes, text with CJK fewer; binary data has NULs on both sides.
    for zeros, other, name in ((odd, even, "UTF-16 LE"), (even, odd, "UTF-16 BE")):
        if zeros.count(0) >= max(2, 0.25 * len(zeros)) and other.count(0) <= 0.05 * len(other):
            return name
    return None


def looks_like_latin1(data: bytes) -> bool:
    """Bytes above 0x7f that are not UTF-8 but read as common Latin-1/Windows-1252 letters."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ord(ch) > 0x7F]
    return bool(high) and sum(ch.isalpha() or ch in "\u2018\u2019\u201c\u201d\u2013\u2014\u20ac\u00a0" for ch in high) >= 0.8 * len(high)


def split_lines(text: str) -> list[str]:
    """Split on "\\n" like sacrebleu; drop the "\\r" of CRLF; a final newline ends the last line."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def check_line_ends(text: str, label: str) -> None:
    """Refuse a file whose lines end in a bare CR (classic Mac): split on "\\n" as sacrebleu does,
    it would be one huge segment, and a line-count mismatch would be a puzzling message. A stray CR
    inside a few segments of an LF file is kept, as sacrebleu keeps it."""
    lone = text.count("\r") - text.count("\r\n")
    if text.endswith("\r"):
        lone -= 1
    newlines = text.count("\n")
    if lone > 0 and lone >= newlines:
        position = next(i for i, ch in enumerate(text) if ch == "\r" and text[i + 1:i + 2] != "\n")
        raise InputError(
            f"lines end in a bare carriage return (CR, old Mac style: {lone} CR against {newlines} LF); "
            "save the file with LF or CRLF line ends",
            label,
            text.count("\n", 0, position) + 1,
        )


def text_lines(text: str, label: str) -> list[str]:
    """:func:`split_lines` after :func:`check_line_ends`: the lines of a one-segment-a-line file."""
    check_line_ends(text, label)
    return split_lines(text)


def read_text(path: str | os.PathLike, *, name: str | None = None) -> str:
    label = name or str(path)
    return decode_utf8(read_bytes(path, name=label), label)


def read_lines(path: str | os.PathLike, *, name: str | None = None, allow_empty: bool = False) -> list[str]:
    """One segment a line. An empty file is an error unless ``allow_empty``."""
    label = name or str(path)
    lines = text_lines(read_text(path, name=label), label)
    if not lines and not allow_empty:
        raise InputError("file is empty", label)
    return lines


def lines_from_bytes(data: bytes, name: str, *, allow_empty: bool = False) -> list[str]:
    """The same as :func:`read_lines` for an upload held in memory."""
    lines = text_lines(decode_utf8(data, name), name)
    if not lines and not allow_empty:
        raise InputError("file is empty", name)
    return lines


def clean_header(cell: str) -> str:
    """A header cell as the readers compare it: surrounding spaces and stray BOMs removed (a file
    saved twice by a BOM-adding tool, or pasted from one, has "\\ufeffterm")."""
    return cell.strip().strip("\ufeff").strip()


def load_json(text: str, label: str, line: int | None = None) -> Any:
    """``json.loads`` with every failure as an InputError: syntax (with its line), numbers too long
    for Python (over 4300 digits), nesting too deep. ``line``: where ``text`` starts in its file
    (one JSONL line), so that messages give the file's line number."""
    first = line or 1
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})", label, first + exc.lineno - 1) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", label, line) from None
    except ValueError as exc:  # e.g. an integer with more than 4300 digits
        raise InputError(f"not valid JSON ({exc})", label, line) from None


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix.

    Failures (no permission, disk full, ``path`` is a folder...) raise :class:`OutputError`, which
    is both a :class:`ReviewAppError` (a one-line message naming the file) and an ``OSError``.
    The temporary file is removed; an existing file at ``path`` is left as it was.
    """
    target = Path(path)
    try:
        _atomic_write(target, data)
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(exc.errno or errno.EIO, f"cannot write the file ({exc.strerror or exc})", str(target)) from exc


def current_umask() -> int:
    """The process's umask, read without changing it (os.umask would, for every thread at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def existing_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def _atomic_write(target: Path, data: bytes) -> None:
    if target.is_dir():
        raise OutputError(errno.EISDIR, "is a folder; give a file name", str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; give the file the mode it had, or what open() would have given it.
        os.fchmod(fd, existing_mode(target))
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
