"""Glossary and QA checks: a pure library (no UI), used by the CLI, the app and reports.

Public API::

    run_checks(corpus, glossary=None, *, disabled=(), only=None, suppressions=None, progress=None) -> list[Finding]
    CHECKS                      {id: CheckSpec(id, severity, description, func, scope, needs_glossary)}
    list_checks()               [(id, severity, description), ...]
    Finding                     frozen: system, segment (1-based), check, start, end, text, suggestion,
                                severity, message, document; .to_dict()
    Suppression, load_suppressions(path) -> list[Suppression]
    findings_summary(findings) -> {check: {system: count}}
    CheckCorpus, corpus_for_checks(hyps, refs=(), src=None)   # a corpus that may lack references
    register(id, severity, description)                      # decorator adding a check
"""

from review_app.checks import glossary_checks as _glossary_checks  # noqa: F401  (registers the checks)
from review_app.checks import qa as _qa  # noqa: F401  (registers the checks)
from review_app.checks.context import CheckCorpus, DocumentContext, SegmentContext, corpus_for_checks
from review_app.checks.model import (
    ERROR,
    INFO,
    SEVERITIES,
    WARNING,
    Finding,
    Suppression,
    findings_summary,
    load_suppressions,
)
from review_app.checks.registry import CHECKS, CheckSpec, Hit, list_checks, register
from review_app.checks.runner import run_checks, select_checks

__all__ = [
    "CHECKS",
    "ERROR",
    "INFO",
    "SEVERITIES",
    "WARNING",
    "CheckCorpus",
    "CheckSpec",
    "DocumentContext",
    "Finding",
    "Hit",
    "SegmentContext",
    "Suppression",
    "corpus_for_checks",
    "findings_summary",
    "list_checks",
    "load_suppressions",
    "register",
    "run_checks",
    "select_checks",
]
