"""Where a command's output goes: standard output, or a file written atomically."""

from __future__ import annotations

import sys

from review_app.textio import atomic_write_text


def emit(text: str, out: str | None) -> None:
    if not text.endswith("\n"):
        text += "\n"
    if out in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(out, text)
