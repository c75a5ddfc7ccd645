"""What a report holds: per corpus, per system, the scores, intervals, distributions and findings.

Both ways of collecting it (:mod:`review_app.report.collect` for corpora that fit in memory,
:mod:`review_app.report.streaming` for huge ones) fill these same classes, and every renderer
(HTML, Markdown, CSV, JSON) reads only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from review_app.report.bootstrap import Interval, Paired
from review_app.scoring.metrics import LOWER_IS_BETTER, MetricOptions

# Sentence-score histograms: 20 bins of 5 points from 0 to 100; scores of 100 and over (TER can
# exceed 100) go in the last bin.
BIN_WIDTH = 5.0
N_BINS = 20
DEFAULT_WORST = 8


def histogram(scores: Sequence[float] | np.ndarray) -> list[int]:
    values = np.asarray(scores, dtype=float)
    if values.size == 0:
        return [0] * N_BINS
    bins = np.clip(np.floor(values / BIN_WIDTH), 0, N_BINS - 1).astype(int)
    return np.bincount(bins, minlength=N_BINS).tolist()


def better(metric_id: str, a: float, b: float) -> bool:
    """True if score ``a`` is better than ``b`` on this metric."""
    return a < b if metric_id in LOWER_IS_BETTER else a > b


def segment_metric(metric_ids: Sequence[str]) -> str:
    """The sentence-level metric that picks a system's worst segments (chrF is steadier than
    sentence BLEU on single segments)."""
    for candidate in ("chrf", "chrf++", "bleu", "ter"):
        if candidate in metric_ids:
            return candidate
    return metric_ids[0]


def worst_order(metric_id: str, scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` worst sentence scores, ties by segment order (stable)."""
    values = np.asarray(scores, dtype=float)
    keyed = -values if metric_id in LOWER_IS_BETTER else values
    return np.argsort(keyed, kind="stable")[:k].tolist()


def finding_dict(finding: Any) -> dict:
    if isinstance(finding, dict):
        return dict(finding)
    if hasattr(finding, "to_dict"):
        return finding.to_dict()
    return dict(vars(finding))


SEVERITY_WEIGHTS = {"critical": 4, "fatal": 4, "error": 3, "major": 3, "warning": 2, "warn": 2, "minor": 1}


def findings_weight(findings: Sequence[dict]) -> int:
    """How bad a segment's findings are together: errors count 3, warnings 2, anything else 1."""
    return sum(SEVERITY_WEIGHTS.get(str(f.get("severity") or "").lower(), 1) for f in findings)


def flagged_order(by_segment: dict[int, list[dict]], k: int) -> list[int]:
    """The ``k`` segments (1-based) with the heaviest findings; ties by segment order."""
    return sorted(by_segment, key=lambda seg: (-findings_weight(by_segment[seg]), seg))[:k]


def is_glossary_check(check: str) -> bool:
    return str(check).lower().startswith(("glossary", "term"))


def term_of(finding: dict) -> str:
    """The glossary term a glossary finding is about: the approved form it suggests, else the text."""
    return str(finding.get("suggestion") or finding.get("text") or finding.get("message") or "?")


@dataclass
class SegmentView:
    """One segment of one system, as the report lists it: texts side by side and its findings."""

    segment: int  # 1-based
    mt: str
    references: tuple[str, ...]
    source: str | None
    scores: dict[str, float]  # sentence scores by metric id
    findings: list[dict] = field(default_factory=list)


@dataclass
class SystemReport:
    name: str
    scores: dict[str, float]  # corpus scores by metric id
    signatures: dict[str, str]
    sentence_signatures: dict[str, str]
    verbose: dict[str, str]
    histograms: dict[str, list[int]]
    intervals: dict[str, Interval] = field(default_factory=dict)
    findings_by_check: dict[str, int] = field(default_factory=dict)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    worst: list[SegmentView] = field(default_factory=list)
    flagged: list[SegmentView] = field(default_factory=list)  # the most flagged segments
    samples: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # bootstrap scores

    @property
    def findings_total(self) -> int:
        return sum(self.findings_by_check.values())


@dataclass
class TermCount:
    term: str
    count: int = 0
    systems: dict[str, int] = field(default_factory=dict)
    examples: list[dict] = field(default_factory=list)  # a few findings, for context


@dataclass
class CorpusReport:
    name: str
    origin: str | None
    n_segments: int
    n_references: int
    metric_ids: tuple[str, ...]
    metric_names: dict[str, str]
    options: MetricOptions
    systems: list[SystemReport]  # in corpus order
    reference_names: tuple[str, ...] = ()
    streaming: bool = False
    checks: str = "ran"  # "ran", "disabled", or why they did not run
    n_bootstrap: int = 0
    seed: int | None = None
    baseline: str | None = None
    paired: list[Paired] = field(default_factory=list)
    terms: list[TermCount] = field(default_factory=list)  # most often wrong first
    scores_dict: dict = field(default_factory=dict)  # scores_to_dict(...) or its streaming equivalent
    findings: list[dict] | None = None  # every finding (in-memory mode)
    notes: list[str] = field(default_factory=list)
    comparison: Any = None  # review_app.report.compare.CorpusComparison, once compared

    @property
    def primary(self) -> str:
        return self.metric_ids[0]

    @property
    def segment_metric(self) -> str:
        return segment_metric(self.metric_ids)

    def system(self, name: str) -> SystemReport:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def ranking(self) -> list[SystemReport]:
        """Best first on the primary metric (the first of --metrics); ties keep corpus order."""
        metric = self.primary
        sign = 1 if metric in LOWER_IS_BETTER else -1
        return sorted(self.systems, key=lambda s: sign * s.scores[metric])

    def paired_for(self, system: str, metric_id: str) -> Paired | None:
        for paired in self.paired:
            if paired.system == system and paired.metric_id == metric_id:
                return paired
        return None

    def checks_in_order(self) -> list[str]:
        totals: dict[str, int] = {}
        for system in self.systems:
            for check, count in system.findings_by_check.items():
                totals[check] = totals.get(check, 0) + count
        return sorted(totals, key=lambda c: (-totals[c], c))


@dataclass
class Report:
    corpora: list[CorpusReport]
    generated: str
    settings: dict = field(default_factory=dict)
    gate: Any = None  # review_app.report.gate.GateResult
    compare_to: str | None = None
