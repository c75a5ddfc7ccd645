"""MQM on the Overview: per system beside BLEU/chrF/TER, per document, per segment, progress, and the
agreement with the automatic scores once enough is reviewed; numbers equal the core's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from review_app.corpus import load_corpus
from review_app.review import ReviewStore, default_database_url, metric_agreement
from review_app.scoring.results import score_corpus
from review_app.segment_table import build_segment_table
from review_app.ui import common, review_state
from review_app.ui.sources import corpus_digest
from review_app.ui.uploads import CorpusUpload, Upload, corpus_from_upload

from .conftest import no_exception, settle

REPO = Path(__file__).resolve().parents[2]
TIANWEN = REPO / "corpora" / "tianwen-1"


@pytest.fixture
def store():
    store = ReviewStore(default_database_url())
    yield store
    store.close()


def frame_with(at, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_nothing_reviewed_yet(app):
    at = settle(app)
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["MQM"] == "–"
    assert any(s.value == "Human review (MQM)" for s in at.subheader)
    assert any("No segment reviewed yet" in i.value for i in at.info)


def test_mqm_per_system_document_and_segment(app, store):
    corpus = load_corpus(TIANWEN)
    mt = corpus.system("seed-mt").segments
    store.save_review("tianwen-1", "seed-mt", 1, reviewer="Ana", base_version=0, verdict="accepted")
    store.save_review("tianwen-1", "seed-mt", 2, reviewer="Ana", base_version=0, verdict="needs_fix")
    start = mt[1].index("tianwen-1")
    store.add_annotation("tianwen-1", "seed-mt", 2, start=start, end=start + 9, text="tianwen-1",
                         category="Terminology/Inappropriate for context", severity="major", rater="Ana")
    store.add_annotation("tianwen-1", "seed-mt", 3, start=0, end=0, text="", category="Accuracy/Omission",
                         severity="minor", rater="Bo")  # annotated without a verdict: still in scope
    at = settle(app)
    no_exception(at)
    words = sum(len(mt[i].split()) for i in (0, 1, 2))
    expected = 100 * (5 + 1) / words
    assert {m.label: m.value for m in at.metric}["MQM"] == f"{expected:.2f}"
    systems = frame_with(at, "MQM per 100 words")
    row = systems.iloc[0]
    assert (row["reviewed"], row["total"], row["errors"], row["penalty"]) == (2, 7, 2, 6.0)
    assert row["MQM per 100 words"] == pytest.approx(expected) and row["MQM (WMT)"] == pytest.approx(-2.0)
    docs = frame_with(at, "doc")
    assert docs["segments"].sum() == 3 and docs["penalty"].sum() == 6.0
    segments = next(df.value for df in at.dataframe if "verdict" in df.value.columns)
    assert segments["segment"].tolist() == [1, 2, 3]
    assert segments["verdict"].tolist() == ["Accepted", "Needs fix", ""]
    assert segments["penalty"].tolist() == [0.0, 5.0, 1.0]
    assert "BLEU" in segments.columns and "TER" in segments.columns
    assert any("shown once 10 segments are reviewed (3 so far)" in c.value for c in at.caption)


def test_ranking_table_and_agreement_with_enough_reviews(app, store):
    rng = random.Random(7)
    refs = [f"the quick brown fox number {i} jumps over the lazy dog" for i in range(14)]
    a = [r if i % 3 else r.replace("quick", "slow").replace("lazy", "sleepy") for i, r in enumerate(refs)]
    b = [" ".join(w for w in r.split() if rng.random() > 0.3) or "x" for r in refs]
    upload = CorpusUpload(systems=(Upload("a.txt", ("\n".join(a) + "\n").encode()), Upload("b.txt", ("\n".join(b) + "\n").encode())),
                          references=(Upload("ref.txt", ("\n".join(refs) + "\n").encode()),))
    corpus = corpus_from_upload(upload)
    app.session_state[common.PENDING_CORPUS_UPLOAD] = upload
    at = settle(app)
    key = review_state.corpus_key(corpus, corpus_digest(corpus))  # an upload's reviews: name and content
    for system, lines in (("a", a), ("b", b)):
        for segment in range(1, 8):
            store.save_review(key, system, segment, reviewer="Ana", base_version=0, verdict="needs_fix")
            words = lines[segment - 1].split()
            if len(words) < len(refs[segment - 1].split()):
                store.add_annotation(key, system, segment, start=0, end=0, text="", category="Accuracy/Omission",
                                     severity="major", rater="Ana")
            if "slow" in lines[segment - 1]:
                s = lines[segment - 1].index("slow")
                store.add_annotation(key, system, segment, start=s, end=s + 4, text="slow",
                                     category="Accuracy/Mistranslation", severity="minor", rater="Ana")
    at = settle(at)
    no_exception(at)
    ranking = frame_with(at, "MQM/100 words")
    assert set(ranking["system"]) == {"a", "b"} and ranking["reviewed"].tolist() == [0.5, 0.5]
    agreement = frame_with(at, "Kendall τ-b")
    scores = score_corpus(corpus, cache=False)
    table = build_segment_table(corpus, scores, [])
    mqm = {}
    for annotation in store.annotations(key):
        mqm[(annotation.system, annotation.segment)] = mqm.get((annotation.system, annotation.segment), 0) - annotation.penalty
    keys = [(s, n) for s in ("a", "b") for n in range(1, 8)]
    mqm = {k: mqm.get(k, 0.0) for k in keys}
    bleu = {(r.system, r.segment): r.bleu for r in table.itertuples()}
    expected = metric_agreement(mqm, bleu)
    row = agreement[agreement["metric"] == "BLEU"].iloc[0]
    assert row["segments"] == 14
    assert row["Pearson r"] == pytest.approx(expected.pearson) and row["Kendall τ-b"] == pytest.approx(expected.kendall_tau)
