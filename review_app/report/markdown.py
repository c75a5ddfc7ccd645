"""The report as Markdown for a pull-request comment: compact, one table per corpus."""

from __future__ import annotations

from review_app.report.model import CorpusReport, Report
from review_app.scoring.export import escape_markdown_cell
from review_app.scoring.metrics import SACREBLEU_VERSION

ARROWS = {"better": "▲", "worse": "▼", "same": "="}
TOP_TERMS = 5


def cell(text: object) -> str:
    return escape_markdown_cell(str(text))


def signed(value: float, width: int = 2) -> str:
    return f"{value:+.{width}f}".replace("-", "−")


def metric_cell(corpus: CorpusReport, system, metric_id: str) -> str:
    text = f"{system.scores[metric_id]:.2f}"
    interval = system.intervals.get(metric_id)
    if interval:
        text += f" ±{interval.ci:.2f}"
    change = corpus.comparison.change(system.name, metric_id) if corpus.comparison else None
    if change:
        text += f" {ARROWS[change.direction]}{signed(change.delta) if change.direction != 'same' else ''}"
        if change.signature_changed:
            text += "‡"
    return text


def corpus_markdown(corpus: CorpusReport) -> list[str]:
    names = corpus.metric_names
    primary = corpus.primary
    out = [
        f"### {cell(corpus.name)}",
        "",
        f"{corpus.n_segments:,} segments · {corpus.n_references} reference(s) · {len(corpus.systems)} system(s)"
        + (f" · baseline **{cell(corpus.baseline)}**" if corpus.baseline else ""),
        "",
    ]
    columns = ["#", "System", *(names[m] for m in corpus.metric_ids)]
    if corpus.paired:
        columns.append(f"Δ{names[primary]} vs baseline")
    if corpus.checks == "ran":
        columns.append("Findings")
    out.append("| " + " | ".join(cell(c) for c in columns) + " |")
    out.append("|" + "|".join(["---:", "---", *["---:"] * (len(columns) - 2)]) + "|")
    for rank, system in enumerate(corpus.ranking(), 1):
        row = [str(rank), cell(system.name) + (" (baseline)" if system.name == corpus.baseline else "")]
        row += [cell(metric_cell(corpus, system, m)) for m in corpus.metric_ids]
        if corpus.paired:
            paired = corpus.paired_for(system.name, primary)
            row.append(f"{signed(paired.delta)}{'*' if paired.significant else ''}" if paired else "—")
        if corpus.checks == "ran":
            text = str(system.findings_total)
            change = corpus.comparison.findings_change(system.name) if corpus.comparison else None
            if change and change.delta:
                text += f" {ARROWS[change.direction]}{change.delta:+d}"
            row.append(text)
        out.append("| " + " | ".join(row) + " |")
    notes = []
    if any(s.intervals for s in corpus.systems):
        notes.append(f"±: 95% bootstrap interval ({corpus.n_bootstrap} resamples)")
    if corpus.paired:
        notes.append("*: significant at p < 0.05 (paired bootstrap)")
    if corpus.comparison is not None:
        if corpus.comparison.found:
            notes.append("▲/▼: better/worse than the previous run")
            if any(c.signature_changed for c in corpus.comparison.changes):
                notes.append("‡: signature changed since the previous run")
            if corpus.comparison.new_systems:
                notes.append("new: " + ", ".join(cell(s) for s in corpus.comparison.new_systems))
            if corpus.comparison.removed_systems:
                notes.append("gone: " + ", ".join(cell(s) for s in corpus.comparison.removed_systems))
        else:
            notes.append("not in the previous run")
    if notes:
        out += ["", "<sub>" + " · ".join(notes) + "</sub>"]
    if corpus.checks == "ran":
        checks = corpus.checks_in_order()
        if checks:
            totals = [f"{cell(c)} {sum(s.findings_by_check.get(c, 0) for s in corpus.systems)}" for c in checks]
            out += ["", "**Findings by check:** " + " · ".join(totals)]
        if corpus.terms:
            terms = [f"{cell(t.term)} ({t.count})" for t in corpus.terms[:TOP_TERMS]]
            out += ["", "**Glossary terms most often wrong:** " + ", ".join(terms)]
    elif corpus.checks != "disabled":
        out += ["", f"_Checks did not run: {cell(corpus.checks)}_"]
    out += ["", "<details><summary>Signatures</summary>", ""]
    for m in corpus.metric_ids:
        for sig in sorted({s.signatures[m] for s in corpus.systems}):
            out.append(f"- {names[m]}: `{sig.replace('`', '')}`")
    out += ["", "</details>", ""]
    return out


def to_markdown(report: Report) -> str:
    out = ["## Translation quality report", ""]
    gate = report.gate
    if gate is not None and gate.conditions:
        if gate.passed:
            out.append(f"**Gate passed** ({len(gate.conditions)} condition(s))")
        else:
            out.append(f"**Gate failed:** {len(gate.failures)} failure(s)")
            out.append("")
            out += [f"- {cell(f.message)}" for f in gate.failures]
        out.append("")
    for corpus in report.corpora:
        out += corpus_markdown(corpus)
    footer = f"<sub>review_app report · sacrebleu {SACREBLEU_VERSION} · {report.generated}"
    if report.compare_to:
        footer += f" · compared to {cell(report.compare_to)}"
    out.append(footer + "</sub>")
    return "\n".join(out) + "\n"
