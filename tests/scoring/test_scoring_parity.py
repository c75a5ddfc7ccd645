"""Our numbers must equal sacrebleu's own, corpus and sentence level, on real and tricky input."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sacrebleu.metrics import BLEU, CHRF, TER

from review_app.corpus import load_corpus_dir
from review_app.scoring.metrics import MetricOptions
from review_app.scoring.results import score_corpus, score_texts


def sacrebleu_metrics(sentence=False):
    return {
        "bleu": BLEU(effective_order=sentence),
        "chrf": CHRF(),
        "chrf++": CHRF(word_order=2),
        "ter": TER(),
    }


def assert_same_as_sacrebleu(hyps, refs, metric_ids=("bleu", "chrf", "chrf++", "ter"), sentence_indices=None):
    hyps = [h.rstrip() for h in hyps]
    refs = [[r.rstrip() for r in ref] for ref in refs]
    ours = score_texts({"sys": hyps}, refs, metric_ids=metric_ids, cache=False, jobs=1).systems[0]
    corpus_metrics = sacrebleu_metrics()
    sentence_metrics = sacrebleu_metrics(sentence=True)
    indices = range(len(hyps)) if sentence_indices is None else sentence_indices
    for metric_id in metric_ids:
        expected = corpus_metrics[metric_id].corpus_score(hyps, refs)
        assert ours.metrics[metric_id].corpus == expected.score, metric_id
        assert ours.metrics[metric_id].signature == corpus_metrics[metric_id].get_signature().format()
        for i in indices:
            seg_refs = [ref[i] for ref in refs]
            want = sentence_metrics[metric_id].sentence_score(hyps[i], seg_refs).score
            assert ours.metrics[metric_id].sentences[i] == want, (metric_id, i, hyps[i], seg_refs)


TRICKY = [
    ("", "A reference."),
    ("An MT line.", ""),
    ("", ""),
    ("   ", "Spaces only above."),
    ("Trailing spaces   ", "Trailing spaces"),
    ("“Curly quotes” — and dashes – here…", '"Curly quotes" - and dashes - here...'),
    ("天问一号 was launched 昨天.", "Tianwen-1 was launched yesterday."),
    ("Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ，ok。", "Fullwidth text, ok."),
    ("Emoji 🚀🚀 and combining é (e\u0301)", "Emoji 🚀 and combining é"),
    ("the the the the the", "the"),
    ("Tabs\tinside\tline", "Tabs inside line"),
    ("12,345.6 km/h at 3:00 p.m.", "12,345.6 km/h at 3 p.m."),
]


@pytest.mark.parametrize("two_refs", [False, True])
def test_tricky_inputs_equal_sacrebleu(two_refs):
    hyps = [h for h, _ in TRICKY]
    refs = [[r for _, r in TRICKY]]
    if two_refs:
        refs.append([r.upper() if i % 2 else "" for i, (_, r) in enumerate(TRICKY)])
    assert_same_as_sacrebleu(hyps, refs)


token = st.sampled_from(["a", "b", "the", "cat", ".", ",", "!", "'s", '"', "-", "天", "问", "“", "”", "é", "e\u0301", "１", "2020", "\t", ""])
segment = st.lists(token, max_size=15).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(segment, segment, segment), min_size=1, max_size=6), st.booleans())
def test_random_text_equals_sacrebleu(rows, two_refs):
    hyps = [h for h, _, _ in rows]
    refs = [[r for _, r, _ in rows]] + ([[r2 for _, _, r2 in rows]] if two_refs else [])
    assert_same_as_sacrebleu(hyps, refs)


@pytest.mark.slow
@pytest.mark.parametrize("ref_names", [("ref-A",), ("ref-A", "ref-B")])
def test_wmt22_all_systems_equal_sacrebleu(wmt22, ref_names):
    """All 18 WMT22 systems: corpus BLEU/chrF/chrF++ exactly; sentence scores on a sample of segments."""
    corpus = load_corpus_dir(wmt22)
    refs = [[line.rstrip() for line in corpus.references[[r.name for r in corpus.references].index(n)].segments] for n in ref_names]
    ours = score_texts(
        {s.name: s.segments for s in corpus.systems}, refs, metric_ids=("bleu", "chrf", "chrf++"), cache=False, jobs=2
    )
    rng = random.Random(2022)
    sample = rng.sample(range(len(corpus)), 40)
    corpus_metrics = {m: sacrebleu_metrics()[m] for m in ("bleu", "chrf", "chrf++")}
    sentence_metrics = sacrebleu_metrics(sentence=True)
    for metric_id, metric in corpus_metrics.items():
        metric._ref_cache = metric._cache_references(refs)
    for system in ours.systems:
        hyps = [line.rstrip() for line in corpus.system(system.name).segments]
        for metric_id, metric in corpus_metrics.items():
            assert system.metrics[metric_id].corpus == metric.corpus_score(hyps, None).score, (system.name, metric_id)
            for i in sample:
                want = sentence_metrics[metric_id].sentence_score(hyps[i], [r[i] for r in refs]).score
                assert system.metrics[metric_id].sentences[i] == want, (system.name, metric_id, i)


@pytest.mark.slow
def test_wmt22_ter_on_a_sample_equals_sacrebleu(wmt22):
    corpus = load_corpus_dir(wmt22)
    rng = random.Random(7)
    indices = sorted(rng.sample(range(len(corpus)), 60))
    for name in ("Online-B", "M2M100_1.2B-B4"):
        hyps = [corpus.system(name).segments[i] for i in indices]
        refs = [[ref.segments[i] for i in indices] for ref in corpus.references]
        assert_same_as_sacrebleu(hyps, refs, metric_ids=("ter",))


def test_options_reach_sacrebleu():
    hyps = ["The Cat sat on the MAT .", "Hello World"]
    refs = [["the cat sat on the mat.", "hello world"]]
    options = MetricOptions(bleu_lowercase=True, bleu_tokenize="intl", chrf_lowercase=True, chrf_char_order=4,
                            chrf_beta=3, ter_case_sensitive=True, ter_no_punct=True)
    ours = score_texts({"s": hyps}, refs, options=options, cache=False).systems[0]
    assert ours.metrics["bleu"].corpus == BLEU(lowercase=True, tokenize="intl").corpus_score(hyps, refs).score
    assert ours.metrics["chrf"].corpus == CHRF(lowercase=True, char_order=4, beta=3).corpus_score(hyps, refs).score
    assert ours.metrics["chrf"].name == "chrF3"
    assert ours.metrics["chrf++"].name == "chrF3++"
    assert ours.metrics["ter"].corpus == TER(case_sensitive=True, no_punct=True).corpus_score(hyps, refs).score
    assert "tok:intl" in ours.metrics["bleu"].signature and "case:lc" in ours.metrics["bleu"].signature


def test_parallel_and_serial_give_identical_statistics(tianwen):
    corpus = load_corpus_dir(tianwen)
    many = {f"s{i}": corpus.systems[0].segments for i in range(3)}
    refs = [corpus.references[0].segments]
    serial = score_texts(many, refs, cache=False, jobs=1)
    import review_app.scoring.stats as stats_module

    parallel_threshold = stats_module.MIN_PARALLEL_WORK
    stats_module.MIN_PARALLEL_WORK = 0
    try:
        parallel = score_texts(many, refs, cache=False, jobs=2)
    finally:
        stats_module.MIN_PARALLEL_WORK = parallel_threshold
    assert serial == parallel


def test_progress_is_reported(tianwen):
    seen = []
    score_corpus(load_corpus_dir(tianwen), metric_ids=("bleu",), cache=False,
                 progress=lambda done, total, label: seen.append((done, total, label)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1] and seen[-1][2] == "bleu"
