"""Acceptance: every planted and real error of the seed article is found with the bundled glossary,
and the corrected reference, checked as if it were MT, gives no finding at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from review_app.checks import CheckCorpus, run_checks
from review_app.corpus import Corpus, Text, load_corpus_dir
from review_app.glossary import bundled_glossaries, load_glossary

EXPECTED = {
    (2, "glossary.case", "tianwen-1", "Tianwen-1"),
    (3, "glossary.case", "tianwen-1", "Tianwen-1"),
    (3, "qa.repeated_phrase", "proud of and proud of", "proud of"),
    (3, "glossary.forbidden", "Asia Pacific Space Cooperation Organization", "Asia-Pacific Space Cooperation Organization"),
    (3, "glossary.forbidden", "French space research center", "National Centre for Space Studies"),
    (3, "glossary.forbidden", "German Space Center", "German Aerospace Center"),
    (3, "glossary.forbidden", "United Arab Emirates space agency", "UAE Space Agency"),
    (5, "qa.lowercase_start", "as", "As"),
    (5, "glossary.forbidden", "China’s National Space Administration", "China National Space Administration"),
    (6, "glossary.forbidden", "community of shared future for mankind", "community with a shared future for mankind"),
    (6, "glossary.missing", "", "peaceful use of outer space"),  # "the peaceful use of space"
}


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(bundled_glossaries()["space-diplomacy"])


TIANWEN = Path(__file__).resolve().parents[2] / "corpora" / "tianwen-1"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus_dir(TIANWEN)


def keyed(findings):
    return {(f.segment, f.check, f.text, f.suggestion) for f in findings}


def test_every_seed_error_is_found(corpus, glossary):
    findings = run_checks(corpus, glossary)
    assert keyed(findings) == EXPECTED
    for f in findings:
        if f.start is not None:
            assert corpus.systems[0].segments[f.segment - 1][f.start:f.end] == f.text


def test_seed_errors_found_without_the_reference(corpus, glossary):
    alone = CheckCorpus("seed", corpus.systems, documents=corpus.documents)
    expected = {item for item in EXPECTED if item[1] != "glossary.missing"}  # only the reference shows that one
    assert keyed(run_checks(alone, glossary)) == expected


def test_reference_checked_as_mt_gives_no_finding(corpus, glossary):
    reference = corpus.references[0]
    as_mt = Text("ref-as-mt", reference.segments, reference.path)
    against_itself = Corpus("t", (as_mt,), (reference,), documents=corpus.documents)
    against_seed = Corpus("t", (as_mt,), (Text("seed", corpus.systems[0].segments),), documents=corpus.documents)
    alone = CheckCorpus("t", (as_mt,), documents=corpus.documents)
    for case in (against_itself, against_seed, alone):
        assert run_checks(case, glossary) == []
