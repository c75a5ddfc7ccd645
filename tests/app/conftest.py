"""AppTest helpers: a fresh app per test with Streamlit's caches cleared and a private score cache."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "review_app" / "app.py"
BUNDLED_GLOSSARIES = Path(__file__).resolve().parents[2] / "glossary"
SCREENS = {
    "overview": "ui/screens/overview.py",
    "segments": "ui/screens/segments.py",
    "detail": "ui/screens/detail.py",
    "review": "ui/screens/review.py",
    "glossary": "ui/screens/glossary.py",
    "open": "ui/screens/open_files.py",
}


@pytest.fixture(autouse=True)
def clear_streamlit_caches(tmp_path, monkeypatch):
    """Every test starts with empty st.cache_data / st.cache_resource (and its own score cache, set by
    the root conftest), so no test sees another's corpus, jobs or numbers. Reviews go to a database in
    tmp_path and glossaries are edited in a copy of the bundled glossary folder."""
    monkeypatch.setenv("REVIEW_APP_CACHE_DIR", str(tmp_path / "score-cache"))
    monkeypatch.setenv("REVIEW_APP_DATA_DIR", str(tmp_path / "review-data"))
    monkeypatch.delenv("REVIEW_APP_DATABASE_URL", raising=False)
    glossaries = tmp_path / "glossary-folder"
    glossaries.mkdir()
    for path in BUNDLED_GLOSSARIES.glob("*.csv"):
        shutil.copyfile(path, glossaries / path.name)
    monkeypatch.setenv("REVIEW_APP_GLOSSARY_DIR", str(glossaries))
    monkeypatch.delenv("REVIEW_APP_CORPUS", raising=False)
    monkeypatch.delenv("REVIEW_APP_CORPUS_ROOTS", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def settle(at: AppTest, timeout: float = 120.0) -> AppTest:
    """Run until nothing is in progress (TER and significance fill in from background jobs)."""
    deadline = time.monotonic() + timeout
    at.run(timeout=timeout)
    while at.get("progress") and time.monotonic() < deadline:
        time.sleep(0.2)
        at.run(timeout=timeout)
    assert not at.get("progress"), "still computing after the timeout"
    return at


@pytest.fixture
def app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=120)


def page(at: AppTest, name: str) -> AppTest:
    at.switch_page(SCREENS[name])
    return settle(at)


def html_of(at: AppTest) -> str:
    return "\n".join(element.value for element in at.get("html"))


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
