"""Finding glossary terms in text: one Aho-Corasick automaton over every form, whole words only.

Why pyahocorasick: one pass over the text finds every occurrence of every form, whatever the
number of terms (a regex per term costs one scan per term; see ``bench/bench_checks.py``). The
automaton runs over the normalised, lower-cased text (see :mod:`review_app.glossary.normalize`);
each hit is then kept only at word boundaries, overlapping hits are resolved leftmost-longest,
and the span is mapped back to the original text. Case is compared afterwards, on the original.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from review_app.glossary.model import Glossary
from review_app.glossary.normalize import Normalized, exact_key, is_word_char, match_key, normalize

TERM = "term"
ADMITTED = "admitted"
VARIANT = "variant"
PRIORITY = {TERM: 0, ADMITTED: 1, VARIANT: 2}


@dataclass(frozen=True)
class TermMatch:
    """A glossary form found in a text: [start, end) in the original text.

    ``kind`` is ``term`` (the approved form), ``admitted`` or ``variant`` (forbidden); ``entry``
    the index of the glossary entry; ``exact`` whether the text equals the approved term including
    case (apostrophe, hyphen, space and Unicode form aside); always True for other kinds.
    """

    start: int
    end: int
    text: str
    entry: int
    kind: str
    exact: bool = True


@dataclass(frozen=True)
class SourceMatch:
    start: int
    end: int
    text: str
    entries: tuple[int, ...]


class GlossaryMatcher:
    """Build once per glossary (the automaton), then call :meth:`find` on as many texts as needed."""

    def __init__(self, glossary: Glossary):
        self.glossary = glossary
        self._target = ahocorasick.Automaton()
        self._source = ahocorasick.Automaton()
        target: dict[str, list[tuple[int, str]]] = {}
        source: dict[str, list[int]] = {}
        # Exact (case-kept) spellings accepted for the term itself: the term, and admitted forms
        # that differ from it only in case (ROSCOSMOS for Roscosmos).
        self._term_exact: list[frozenset[str]] = []
        for index, term in enumerate(glossary.terms):
            term_key = match_key(term.term) if term.term else ""
            same = {exact_key(a) for a in term.admitted if match_key(a) == term_key}
            self._term_exact.append(frozenset({exact_key(term.term), *same}) if term.term else frozenset())
            forms = [(term.term, TERM)] + [(a, ADMITTED) for a in term.admitted] + [(v, VARIANT) for v in term.variants]
            for form, kind in forms:
                key = match_key(form)
                if key:
                    target.setdefault(key, []).append((index, kind))
            for form in term.sources:
                key = match_key(form)
                if key:
                    entries = source.setdefault(key, [])
                    if index not in entries:
                        entries.append(index)
        for key, payload in target.items():
            payload.sort(key=lambda item: (PRIORITY[item[1]], item[0]))
            index, kind = payload[0]
            self._target.add_word(key, (len(key), is_word_char(key[0]), is_word_char(key[-1]), index, kind))
        for key, entries in source.items():
            self._source.add_word(key, (len(key), is_word_char(key[0]), is_word_char(key[-1]), tuple(entries)))
        self._has_target = bool(target)
        self._has_source = bool(source)
        if self._has_target:
            self._target.make_automaton()
        if self._has_source:
            self._source.make_automaton()

    @property
    def has_source_terms(self) -> bool:
        return self._has_source

    def find(self, text: str | Normalized, overlapping: bool = False) -> list[TermMatch]:
        """Every glossary form in ``text`` (English), whole words; overlaps resolved leftmost-longest
        unless ``overlapping`` (then ``Mars`` inside ``Mars rover`` is found too: use it to ask
        whether a term is present, not to report spans)."""
        if not self._has_target:
            return []
        norm = text if isinstance(text, Normalized) else normalize(text)
        matches = []
        for start, end, (_, _, _, index, kind) in _scan(self._target, norm.text, overlapping):
            original_start, original_end = norm.span(start, end)
            found = norm.original[original_start:original_end]
            exact = True
            if kind == TERM:
                exact = exact_key(found) in self._term_exact[index]
            matches.append(TermMatch(original_start, original_end, found, index, kind, exact))
        return matches

    def find_source(self, text: str | Normalized, overlapping: bool = False) -> list[SourceMatch]:
        """Every glossary source term in ``text`` (the source language; no word boundaries in CJK)."""
        if not self._has_source:
            return []
        norm = text if isinstance(text, Normalized) else normalize(text)
        matches = []
        for start, end, (_, _, _, entries) in _scan(self._source, norm.text, overlapping):
            original_start, original_end = norm.span(start, end)
            matches.append(SourceMatch(original_start, original_end, norm.original[original_start:original_end], entries))
        return matches


def _scan(automaton, text: str, overlapping: bool = False):
    """(start, end, payload) of whole-word hits, overlaps resolved leftmost-longest unless ``overlapping``."""
    candidates = []
    length = len(text)
    for last, payload in automaton.iter(text):
        key_length, word_left, word_right = payload[0], payload[1], payload[2]
        start = last - key_length + 1
        end = last + 1
        if word_left and start > 0 and is_word_char(text[start - 1]):
            continue
        if word_right and end < length and is_word_char(text[end]):
            continue
        candidates.append((start, end, payload))
    if len(candidates) > 1 and not overlapping:
        candidates.sort(key=lambda c: (c[0], -c[1]))
        chosen = []
        reached = -1
        for candidate in candidates:
            if candidate[0] >= reached:
                chosen.append(candidate)
                reached = candidate[1]
        return chosen
    return candidates
