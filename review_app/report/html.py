"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, no network.

Every piece of corpus text (segments, system and corpus names, findings, glossary terms) goes
through :func:`html.escape` (or :func:`review_app.highlight.highlight_html`, which escapes too); a
Content-Security-Policy forbids scripts and any request, in case a future change forgets.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Sequence

from review_app import __version__
from review_app.report.model import BIN_WIDTH, CorpusReport, Report, SegmentView
from review_app.report.svg import IntervalRow, histogram_svg, interval_chart
from review_app.scoring.metrics import LOWER_IS_BETTER, SACREBLEU_VERSION

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
ARROWS = {"better": "▲", "worse": "▼", "same": "="}

BASE_CSS = """
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --soft:#f8fafc; --accent:#2563eb; --good:#047857;
        --bad:#b91c1c; --warn:#b45309; --base:#d97706; }
* { box-sizing: border-box; }
body { margin:0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
header.top { background: #0f172a; color: #f8fafc; padding: 22px 32px 18px; }
header.top h1 { margin: 0 0 4px; font-size: 22px; font-weight: 650; letter-spacing: -.01em; }
header.top .meta { color: #cbd5e1; font-size: 13px; }
header.top .meta code { color: #e2e8f0; }
nav.toc { padding: 10px 32px; border-bottom: 1px solid var(--line); background: var(--soft); font-size: 13px; }
nav.toc a { margin-right: 16px; color: var(--accent); text-decoration: none; }
main { padding: 8px 32px 40px; max-width: 1400px; }
section.corpus { margin-top: 28px; border-top: 3px solid var(--ink); padding-top: 6px; }
h2 { font-size: 20px; margin: 8px 0 2px; }
h3 { font-size: 15px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h4 { font-size: 13px; margin: 14px 0 6px; }
p.meta, .muted { color: var(--muted); }
p.meta { margin: 0 0 8px; }
p.note { background: #fffbeb; border-left: 3px solid var(--warn); padding: 6px 10px; margin: 8px 0; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 5px 9px; border-bottom: 1px solid var(--line); vertical-align: top; text-align: left; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.baseline td { background: #fff7ed; }
.pm { color: var(--muted); font-size: 11px; margin-left: 3px; }
.badge { display:inline-block; font-size: 11px; padding: 0 6px; border-radius: 9px; background: #fde68a; color:#78350f;
         margin-left: 6px; vertical-align: 1px; }
.better { color: var(--good); } .worse { color: var(--bad); } .same { color: var(--muted); }
.sig { font-weight: 600; } .ns { color: var(--muted); }
.delta { font-size: 11px; margin-left: 4px; white-space: nowrap; }
.gate { margin: 18px 0 0; padding: 12px 16px; border-radius: 6px; font-size: 14px; }
.gate.pass { background: #ecfdf5; border: 1px solid #a7f3d0; }
.gate.fail { background: #fef2f2; border: 1px solid #fecaca; }
.gate ul { margin: 6px 0 0; padding-left: 20px; }
.scroll { overflow-x: auto; max-width: 100%; }
.charts { display: flex; flex-wrap: wrap; gap: 18px 28px; }
svg.chart, svg.spark { display: block; max-width: 100%; height: auto; }
td.heat { text-align: right; font-variant-numeric: tabular-nums; }
.seg-table { width: 100%; table-layout: fixed; }
.seg-table td { font-size: 13px; }
.seg-table th.n, .seg-table td.n { width: 70px; }
.seg-table th.s, .seg-table td.s { width: 120px; }
.seg-table .ref { color: #334155; }
.seg-table .src { color: #475569; }
.seg-table .refname { display:block; color: var(--muted); font-size: 11px; }
details { margin: 6px 0; }
details > summary { cursor: pointer; font-weight: 600; padding: 4px 0; }
code.sig-line { display: block; font-size: 12px; color: #334155; padding: 2px 0; overflow-wrap: anywhere; }
footer { color: var(--muted); font-size: 12px; padding: 16px 32px 28px; border-top: 1px solid var(--line); }
@media print { nav.toc { display: none; } details { display: block; } header.top { background: none; color: var(--ink); } }
"""

FALLBACK_HIGHLIGHT_CSS = ".seg { white-space: pre-wrap; overflow-wrap: anywhere; }"


def highlight_css() -> str:
    try:
        from review_app.highlight import HIGHLIGHT_CSS
    except ImportError:
        return FALLBACK_HIGHLIGHT_CSS
    return HIGHLIGHT_CSS


def highlighted(text: str, findings: Sequence[dict]) -> str:
    """The MT with its findings marked, by the project's highlighter (escaped either way)."""
    try:
        from review_app.highlight import highlight_html
    except ImportError:
        return escape(text)
    return highlight_html(text, findings)


def findings_list(findings: Sequence[dict]) -> str:
    try:
        from review_app.highlight import findings_list_html
    except ImportError:
        return "<ul>" + "".join(
            f"<li>{escape(str(f.get('check')))}: {escape(str(f.get('message') or ''))}</li>" for f in findings
        ) + "</ul>" if findings else ""
    return findings_list_html(findings)


def e(value: Any) -> str:
    return escape(str(value), quote=True)


def anchor(prefix: str, index: int, name: str) -> str:
    return f"{prefix}-{index}-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "x")


def signed(value: float, width: int = 2) -> str:
    return f"{value:+.{width}f}".replace("-", "−")


def change_html(change) -> str:
    if change is None:
        return ""
    text = ARROWS[change.direction] + ("" if change.direction == "same" else signed(change.delta))
    title = f"previous run: {change.old:.2f}" + (" (signature changed)" if getattr(change, "signature_changed", False) else "")
    mark = "‡" if getattr(change, "signature_changed", False) else ""
    return f'<span class="delta {change.direction}" title="{e(title)}">{e(text)}{mark}</span>'


# --- sections -----------------------------------------------------------------------------------


def gate_html(report: Report) -> str:
    gate = report.gate
    if gate is None or not gate.conditions:
        return ""
    if gate.passed:
        return (f'<div class="gate pass"><strong>Gate passed</strong> — {len(gate.conditions)} condition(s): '
                + ", ".join(f"<code>{e(c.option)}</code>" for c in gate.conditions) + "</div>")
    items = "".join(f"<li>{e(f.message)}</li>" for f in gate.failures)
    return f'<div class="gate fail"><strong>Gate failed</strong> — {len(gate.failures)} failure(s)<ul>{items}</ul></div>'


def ranking_html(corpus: CorpusReport) -> str:
    names = corpus.metric_names
    primary = corpus.primary
    head = ['<th class="num">#</th>', "<th>System</th>"]
    head += [f'<th class="num">{e(names[m])}{" ↓" if m in LOWER_IS_BETTER else ""}</th>' for m in corpus.metric_ids]
    if corpus.paired:
        head.append(f'<th class="num" title="difference to the baseline; p-value of the paired bootstrap test">'
                    f"Δ{e(names[primary])} vs baseline</th><th class=\"num\">p</th>")
    if corpus.checks == "ran":
        head.append('<th class="num">Findings</th>')
    rows = []
    for rank, system in enumerate(corpus.ranking(), 1):
        is_base = system.name == corpus.baseline
        cells = [f'<td class="num">{rank}</td>',
                 f"<td>{e(system.name)}{'<span class=badge>baseline</span>' if is_base else ''}</td>"]
        for m in corpus.metric_ids:
            interval = system.intervals.get(m)
            text = f"{system.scores[m]:.2f}"
            if interval:
                text += (f'<span class="pm" title="95% bootstrap interval {interval.low:.2f}–{interval.high:.2f}">'
                         f"±{interval.ci:.2f}</span>")
            change = corpus.comparison.change(system.name, m) if corpus.comparison else None
            cells.append(f'<td class="num">{text}{change_html(change)}</td>')
        if corpus.paired:
            paired = corpus.paired_for(system.name, primary)
            if paired:
                klass = "sig" if paired.significant else "ns"
                cells.append(f'<td class="num {klass}">{signed(paired.delta)}</td>'
                             f'<td class="num {klass}">{paired.p_value:.4f}</td>')
            else:
                cells.append('<td class="num muted">—</td><td class="num muted">—</td>')
        if corpus.checks == "ran":
            fchange = corpus.comparison.findings_change(system.name) if corpus.comparison else None
            extra = ""
            if fchange and fchange.delta:
                extra = f'<span class="delta {fchange.direction}">{ARROWS[fchange.direction]}{fchange.delta:+d}</span>'
            cells.append(f'<td class="num">{system.findings_total}{extra}</td>')
        rows.append(f'<tr class="{"baseline" if is_base else ""}">' + "".join(cells) + "</tr>")
    legend = []
    if any(s.intervals for s in corpus.systems):
        legend.append(f"± half-width of the 95% bootstrap interval ({corpus.n_bootstrap} resamples, seed {corpus.seed})")
    if corpus.paired:
        legend.append("bold: significantly different from the baseline (p < 0.05, paired bootstrap)")
    if corpus.comparison is not None and corpus.comparison.found:
        legend.append("▲ better / ▼ worse than the previous run")
    legend.append(f"ranked by {e(names[primary])}; ↓ lower is better")
    return (
        '<div class="scroll"><table class="ranking"><thead><tr>' + "".join(head) + "</tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></div>" + f'<p class="muted">{" · ".join(legend)}</p>'
    )


def charts_html(corpus: CorpusReport) -> str:
    if not any(s.intervals for s in corpus.systems):
        return ""
    charts = []
    for m in corpus.metric_ids:
        rows = []
        for system in corpus.ranking():
            interval = system.intervals.get(m)
            paired = corpus.paired_for(system.name, m)
            rows.append(IntervalRow(
                label=system.name, score=system.scores[m],
                low=interval.low if interval else None, high=interval.high if interval else None,
                baseline=system.name == corpus.baseline,
                significant=paired.significant if paired else None,
            ))
        charts.append(interval_chart(rows, f"{corpus.metric_names[m]} with 95% interval"))
    return ('<div class="charts">' + "".join(charts) + "</div>"
            '<p class="muted">Orange: baseline. Grey: not significantly different from the baseline.</p>')


def significance_html(corpus: CorpusReport) -> str:
    if not corpus.paired:
        return ""
    names = corpus.metric_names
    head = "<th>System</th>" + "".join(f'<th class="num">Δ{e(names[m])}</th><th class="num">p</th>' for m in corpus.metric_ids)
    rows = []
    for system in corpus.ranking():
        if system.name == corpus.baseline:
            continue
        cells = [f"<td>{e(system.name)}</td>"]
        for m in corpus.metric_ids:
            paired = corpus.paired_for(system.name, m)
            if paired is None:
                cells.append("<td></td><td></td>")
                continue
            klass = "sig" if paired.significant else "ns"
            cells.append(f'<td class="num {klass}">{signed(paired.delta)}</td><td class="num {klass}">{paired.p_value:.4f}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<p class=\"meta\">Each system against <strong>{e(corpus.baseline)}</strong>: sacrebleu's paired bootstrap "
            f"test, {corpus.n_bootstrap} resamples. Bold: p &lt; 0.05.</p>"
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def distributions_html(corpus: CorpusReport) -> str:
    names = corpus.metric_names
    head = "<th>System</th>" + "".join(f"<th>{e(names[m])}</th>" for m in corpus.metric_ids)
    rows = []
    for system in corpus.ranking():
        cells = [f"<td>{e(system.name)}</td>"]
        for m in corpus.metric_ids:
            title = f"{system.name}: sentence {names[m]} ({BIN_WIDTH:g}-point bins, 0 to 100)"
            cells.append(f"<td>{histogram_svg(system.histograms[m], title, bin_width=BIN_WIDTH)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ('<p class="meta">Sentence-level scores per segment (sacrebleu\'s sentence scores; BLEU with effective '
            "order), in bins of 5 points from 0 (left) to 100 (right; TER over 100 in the last bin).</p>"
            f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def findings_html(corpus: CorpusReport) -> str:
    if corpus.checks == "disabled":
        return '<p class="muted">Checks were turned off (--no-checks).</p>'
    if corpus.checks != "ran":
        return f'<p class="note">Checks did not run: {e(corpus.checks)}</p>'
    checks = corpus.checks_in_order()
    if not checks:
        return '<p class="muted">No findings.</p>'
    peak = max((s.findings_by_check.get(c, 0) for s in corpus.systems for c in checks), default=1) or 1
    head = "<th>System</th>" + "".join(f'<th class="num">{e(c)}</th>' for c in checks) + '<th class="num">Total</th>'
    rows = []
    for system in sorted(corpus.systems, key=lambda s: (-s.findings_total, s.name)):
        cells = [f"<td>{e(system.name)}</td>"]
        for check in checks:
            count = system.findings_by_check.get(check, 0)
            alpha = 0.08 + 0.5 * count / peak if count else 0
            style = f' style="background: rgba(220, 38, 38, {alpha:.2f})"' if count else ""
            cells.append(f'<td class="heat"{style}>{count or "·"}</td>')
        cells.append(f'<td class="num"><strong>{system.findings_total}</strong></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    totals = "".join(f'<td class="num">{sum(s.findings_by_check.get(c, 0) for s in corpus.systems)}</td>' for c in checks)
    grand = sum(s.findings_total for s in corpus.systems)
    rows.append(f"<tr><th>All systems</th>{totals}<td class=\"num\"><strong>{grand}</strong></td></tr>")
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def terms_html(corpus: CorpusReport) -> str:
    if corpus.checks != "ran" or not corpus.terms:
        return ""
    rows = []
    for term in corpus.terms:
        systems = sorted(term.systems.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{e(name)} ({count})" for name, count in systems[:4])
        if len(systems) > 4:
            shown += f", +{len(systems) - 4} more"
        example = term.examples[0] if term.examples else {}
        found = example.get("text") or ""
        rows.append(
            f"<tr><td><strong>{e(term.term)}</strong></td><td class=\"num\">{term.count}</td>"
            f"<td>{len(systems)}: {shown}</td><td>{e(found)}</td><td>{e(example.get('message') or '')}</td></tr>"
        )
    return ("<h3>Glossary terms most often wrong</h3>"
            '<table><thead><tr><th>Term</th><th class="num">Findings</th><th>Systems</th><th>e.g. found</th>'
            f"<th>Message</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def segment_row(corpus: CorpusReport, view: SegmentView) -> str:
    names = corpus.metric_names
    scores = "<br>".join(f"{e(names[m])} {x:.1f}" for m, x in view.scores.items())
    refs = "".join(
        (f'<span class="refname">{e(name)}</span>' if len(view.references) > 1 else "") + f'<div class="seg ref">{e(ref)}</div>'
        for name, ref in zip(corpus.reference_names or [f"ref {i + 1}" for i in range(len(view.references))], view.references)
    )
    source = f'<div class="seg src">{e(view.source)}</div>' if view.source is not None else '<span class="muted">—</span>'
    return (
        f'<tr><td class="n num">{view.segment}</td><td class="s num">{scores}</td>'
        f"<td>{source}</td>"
        f'<td><div class="seg">{highlighted(view.mt, view.findings)}</div>{findings_list(view.findings)}</td>'
        f"<td>{refs}</td></tr>"
    )


SEGMENT_HEAD = ('<tr><th class="n num">Seg.</th><th class="s num">Sentence</th><th>Source</th>'
                "<th>MT (findings marked)</th><th>Reference</th></tr>")


def segments_html(corpus: CorpusReport, index: int, kind: str) -> str:
    """Per system, its worst-scoring (``kind="worst"``) or most flagged (``"flagged"``) segments."""
    if not any(getattr(s, kind) for s in corpus.systems):
        return ""
    metric = corpus.metric_names[corpus.segment_metric]
    blocks = []
    first = True
    for system in corpus.ranking():
        views = getattr(system, kind)
        if not views:
            continue
        rows = "".join(segment_row(corpus, view) for view in views)
        if kind == "worst":
            flagged = sum(1 for v in views if v.findings)
            what = f"{len(views)} lowest by sentence {e(metric)}, {flagged} with findings"
        else:
            what = f"{len(views)} segment(s), {sum(len(v.findings) for v in views)} finding(s)"
        blocks.append(
            f"<details{' open' if first else ''} id=\"{anchor(kind[0], index, system.name)}\"><summary>{e(system.name)} "
            f'<span class="muted">— {what}</span></summary>'
            f'<table class="seg-table"><thead>{SEGMENT_HEAD}</thead><tbody>{rows}</tbody></table></details>'
        )
        first = False
    if kind == "worst":
        intro = (f"Each system's segments with the lowest sentence {e(metric)}: source, MT and reference side by side; "
                 "findings are marked in the MT (hover for the message).")
    else:
        intro = "Each system's segments with the most serious findings (errors count 3, warnings 2, others 1)."
    return f'<p class="meta">{intro}</p>' + "".join(blocks)


def signatures_html(corpus: CorpusReport) -> str:
    lines = []
    for m in corpus.metric_ids:
        for sig in sorted({s.signatures[m] for s in corpus.systems}):
            lines.append(f'<code class="sig-line">{e(corpus.metric_names[m])}: {e(sig)}</code>')
        for sig in sorted({s.sentence_signatures[m] for s in corpus.systems}):
            lines.append(f'<code class="sig-line muted">{e(corpus.metric_names[m])} (sentence): {e(sig)}</code>')
    return "".join(lines)


def comparison_html(corpus: CorpusReport, compare_to: str | None) -> str:
    comparison = corpus.comparison
    if comparison is None:
        return ""
    if not comparison.found:
        return f'<h3>Changes since the previous run</h3><p class="muted">{e(corpus.name)} is not in {e(compare_to)}.</p>'
    names = corpus.metric_names
    head = "<th>System</th>" + "".join(f'<th class="num">{e(names[m])} before</th><th class="num">now</th>'
                                        for m in corpus.metric_ids)
    if comparison.findings:
        head += '<th class="num">Findings before</th><th class="num">now</th>'
    rows = []
    for system in corpus.ranking():
        cells = [f"<td>{e(system.name)}</td>"]
        for m in corpus.metric_ids:
            change = comparison.change(system.name, m)
            if change is None:
                cells.append('<td class="num muted">new</td><td class="num">' + f"{system.scores[m]:.2f}</td>")
            else:
                cells.append(f'<td class="num">{change.old:.2f}</td><td class="num">{change.new:.2f}{change_html(change)}</td>')
        if comparison.findings:
            fchange = comparison.findings_change(system.name)
            if fchange:
                cells.append(f'<td class="num">{fchange.old}</td><td class="num">{fchange.new}'
                             f'<span class="delta {fchange.direction}">{ARROWS[fchange.direction]}'
                             f'{"" if fchange.direction == "same" else f"{fchange.delta:+d}"}</span></td>')
            else:
                cells.append('<td class="num muted">—</td><td class="num">' + f"{system.findings_total}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    extra = []
    if comparison.removed_systems:
        extra.append("No longer in the corpus: " + ", ".join(e(s) for s in comparison.removed_systems))
    if comparison.missing_metrics:
        extra.append("Not in the previous run: " + ", ".join(e(s) for s in comparison.missing_metrics))
    if any(c.signature_changed for c in comparison.changes):
        extra.append("‡ signature changed: the numbers are not directly comparable")
    better = sum(1 for c in comparison.changes if c.direction == "better")
    worse = sum(1 for c in comparison.changes if c.direction == "worse")
    summary = f"{better} score(s) better, {worse} worse, against {e(compare_to)}."
    return (f"<h3>Changes since the previous run</h3><p class=\"meta\">{summary}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            + "".join(f'<p class="muted">{x}</p>' for x in extra))


def corpus_html(corpus: CorpusReport, index: int, compare_to: str | None) -> str:
    meta = [f"{corpus.n_segments:,} segments", f"{corpus.n_references} reference(s)", f"{len(corpus.systems)} system(s)"]
    if corpus.baseline:
        meta.append(f"baseline <strong>{e(corpus.baseline)}</strong>")
    if corpus.origin:
        meta.append(f"<code>{e(corpus.origin)}</code>")
    parts = [
        f'<section class="corpus" id="{anchor("c", index, corpus.name)}">',
        f"<h2>{e(corpus.name)}</h2>",
        f'<p class="meta">{" · ".join(meta)}</p>',
        *(f'<p class="note">{e(note)}</p>' for note in corpus.notes),
        "<h3>System ranking</h3>",
        ranking_html(corpus),
        charts_html(corpus),
        comparison_html(corpus, compare_to),
    ]
    if corpus.paired:
        parts += ["<h3>Paired significance against the baseline</h3>", significance_html(corpus)]
    parts += ["<h3>Score distributions</h3>", distributions_html(corpus)]
    parts += ["<h3>Glossary and QA findings</h3>", findings_html(corpus), terms_html(corpus)]
    flagged = segments_html(corpus, index, "flagged")
    if flagged:
        parts += ["<h3>Most flagged segments</h3>", flagged]
    worst = segments_html(corpus, index, "worst")
    if worst:
        parts += ["<h3>Worst segments</h3>", worst]
    parts += ["<h3>Signatures</h3>", signatures_html(corpus), "</section>"]
    return "".join(parts)


def to_html(report: Report) -> str:
    corpora = report.corpora
    title = "Translation quality report" + (f" — {corpora[0].name}" if len(corpora) == 1 else "")
    settings = report.settings or {}
    meta = [f"generated {e(report.generated)}", f"sacrebleu {e(SACREBLEU_VERSION)}", f"review_app {e(__version__)}"]
    if settings.get("glossary"):
        meta.append(f"glossary <code>{e(settings['glossary'])}</code>")
    if report.compare_to:
        meta.append(f"compared to <code>{e(report.compare_to)}</code>")
    toc = "".join(f'<a href="#{anchor("c", i, c.name)}">{e(c.name)}</a>' for i, c in enumerate(corpora))
    body = "".join(corpus_html(c, i, report.compare_to) for i, c in enumerate(corpora))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{e(title)}</title><style>{BASE_CSS}{highlight_css()}</style></head><body>"
        f'<header class="top"><h1>{e(title)}</h1><div class="meta">{" · ".join(meta)}</div></header>'
        + (f'<nav class="toc">{toc}</nav>' if len(corpora) > 1 else "")
        + f"<main>{gate_html(report)}{body}</main>"
        + '<footer>Scores are sacrebleu\'s own, from per-segment sufficient statistics; intervals and tests are '
        "sacrebleu's bootstrap (<code>--confidence</code>, <code>--paired-bs</code>) with the seed shown.</footer>"
        + "</body></html>\n"
    )
