"""Reading and writing text files safely.

Reading: strict UTF-8 with a clear error (file, line, byte offset), a silent UTF-8 BOM,
lines split on "\\n" only as sacrebleu's command line does, so line counts always agree with it.
Writing: atomic (temporary file in the same folder, fsync, rename), so a crash never leaves
half a file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from review_app.errors import InputError

BOM = b"\xef\xbb\xbf"
DEFAULT_MAX_FILE_MB = 200


def max_file_bytes() -> int:
    """The largest file the readers accept; ``REVIEW_APP_MAX_FILE_MB`` overrides the default."""
    raw = os.environ.get("REVIEW_APP_MAX_FILE_MB", "")
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_FILE_MB
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


def read_bytes(path: str | os.PathLike, *, name: str | None = None) -> bytes:
    """Read a whole file with the size limit applied before reading; errors name the file."""
    label = name or str(path)
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise InputError("file not found", label) from None
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None
    if os.path.isdir(path):
        raise InputError("is a folder, not a file", label)
    check_size(size, label)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror or exc})", label) from None


def check_size(size: int, label: str) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise InputError(
            f"file is {size / 1048576:.1f} MB, over the limit of {limit / 1048576:.0f} MB "
            "(set REVIEW_APP_MAX_FILE_MB to raise it)",
            label,
        )


def decode_utf8(data: bytes, label: str) -> str:
    """Decode UTF-8 strictly; strip one leading BOM; reject NUL bytes. Errors give line and byte offset."""
    check_size(len(data), label)
    offset = 0
    if data.startswith(BOM):
        data = data[len(BOM):]
        offset = len(BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at byte offset {exc.start + offset} "
            "(save the file as UTF-8)",
            label,
            line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError("contains a NUL byte (binary file?)", label, line)
    return text


def split_lines(text: str) -> list[str]:
    """Split on "\\n" like sacrebleu; drop the "\\r" of CRLF; a final newline ends the last line."""
    if text == "":
        return []
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def read_text(path: str | os.PathLike, *, name: str | None = None) -> str:
    label = name or str(path)
    return decode_utf8(read_bytes(path, name=label), label)


def read_lines(path: str | os.PathLike, *, name: str | None = None, allow_empty: bool = False) -> list[str]:
    """One segment a line. An empty file is an error unless ``allow_empty``."""
    label = name or str(path)
    lines = split_lines(read_text(path, name=label))
    if not lines and not allow_empty:
        raise InputError("file is empty", label)
    return lines


def lines_from_bytes(data: bytes, name: str, *, allow_empty: bool = False) -> list[str]:
    """The same as :func:`read_lines` for an upload held in memory."""
    lines = split_lines(decode_utf8(data, name))
    if not lines and not allow_empty:
        raise InputError("file is empty", name)
    return lines


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never a mix."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
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
