"""Persistence core of the review workflow: verdicts, MQM annotations, post-edits, dismissed QA
findings, history, progress, MQM scores and their agreement with automatic metrics.

A pure library (no Streamlit). Start with :class:`ReviewStore`; see :mod:`.mqm` for scoring and
:mod:`.exchange` for the export/import formats.
"""

from review_app.review.exchange import EXPORT_COLUMNS, parse_annotations, parse_annotations_csv, parse_annotations_json
from review_app.review.models import (
    Annotation,
    ConflictError,
    Dismissal,
    HistoryEntry,
    Progress,
    SegmentReview,
    Verdict,
)
from review_app.review.mqm import (
    MQM_CATEGORIES,
    MQM_TYPOLOGY,
    NON_TRANSLATION_WEIGHT,
    SEVERITY_WEIGHTS,
    Agreement,
    MqmScore,
    Severity,
    annotation_penalty,
    kendall_tau_b,
    metric_agreement,
    mqm_score,
    pearson,
    score_by_document,
    score_by_segment,
    score_by_system,
    segment_mqm_scores,
    segment_penalty,
    word_counts,
)
from review_app.review.store import UNSET, ReviewStore, default_database_url

__all__ = [
    "EXPORT_COLUMNS",
    "MQM_CATEGORIES",
    "MQM_TYPOLOGY",
    "NON_TRANSLATION_WEIGHT",
    "SEVERITY_WEIGHTS",
    "UNSET",
    "Agreement",
    "Annotation",
    "ConflictError",
    "Dismissal",
    "HistoryEntry",
    "MqmScore",
    "Progress",
    "ReviewStore",
    "SegmentReview",
    "Severity",
    "Verdict",
    "annotation_penalty",
    "default_database_url",
    "kendall_tau_b",
    "metric_agreement",
    "mqm_score",
    "parse_annotations",
    "parse_annotations_csv",
    "parse_annotations_json",
    "pearson",
    "score_by_document",
    "score_by_segment",
    "score_by_system",
    "segment_mqm_scores",
    "segment_penalty",
    "word_counts",
]
