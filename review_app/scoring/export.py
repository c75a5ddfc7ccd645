"""The one way scores leave the program: a plain dict (JSON), rows (CSV), and readable tables.

The CLI, the app's downloads and the batch reports all go through these functions.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from review_app.safety import FORMULA_TRIGGERS, csv_text, neutralise_cell  # noqa: F401  (neutralise_cell re-exported)
from review_app.scoring.results import CorpusScores

SPREADSHEET_TRIGGERS = FORMULA_TRIGGERS


def scores_to_dict(result: CorpusScores, findings: Iterable[Any] | None = None) -> dict:
    names = result.metric_names()
    data: dict[str, Any] = {
        "corpus": result.corpus_name,
        "n_segments": result.n_segments,
        "n_references": result.n_references,
        "metrics": [names[m] for m in result.metric_ids],
        "systems": [
            {
                "name": system.name,
                "scores": {names[m]: system.metrics[m].corpus for m in result.metric_ids},
                "signatures": {names[m]: system.metrics[m].signature for m in result.metric_ids},
                "sentence_signatures": {names[m]: system.metrics[m].sentence_signature for m in result.metric_ids},
                "verbose": {names[m]: system.metrics[m].verbose for m in result.metric_ids if system.metrics[m].verbose},
            }
            for system in result.systems
        ],
        "segments": segment_rows(result),
    }
    if findings is not None:
        data["findings"] = [f.to_dict() if hasattr(f, "to_dict") else dict(f) for f in findings]
    return data


def segment_rows(result: CorpusScores) -> list[dict]:
    names = result.metric_names()
    rows = []
    for system in result.systems:
        columns = [(names[m], system.metrics[m].sentences) for m in result.metric_ids]
        for index in range(result.n_segments):
            row: dict[str, Any] = {"system": system.name, "segment": index + 1}
            for name, values in columns:
                row[name] = values[index]
            rows.append(row)
    return rows


def system_rows(result: CorpusScores) -> list[dict]:
    names = result.metric_names()
    return [
        {"system": s.name, **{names[m]: s.metrics[m].corpus for m in result.metric_ids}}
        for s in result.systems
    ]


def rows_to_csv(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    """Rows as CSV, text cells neutralised against spreadsheet formulas (:func:`review_app.safety.csv_text`)."""
    columns = list(columns or (rows[0].keys() if rows else []))
    return csv_text([columns, *([row.get(k, "") for k in columns] for row in rows)])


def format_number(value: Any, width: int = 2) -> str:
    return f"{value:.{width}f}" if isinstance(value, float) else str(value)


def text_table(rows: Sequence[dict], columns: Sequence[str], width: int = 2) -> str:
    cells = [[format_number(row.get(c, ""), width) for c in columns] for row in rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    numeric = [all(isinstance(row.get(c), (int, float)) for row in rows) for c in columns]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(columns), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def escape_markdown_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def markdown_table(rows: Sequence[dict], columns: Sequence[str], width: int = 2) -> str:
    numeric = [all(isinstance(row.get(c), (int, float)) for row in rows) for c in columns]
    out = ["| " + " | ".join(escape_markdown_cell(c) for c in columns) + " |"]
    out.append("|" + "|".join("---:" if num else "---" for num in numeric) + "|")
    for row in rows:
        out.append("| " + " | ".join(escape_markdown_cell(format_number(row.get(c, ""), width)) for c in columns) + " |")
    return "\n".join(out)


def signature_lines(result: CorpusScores) -> list[str]:
    names = result.metric_names()
    first = result.systems[0]
    return [f"{names[m]}: {first.metrics[m].signature}" for m in result.metric_ids]
