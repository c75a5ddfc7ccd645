"""Scores derived from the statistics: corpus and sentence scores with sacrebleu's signatures.

``score_corpus`` is the one entry point the CLI, the app and the reports share, so they never
disagree about a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from review_app.corpus import Corpus
from review_app.scoring.cache import ScoreCache, default_cache
from review_app.scoring.metrics import (
    METRIC_IDS,
    MetricOptions,
    build_metric,
    metric_name,
    signature,
)
from review_app.scoring.stats import ProgressCallback, Stats, cached_stats


@dataclass(frozen=True)
class MetricScore:
    """One metric for one system: the corpus score, every sentence score, and the statistics."""

    metric_id: str
    name: str
    corpus: float
    sentences: tuple[float, ...]
    signature: str
    sentence_signature: str
    verbose: str
    stats: tuple[tuple[float, ...], ...] = field(repr=False)


@dataclass(frozen=True)
class SystemScores:
    name: str
    metrics: dict[str, MetricScore]  # by metric id

    def corpus(self, metric_id: str) -> float:
        return self.metrics[metric_id].corpus

    def sentences(self, metric_id: str) -> tuple[float, ...]:
        return self.metrics[metric_id].sentences


@dataclass(frozen=True)
class CorpusScores:
    corpus_name: str
    n_segments: int
    n_references: int
    metric_ids: tuple[str, ...]
    options: MetricOptions
    systems: tuple[SystemScores, ...]

    def system(self, name: str) -> SystemScores:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def metric_names(self) -> dict[str, str]:
        return {m: metric_name(m, self.options) for m in self.metric_ids}


def derive_metric_score(metric_id: str, options: MetricOptions, stats: Stats, num_refs: int) -> MetricScore:
    corpus_metric = build_metric(metric_id, options)
    sentence_metric = build_metric(metric_id, options, sentence=True)
    corpus_score = corpus_metric._aggregate_and_compute(stats)
    sentences = tuple(float(sentence_metric._compute_score_from_stats(row).score) for row in stats)
    return MetricScore(
        metric_id=metric_id,
        name=metric_name(metric_id, options),
        corpus=float(corpus_score.score),
        sentences=sentences,
        signature=signature(corpus_metric, num_refs),
        sentence_signature=signature(sentence_metric, num_refs),
        verbose=getattr(corpus_score, "_verbose", ""),
        stats=tuple(tuple(row) for row in stats),
    )


def score_texts(
    hypotheses: dict[str, Sequence[str]],
    references: Sequence[Sequence[str]],
    *,
    metric_ids: Sequence[str] = METRIC_IDS,
    options: MetricOptions = MetricOptions(),
    corpus_name: str = "corpus",
    cache: ScoreCache | None | bool = True,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> CorpusScores:
    """Score named systems against references. ``cache=True`` uses the default on-disk cache."""
    if cache is True:
        cache = default_cache()
    elif cache is False:
        cache = None
    names = list(hypotheses)
    stats = cached_stats(
        metric_ids, options, [hypotheses[n] for n in names], references,
        cache=cache, jobs=jobs, progress=progress,
    )
    systems = tuple(
        SystemScores(
            name=name,
            metrics={m: derive_metric_score(m, options, stats[m][i], len(references)) for m in metric_ids},
        )
        for i, name in enumerate(names)
    )
    return CorpusScores(
        corpus_name=corpus_name,
        n_segments=len(references[0]) if references else 0,
        n_references=len(references),
        metric_ids=tuple(metric_ids),
        options=options,
        systems=systems,
    )


def score_corpus(
    corpus: Corpus,
    *,
    metric_ids: Sequence[str] = METRIC_IDS,
    options: MetricOptions = MetricOptions(),
    systems: Sequence[str] | None = None,
    cache: ScoreCache | None | bool = True,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
) -> CorpusScores:
    chosen = [s for s in corpus.systems if systems is None or s.name in systems]
    return score_texts(
        {s.name: s.segments for s in chosen},
        [r.segments for r in corpus.references],
        metric_ids=metric_ids,
        options=options,
        corpus_name=corpus.name,
        cache=cache,
        jobs=jobs,
        progress=progress,
    )
