"""A persistent cache of per-segment statistics, keyed by content and settings.

Opening the same corpus again (in the app or the CLI) recomputes nothing. One file per key, written
atomically, so two processes can share the folder: the worst case is both computing the same entry
and one rename winning with identical content.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
from pathlib import Path
from typing import Sequence

from review_app.scoring.metrics import SACREBLEU_VERSION
from review_app.textio import atomic_write_bytes

# Bump when the statistics format or how they are computed changes.
CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    configured = os.environ.get("REVIEW_APP_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "review_app" / "scores"


def cache_enabled() -> bool:
    return os.environ.get("REVIEW_APP_CACHE", "1").lower() not in ("0", "no", "off", "false")


def digest_texts(hasher, texts: Sequence[str]) -> None:
    hasher.update(f"{len(texts)}\n".encode())
    for text in texts:
        encoded = text.encode("utf-8")
        hasher.update(f"{len(encoded)}:".encode())
        hasher.update(encoded)


def stats_key(metric_id: str, settings: dict, hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> str:
    hasher = hashlib.sha256()
    header = {"format": CACHE_FORMAT, "sacrebleu": SACREBLEU_VERSION, "metric": metric_id, "settings": settings}
    hasher.update(json.dumps(header, sort_keys=True).encode())
    digest_texts(hasher, hypotheses)
    hasher.update(f"refs:{len(references)}".encode())
    for ref in references:
        digest_texts(hasher, ref)
    return hasher.hexdigest()


class ScoreCache:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder is not None else default_cache_dir()

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> list[list[float]] | None:
        try:
            with gzip.open(self.path(key), "rt", encoding="utf-8") as handle:
                payload = json.load(handle)
        except (OSError, EOFError, ValueError):
            return None  # absent or unreadable: recompute
        if not isinstance(payload, dict) or payload.get("key") != key:
            return None
        return payload["stats"]

    def put(self, key: str, stats: list[list[float]]) -> None:
        payload = json.dumps({"key": key, "stats": stats}, separators=(",", ":")).encode()
        try:
            atomic_write_bytes(self.path(key), gzip.compress(payload, compresslevel=5, mtime=0))
        except OSError:
            pass  # a cache that cannot be written only costs time


def default_cache() -> ScoreCache | None:
    return ScoreCache() if cache_enabled() else None
