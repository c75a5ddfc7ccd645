"""The report's bootstrap equals sacrebleu's own tests (through review_app.scoring.significance)."""

from __future__ import annotations

import numpy as np
import pytest

from review_app.corpus import load_corpus
from review_app.report import bootstrap
from review_app.report.bootstrap import BootstrapJob, as_float32, interval, paired_p_value, resample_scores
from review_app.scoring.metrics import MetricOptions
from review_app.scoring.results import score_corpus
from review_app.scoring.significance import confidence_intervals, paired_bootstrap


@pytest.mark.parametrize("n", [1, 7, 300, 1001])
def test_index_rows_drawn_one_block_at_a_time_are_the_same(n):
    whole = np.random.default_rng(12345).choice(n, size=(40, n), replace=True)
    rng = np.random.default_rng(12345)
    blocks = np.concatenate([rng.choice(n, size=(rows, n), replace=True) for rows in (3, 1, 16, 20)])
    assert (whole == blocks).all()


@pytest.fixture
def sample_scores(sample):
    corpus = load_corpus(sample)
    return score_corpus(corpus, metric_ids=("bleu", "chrf", "ter"), cache=False, jobs=1,
                        systems=corpus.system_names[:3])


def samples_of(result, n_samples, monkeypatch=None):
    out = {}
    for system in result.systems:
        for m in result.metric_ids:
            job = BootstrapJob(m, result.options, as_float32(system.metrics[m].stats), n_samples, 12345)
            out[system.name, m] = resample_scores(job)[1]
    return out


def test_intervals_and_p_values_equal_sacrebleus(sample_scores):
    n_samples = 200
    samples = samples_of(sample_scores, n_samples)
    for expected in confidence_intervals(sample_scores, n_samples=n_samples):
        got = interval(samples[expected.system, expected.metric_id])
        assert got.mean == expected.mean
        assert got.ci == expected.ci
    baseline = sample_scores.systems[0]
    for expected in paired_bootstrap(sample_scores, baseline.name, n_samples=n_samples):
        system = sample_scores.system(expected.system)
        m = expected.metric_id
        p = paired_p_value(samples[system.name, m], samples[baseline.name, m],
                           system.metrics[m].corpus, baseline.metrics[m].corpus)
        assert p == expected.p_value
        got = interval(samples[system.name, m])
        assert (got.mean, got.ci) == (expected.mean, expected.ci)


def test_small_blocks_give_the_same_scores(sample_scores, monkeypatch):
    system = sample_scores.systems[1]
    job = BootstrapJob("chrf", MetricOptions(), as_float32(system.metrics["chrf"].stats), 50, 12345)
    whole = resample_scores(job)[1]
    monkeypatch.setattr(bootstrap, "BLOCK_BYTES", 1)  # one resample at a time
    assert (resample_scores(job)[1] == whole).all()
