"""HTML for the segment views: only the rows of the current page, every piece of text escaped.
Pure (no Streamlit); the text markup itself is :mod:`review_app.highlight`'s."""

from __future__ import annotations

import math
from html import escape
from typing import Any, Mapping, Sequence

import pandas as pd

from review_app.highlight import HIGHLIGHT_CSS, findings_list_html, highlight_html, reference_html, severity_class

DIFF_MODES = {"split": "Side by side", "inline": "Inline", "off": "Off"}

APP_CSS = HIGHLIGHT_CSS + """
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem; }
.seg-list { border-top: 1px solid #e4e7ec; font-size: 0.95rem; }
.seg-head, .seg-row { display: grid; gap: 0 1.25rem; padding: .7rem .25rem .7rem .75rem; }
.seg-list.with-source .seg-head, .seg-list.with-source .seg-row { grid-template-columns: 10.5rem minmax(0, .9fr) minmax(0, 1.2fr) minmax(0, 1fr); }
.seg-list.no-source .seg-head, .seg-list.no-source .seg-row { grid-template-columns: 10.5rem minmax(0, 1.2fr) minmax(0, 1fr); }
.seg-head { padding-top: .35rem; padding-bottom: .35rem; font-size: .72rem; font-weight: 600; letter-spacing: .06em;
  text-transform: uppercase; color: #667085; border-bottom: 1px solid #e4e7ec; }
.seg-row { border-bottom: 1px solid #eef0f3; border-left: 3px solid transparent; }
.seg-row:hover { background: #fafbfc; }
.seg-row.sev-error { border-left-color: #b42318; }
.seg-row.sev-warning { border-left-color: #b77c00; }
.seg-row.sev-info { border-left-color: #2e64c0; }
.seg-meta { font-size: .8rem; color: #475467; line-height: 1.45; }
.seg-meta .seg-no { font-size: 1rem; font-weight: 600; color: #101828; font-variant-numeric: tabular-nums; }
.seg-meta .seg-sys { display: block; font-weight: 600; color: #344054; overflow-wrap: anywhere; }
.seg-meta .seg-doc { display: block; color: #98a2b3; font-size: .72rem; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.scores { margin-top: .35rem; display: grid; grid-template-columns: auto auto auto auto; gap: 0 .45rem; justify-content: start;
  font-variant-numeric: tabular-nums; font-size: .78rem; }
.scores .name { color: #667085; }
.scores .value { text-align: right; color: #101828; }
.scores .value.key { font-weight: 700; }
.scores .value.pending { color: #98a2b3; }
.ref-label { font-size: .7rem; font-weight: 600; color: #98a2b3; text-transform: uppercase; letter-spacing: .05em; margin-top: .4rem; }
.ref-label:first-child { margin-top: 0; }
.seg.source { color: #344054; }
.seg.other-ref { color: #475467; font-size: .9em; }
.empty-note { color: #667085; padding: 1rem .75rem; }
.detail-system { display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 0 1.25rem; padding: .8rem .25rem .8rem .75rem;
  border-bottom: 1px solid #eef0f3; border-left: 3px solid transparent; }
.detail-system.sev-error { border-left-color: #b42318; }
.detail-system.sev-warning { border-left-color: #b77c00; }
.detail-system.sev-info { border-left-color: #2e64c0; }
.legend { font-size: .8rem; color: #475467; display: flex; flex-wrap: wrap; gap: .35rem 1rem; align-items: center; }
.legend .swatch { padding: 0 .3rem; }
"""


def style_tag() -> str:
    return f"<style>{APP_CSS}</style>"


def format_score(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "…"
    return f"{value:.{digits}f}"


def scores_html(row: Mapping[str, Any], metrics: Mapping[str, str], key_metric: str | None = None) -> str:
    cells = []
    for metric_id, name in metrics.items():
        value = row.get(metric_id)
        pending = value is None or (isinstance(value, float) and math.isnan(value))
        classes = "value" + (" key" if metric_id == key_metric else "") + (" pending" if pending else "")
        title = ' title="still being computed"' if pending else ""
        cells.append(f'<span class="name">{escape(name)}</span><span class="{classes}"{title}>{format_score(value)}</span>')
    return '<div class="scores">' + "".join(cells) + "</div>"


def worst_class(findings: Sequence[Any]) -> str:
    if not findings:
        return ""
    from review_app.highlight import severity_rank
    from review_app.segment_table import finding_field

    return severity_class(min((finding_field(f, "severity") for f in findings), key=severity_rank))


def references_html(row: Mapping[str, Any], ref_columns: Sequence[str], chosen: str | None, diff: str = "off") -> str:
    """The references, the chosen one first; with ``diff="split"`` it marks the words the MT lacks."""
    order = ([chosen] if chosen in ref_columns else []) + [c for c in ref_columns if c != chosen]
    parts = []
    for i, column in enumerate(order):
        if len(order) > 1:
            parts.append(f'<div class="ref-label">{escape(column)}</div>')
        text = str(row.get(column, ""))
        if i == 0 and diff == "split" and chosen:
            parts.append(f'<div class="seg ref diff-split">{reference_html(text, str(row.get("mt", "")))}</div>')
        else:
            parts.append(f'<div class="{"seg ref" if i == 0 else "seg other-ref"}">{escape(text)}</div>')
    return "".join(parts)


def mt_html(row: Mapping[str, Any], found: Sequence[Any], diff_ref: str | None, diff: str) -> str:
    """The MT with its findings, and the diff to ``diff_ref``: inline (reference words inserted) or
    split (MT words not in the reference marked; the reference column marks the rest)."""
    ref = row.get(diff_ref) if diff_ref and diff != "off" else None
    body = highlight_html(str(row["mt"]), found, diff_against=ref, insertions=diff != "split")
    css = "seg mt diff-split" if ref is not None and diff == "split" else "seg mt"
    return f'<div class="{css}">{body}</div>{findings_list_html(found)}'


def segment_rows_html(
    rows: pd.DataFrame,
    findings: Mapping[tuple[str, int], Sequence[Any]],
    *,
    ref_columns: Sequence[str],
    metrics: Mapping[str, str],
    diff_ref: str | None = None,
    diff: str = "split",
    show_source: bool = True,
    key_metric: str | None = None,
) -> str:
    """The side-by-side view of ``rows`` (a page of the segment table): segment, system and scores |
    source | MT with findings marked (and the word diff to ``diff_ref``) | reference(s)."""
    if diff_ref is None:
        diff = "off"
    layout = "with-source" if show_source else "no-source"
    head = ['<div class="seg-head"><div>Segment</div>']
    if show_source:
        head.append("<div>Source</div>")
    head.append("<div>MT</div>")
    head.append(f"<div>Reference{'s' if len(ref_columns) > 1 else ''}</div></div>")
    out = [f'<div class="seg-list {layout}">', "".join(head)]
    if rows.empty:
        out.append('<div class="empty-note">No segment matches these filters.</div>')
    for row in rows.to_dict("records"):
        found = findings.get((row["system"], int(row["segment"])), ())
        meta = (
            f'<div class="seg-meta"><span class="seg-no">#{int(row["segment"])}</span>'
            f'<span class="seg-sys">{escape(str(row["system"]))}</span>'
            + (f'<span class="seg-doc" title="{escape(str(row["doc"]))}">{escape(str(row["doc"]))}</span>' if row.get("doc") else "")
            + scores_html(row, metrics, key_metric)
            + "</div>"
        )
        cells = [meta]
        if show_source:
            cells.append(f'<div class="seg source">{escape(str(row.get("source", "")))}</div>')
        cells.append(f"<div>{mt_html(row, found, diff_ref, diff)}</div>")
        cells.append(f"<div>{references_html(row, ref_columns, diff_ref or (ref_columns[0] if ref_columns else None), diff)}</div>")
        out.append(
            f'<div class="seg-row {worst_class(found)}" data-system="{escape(str(row["system"]))}" '
            f'data-segment="{int(row["segment"])}">' + "".join(cells) + "</div>"
        )
    out.append("</div>")
    return "".join(out)


def detail_html(
    rows: pd.DataFrame,
    findings: Mapping[tuple[str, int], Sequence[Any]],
    *,
    metrics: Mapping[str, str],
    diff_ref: str | None,
    key_metric: str | None = None,
) -> str:
    """Every system's output for one segment (``rows``: that segment's rows), one under another, each
    with the inline diff to ``diff_ref`` (the reference is shown once above)."""
    out = ['<div class="seg-list no-source">']
    for row in rows.to_dict("records"):
        found = findings.get((row["system"], int(row["segment"])), ())
        out.append(
            f'<div class="detail-system {worst_class(found)}" data-system="{escape(str(row["system"]))}">'
            f'<div class="seg-meta"><span class="seg-sys">{escape(str(row["system"]))}</span>'
            f"{scores_html(row, metrics, key_metric)}</div>"
            f'<div>{mt_html(row, found, diff_ref, "inline" if diff_ref else "off")}</div></div>'
        )
    out.append("</div>")
    return "".join(out)


def text_block_html(label: str, text: str, extra_class: str = "") -> str:
    return f'<div class="ref-label">{escape(label)}</div><div class="seg {extra_class}">{escape(text)}</div>'


def legend_html(diff: str) -> str:
    items = [
        '<mark class="finding sev-error swatch">error</mark>',
        '<mark class="finding sev-warning swatch">warning</mark>',
        '<mark class="finding sev-info swatch">info</mark>',
    ]
    if diff == "split":
        items += [
            '<span class="diff-split"><del class="diff-del">red</del>: MT words the reference does not have</span>',
            '<span><ins class="diff-ins">green</ins>: reference words the MT lacks</span>',
        ]
    elif diff == "inline":
        items += [
            '<span><del class="diff-del">struck</del>: MT words the reference does not have</span>',
            '<span><ins class="diff-ins">green</ins>: reference words the MT lacks</span>',
        ]
    return '<div class="legend"><span>Findings (hover for the message):</span>' + "".join(items) + "</div>"
