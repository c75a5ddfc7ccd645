"""Hardening tests: hostile and careless input to every reader, CSV injection, XML attacks, paths,
store faults. The fuzz targets in ``fuzz/fuzz_targets.py`` are shared with the hand-run fuzzers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO / "fuzz") not in sys.path:
    sys.path.insert(0, str(REPO / "fuzz"))


@pytest.fixture
def secret(tmp_path_factory) -> Path:
    """A file outside every corpus/output folder whose content must never show up anywhere."""
    path = tmp_path_factory.mktemp("outside") / "secret.txt"
    path.write_text("TOP-SECRET-7f3a\n", encoding="utf-8")
    return path
