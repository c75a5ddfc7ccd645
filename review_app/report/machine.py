"""The report for machines: JSON (``scores_to_dict`` per corpus plus intervals, significance,
findings and the comparison) and CSV (one row per corpus and system; one per system and check)."""

from __future__ import annotations

import json
import math
from typing import Any

from review_app import __version__
from review_app.report.model import BIN_WIDTH, N_BINS, CorpusReport, Report
from review_app.scoring.export import rows_to_csv
from review_app.scoring.metrics import SACREBLEU_VERSION
from review_app.scoring.significance import SIGNIFICANCE_LEVEL


def clean(value: Any) -> Any:
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def corpus_to_dict(corpus: CorpusReport) -> dict:
    names = corpus.metric_names
    data = dict(corpus.scores_dict)
    data["streaming"] = corpus.streaming
    data["primary_metric"] = names[corpus.primary]
    data["ranking"] = [s.name for s in corpus.ranking()]
    data["confidence_intervals"] = {
        s.name: {names[m]: {"mean": iv.mean, "ci": iv.ci, "low": iv.low, "high": iv.high} for m, iv in s.intervals.items()}
        for s in corpus.systems if s.intervals
    }
    data["significance"] = {
        "test": "paired bootstrap resampling (sacrebleu --paired-bs)",
        "baseline": corpus.baseline,
        "n_samples": corpus.n_bootstrap,
        "seed": corpus.seed,
        "level": SIGNIFICANCE_LEVEL,
        "tests": [
            {"system": p.system, "metric": names[p.metric_id], "score": p.score, "baseline_score": p.baseline_score,
             "delta": p.delta, "p_value": p.p_value, "significant": p.significant}
            for p in corpus.paired
        ],
    }
    data["distributions"] = {
        "bins": [i * BIN_WIDTH for i in range(N_BINS)],
        "bin_width": BIN_WIDTH,
        "systems": {s.name: {names[m]: h for m, h in s.histograms.items()} for s in corpus.systems},
    }
    data["findings_summary"] = {
        "checks": corpus.checks,
        "total": sum(s.findings_total for s in corpus.systems),
        "by_system": {
            s.name: {"total": s.findings_total, "by_check": s.findings_by_check, "by_severity": s.findings_by_severity}
            for s in corpus.systems
        },
        "by_check": {
            check: sum(s.findings_by_check.get(check, 0) for s in corpus.systems) for check in corpus.checks_in_order()
        },
        "terms": [{"term": t.term, "count": t.count, "systems": t.systems} for t in corpus.terms],
    }
    data["worst_segments"] = {
        "metric": names[corpus.segment_metric],
        "systems": {
            s.name: [{"segment": v.segment, "scores": {names[m]: x for m, x in v.scores.items()}} for v in s.worst]
            for s in corpus.systems
        },
    }
    if corpus.findings is not None:
        data["findings"] = corpus.findings
    if corpus.comparison is not None:
        data["comparison"] = corpus.comparison.to_dict()
    if corpus.notes:
        data["notes"] = corpus.notes
    return data


def report_to_dict(report: Report) -> dict:
    data = {
        "tool": "review_app report",
        "version": __version__,
        "sacrebleu": SACREBLEU_VERSION,
        "generated": report.generated,
        "settings": report.settings,
        "corpora": [corpus_to_dict(c) for c in report.corpora],
    }
    if report.compare_to:
        data["compared_to"] = report.compare_to
    if report.gate is not None:
        data["gate"] = report.gate.to_dict()
    return clean(data)


def to_json(report: Report) -> str:
    return json.dumps(report_to_dict(report), ensure_ascii=False, indent=1)


def scores_csv(report: Report) -> str:
    """One row per corpus and system: rank, every metric with its interval, the paired test against
    the baseline, the change since OLD.json, and the number of findings."""
    columns = ["corpus", "rank", "system", "baseline"]
    metric_columns: list[str] = []
    for corpus in report.corpora:
        for m in corpus.metric_ids:
            name = corpus.metric_names[m]
            for column in (name, f"{name} ci_low", f"{name} ci_high", f"{name} delta_vs_baseline",
                           f"{name} p_value", f"{name} change"):
                if column not in metric_columns:
                    metric_columns.append(column)
    columns += metric_columns + ["findings", "findings change"]
    rows = []
    for corpus in report.corpora:
        for rank, system in enumerate(corpus.ranking(), 1):
            row: dict[str, Any] = {"corpus": corpus.name, "rank": rank, "system": system.name,
                                   "baseline": "yes" if system.name == corpus.baseline else ""}
            for m in corpus.metric_ids:
                name = corpus.metric_names[m]
                row[name] = system.scores[m]
                if m in system.intervals:
                    row[f"{name} ci_low"] = system.intervals[m].low
                    row[f"{name} ci_high"] = system.intervals[m].high
                paired = corpus.paired_for(system.name, m)
                if paired:
                    row[f"{name} delta_vs_baseline"] = paired.delta
                    row[f"{name} p_value"] = paired.p_value
                change = corpus.comparison.change(system.name, m) if corpus.comparison else None
                if change:
                    row[f"{name} change"] = change.delta
            row["findings"] = system.findings_total if corpus.checks == "ran" else ""
            findings_change = corpus.comparison.findings_change(system.name) if corpus.comparison else None
            if findings_change:
                row["findings change"] = findings_change.delta
            rows.append(row)
    return rows_to_csv(rows, columns)


def findings_csv(report: Report) -> str:
    """One row per corpus, system and check that found something."""
    rows = []
    for corpus in report.corpora:
        for system in corpus.systems:
            for check, count in system.findings_by_check.items():
                rows.append({"corpus": corpus.name, "system": system.name, "check": check, "count": count})
    return rows_to_csv(rows, ["corpus", "system", "check", "count"])
