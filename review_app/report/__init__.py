"""Batch scoring reports: every system of every corpus scored, checked, ranked and written as
HTML, Markdown, CSV and JSON, with a CI gate and a comparison to a previous run.

:func:`build_report` collects; :func:`write_report` renders and writes. The ``report`` command
(:mod:`review_app.cli.report`) is a thin layer over both.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import asdict
from pathlib import Path
from typing import Sequence

from review_app.report.collect import ReportSettings, collect_corpus
from review_app.report.compare import compare, load_previous
from review_app.report.executors import Runner, open_runner
from review_app.report.gate import Condition, GateResult, evaluate, parse_conditions
from review_app.report.model import CorpusReport, Report
from review_app.scoring.stats import ProgressCallback
from review_app.textio import atomic_write_text

FORMATS = ("html", "markdown", "csv", "json")
FILE_NAMES = {
    "html": ("report.html",),
    "markdown": ("report.md",),
    "csv": ("scores.csv", "findings.csv"),
    "json": ("report.json",),
}


def settings_dict(settings: ReportSettings, glossary_path: str | None = None) -> dict:
    from review_app.scoring.metrics import metric_name

    return {
        "metrics": [metric_name(m, settings.options) for m in settings.metric_ids],
        "options": asdict(settings.options),
        "bootstrap": settings.n_bootstrap,
        "baseline": settings.baseline,
        "checks": settings.checks,
        "glossary": glossary_path,
        "worst_segments": settings.worst,
    }


def build_report(
    paths: Sequence[str | os.PathLike],
    settings: ReportSettings,
    runner: Runner,
    *,
    conditions: Sequence[Condition] = (),
    compare_to: str | None = None,
    glossary_path: str | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    previous = load_previous(compare_to) if compare_to else None
    corpora: list[CorpusReport] = []
    for path in paths:
        corpus = collect_corpus(path, settings, runner, progress)
        if previous is not None:
            corpus.comparison = compare(corpus, previous)
        corpora.append(corpus)
    report = Report(
        corpora=corpora,
        generated=_dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        settings=settings_dict(settings, glossary_path),
        compare_to=compare_to,
    )
    report.gate = evaluate(conditions, corpora) if conditions else None
    return report


def render(report: Report, fmt: str) -> dict[str, str]:
    """{file name: content} for one format."""
    if fmt == "html":
        from review_app.report.html import to_html

        return {"report.html": to_html(report)}
    if fmt == "markdown":
        from review_app.report.markdown import to_markdown

        return {"report.md": to_markdown(report)}
    if fmt == "csv":
        from review_app.report.machine import findings_csv, scores_csv

        return {"scores.csv": scores_csv(report), "findings.csv": findings_csv(report)}
    if fmt == "json":
        from review_app.report.machine import to_json

        return {"report.json": to_json(report) + "\n"}
    raise ValueError(f"unknown format {fmt!r}")


def write_report(report: Report, out_dir: str | os.PathLike, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Render every format and write each file atomically into ``out_dir``."""
    written = []
    for fmt in dict.fromkeys(formats):
        for name, content in render(report, fmt).items():
            path = Path(out_dir) / name
            atomic_write_text(path, content)
            written.append(path)
    return written


__all__ = [
    "FORMATS",
    "Condition",
    "GateResult",
    "Report",
    "ReportSettings",
    "Runner",
    "build_report",
    "open_runner",
    "parse_conditions",
    "render",
    "write_report",
]
