"""Running the registered checks over a corpus."""

from __future__ import annotations

import os
from typing import Any, Callable, Iterable

from review_app.checks.context import DocumentContext, RunContext, SegmentContext, SegmentFacts
from review_app.checks.model import Finding, SuppressionIndex
from review_app.checks.registry import CHECKS, DOCUMENT, SEGMENT, CheckSpec, Hit
from review_app.errors import InputError

ProgressCallback = Callable[[int, int], None]
EMPTY_CHECK = "qa.empty"
MAX_PER_SEGMENT = 10  # findings of one check in one segment; a degenerate MT loop would give hundreds


def select_checks(
    disabled: Iterable[str] = (), only: Iterable[str] | None = None, with_glossary: bool = True
) -> list[CheckSpec]:
    """The checks to run, in registration order; unknown ids raise InputError."""
    disabled = list(disabled or ())
    only_list = list(only) if only is not None else None
    for check_id in disabled + (only_list or []):
        if check_id not in CHECKS:
            raise InputError(f"unknown check {check_id!r} (known: {', '.join(CHECKS)})")
    chosen = []
    for spec in CHECKS.values():
        if spec.id in disabled:
            continue
        if only_list is not None and spec.id not in only_list:
            continue
        if spec.needs_glossary and not with_glossary:
            continue
        chosen.append(spec)
    return chosen


def run_checks(
    corpus: Any,
    glossary: Any = None,
    *,
    disabled: Iterable[str] = (),
    only: Iterable[str] | None = None,
    suppressions: Iterable[Any] | None = None,
    progress: ProgressCallback | None = None,
) -> list[Finding]:
    """Run the checks over every system of ``corpus`` (a :class:`review_app.corpus.Corpus` or a
    :class:`review_app.checks.CheckCorpus`, which may have no reference).

    ``glossary``: a :class:`review_app.glossary.Glossary` or a path to one (validated); without
    it the glossary checks are skipped. ``disabled``/``only``: check ids. ``suppressions``:
    :class:`Suppression` objects (or findings, review-store dismissals, dicts) whose findings
    are left out. ``progress(done, total)`` is called as segments are checked.
    Findings come sorted by system (corpus order), segment, position and check.
    """
    if isinstance(glossary, (str, os.PathLike)):
        from review_app.glossary import load_glossary

        glossary = load_glossary(glossary)
    specs = select_checks(disabled, only, glossary is not None)
    matcher = None
    if glossary is not None and any(spec.needs_glossary for spec in specs):
        from review_app.glossary import GlossaryMatcher

        matcher = GlossaryMatcher(glossary)
    run = RunContext(corpus, glossary, matcher)
    segment_specs = [s for s in specs if s.scope == SEGMENT]
    document_specs = [s for s in specs if s.scope == DOCUMENT]
    index = SuppressionIndex(suppressions)

    systems = corpus.systems
    count = len(systems[0]) if systems else 0
    total = count * len(systems)
    step = max(1, count // 100)
    documents = getattr(corpus, "documents", None)
    source = corpus.source.segments if getattr(corpus, "source", None) is not None else None
    keep: dict[str, list[SegmentContext]] | None = {s.name: [] for s in systems} if document_specs else None
    findings: list[Finding] = []

    def emit(seg: SegmentContext, spec: CheckSpec, hit: Hit) -> None:
        if hit.start is None:
            text, start, end = "", None, None
        else:
            start, end = hit.start, hit.end
            text = seg.mt[start:end]
        finding = Finding(
            system=seg.system, segment=seg.segment, check=spec.id, start=start, end=end, text=text,
            suggestion=hit.suggestion, severity=spec.severity, message=hit.message, document=seg.document,
        )
        if not index or not index.suppressed(finding):
            findings.append(finding)

    for i in range(count):
        facts = SegmentFacts(
            i,
            corpus.refs_for(i) if getattr(corpus, "references", ()) else (),
            source[i] if source is not None else None,
            documents[i] if documents is not None else None,
        )
        for system in systems:
            seg = SegmentContext(system, i, facts, run)
            empty = not seg.mt.strip()
            for spec in segment_specs:
                if empty and spec.id != EMPTY_CHECK:
                    continue
                for hit in capped(spec.func(seg)):
                    emit(seg, spec, hit)
            if keep is not None:
                keep[system.name].append(seg)
        if progress is not None and (i % step == step - 1 or i == count - 1):
            progress((i + 1) * len(systems), total)

    if keep is not None:
        for system in systems:
            for document, segments in group_documents(keep[system.name]):
                context = DocumentContext(system.name, document, segments, run)
                for spec in document_specs:
                    for seg, hit in spec.func(context):
                        emit(seg, spec, hit)

    order = {system.name: n for n, system in enumerate(systems)}
    findings.sort(key=lambda f: (order[f.system], f.segment, -1 if f.start is None else f.start, f.end or 0, f.check))
    return findings


def capped(hits: Iterable[Hit]) -> list[Hit]:
    """At most MAX_PER_SEGMENT hits; the last one says how many more there were."""
    hits = list(hits)
    if len(hits) <= MAX_PER_SEGMENT:
        return hits
    kept = hits[:MAX_PER_SEGMENT]
    last = kept[-1]
    more = len(hits) - MAX_PER_SEGMENT
    kept[-1] = Hit(last.start, last.end, f"{last.message} (and {more} more like this in the segment)", last.suggestion)
    return kept


def group_documents(segments: list[SegmentContext]) -> list[tuple[str | None, list[SegmentContext]]]:
    """Segments grouped by document id (a corpus without documents is one document)."""
    groups: dict[str | None, list[SegmentContext]] = {}
    for seg in segments:
        groups.setdefault(seg.document, []).append(seg)
    return list(groups.items())
