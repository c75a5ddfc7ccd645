"""Glossary checks: wrong case, forbidden variants, missing terms, inconsistent renderings.

The glossary automaton is built once per run (``RunContext.matcher``); the source's and the
references' terms are found once per segment and shared by every system.
"""

from __future__ import annotations

import re
from typing import Iterator

from review_app.checks.context import DocumentContext, SegmentContext
from review_app.checks.model import ERROR, WARNING
from review_app.checks.registry import DOCUMENT, Hit, register
from review_app.glossary.matcher import TERM, VARIANT, TermMatch
from review_app.glossary.normalize import exact_key

SENTENCE_END_RE = re.compile(r"(?:^|[.!?:;…]|\s[-–—])[\s\"'“”‘’(\[«]*$")
WORD_RE = re.compile(r"[^\W\d_]{4,}")


def mt_matches(seg: SegmentContext) -> list[TermMatch]:
    """Glossary forms in the MT, leftmost-longest (for reporting spans)."""
    return seg.memo("glossary.matches", lambda: seg.run.matcher.find(seg.mt))


def mt_entries(seg: SegmentContext) -> set[int]:
    """Entries present in the MT in any form (term, admitted or variant; nested hits included)."""
    return seg.memo("glossary.present", lambda: {m.entry for m in seg.run.matcher.find(seg.mt, overlapping=True)})


def reference_entries(seg: SegmentContext) -> list[set[int]]:
    """Per reference: entries whose term or an admitted form it contains (in any case)."""
    matcher = seg.run.matcher
    return seg.facts.memo("glossary.refs", lambda: [
        {m.entry for m in matcher.find(ref, overlapping=True) if m.kind != VARIANT} for ref in seg.refs
    ])


def source_entries(seg: SegmentContext) -> dict[int, str]:
    """Entries whose source term the source contains, with the source text found."""

    def compute() -> dict[int, str]:
        found: dict[int, str] = {}
        if seg.source:
            for match in seg.run.matcher.find_source(seg.source, overlapping=True):
                for entry in match.entries:
                    found.setdefault(entry, match.text)
        return found

    return seg.facts.memo("glossary.source", compute)


def case_tolerated(found: str, term: str, text: str, start: int) -> bool:
    """Case differences good English allows: a capital at the start of a sentence, an all-capitals
    segment, a headline in Title Case."""
    if found[:1].isupper() and term[:1].islower() and exact_key(found[1:]) == exact_key(term[1:]):
        if SENTENCE_END_RE.search(text[:start]):
            return True
    letters = [ch for ch in text if ch.isalpha()]
    if found.isupper() and letters and sum(ch.isupper() for ch in letters) >= 0.7 * len(letters):
        return True
    if exact_key(found) == exact_key(_title(term)):
        words = WORD_RE.findall(text)
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.7 * len(words):
            return True
    return False


def _title(term: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in term.split(" "))


def wrong_case(seg: SegmentContext, match: TermMatch) -> bool:
    term = seg.run.glossary.terms[match.entry]
    return (match.kind == TERM and not match.exact and term.case_sensitive
            and not case_tolerated(match.text, term.term, seg.mt, match.start))


@register("glossary.case", ERROR, "A glossary term written with the wrong case (tianwen-1 for Tianwen-1).",
          needs_glossary=True)
def glossary_case(seg: SegmentContext) -> Iterator[Hit]:
    for match in mt_matches(seg):
        if wrong_case(seg, match):
            term = seg.run.glossary.terms[match.entry].term
            yield Hit(match.start, match.end, f"write {term!r}, not {match.text!r}", term)


@register("glossary.forbidden", ERROR, "A forbidden or deprecated variant of a glossary term.", needs_glossary=True)
def glossary_forbidden(seg: SegmentContext) -> Iterator[Hit]:
    for match in mt_matches(seg):
        if match.kind == VARIANT:
            term = seg.run.glossary.terms[match.entry].term
            yield Hit(match.start, match.end, f"{match.text!r} is a forbidden variant: use {term!r}", term)


@register("glossary.missing", WARNING,
          "The source has a glossary term (confirmed by a reference when there is one) and the MT has no form of it.",
          needs_glossary=True)
def glossary_missing(seg: SegmentContext) -> Iterator[Hit]:
    terms = seg.run.glossary.terms
    sources = source_entries(seg) if seg.source is not None else {}
    refs = reference_entries(seg) if seg.refs else []
    if seg.source is not None and seg.run.matcher.has_source_terms:
        if refs:
            expected = {e: s for e, s in sources.items() if any(e in r for r in refs)}
        else:
            expected = sources
        reason = "the source has {source!r}"
    elif refs:
        expected = {e: "" for e in set.intersection(*refs)} if refs else {}
        reason = "the reference has {term!r}"
    else:
        return
    if not expected:
        return
    present = mt_entries(seg)
    for entry in sorted(expected):
        if entry not in present:
            term = terms[entry].term
            yield Hit(None, None, f"{reason.format(source=expected[entry], term=term)} but the MT has no {term!r}", term)


@register("glossary.inconsistent", WARNING,
          "A term written right in one segment of a document and as a variant or with wrong case in another.",
          scope=DOCUMENT, needs_glossary=True)
def glossary_inconsistent(doc: DocumentContext) -> Iterator[tuple[SegmentContext, Hit]]:
    glossary = doc.run.glossary
    right: dict[int, int] = {}  # entry -> first segment with the approved form
    wrong: dict[int, list[tuple[SegmentContext, TermMatch]]] = {}
    for seg in doc.segments:
        if not seg.mt.strip():
            continue
        for match in mt_matches(seg):
            if match.kind == VARIANT:
                wrong.setdefault(match.entry, []).append((seg, match))
            elif match.kind == TERM:
                term = glossary.terms[match.entry]
                if match.exact or case_tolerated(match.text, term.term, seg.mt, match.start):
                    right.setdefault(match.entry, seg.segment)
                else:
                    wrong.setdefault(match.entry, []).append((seg, match))
    for entry, places in wrong.items():
        if entry not in right:
            continue
        term = glossary.terms[entry].term
        for seg, match in places:
            yield seg, Hit(match.start, match.end,
                           f"{match.text!r} here but {term!r} in segment {right[entry]} of the same document", term)
