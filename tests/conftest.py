"""Fixtures every test folder shares."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
WMT22 = SHARED / "data" / "wmt22-zh-en"
TIANWEN = REPO / "corpora" / "tianwen-1"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own score cache folder, so no test sees another's cached numbers."""
    monkeypatch.setenv("REVIEW_APP_CACHE_DIR", str(tmp_path_factory.mktemp("score-cache")))


@pytest.fixture
def wmt22() -> Path:
    if not (WMT22 / "ref-A.en").exists():
        pytest.skip(f"WMT22 data not found at {WMT22} (../shared beside the repo)")
    return WMT22


@pytest.fixture
def tianwen() -> Path:
    return TIANWEN


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture
def make_file(tmp_path):
    """make_file("name.txt", "content") writes a file under tmp_path and returns its path."""

    def _make(name: str, content: str | bytes) -> Path:
        return write(tmp_path / name, content)

    return _make
