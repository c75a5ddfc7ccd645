"""What every browser test shares: the servers they start keep their reviews and glossaries in a
temporary folder (REVIEW_APP_DATA_DIR, REVIEW_APP_GLOSSARY_DIR, read from the environment when a
server starts), never in the repository's data/ or glossary/."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def review_data_in_tmp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-data")
    glossaries = folder / "glossary"
    glossaries.mkdir()
    for path in (REPO / "glossary").glob("*.csv"):
        shutil.copyfile(path, glossaries / path.name)
    values = {"REVIEW_APP_DATA_DIR": str(folder / "data"), "REVIEW_APP_GLOSSARY_DIR": str(glossaries)}
    saved = {name: os.environ.get(name) for name in [*values, "REVIEW_APP_DATABASE_URL"]}
    os.environ.update(values)
    os.environ.pop("REVIEW_APP_DATABASE_URL", None)
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
