"""Where each glossary term occurs in a corpus and how often the MT gets it wrong. Pure (no Streamlit).

Occurrences come from :class:`~review_app.glossary.matcher.GlossaryMatcher` (every form of every
term in each MT segment, and the source terms in the source); errors are the glossary checks'
findings (``glossary.case``, ``glossary.forbidden``, ``glossary.missing``, ``glossary.inconsistent``),
each attributed to its entry by the approved term the check suggests. Pass the findings with the
dismissed ones already left out, so a false alarm a reviewer dismissed is not counted.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from review_app.glossary.matcher import ADMITTED, TERM, VARIANT, GlossaryMatcher
from review_app.glossary.model import Glossary

GLOSSARY_CHECK_PREFIX = "glossary."
STATUS = {
    "term": "approved",
    "case": "approved (other case)",
    ADMITTED: "admitted",
    VARIANT: "forbidden variant",
}
ERROR_LABELS = {
    "glossary.case": "wrong case",
    "glossary.forbidden": "forbidden variant",
    "glossary.missing": "missing",
    "glossary.inconsistent": "inconsistent",
}


def _get(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


@dataclass(frozen=True)
class Occurrence:
    """One line of a term's concordance: a form of the term in an MT segment (``start``/``end`` set),
    or a glossary finding about it (``error`` set; a missing term has no span)."""

    entry: int
    system: str
    segment: int
    status: str
    start: int | None
    end: int | None
    text: str
    error: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Concordance:
    glossary: Glossary
    occurrences: dict[int, list[Occurrence]]
    source_hits: dict[int, int]  # entry -> source segments containing its source term
    errors: dict[int, int]  # entry -> glossary findings about it (two checks may flag the same place)

    def table(self) -> pd.DataFrame:
        """One row per term, most errors first: term, segments whose source has it, uses in the MT
        (approved or admitted; forbidden variants), errors (places in the MT a glossary check flagged,
        a missing term counting once per segment) and the error rate (errors per place the term is,
        or should be, in the MT)."""
        rows = []
        for entry, term in enumerate(self.glossary.terms):
            listed = self.occurrences.get(entry, ())
            found = [o for o in listed if o.error is None]
            approved = sum(o.status in (STATUS["term"], STATUS["case"]) for o in found)
            admitted = sum(o.status == STATUS[ADMITTED] for o in found)
            variants = sum(o.status == STATUS[VARIANT] for o in listed if o.error in (None, "glossary.forbidden"))
            places = {(o.system, o.segment, o.start, o.end) for o in listed}
            wrong = {(o.system, o.segment, o.start, o.end) for o in listed if o.error is not None}
            rows.append({
                "entry": entry,
                "term": term.term,
                "source hits": self.source_hits.get(entry, 0),
                "in MT": approved + admitted,
                "variants": variants,
                "errors": len(wrong),
                "error rate": len(wrong) / len(places) if places else None,
            })
        frame = pd.DataFrame(rows, columns=["entry", "term", "source hits", "in MT", "variants", "errors", "error rate"])
        frame["error rate"] = frame["error rate"].astype("float64")
        return frame.sort_values(["errors", "error rate", "term"], ascending=[False, False, True],
                                 kind="stable", na_position="last").reset_index(drop=True)

    def lines(self, entry: int, mt: dict[tuple[str, int], str], width: int = 60) -> pd.DataFrame:
        """The concordance of one term: system, segment, status (or the error), the text left of the
        occurrence, the occurrence, the text right of it, and the check's message."""
        rows = []
        for o in self.occurrences.get(entry, ()):
            text = mt.get((o.system, o.segment), "")
            if o.start is None:
                left, match, right = _clip_right(text, 2 * width), "", ""
            else:
                left = _clip_left(text[:o.start], width)
                match = text[o.start:o.end]
                right = _clip_right(text[o.end:], width)
            rows.append({"system": o.system, "segment": o.segment,
                         "status": ERROR_LABELS.get(o.error, o.error) if o.error else o.status,
                         "left": left, "match": match, "right": right, "message": o.message})
        frame = pd.DataFrame(rows, columns=["system", "segment", "status", "left", "match", "right", "message"])
        if not frame.empty:
            frame["error"] = frame["status"].isin(list(ERROR_LABELS.values()))
            frame = frame.sort_values(["error", "segment", "system"], ascending=[False, True, True], kind="stable")
            frame = frame.drop(columns=["error"]).reset_index(drop=True)
        return frame


def _clip_left(text: str, width: int) -> str:
    return text if len(text) <= width else "…" + text[-width:]


def _clip_right(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width] + "…"


def build_concordance(
    glossary: Glossary,
    systems: Sequence[tuple[str, Sequence[str]]],
    findings: Iterable[Any] = (),
    source: Sequence[str] | None = None,
) -> Concordance:
    """The concordance of every term over ``systems`` ((name, MT lines) in corpus order) with the
    glossary ``findings`` (others are ignored) and the ``source`` lines, if any."""
    matcher = GlossaryMatcher(glossary)
    entry_of = {}
    for index, term in enumerate(glossary.terms):
        entry_of.setdefault(term.term, index)
    occurrences: dict[int, list[Occurrence]] = defaultdict(list)
    errors: dict[int, int] = defaultdict(int)
    flagged: set[tuple[str, int, int, int]] = set()
    for finding in findings:
        check = str(_get(finding, "check", ""))
        if not check.startswith(GLOSSARY_CHECK_PREFIX):
            continue
        entry = entry_of.get(_get(finding, "suggestion"))
        if entry is None:
            continue
        system, segment = str(_get(finding, "system")), int(_get(finding, "segment"))
        start, end = _get(finding, "start"), _get(finding, "end")
        occurrences[entry].append(Occurrence(entry, system, segment, ERROR_LABELS.get(check, check), start, end,
                                             str(_get(finding, "text") or ""), check, str(_get(finding, "message") or "")))
        errors[entry] += 1
        if start is not None:
            flagged.add((system, segment, int(start), int(end)))
    for name, lines in systems:
        for number, text in enumerate(lines, 1):
            for match in matcher.find(text):
                if (name, number, match.start, match.end) in flagged:
                    continue  # already listed as the error the check found there
                if match.kind == TERM:
                    status = STATUS["term"] if match.exact else STATUS["case"]
                else:
                    status = STATUS[match.kind]
                occurrences[match.entry].append(Occurrence(match.entry, name, number, status, match.start, match.end,
                                                           match.text))
    source_hits: dict[int, int] = defaultdict(int)
    if source is not None and matcher.has_source_terms:
        for text in source:
            for entry in {e for m in matcher.find_source(text, overlapping=True) for e in m.entries}:
                source_hits[entry] += 1
    return Concordance(glossary, dict(occurrences), dict(source_hits), dict(errors))
