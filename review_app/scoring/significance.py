"""Confidence intervals and paired significance tests, by sacrebleu's own code on our statistics.

sacrebleu's paired bootstrap (``_paired_bs_test``) and bootstrap CI (``_bootstrap_resample``)
recompute statistics from text; here they are handed the statistics we already have, through a
thin wrapper, so the numbers equal ``sacrebleu --paired-bs`` / ``--confidence`` without a second
pass over the text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
from sacrebleu.metrics.base import Metric
from sacrebleu.significance import _bootstrap_resample, _paired_bs_test, estimate_ci

from review_app.scoring.metrics import build_metric
from review_app.scoring.results import CorpusScores, MetricScore

DEFAULT_BOOTSTRAP = 1000
SIGNIFICANCE_LEVEL = 0.05


def sacrebleu_seed() -> int | None:
    seed = os.environ.get("SACREBLEU_SEED", "12345")
    return None if seed.lower() == "none" else int(seed)


def is_significant(p_value: float, score: float, baseline_score: float) -> bool:
    """p < 0.05. sacrebleu's p-value for two identical systems is 1/(n+1), "significant": a zero
    difference is never reported as one."""
    return p_value < SIGNIFICANCE_LEVEL and score != baseline_score


class _KnownStats:
    """Looks like a sacrebleu metric to the test functions, but returns statistics we already computed."""

    def __init__(self, metric: Metric, stats_by_system: dict[int, list]):
        self._metric = metric
        self._stats = stats_by_system

    def _extract_corpus_statistics(self, hypotheses, references):
        return self._stats[id(hypotheses)]

    def __getattr__(self, name):
        return getattr(self._metric, name)


@dataclass(frozen=True)
class Paired:
    """A system against the baseline on one metric: sacrebleu's paired bootstrap test."""

    system: str
    baseline: str
    metric_id: str
    score: float
    baseline_score: float
    p_value: float

    @property
    def delta(self) -> float:
        return self.score - self.baseline_score

    @property
    def significant(self) -> bool:
        return is_significant(self.p_value, self.score, self.baseline_score)


@dataclass(frozen=True)
class PairedResult(Paired):
    """With the system's bootstrap mean and 95% interval half-width, as sacrebleu reports them."""

    mean: float
    ci: float


def paired_bootstrap(
    result: CorpusScores,
    baseline: str,
    *,
    n_samples: int = DEFAULT_BOOTSTRAP,
    seed: int | None = None,
) -> list[PairedResult]:
    """Every other system against ``baseline`` for every metric (sacrebleu's paired bootstrap test)."""
    seed = sacrebleu_seed() if seed is None else seed
    base = result.system(baseline)
    out = []
    for system in result.systems:
        if system.name == baseline:
            continue
        for metric_id in result.metric_ids:
            base_score: MetricScore = base.metrics[metric_id]
            sys_score: MetricScore = system.metrics[metric_id]
            metric = build_metric(metric_id, result.options)
            handle = tuple(range(result.n_segments))  # stands in for the hypotheses: only its length is used
            wrapped = _KnownStats(metric, {id(handle): [list(r) for r in sys_score.stats]})
            baseline_info = {
                metric_id: (
                    [list(r) for r in base_score.stats],
                    metric._aggregate_and_compute([list(r) for r in base_score.stats]),
                )
            }
            _, scores = _paired_bs_test(baseline_info, system.name, handle, None, {metric_id: wrapped}, n_samples, -1, seed)
            res = scores[metric_id]
            out.append(
                PairedResult(
                    system=system.name, baseline=baseline, metric_id=metric_id,
                    score=float(res.score), baseline_score=base_score.corpus,
                    p_value=float(res.p_value), mean=float(res.mean), ci=float(res.ci),
                )
            )
    return out


@dataclass(frozen=True)
class Interval:
    """A bootstrap mean with the half-width of its 95% interval, as sacrebleu's ``estimate_ci`` gives them."""

    mean: float
    ci: float

    @property
    def low(self) -> float:
        return self.mean - self.ci

    @property
    def high(self) -> float:
        return self.mean + self.ci


@dataclass(frozen=True)
class ConfidenceInterval(Interval):
    system: str
    metric_id: str
    score: float


def confidence_intervals(result: CorpusScores, *, n_samples: int = DEFAULT_BOOTSTRAP) -> list[ConfidenceInterval]:
    """95% bootstrap intervals, as ``sacrebleu --confidence`` computes them (seed from SACREBLEU_SEED)."""
    out = []
    for system in result.systems:
        for metric_id in result.metric_ids:
            score = system.metrics[metric_id]
            metric = build_metric(metric_id, result.options)
            _, samples = _bootstrap_resample([list(r) for r in score.stats], metric, n_samples)
            mean, ci = estimate_ci(np.array([s.score for s in samples]))
            out.append(ConfidenceInterval(mean=float(mean), ci=float(ci), system=system.name, metric_id=metric_id,
                                          score=score.corpus))
    return out
