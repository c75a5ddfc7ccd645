"""What a check sees: one MT segment with its references and source, and facts computed once.

``SegmentFacts`` belongs to one segment index and is shared by every system: anything derived from
the references or the source (their numbers, glossary terms, brackets...) is computed once per
segment with ``facts.memo(key, factory)``, not once per system. ``SegmentContext`` is one system's
segment; ``seg.memo`` caches what several checks derive from the MT (its glossary matches).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from review_app.corpus import Text, check_aligned, check_unique_names, load_texts, stem
from review_app.errors import InputError


@dataclass(frozen=True)
class CheckCorpus:
    """A corpus for the checks when there is no reference (``Corpus`` requires one): the same
    attributes the checks read from :class:`review_app.corpus.Corpus`."""

    name: str
    systems: tuple[Text, ...]
    references: tuple[Text, ...] = ()
    source: Text | None = None
    documents: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not self.systems:
            raise InputError("no MT system output given")
        check_aligned([*self.systems, *self.references, *([self.source] if self.source else [])])
        if self.documents is not None and len(self.documents) != len(self):
            raise InputError(f"documents list has {len(self.documents)} lines but the corpus has {len(self)} segments")
        check_unique_names(self.systems, "system")
        check_unique_names(self.references, "reference")

    def __len__(self) -> int:
        return len(self.systems[0])

    def refs_for(self, index: int) -> tuple[str, ...]:
        return tuple(ref.segments[index] for ref in self.references)


def corpus_for_checks(
    hyps: Sequence[str | os.PathLike],
    refs: Sequence[str | os.PathLike] = (),
    src: str | os.PathLike | None = None,
    name: str | None = None,
):
    """A :class:`review_app.corpus.Corpus` from files, or a :class:`CheckCorpus` when no reference is given."""
    from review_app.corpus import corpus_from_files

    if refs:
        return corpus_from_files(hyps, refs, src, name)
    if not hyps:
        raise InputError("give at least one MT output file")
    systems = tuple(text for path in hyps for text in load_texts(path, "system"))
    source = load_texts(src, "source")[0] if src else None
    return CheckCorpus(name=name or stem(hyps[0]), systems=systems, source=source)


class RunContext:
    """Shared by the whole run: the glossary and its matcher (built once)."""

    def __init__(self, corpus: Any, glossary=None, matcher=None):
        self.corpus = corpus
        self.glossary = glossary
        self.matcher = matcher
        self.has_references = bool(getattr(corpus, "references", ()))
        self.has_source = getattr(corpus, "source", None) is not None
        self.documents = getattr(corpus, "documents", None)


class SegmentFacts:
    """One segment index: its references and source, and facts derived from them (shared by systems)."""

    __slots__ = ("index", "refs", "source", "document", "_memo")

    def __init__(self, index: int, refs: tuple[str, ...], source: str | None, document: str | None):
        self.index = index
        self.refs = refs
        self.source = source
        self.document = document
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, factory: Callable[[], Any]) -> Any:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = factory()
            return value


class SegmentContext:
    """One system's segment, as a check function sees it."""

    __slots__ = ("system", "index", "mt", "facts", "run", "_system_text", "_memo")

    def __init__(self, system: Text, index: int, facts: SegmentFacts, run: RunContext):
        self.system = system.name
        self._system_text = system
        self.index = index
        self.mt = system.segments[index]
        self.facts = facts
        self.run = run
        self._memo: dict[str, Any] | None = None

    @property
    def segment(self) -> int:
        """1-based segment number."""
        return self.index + 1

    @property
    def refs(self) -> tuple[str, ...]:
        return self.facts.refs

    @property
    def source(self) -> str | None:
        return self.facts.source

    @property
    def document(self) -> str | None:
        return self.facts.document

    @property
    def previous_mt(self) -> str | None:
        """The system's previous segment when it belongs to the same document, else None."""
        if self.index == 0:
            return None
        documents = self.run.documents
        if documents is not None and documents[self.index - 1] != documents[self.index]:
            return None
        return self._system_text.segments[self.index - 1]

    def memo(self, key: str, factory: Callable[[], Any]) -> Any:
        if self._memo is None:
            self._memo = {}
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = factory()
            return value


@dataclass
class DocumentContext:
    """One system's segments of one document, in order, for document checks."""

    system: str
    document: str | None
    segments: list[SegmentContext]
    run: RunContext
