"""Tables and chart data for the corpus summary. Pure (no Streamlit): numbers come from the core."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from review_app.highlight import SEVERITY_ORDER, normalise_severity
from review_app.scoring.export import system_rows
from review_app.scoring.metrics import LOWER_IS_BETTER, METRIC_IDS, MetricOptions, metric_name
from review_app.scoring.results import CorpusScores
from review_app.segment_table import finding_field


def metric_names(options: MetricOptions = MetricOptions(), metric_ids: Sequence[str] = METRIC_IDS) -> dict[str, str]:
    return {m: metric_name(m, options) for m in metric_ids}


def system_table(
    scores: CorpusScores,
    findings: Iterable[Any] | None = None,
    *,
    system_order: Sequence[str] | None = None,
    all_metrics: Sequence[str] = METRIC_IDS,
) -> pd.DataFrame:
    """One row per system: corpus score per metric (display names; None for a metric still being
    computed) and the number of findings. Rows in ``system_order`` (corpus order by default)."""
    names = metric_names(scores.options, all_metrics)
    rows = {row["system"]: row for row in system_rows(scores)}
    counts = Counter(str(finding_field(f, "system")) for f in findings or ())
    order = list(system_order or [s.name for s in scores.systems])
    out = []
    for system in order:
        row = rows.get(system, {})
        record: dict[str, Any] = {"system": system}
        for metric_id in all_metrics:
            record[names[metric_id]] = row.get(names[metric_id])
        record["findings"] = counts.get(system, 0)
        out.append(record)
    frame = pd.DataFrame(out, columns=["system", *names.values(), "findings"])
    for name in names.values():
        frame[name] = frame[name].astype("float64")
    return frame


def rank_systems(frame: pd.DataFrame, metric_id: str, options: MetricOptions = MetricOptions()) -> pd.DataFrame:
    """Best system first by ``metric_id`` (lowest TER, highest otherwise)."""
    column = metric_name(metric_id, options)
    return frame.sort_values(column, ascending=metric_id in LOWER_IS_BETTER, kind="stable", na_position="last").reset_index(drop=True)


BOX_COLUMNS = ["system", "lower", "q1", "median", "q3", "upper", "segments"]


def box_stats(data: pd.DataFrame, value: str = "score", group: str = "system") -> pd.DataFrame:
    """What a box plot of ``value`` per ``group`` draws, computed here so the page sends one row per
    system instead of every segment (33,750 rows for WMT22, which every browser had to aggregate):
    quartiles with linear interpolation (Vega-Lite's ``boxplot``), whiskers at the furthest value
    within 1.5 IQR of the box, the number of scored segments. Unscored (NaN) values are left out."""
    rows = []
    for name, values in data.groupby(group, sort=False)[value]:
        scored = values.dropna().to_numpy(dtype="float64")
        if not len(scored):
            continue
        q1, median, q3 = np.quantile(scored, [0.25, 0.5, 0.75])
        reach = 1.5 * (q3 - q1)
        rows.append({
            "system": name, "q1": q1, "median": median, "q3": q3, "segments": len(scored),
            "lower": scored[scored >= q1 - reach].min(), "upper": scored[scored <= q3 + reach].max(),
        })
    return pd.DataFrame(rows, columns=BOX_COLUMNS)


def findings_by_check(findings: Iterable[Any] | None) -> pd.DataFrame:
    """How many findings each check raised, per severity (long format: check, severity, count)."""
    counts = Counter(
        (str(finding_field(f, "check")), normalise_severity(finding_field(f, "severity"))) for f in findings or ()
    )
    rows = [{"check": c, "severity": s, "count": n} for (c, s), n in counts.items()]
    frame = pd.DataFrame(rows, columns=["check", "severity", "count"])
    if frame.empty:
        return frame.astype({"count": "int64"})
    frame["rank"] = frame["severity"].map(SEVERITY_ORDER.index)
    totals = frame.groupby("check")["count"].transform("sum")
    frame = frame.assign(total=totals).sort_values(["total", "check", "rank"], ascending=[False, True, True])
    return frame.drop(columns=["rank", "total"]).reset_index(drop=True)


def check_totals(findings: Iterable[Any] | None) -> pd.DataFrame:
    """One row per check: total and per-severity counts, most findings first."""
    long = findings_by_check(findings)
    if long.empty:
        return pd.DataFrame(columns=["check", "findings", *SEVERITY_ORDER])
    wide = long.pivot_table(index="check", columns="severity", values="count", aggfunc="sum", fill_value=0)
    for severity in SEVERITY_ORDER:
        if severity not in wide.columns:
            wide[severity] = 0
    wide = wide[list(SEVERITY_ORDER)].astype("int64")
    wide.insert(0, "findings", wide.sum(axis=1))
    wide = wide.reset_index().sort_values(["findings", "check"], ascending=[False, True], kind="stable")
    wide.columns.name = None
    return wide.reset_index(drop=True)


def significance_table(results: Sequence[Any], metric_id: str, options: MetricOptions = MetricOptions()) -> pd.DataFrame:
    """The paired bootstrap results (``PairedResult``) for one metric: score, difference to the baseline
    (positive = better, also for TER), the bootstrap mean ± 95% interval, p-value, significant."""
    rows = []
    lower_better = metric_id in LOWER_IS_BETTER
    for r in results:
        if r.metric_id != metric_id:
            continue
        delta = r.score - r.baseline_score
        rows.append(
            {
                "system": r.system,
                metric_name(metric_id, options): r.score,
                "Δ vs baseline": delta,
                "better": (delta < 0) if lower_better else (delta > 0),
                "mean": r.mean,
                "± 95% CI": r.ci,
                "p-value": r.p_value,
                "significant": bool(r.significant),
            }
        )
    columns = ["system", metric_name(metric_id, options), "Δ vs baseline", "better", "mean", "± 95% CI", "p-value", "significant"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame = frame.sort_values("Δ vs baseline", ascending=lower_better, kind="stable").reset_index(drop=True)
    return frame
