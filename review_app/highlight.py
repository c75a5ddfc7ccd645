"""Escaped HTML for one MT segment: QA findings marked in place and a word-level diff against a reference.

Pure (no Streamlit): the review app and the batch reports both use it, so a segment looks the same
in both. Every piece of user text goes through :func:`html.escape`; the only markup in the output is
ours. Findings may overlap: the text is cut at every finding boundary and each piece is marked with
all the findings covering it (colour of the worst severity, every message in the tooltip), so the
tags never cross.

Diff semantics: :func:`word_diff` returns the edits that turn the MT (``hyp``) into the reference,
word by word: ``delete`` = MT words the reference does not have (shown struck through), ``insert`` =
reference words the MT lacks (shown inserted at the place they would go).

Findings are any objects (or dicts) with ``start``, ``end`` (character offsets into the MT text, end
exclusive), ``check``, ``severity``, ``message`` and ``suggestion``, as :class:`review_app.checks.Finding`.
A finding without offsets (``start`` None) is segment-level: not marked in the text, but listed by
:func:`findings_list_html`. A zero-width finding (``start == end``) is shown as a caret at that place.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any, Iterable, Sequence

__all__ = [
    "DiffOp",
    "HIGHLIGHT_CSS",
    "SEVERITY_ORDER",
    "findings_list_html",
    "highlight_html",
    "reference_html",
    "severity_class",
    "severity_rank",
    "tokenize",
    "word_diff",
]

# Worst first: the checks' vocabulary (review_app.checks: error, warning, info). Other vocabularies
# (MQM's critical/major/minor, ...) map onto these three colours.
SEVERITY_ORDER = ("error", "warning", "info")
SEVERITY_ALIASES = {
    "error": "error",
    "critical": "error",
    "fatal": "error",
    "major": "error",
    "warning": "warning",
    "warn": "warning",
    "minor": "warning",
    "info": "info",
    "neutral": "info",
    "style": "info",
    "note": "info",
}
DEFAULT_SEVERITY = "warning"
OPENING = "([{\u201c\u2018\"'"
CLOSING = ",.;:!?)]}\u201d\u2019"
POINT_MARK = "\u2041"  # ⁁ caret insertion point, for zero-width findings

# Words (with inner hyphens, apostrophes, decimal points and thousands separators kept together, so
# "Tianwen-1", "China's" and "1,875" are one word each) and single punctuation marks.
TOKEN_RE = re.compile(r"\w+(?:[-'\u2019.,]\w+)*|[^\w\s]")


# --- findings ----------------------------------------------------------------------------------


def field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def normalise_severity(severity: Any) -> str:
    return SEVERITY_ALIASES.get(str(severity or "").strip().lower(), DEFAULT_SEVERITY)


def severity_rank(severity: Any) -> int:
    """0 for the worst severity; sorts findings worst first."""
    return SEVERITY_ORDER.index(normalise_severity(severity))


def severity_class(severity: Any) -> str:
    """The CSS class for a severity: ``sev-error``, ``sev-warning`` or ``sev-info``."""
    return "sev-" + normalise_severity(severity)


def check_token(value: Any) -> str:
    """A check id as one word of the space-separated ``data-checks`` attribute (escaped on output)."""
    return re.sub(r"\s+", "-", str(value or "").strip()) or "check"


def finding_tooltip(finding: Any) -> str:
    check = field(finding, "check") or "check"
    message = field(finding, "message") or ""
    suggestion = field(finding, "suggestion")
    line = f"{check}: {message}" if message else str(check)
    if suggestion:
        line += f" \u2192 {suggestion}"
    return line


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    finding: Any


def finding_spans(findings: Iterable[Any], length: int) -> list[Span]:
    """Findings with offsets, clamped to the text; segment-level ones (no offsets) are left out."""
    spans = []
    for finding in findings or ():
        start, end = field(finding, "start"), field(finding, "end")
        if start is None:
            continue
        start = min(max(int(start), 0), length)
        end = start if end is None else min(max(int(end), start), length)
        spans.append(Span(start, end, finding))
    return spans


# --- word diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffOp:
    """One step of turning ``hyp`` into ``ref``.

    ``equal`` and ``delete`` cover ``hyp[hyp_start:hyp_end]``; ``insert`` adds ``ref[ref_start:ref_end]``
    at ``hyp_start`` (== ``hyp_end``). ``text`` is the words concerned (from hyp, or from ref for insert).
    """

    op: str
    hyp_start: int
    hyp_end: int
    ref_start: int
    ref_end: int
    text: str


def tokenize(text: str) -> list[tuple[int, int]]:
    """Word and punctuation tokens as (start, end) offsets; white space is not a token."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def word_diff(hyp: str, ref: str) -> list[DiffOp]:
    """The word-level edits from ``hyp`` to ``ref`` (case-sensitive, white space ignored).

    A replacement comes out as a ``delete`` of the MT words followed by an ``insert`` of the
    reference words right after them.
    """
    hyp_tokens, ref_tokens = tokenize(hyp), tokenize(ref)
    matcher = SequenceMatcher(
        None, [hyp[a:b] for a, b in hyp_tokens], [ref[a:b] for a, b in ref_tokens], autojunk=False
    )

    def hyp_span(i1: int, i2: int) -> tuple[int, int]:
        if i1 < i2:
            return hyp_tokens[i1][0], hyp_tokens[i2 - 1][1]
        position = hyp_tokens[i1][0] if i1 < len(hyp_tokens) else len(hyp)
        return position, position

    def ref_span(j1: int, j2: int) -> tuple[int, int]:
        if j1 < j2:
            return ref_tokens[j1][0], ref_tokens[j2 - 1][1]
        position = ref_tokens[j1][0] if j1 < len(ref_tokens) else len(ref)
        return position, position

    ops: list[DiffOp] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        hs, he = hyp_span(i1, i2)
        rs, re_ = ref_span(j1, j2)
        if tag == "equal":
            ops.append(DiffOp("equal", hs, he, rs, re_, hyp[hs:he]))
        if tag in ("delete", "replace"):
            ops.append(DiffOp("delete", hs, he, rs, rs, hyp[hs:he]))
        if tag in ("insert", "replace"):
            # After the words it replaces, so a replacement reads "old new".
            ops.append(DiffOp("insert", he, he, rs, re_, ref[rs:re_]))
    return ops


# --- rendering ---------------------------------------------------------------------------------


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def mark_open(findings: Sequence[Any]) -> str:
    ordered = sorted(findings, key=lambda f: (severity_rank(field(f, "severity")), str(field(f, "check"))))
    classes = ["finding", severity_class(field(ordered[0], "severity"))]
    if len(ordered) > 1:
        classes.append("multi")
    checks = " ".join(dict.fromkeys(check_token(field(f, "check")) for f in ordered))
    title = "\n".join(finding_tooltip(f) for f in ordered)
    return (
        f'<mark class="{" ".join(classes)}" data-checks="{escape(checks)}" title="{escape(title)}">'
    )


def render_piece(text: str, findings: Sequence[Any], deleted: bool) -> str:
    body = escape(text)
    if deleted and text.strip():
        body = f'<del class="diff-del">{body}</del>'
    if findings:
        body = mark_open(findings) + body + "</mark>"
    return body


def point_html(finding: Any) -> str:
    return mark_open([finding]).replace('class="finding ', 'class="finding point ', 1) + POINT_MARK + "</mark>"


def highlight_html(
    text: str, findings: Iterable[Any] = (), diff_against: str | None = None, *, insertions: bool = True
) -> str:
    """``text`` as escaped HTML with findings marked (``<mark class="finding sev-…" title=…>``) and, given
    a reference in ``diff_against``, the word diff to it (``<del class="diff-del">`` for MT words the
    reference lacks, ``<ins class="diff-ins">`` for reference words the MT lacks).

    ``insertions=False`` leaves the reference's words out (only the MT's own words, some marked as not
    in the reference): the MT half of a side-by-side diff, with :func:`reference_html` the other half.

    The result is a fragment without a wrapper; put it in an element with :data:`HIGHLIGHT_CSS`'s
    ``.seg`` class (white space kept) to show it, and ``.diff-split`` round a side-by-side diff.
    """
    text = text or ""
    length = len(text)
    spans = finding_spans(findings, length)
    ops = word_diff(text, diff_against) if diff_against is not None else []
    deletions = [(op.hyp_start, op.hyp_end) for op in ops if op.op == "delete"]
    inserts: dict[int, list[str]] = {}
    for op in ops:
        if op.op == "insert" and insertions:
            inserts.setdefault(op.hyp_start, []).append(op.text)
    points: dict[int, list[Any]] = {}
    ranged: list[Span] = []
    for span in spans:
        if span.start == span.end:
            points.setdefault(span.start, []).append(span.finding)
        else:
            ranged.append(span)

    cuts = {0, length, *inserts, *points}
    for span in ranged:
        cuts.update((span.start, span.end))
    for start, end in deletions:
        cuts.update((start, end))
    cuts = sorted(cuts)

    out: list[str] = []
    pending: tuple[tuple[int, ...], bool] | None = None  # what the text being collected is marked with
    buffer: list[str] = []

    def flush() -> None:
        nonlocal buffer
        if buffer and pending is not None:
            ids, deleted = pending
            out.append(render_piece("".join(buffer), [ranged[i].finding for i in ids], deleted))
        buffer = []

    for index, position in enumerate(cuts):
        if position in points or position in inserts:
            flush()
            for finding in points.get(position, ()):
                out.append(point_html(finding))
            for words in inserts.get(position, ()):
                # Keep the inserted words apart from their neighbours: "the <ins>big</ins> dog",
                # "red <ins>big</ins>, dog", but no space before closing or after opening punctuation.
                before = after = ""
                if position > 0 and not text[position - 1].isspace() and text[position - 1] not in OPENING:
                    before = "" if words[0] in CLOSING else " "
                if position < length and (text[position].isalnum() or text[position] in OPENING):
                    after = "" if words[-1] in OPENING else " "
                out.append(f'{before}<ins class="diff-ins">{escape(words)}</ins>{after}')
        if index + 1 == len(cuts):
            break
        end = cuts[index + 1]
        if end <= position:
            continue
        ids = tuple(i for i, s in enumerate(ranged) if s.start < end and s.end > position)
        deleted = any(s < end and e > position for s, e in deletions)
        if (ids, deleted) != pending:
            flush()
            pending = (ids, deleted)
        buffer.append(text[position:end])
    flush()
    return "".join(out)


def reference_html(ref: str, hyp: str) -> str:
    """The reference as escaped HTML with the words the MT lacks marked ``<ins class="diff-ins">``:
    the reference half of a side-by-side diff (:func:`highlight_html` with ``insertions=False``)."""
    ref = ref or ""
    spans = [(op.ref_start, op.ref_end) for op in word_diff(hyp or "", ref) if op.op == "insert"]
    out, position = [], 0
    for start, end in spans:
        out.append(escape(ref[position:start]))
        out.append(f'<ins class="diff-ins">{escape(ref[start:end])}</ins>')
        position = end
    out.append(escape(ref[position:]))
    return "".join(out)


def findings_list_html(findings: Iterable[Any]) -> str:
    """Findings as an escaped list, worst first: check, message and suggestion (for beside the text)."""
    ordered = sorted(findings or (), key=lambda f: (severity_rank(field(f, "severity")), field(f, "start") or 0))
    if not ordered:
        return ""
    items = []
    for finding in ordered:
        suggestion = field(finding, "suggestion")
        quoted = field(finding, "text")
        parts = [f'<span class="check">{escape(str(field(finding, "check") or "check"))}</span>']
        if quoted:
            parts.append(f'<q>{escape(str(quoted))}</q>')
        parts.append(escape(str(field(finding, "message") or "")))
        if suggestion:
            parts.append(f'<span class="suggestion">\u2192 {escape(str(suggestion))}</span>')
        items.append(f'<li class="{severity_class(field(finding, "severity"))}">{" ".join(parts)}</li>')
    return '<ul class="finding-list">' + "".join(items) + "</ul>"


# Colours carry meaning only. Findings are highlighter backgrounds with an underline, red/amber/blue by
# severity; the diff is coloured text: red = MT words not in the reference, green = reference words the MT lacks.
HIGHLIGHT_CSS = """
.seg { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.55; }
mark.finding { color: inherit; border-radius: 2px; padding: 0 1px; border-bottom: 2px solid; cursor: help; }
mark.finding.sev-error { background: #fde3e1; border-color: #b42318; }
mark.finding.sev-warning { background: #fdf0c8; border-color: #b77c00; }
mark.finding.sev-info { background: #e3edfb; border-color: #2e64c0; }
mark.finding.multi { border-bottom-style: double; border-bottom-width: 3px; }
mark.finding.point { background: none; border: none; font-weight: 700; padding: 0; }
mark.finding.point.sev-error { color: #b42318; }
mark.finding.point.sev-warning { color: #b77c00; }
mark.finding.point.sev-info { color: #2e64c0; }
del.diff-del { color: #b42318; text-decoration: line-through; text-decoration-color: #b42318; }
ins.diff-ins { color: #067647; background: #e3f8ec; text-decoration: none; border-radius: 2px; padding: 0 1px; }
.diff-split del.diff-del { text-decoration: none; }
ul.finding-list { list-style: none; margin: .35rem 0 0; padding: 0; font-size: .85em; }
ul.finding-list li { margin: .15rem 0; padding-left: .55rem; border-left: 3px solid #98a2b3; }
ul.finding-list li.sev-error { border-color: #b42318; }
ul.finding-list li.sev-warning { border-color: #b77c00; }
ul.finding-list li.sev-info { border-color: #2e64c0; }
ul.finding-list .check { font-weight: 600; }
ul.finding-list .suggestion { color: #05603a; }
"""
