"""Fixtures for the report tests: small corpus folders written on the fly, and running the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from review_app.cli.main import main

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "corpora" / "wmt22-zh-en-sample"
TIANWEN = REPO / "corpora" / "tianwen-1"
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"

HOSTILE_MT = 'The <script>window.__pwned = 1</script> probe <img src="x" onerror="window.__pwned = 2"> launched'


def write_corpus(root: Path, systems: dict[str, list[str]], refs: dict[str, list[str]], source: list[str] | None = None,
                 documents: list[str] | None = None) -> Path:
    (root / "systems").mkdir(parents=True, exist_ok=True)
    for name, lines in systems.items():
        (root / "systems" / f"{name}.en").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for name, lines in refs.items():
        (root / f"{name}.en").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if source is not None:
        (root / "source.zh").write_text("\n".join(source) + "\n", encoding="utf-8")
    if documents is not None:
        (root / "documents.tsv").write_text("\n".join(documents) + "\n", encoding="utf-8")
    return root


@pytest.fixture
def hostile_corpus(tmp_path) -> Path:
    """A corpus whose MT holds markup and a glossary error (lower-case tianwen-1) in the same segment."""
    refs = [
        "Tianwen-1 was launched yesterday from Wenchang.",
        "China's first Mars probe is on its way.",
        "The probe carries an orbiter, a lander and a rover.",
        "It should reach Mars in February.",
    ]
    good = list(refs)
    bad = [
        "tianwen-1 " + HOSTILE_MT + " from Wenchang.",
        "China first Mars probe is on the way.",
        "The probe carries a orbiter and a lander and a rover.",
        "It should arrive to Mars in February.",
    ]
    return write_corpus(tmp_path / "hostile<b>corpus", {"good-mt": good, "bad<script>mt": bad}, {"ref": refs})


@pytest.fixture
def sample() -> Path:
    """The bundled WMT22 zh-en sample: 300 segments, 2 references, 5 systems, documents."""
    return SAMPLE


@pytest.fixture
def glossary_file() -> Path:
    return GLOSSARY


@pytest.fixture
def make_corpus(tmp_path):
    """make_corpus(name, systems, refs, source=None, documents=None) -> a corpus folder."""

    def _make(name: str, systems, refs, source=None, documents=None) -> Path:
        return write_corpus(tmp_path / name, systems, refs, source, documents)

    return _make


@pytest.fixture
def read_report():
    """read_report(folder) -> the report.json as a dict."""
    return load_json


@pytest.fixture
def run_cli(capsys):
    """run_cli(args) -> (exit code, stdout, stderr)."""

    def _run(args: list[str]) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


def load_json(folder: Path) -> dict:
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))
