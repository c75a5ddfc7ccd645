"""A terminal progress bar for long work: tqdm on standard error, silent when that is not a terminal."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

from review_app.scoring.stats import ProgressCallback


@contextmanager
def terminal_progress(description: str, enabled: bool | None = None) -> Iterator[ProgressCallback | None]:
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield None
        return
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(done: int, total: int, label: str) -> None:
        bar = bars.get(label)
        if bar is None:
            bar = bars[label] = tqdm(total=total, desc=f"{description} {label}", unit="chunk", file=sys.stderr, leave=False)
        bar.total = total
        bar.n = done
        bar.refresh()

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.close()
