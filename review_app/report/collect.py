"""Collecting a corpus's report: scores, bootstrap intervals, paired tests, findings.

Corpora that fit in memory go through the same functions as the ``score`` command
(:func:`review_app.scoring.stats.cached_stats`, :func:`review_app.scoring.results.derive_metric_score`,
:func:`review_app.scoring.export.scores_to_dict`), so the report's numbers are the command's numbers.
Huge corpora are streamed (:mod:`review_app.report.streaming`) into the same
:class:`~review_app.report.model.CorpusReport`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from review_app.corpus import Corpus, load_corpus
from review_app.errors import InputError
from review_app.report.bootstrap import (
    BootstrapJob,
    Paired,
    as_float32,
    interval,
    paired_p_value,
    resample_scores,
)
from review_app.report.executors import Runner, ordered_map
from review_app.report.model import (
    DEFAULT_WORST,
    CorpusReport,
    SegmentView,
    SystemReport,
    TermCount,
    finding_dict,
    flagged_order,
    histogram,
    is_glossary_check,
    term_of,
    worst_order,
)
from review_app.scoring.cache import ScoreCache
from review_app.scoring.export import scores_to_dict
from review_app.scoring.metrics import METRIC_IDS, MetricOptions
from review_app.scoring.results import CorpusScores, SystemScores, derive_metric_score
from review_app.scoring.significance import DEFAULT_BOOTSTRAP, sacrebleu_seed
from review_app.scoring.stats import MIN_PARALLEL_WORK, ProgressCallback, cached_stats

# Above this many segment x system pairs, or this many segments, a corpus is streamed (auto mode):
# WMT-sized test sets (2,000 segments x 20 systems) stay in memory with per-segment JSON; 100,000
# segments stream even for one system (in memory they take about 2 GB: per-segment statistics as
# Python objects, and workers holding the n-grams of 12,500-segment chunks).
STREAMING_THRESHOLD = 250_000
STREAMING_SEGMENTS = 20_000
TERM_EXAMPLES = 3
TOP_TERMS = 15


@dataclass
class ReportSettings:
    metric_ids: tuple[str, ...] = METRIC_IDS
    options: MetricOptions = field(default_factory=MetricOptions)
    cache: ScoreCache | None = None
    glossary: Any = None  # a loaded review_app.glossary Glossary
    checks: bool = True
    n_bootstrap: int = DEFAULT_BOOTSTRAP
    baseline: str | None = None
    worst: int = DEFAULT_WORST
    streaming: str = "auto"  # auto, on, off
    chunk_size: int | None = None  # segments per streamed chunk; None: see streaming.chunk_segments


# --- checks -------------------------------------------------------------------------------------


def checks_available() -> str | None:
    """None if ``review_app.checks`` can run, else why not."""
    try:
        from review_app.checks import run_checks  # noqa: F401
    except ImportError as exc:
        return f"QA checks unavailable ({exc})"
    return None


def run_corpus_checks(corpus: Corpus, settings: ReportSettings, progress: ProgressCallback | None = None) -> list[dict]:
    from review_app.checks import run_checks

    def checks_progress(done: int, total: int) -> None:
        progress(done, total, f"checks {corpus.name}")

    found = run_checks(corpus, settings.glossary, progress=checks_progress if progress else None)
    return [finding_dict(f) for f in found]


def findings_by_segment(findings: Iterable[dict]) -> dict[tuple[str, int], list[dict]]:
    grouped: dict[tuple[str, int], list[dict]] = {}
    for finding in findings:
        grouped.setdefault((str(finding.get("system")), int(finding.get("segment") or 0)), []).append(finding)
    return grouped


class FindingTally:
    """Counts findings per system and check, and the glossary terms most often wrong."""

    def __init__(self) -> None:
        self.by_check: dict[str, dict[str, int]] = {}
        self.by_severity: dict[str, dict[str, int]] = {}
        self.terms: dict[str, TermCount] = {}

    def add(self, findings: Iterable[dict]) -> None:
        for finding in findings:
            system = str(finding.get("system"))
            check = str(finding.get("check"))
            severity = str(finding.get("severity") or "")
            per_check = self.by_check.setdefault(system, {})
            per_check[check] = per_check.get(check, 0) + 1
            per_severity = self.by_severity.setdefault(system, {})
            per_severity[severity] = per_severity.get(severity, 0) + 1
            if is_glossary_check(check):
                term = term_of(finding)
                entry = self.terms.setdefault(term, TermCount(term))
                entry.count += 1
                entry.systems[system] = entry.systems.get(system, 0) + 1
                if len(entry.examples) < TERM_EXAMPLES:
                    entry.examples.append(finding)

    def apply(self, systems: Sequence[SystemReport]) -> list[TermCount]:
        for system in systems:
            system.findings_by_check = dict(sorted(self.by_check.get(system.name, {}).items()))
            system.findings_by_severity = dict(sorted(self.by_severity.get(system.name, {}).items()))
        return sorted(self.terms.values(), key=lambda t: (-t.count, t.term))[:TOP_TERMS]


# --- loading ------------------------------------------------------------------------------------


def corpus_size(path: str | os.PathLike) -> tuple[int, int] | None:
    """(segments, systems) of a corpus folder without reading it, or None if not a folder."""
    from review_app.report.streaming import corpus_files

    if not Path(path).is_dir():
        return None
    files = corpus_files(path)
    return files.count_lines(files.references[0]), len(files.systems)


def use_streaming(path: str | os.PathLike, settings: ReportSettings) -> bool:
    if settings.streaming == "off":
        return False
    size = corpus_size(path)
    if settings.streaming == "on":
        if size is None:
            raise InputError("streaming works on corpus folders only (not on one table file)", str(path))
        return True
    return size is not None and (size[0] * size[1] > STREAMING_THRESHOLD or size[0] > STREAMING_SEGMENTS)


def collect_corpus(
    path: str | os.PathLike,
    settings: ReportSettings,
    runner: Runner,
    progress: ProgressCallback | None = None,
) -> CorpusReport:
    if not Path(path).exists():
        raise InputError("corpus not found", str(path))
    if use_streaming(path, settings):
        from review_app.report.streaming import collect_streaming

        collected = collect_streaming(path, settings, runner, progress)
    else:
        collected = collect_in_memory(load_corpus(path), settings, runner, progress)
    try:
        finish(collected.report, collected.stats, settings, runner, progress)
    finally:
        collected.cleanup()
    return collected.report


StatsSource = Callable[[int, str], np.ndarray]


@dataclass
class Collected:
    """A corpus's report before the bootstrap, and where the bootstrap reads each system's statistics
    (float32, by system index and metric id)."""

    report: CorpusReport
    stats: StatsSource
    cleanup: Callable[[], None] = lambda: None


# --- in memory ----------------------------------------------------------------------------------


def score_in_memory(
    corpus: Corpus, settings: ReportSettings, runner: Runner, progress: ProgressCallback | None
) -> CorpusScores:
    """What ``score_corpus`` computes, with the report's executor (Dask or the local pool)."""
    metric_ids = settings.metric_ids
    references = [r.segments for r in corpus.references]
    stats = cached_stats(
        metric_ids, settings.options, [s.segments for s in corpus.systems], references,
        cache=settings.cache, jobs=runner.jobs, progress=progress, executor=runner.executor,
    )
    systems = tuple(
        SystemScores(
            name=system.name,
            metrics={m: derive_metric_score(m, settings.options, stats[m][i], len(references)) for m in metric_ids},
        )
        for i, system in enumerate(corpus.systems)
    )
    return CorpusScores(
        corpus_name=corpus.name, n_segments=len(corpus), n_references=len(references),
        metric_ids=tuple(metric_ids), options=settings.options, systems=systems,
    )


def collect_in_memory(
    corpus: Corpus, settings: ReportSettings, runner: Runner, progress: ProgressCallback | None = None
) -> Collected:
    result = score_in_memory(corpus, settings, runner, progress)
    checks_state, findings = "disabled", None
    if settings.checks:
        checks_state = checks_available() or "ran"
        if checks_state == "ran":
            findings = run_corpus_checks(corpus, settings, progress)
    by_segment = findings_by_segment(findings or ())
    chosen = segment_metric_id(settings.metric_ids)
    systems = []
    for system_scores, text in zip(result.systems, corpus.systems):
        metrics = system_scores.metrics
        report = SystemReport(
            name=system_scores.name,
            scores={m: metrics[m].corpus for m in result.metric_ids},
            signatures={m: metrics[m].signature for m in result.metric_ids},
            sentence_signatures={m: metrics[m].sentence_signature for m in result.metric_ids},
            verbose={m: metrics[m].verbose for m in result.metric_ids if metrics[m].verbose},
            histograms={m: histogram(metrics[m].sentences) for m in result.metric_ids},
        )

        def view(index: int) -> SegmentView:
            return SegmentView(
                segment=index + 1,
                mt=text.segments[index],
                references=corpus.refs_for(index),
                source=corpus.source.segments[index] if corpus.source else None,
                scores={m: metrics[m].sentences[index] for m in result.metric_ids},
                findings=by_segment.get((system_scores.name, index + 1), []),
            )

        report.worst = [view(i) for i in worst_order(chosen, np.asarray(metrics[chosen].sentences), settings.worst)]
        mine = {seg: found for (name, seg), found in by_segment.items() if name == system_scores.name}
        report.flagged = [view(seg - 1) for seg in flagged_order(mine, settings.worst)]
        systems.append(report)
    tally = FindingTally()
    tally.add(findings or ())
    terms = tally.apply(systems)
    names = result.metric_names()
    report = CorpusReport(
        name=corpus.name, origin=corpus.origin, n_segments=result.n_segments, n_references=result.n_references,
        metric_ids=result.metric_ids, metric_names=names, options=settings.options, systems=systems,
        reference_names=tuple(r.name for r in corpus.references), checks=checks_state, terms=terms, scores_dict=scores_to_dict(result), findings=findings,
    )
    return Collected(report, lambda i, m: as_float32(result.systems[i].metrics[m].stats))


def segment_metric_id(metric_ids: Sequence[str]) -> str:
    from review_app.report.model import segment_metric

    return segment_metric(metric_ids)


# --- bootstrap and paired tests -----------------------------------------------------------------


def finish(
    report: CorpusReport,
    stats_source: StatsSource,
    settings: ReportSettings,
    runner: Runner,
    progress: ProgressCallback | None,
) -> None:
    """Bootstrap intervals for every system and metric, then each system against the baseline."""
    report.n_bootstrap = settings.n_bootstrap
    report.seed = sacrebleu_seed()
    if settings.n_bootstrap > 0:
        keys = [(i, m) for i in range(len(report.systems)) for m in report.metric_ids]
        work = report.n_segments * len(report.systems)
        executor = runner.task_executor(work, MIN_PARALLEL_WORK)
        jobs = (
            BootstrapJob(m, settings.options, stats_source(i, m), settings.n_bootstrap, report.seed, key=(i, m))
            for i, m in keys
        )
        label = f"bootstrap {report.name}"
        if progress:
            progress(0, len(keys), label)
        for done, ((i, m), samples) in enumerate(ordered_map(executor, resample_scores, jobs, runner.window), 1):
            report.systems[i].samples[m] = samples
            report.systems[i].intervals[m] = interval(samples)
            if progress:
                progress(done, len(keys), label)
    choose_baseline(report, settings.baseline)
    if settings.n_bootstrap > 0 and report.baseline:
        base = report.system(report.baseline)
        for system in report.systems:
            if system.name == report.baseline:
                continue
            for m in report.metric_ids:
                p = paired_p_value(system.samples[m], base.samples[m], system.scores[m], base.scores[m])
                report.paired.append(Paired(system.name, base.name, m, system.scores[m], base.scores[m], p))


def choose_baseline(report: CorpusReport, wanted: str | None) -> None:
    names = [s.name for s in report.systems]
    if wanted and wanted in names:
        report.baseline = wanted
        return
    if wanted:
        report.notes.append(f"baseline {wanted!r} is not in this corpus; compared against the best system instead")
    report.baseline = report.ranking()[0].name if len(names) > 1 else None
