"""The review workflow's logic, between the store and the screens: pure functions, no Streamlit.

* QA finding -> MQM annotation (:func:`annotation_for_finding`, the category each check maps to) and
  finding -> dismissal key (:func:`dismissal_key`; a segment-level finding is stored as 0, 0, "");
* dismissed findings left out of a list of findings (:func:`without_dismissed`, the checks' own
  :class:`~review_app.checks.model.SuppressionIndex`, so the result is what
  ``run_checks(..., suppressions=store.dismissed_findings(corpus))`` returns);
* the span of an annotation from chosen words or a typed substring (:func:`words_of`,
  :func:`span_from_words`, :func:`occurrences`);
* MQM tables per system, document and segment (:func:`mqm_system_table`, ...) and the agreement of
  MQM with the automatic sentence scores (:func:`agreement_table`);
* the audit log and a conflict in words a reviewer reads (:func:`history_rows`, :func:`conflict_rows`).

The MQM scope of a system is its *reviewed* segments: those with a verdict or with an annotation
(a segment someone annotated has been read, even before its verdict). Error-free reviewed segments
count with penalty 0; words are the whitespace words of the MT (see :mod:`review_app.review.mqm`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from review_app.review.models import Annotation, Dismissal, HistoryEntry, SegmentReview, Verdict
from review_app.review.mqm import (
    MQM_CATEGORIES,
    MQM_TYPOLOGY,
    Severity,
    metric_agreement,
    score_by_document,
    score_by_segment,
    score_by_system,
)

VERDICT_LABELS = {Verdict.ACCEPTED: "Accepted", Verdict.NEEDS_FIX: "Needs fix", Verdict.REJECTED: "Rejected"}
SEVERITY_LABELS = {Severity.MINOR: "Minor", Severity.MAJOR: "Major", Severity.CRITICAL: "Critical"}

# --- QA finding -> MQM annotation ----------------------------------------------------------------

# The MQM category a confirmed finding gets, by check id (the reviewer can delete it and annotate
# by hand when the check's guess is wrong). Checks not listed fall back on their family.
CHECK_CATEGORIES: dict[str, str] = {
    "glossary.case": "Terminology/Inappropriate for context",
    "glossary.forbidden": "Terminology/Inappropriate for context",
    "glossary.missing": "Terminology/Inappropriate for context",
    "glossary.inconsistent": "Terminology/Inconsistent use",
    "qa.empty": "Non-translation",
    "qa.untranslated": "Accuracy/Untranslated",
    "qa.number_mismatch": "Accuracy/Mistranslation",
    "qa.repeated_word": "Fluency/Grammar",
    "qa.repeated_phrase": "Fluency/Grammar",
    "qa.fullwidth_punctuation": "Fluency/Punctuation",
    "qa.spacing": "Fluency/Punctuation",
    "qa.unbalanced_brackets": "Fluency/Punctuation",
    "qa.unbalanced_quotes": "Fluency/Punctuation",
    "qa.lowercase_start": "Fluency/Spelling",
    "qa.length_ratio": "Accuracy/Omission",  # "Accuracy/Addition" when the MT is too long
}
FAMILY_CATEGORIES = {"glossary": "Terminology/Inappropriate for context", "qa": "Other"}
# The checks' severities -> MQM severities.
CHECK_SEVERITIES = {"error": Severity.MAJOR, "warning": Severity.MINOR, "info": Severity.MINOR}


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def category_for_check(check: str, message: str = "") -> str:
    """The MQM category (from :data:`MQM_CATEGORIES`) for a finding of ``check``."""
    if check == "qa.length_ratio" and "longer" in message.lower():
        return "Accuracy/Addition"
    if check in CHECK_CATEGORIES:
        return CHECK_CATEGORIES[check]
    return FAMILY_CATEGORIES.get(check.split(".", 1)[0], "Other")


def severity_for_check(check: str, severity: str) -> Severity:
    if check == "qa.empty":
        return Severity.CRITICAL
    return CHECK_SEVERITIES.get(str(severity).lower(), Severity.MINOR)


@dataclass(frozen=True)
class ProposedAnnotation:
    """What confirming a finding saves: ``store.add_annotation(..., **proposal.fields())``."""

    start: int
    end: int
    text: str
    category: str
    severity: Severity
    comment: str

    def fields(self) -> dict[str, Any]:
        return {
            "start": self.start, "end": self.end, "text": self.text, "category": self.category,
            "severity": self.severity.value, "comment": self.comment,
        }


def annotation_for_finding(finding: Any) -> ProposedAnnotation:
    """The annotation a confirmed QA finding becomes: its span (0, 0, "" for a segment-level finding),
    the MQM category of its check, major for an error / minor otherwise, and the check's message
    (and suggestion) as the comment."""
    check = str(_get(finding, "check"))
    message = str(_get(finding, "message") or "")
    start, end, text = dismissal_key(finding)[1:]
    suggestion = _get(finding, "suggestion")
    comment = f"{check}: {message}" + (f" \u2192 {suggestion}" if suggestion else "")
    return ProposedAnnotation(
        start=start, end=end, text=text, category=category_for_check(check, message),
        severity=severity_for_check(check, str(_get(finding, "severity") or "")), comment=comment,
    )


def dismissal_key(finding: Any) -> tuple[str, int, int, str]:
    """(check, start, end, text) as the store keeps a dismissal: a segment-level finding (no offsets)
    is 0, 0, "" (which the checks' suppression matching treats as "the segment-level finding")."""
    start = _get(finding, "start")
    if start is None:
        return str(_get(finding, "check")), 0, 0, ""
    end = _get(finding, "end")
    return str(_get(finding, "check")), int(start), int(start if end is None else end), str(_get(finding, "text") or "")


def without_dismissed(findings: Iterable[Any], dismissals: Iterable[Any]) -> list[Any]:
    """``findings`` minus those a dismissal suppresses, matched exactly as ``run_checks(...,
    suppressions=dismissals)`` matches them (the same :class:`SuppressionIndex`)."""
    from review_app.checks.model import SuppressionIndex

    index = SuppressionIndex(dismissals)
    if not index:
        return list(findings)
    return [f for f in findings if not index.suppressed(f)]


def dismissals_digest(dismissals: Iterable[Dismissal]) -> str:
    """A short hash of a list of dismissals (a cache key part: the tables change when it does)."""
    keys = sorted((d.system, d.segment, d.check, d.start, d.end, d.text) for d in dismissals)
    if not keys:
        return "none"
    return hashlib.sha256(json.dumps(keys, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def is_confirmed(finding: Any, annotations: Iterable[Annotation]) -> bool:
    """Whether an annotation already covers this finding (same span and the category it maps to)."""
    proposal = annotation_for_finding(finding)
    return any(
        (a.start, a.end, a.text, a.category) == (proposal.start, proposal.end, proposal.text, proposal.category)
        for a in annotations
    )


# --- spans -------------------------------------------------------------------------------------

WORD_RE = re.compile(r"\w+(?:[-'\u2019.,]\w+)*|[^\w\s]")  # as review_app.highlight.TOKEN_RE


@dataclass(frozen=True)
class Word:
    index: int
    start: int
    end: int
    text: str


def words_of(text: str) -> list[Word]:
    """The words and punctuation marks of ``text`` with their offsets (the pieces a span is chosen from)."""
    return [Word(i, m.start(), m.end(), m.group()) for i, m in enumerate(WORD_RE.finditer(text or ""))]


def word_labels(words: Sequence[Word]) -> list[str]:
    """A label per word, all different (a repeated word gets invisible word joiners appended): a
    widget that maps labels back to choices must not mistake the second "the" for the first."""
    seen: dict[str, int] = defaultdict(int)
    labels = []
    for word in words:
        labels.append(word.text + "\u2060" * seen[word.text])
        seen[word.text] += 1
    return labels


def span_from_words(text: str, words: Sequence[Word], chosen: Iterable[int]) -> tuple[int, int, str] | None:
    """The span from the first to the last chosen word (by index), or None when none is chosen."""
    chosen = sorted(set(int(i) for i in chosen if 0 <= int(i) < len(words)))
    if not chosen:
        return None
    start, end = words[chosen[0]].start, words[chosen[-1]].end
    return start, end, text[start:end]


def occurrences(text: str, needle: str) -> list[int]:
    """Start offsets of every occurrence of ``needle`` in ``text`` (overlapping ones too)."""
    if not needle:
        return []
    found, position = [], text.find(needle)
    while position >= 0:
        found.append(position)
        position = text.find(needle, position + 1)
    return found


def choose_span(
    text: str, words: Sequence[Word], chosen: Iterable[int] = (), typed: str = "", occurrence: int = 0
) -> tuple[int, int, str] | None:
    """The span an annotation covers: the chosen words (first to last) if any, else the
    ``occurrence``-th place of the ``typed`` text (exact, case and all), else None (the whole
    segment, e.g. an omission). Raises ValueError when the typed text is not in the MT."""
    picked = span_from_words(text, words, chosen)
    if picked is not None:
        return picked
    if typed:
        places = occurrences(text, typed)
        if not places:
            raise ValueError(f"“{typed}” is not in the MT text (it must be copied exactly, case and spaces included)")
        start = places[min(max(int(occurrence), 0), len(places) - 1)]
        return start, start + len(typed), typed
    return None


def context_of(text: str, start: int, end: int, width: int = 30) -> str:
    """``…left [span] right…``: where an occurrence is, for telling several apart."""
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return ("…" if start > width else "") + left + "[" + text[start:end] + "]" + right + ("…" if end + width < len(text) else "")


def category_label(category: str) -> str:
    top, _, sub = category.partition("/")
    return f"{top} › {sub}" if sub else top


def category_options() -> list[str]:
    """Every MQM category, grouped by top-level category (the store's spelling)."""
    return list(MQM_CATEGORIES)


def top_categories() -> list[str]:
    return list(MQM_TYPOLOGY)


# --- MQM tables --------------------------------------------------------------------------------


def reviewed_scope(reviews: Iterable[SegmentReview], n_segments: int) -> dict[str, list[int]]:
    """Segments in the MQM scope of each system: a verdict or an annotation, within the corpus."""
    scope: dict[str, set[int]] = defaultdict(set)
    for review in reviews:
        if 1 <= review.segment <= n_segments and (review.verdict is not None or review.annotations):
            scope[review.system].add(review.segment)
    return {system: sorted(segments) for system, segments in scope.items()}


def _word_counts(lines: Sequence[str], segments: Iterable[int]) -> dict[int, int]:
    return {s: len(lines[s - 1].split()) for s in segments}


def mqm_system_table(
    systems: Mapping[str, Sequence[str]], reviews: Sequence[SegmentReview], annotations: Sequence[Annotation]
) -> pd.DataFrame:
    """One row per system (``systems``: name -> MT lines, corpus order): segments reviewed (with a
    verdict), in the MQM scope, errors, the penalty, MQM per 100 words and the WMT score."""
    n = max((len(lines) for lines in systems.values()), default=0)
    scope = reviewed_scope(reviews, n)
    words = {name: _word_counts(lines, scope.get(name, ())) for name, lines in systems.items()}
    scores = score_by_system(annotations, words)
    verdicts = defaultdict(int)
    for review in reviews:
        if review.verdict is not None and 1 <= review.segment <= n:
            verdicts[review.system] += 1
    rows = []
    for name, lines in systems.items():
        score = scores[name]
        rows.append({
            "system": name,
            "reviewed": verdicts.get(name, 0),
            "total": len(lines),
            "annotated segments": score.segments,
            "errors": score.errors,
            "penalty": score.penalty,
            "MQM per 100 words": score.per_100_words,
            "MQM (WMT)": score.wmt,
        })
    frame = pd.DataFrame(rows, columns=["system", "reviewed", "total", "annotated segments", "errors", "penalty",
                                        "MQM per 100 words", "MQM (WMT)"])
    for column in ("penalty", "MQM per 100 words", "MQM (WMT)"):
        frame[column] = frame[column].astype("float64")
    return frame


def mqm_segment_table(
    system: str, lines: Sequence[str], reviews: Sequence[SegmentReview], annotations: Sequence[Annotation],
    documents: Sequence[str] | None = None,
) -> pd.DataFrame:
    """One row per reviewed segment of ``system``: words, errors, penalty, MQM per 100 words, the WMT
    score and the verdict."""
    scope = reviewed_scope([r for r in reviews if r.system == system], len(lines)).get(system, [])
    own = [a for a in annotations if a.system == system]
    scores = score_by_segment(own, _word_counts(lines, scope))
    verdicts = {r.segment: r.verdict for r in reviews if r.system == system}
    rows = []
    for segment in scope:
        score = scores[segment]
        verdict = verdicts.get(segment)
        rows.append({
            "segment": segment,
            "doc": documents[segment - 1] if documents else None,
            "verdict": VERDICT_LABELS.get(verdict, "") if verdict else "",
            "words": score.words,
            "errors": score.errors,
            "penalty": score.penalty,
            "MQM per 100 words": score.per_100_words,
            "MQM (WMT)": score.wmt,
        })
    return pd.DataFrame(rows, columns=["segment", "doc", "verdict", "words", "errors", "penalty", "MQM per 100 words",
                                       "MQM (WMT)"])


def mqm_document_table(
    systems: Mapping[str, Sequence[str]], documents: Sequence[str], reviews: Sequence[SegmentReview],
    annotations: Sequence[Annotation],
) -> pd.DataFrame:
    """One row per (system, document) with reviewed segments: segments, words, errors, penalty, MQM."""
    n = len(documents)
    scope = reviewed_scope(reviews, n)
    rows = []
    for name, lines in systems.items():
        segments = scope.get(name)
        if not segments:
            continue
        own = [a for a in annotations if a.system == name]
        for doc, score in score_by_document(own, _word_counts(lines, segments), documents).items():
            rows.append({
                "system": name, "doc": doc, "segments": score.segments, "words": score.words, "errors": score.errors,
                "penalty": score.penalty, "MQM per 100 words": score.per_100_words, "MQM (WMT)": score.wmt,
            })
    return pd.DataFrame(rows, columns=["system", "doc", "segments", "words", "errors", "penalty", "MQM per 100 words",
                                       "MQM (WMT)"])


def agreement_table(
    segment_scores: pd.DataFrame,
    reviews: Sequence[SegmentReview],
    annotations: Sequence[Annotation],
    metrics: Mapping[str, str],
    *,
    n_segments: int,
    min_segments: int = 10,
) -> pd.DataFrame | None:
    """Pearson and Kendall tau-b of per-segment MQM (WMT sign: higher is better) with each automatic
    sentence metric, over every reviewed (system, segment); None while fewer than ``min_segments``
    are reviewed. ``segment_scores``: the segment table (``system``, ``segment`` and one column per
    metric id)."""
    scope = reviewed_scope(reviews, n_segments)
    keys = [(system, segment) for system, segments in scope.items() for segment in segments]
    if len(keys) < max(min_segments, 2):
        return None
    by_key = defaultdict(list)
    for a in annotations:
        by_key[(a.system, a.segment)].append(a)
    mqm = {}
    for key in keys:
        mqm[key] = -sum(a.penalty for a in by_key.get(key, ()))
    indexed = segment_scores.set_index(["system", "segment"])
    rows = []
    for metric_id, name in metrics.items():
        if metric_id not in indexed.columns:
            continue
        column = indexed[metric_id]
        values = {key: float(column[key]) for key in keys if key in column.index and pd.notna(column[key])}
        result = metric_agreement(mqm, values, min_segments=min_segments)
        if result is None:
            continue
        rows.append({"metric": name, "segments": result.segments, "Pearson r": result.pearson,
                     "Kendall τ-b": result.kendall_tau})
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["metric", "segments", "Pearson r", "Kendall τ-b"])


# --- history and conflicts ---------------------------------------------------------------------


def when(at: datetime | None) -> str:
    if at is None:
        return ""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _verdict_name(value: Any) -> str:
    if value in (None, ""):
        return "none"
    try:
        return VERDICT_LABELS[Verdict(value)].lower()
    except ValueError:
        return str(value)


def describe_entry(entry: HistoryEntry) -> str:
    """One line saying what an audit-log entry did."""
    d = entry.details or {}
    action = entry.action
    if action == "save_review":
        before, after = d.get("before", {}), d.get("after", {})
        parts = []
        if before.get("verdict") != after.get("verdict"):
            parts.append(f"verdict {_verdict_name(before.get('verdict'))} → {_verdict_name(after.get('verdict'))}")
        if before.get("comment") != after.get("comment"):
            parts.append(f"comment “{_clip(after.get('comment') or '')}”" if after.get("comment") else "comment cleared")
        if before.get("post_edit") != after.get("post_edit"):
            parts.append(f"post-edit “{_clip(after.get('post_edit'))}”" if after.get("post_edit") is not None else "post-edit cleared")
        return "; ".join(parts) or "saved (no change)"
    if action in ("add_annotation", "delete_annotation", "import_annotation"):
        verb = {"add_annotation": "added", "delete_annotation": "deleted", "import_annotation": "imported"}[action]
        span = f" on “{_clip(d.get('text', ''))}”" if d.get("text") else " (whole segment)"
        return f"{verb} {d.get('category', '?')} ({d.get('severity', '?')}){span}"
    if action in ("dismiss_finding", "undismiss_finding"):
        verb = "dismissed" if action == "dismiss_finding" else "restored"
        span = f" “{_clip(d.get('text', ''))}”" if d.get("text") else ""
        return f"{verb} {d.get('check', '?')}{span}" + (" as a false alarm" if verb == "dismissed" else "")
    return action.replace("_", " ")


def history_rows(entries: Iterable[HistoryEntry], *, with_segment: bool = False) -> pd.DataFrame:
    """The audit log as a table a reviewer reads: when, who, (system, segment,) what."""
    rows = []
    for entry in entries:
        row = {"when": when(entry.at), "who": entry.actor}
        if with_segment:
            row.update(system=entry.system, segment=entry.segment)
        row["what"] = describe_entry(entry)
        rows.append(row)
    columns = ["when", "who", *(["system", "segment"] if with_segment else []), "what"]
    return pd.DataFrame(rows, columns=columns)


def conflict_rows(mine: Mapping[str, Any], theirs: SegmentReview) -> pd.DataFrame:
    """What differs between the reviewer's unsaved values (``mine``: verdict, comment, post_edit, any
    subset) and what the other person saved: one row per field."""
    rows = []
    their_values = {"verdict": theirs.verdict, "comment": theirs.comment, "post_edit": theirs.post_edit}
    labels = {"verdict": "Verdict", "comment": "Comment", "post_edit": "Post-edit"}
    for name in ("verdict", "comment", "post_edit"):
        if name not in mine:
            continue
        yours, their = mine[name], their_values[name]
        if name == "verdict":
            yours, their = _verdict_name(yours.value if isinstance(yours, Verdict) else yours), _verdict_name(their)
        rows.append({"field": labels[name], "yours": "" if yours is None else str(yours),
                     "theirs": "" if their is None else str(their)})
    return pd.DataFrame(rows, columns=["field", "yours", "theirs"])


# --- annotations shown in the text, and import checks -----------------------------------------


@dataclass(frozen=True)
class AnnotationMark:
    """An annotation in the shape :func:`review_app.highlight.highlight_html` marks (its severity
    names map onto the colours: critical/major red, minor amber)."""

    start: int | None
    end: int | None
    check: str
    severity: str
    message: str
    suggestion: str = ""


def annotation_marks(annotations: Iterable[Annotation]) -> list[AnnotationMark]:
    marks = []
    for a in annotations:
        whole = a.start == a.end == 0 and not a.text
        marks.append(AnnotationMark(
            start=None if whole else a.start, end=None if whole else a.end, check="mqm:" + a.category.replace(" ", "_"),
            severity=a.severity.value, message=f"{a.category} ({a.severity.value}, {a.rater})" + (f": {a.comment}" if a.comment else ""),
        ))
    return marks


def import_problems(annotations: Sequence[Annotation], systems: Mapping[str, Sequence[str]], *, limit: int = 10) -> list[str]:
    """Why annotations read from a file do not fit the open corpus: an unknown system, a segment
    past the end, a span whose text is not the MT's there. Empty when they all fit."""
    problems = []
    for number, a in enumerate(annotations, 1):
        lines = systems.get(a.system)
        if lines is None:
            problems.append(f"annotation {number}: no system {a.system!r} in this corpus (systems: {', '.join(systems)})")
        elif not 1 <= a.segment <= len(lines):
            problems.append(f"annotation {number}: segment {a.segment} of {a.system} is past the end ({len(lines)} segments)")
        elif (a.start, a.end, a.text) != (0, 0, "") and lines[a.segment - 1][a.start:a.end] != a.text:
            problems.append(f"annotation {number}: span {a.start}-{a.end} of {a.system} segment {a.segment} is "
                            f"“{lines[a.segment - 1][a.start:a.end]}”, not “{a.text}” (a different MT?)")
        if len(problems) >= limit:
            problems.append("…")
            break
    return problems
