"""Regression guard: false alarms on WMT22 human references, and speed over all 18 systems.

The bounds are the figures measured with ``bench/bench_false_alarms.py`` (see docs/checks.md) plus a
little room; a check that starts crying wolf on good English fails here.
"""

from __future__ import annotations

import importlib.util
import time
from collections import Counter
from pathlib import Path

import pytest

from review_app.checks import run_checks
from review_app.corpus import Corpus, read_documents, read_text_file
from review_app.glossary import bundled_glossaries, load_glossary

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_false_alarms.py"

# Findings on the 3,750 reference segments (ref-A vs ref-B and back), as measured; most are true
# defects of the references (double spaces, quotes never closed, numbers dropped or wrong).
MEASURED = {
    "qa.spacing": 30, "qa.unbalanced_quotes": 17, "qa.number_mismatch": 17, "qa.fullwidth_punctuation": 6,
    "qa.lowercase_start": 4, "qa.repeated_word": 2, "qa.repeated_phrase": 1, "qa.unbalanced_brackets": 1,
}
TOTAL_PER_THOUSAND_BOUND = 25.0  # measured: 20.8 per 1,000 reference segments, all checks together


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_false_alarms", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_false_alarms_on_references_stay_low(wmt22):
    bench = load_bench()
    glossary = load_glossary(bundled_glossaries()["space-diplomacy"])
    findings, segments = bench.reference_false_alarms(wmt22, glossary)
    assert segments == 3750
    counts = Counter(f.check for f in findings)
    total_rate = 1000.0 * len(findings) / segments
    assert total_rate <= TOTAL_PER_THOUSAND_BOUND, (total_rate, counts)
    for check, count in counts.items():
        bound = MEASURED.get(check, 0) + 3
        assert count <= bound, f"{check}: {count} findings on human references (measured {MEASURED.get(check, 0)})"


@pytest.mark.slow
def test_all_checks_over_18_systems_are_fast(wmt22):
    source = read_text_file(wmt22 / "source.zh", "source")
    refs = (read_text_file(wmt22 / "ref-A.en", "ref-A"), read_text_file(wmt22 / "ref-B.en", "ref-B"))
    documents, _ = read_documents(wmt22 / "documents.tsv")
    systems = tuple(read_text_file(p) for p in sorted((wmt22 / "systems").glob("*.en")))
    assert len(systems) == 18
    corpus = Corpus("wmt22", systems, refs, source=source, documents=documents)
    glossary = load_glossary(bundled_glossaries()["space-diplomacy"])
    started = time.process_time()
    findings = run_checks(corpus, glossary)
    seconds = time.process_time() - started
    assert findings
    assert seconds < 20, f"{seconds:.1f} s of CPU (measured about 3 s)"
