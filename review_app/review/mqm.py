"""MQM typology, severity weights, scores and agreement with automatic metrics: pure functions.

Typology
    Categories are "Category/Subcategory" strings from :data:`MQM_CATEGORIES` (the MQM core
    typology as used for WMT human evaluation, Freitag et al. 2021), plus the two top-level
    categories without a subcategory, ``Non-translation`` and ``Other``.

Weights
    minor 1, major 5, critical 10; an error of category ``Non-translation`` weighs 25 whatever
    its severity (it means the whole segment is unusable).

Scores (:class:`MqmScore`)
    ``penalty``        the raw sum of weights (0 = no error found), over a segment, a document
                       or a whole system;
    ``per_word``       penalty / words, and ``per_100_words`` = 100 * per_word. *Words* are the
                       whitespace-separated words of the **target** (MT) text of the segments in
                       scope: the MT side is always English here and splits reliably on spaces,
                       while sources in Chinese, Japanese or Thai do not. Callers who prefer the
                       source side pass source word counts instead (see :func:`word_counts`);
    ``wmt``            the WMT convention: minus the mean penalty per segment (0 is perfect,
                       -25 is a non-translation on every segment); for a single segment it is the
                       negative sum of its error weights.

A score covers the segments in scope: those listed in the ``words`` mapping (reviewed segments,
including those reviewed and found error-free, which count with penalty 0). Annotations of
segments outside the scope are ignored.

Annotations are duck-typed: any object with attributes ``segment``, ``category``, ``severity``
(and ``system`` for :func:`score_by_system`) or a mapping with those keys; the store's
:class:`~review_app.review.models.Annotation` qualifies.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Hashable


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


MQM_TYPOLOGY: dict[str, tuple[str, ...]] = {
    "Accuracy": ("Addition", "Omission", "Mistranslation", "Untranslated", "Do not translate"),
    "Fluency": (
        "Grammar",
        "Spelling",
        "Punctuation",
        "Register",
        "Inconsistency",
        "Character encoding",
        "Unintelligible",
    ),
    "Terminology": ("Inappropriate for context", "Inconsistent use"),
    "Style": ("Awkward", "Unidiomatic"),
    "Locale convention": (
        "Number format",
        "Date format",
        "Time format",
        "Currency format",
        "Address format",
        "Name format",
        "Telephone format",
    ),
    "Non-translation": (),
    "Other": (),
}

NON_TRANSLATION = "Non-translation"
OTHER = "Other"

MQM_CATEGORIES: tuple[str, ...] = tuple(
    f"{top}/{sub}" if sub else top
    for top, subs in MQM_TYPOLOGY.items()
    for sub in (subs or ("",))
)

SEVERITY_WEIGHTS: dict[Severity, float] = {
    Severity.MINOR: 1.0,
    Severity.MAJOR: 5.0,
    Severity.CRITICAL: 10.0,
}
NON_TRANSLATION_WEIGHT = 25.0

_CATEGORY_LOOKUP = {category.casefold(): category for category in MQM_CATEGORIES}
# Spellings seen in WMT MQM releases.
_CATEGORY_LOOKUP.update(
    {
        "non-translation!": NON_TRANSLATION,
        "accuracy/untranslated text": "Accuracy/Untranslated",
    }
)


def normalize_category(category: str) -> str:
    """The canonical spelling of an MQM category (case and spaces around "/" forgiven).

    Raises ValueError, naming the valid categories, for anything not in :data:`MQM_CATEGORIES`.
    """
    if not isinstance(category, str):
        raise ValueError(f"MQM category must be a string, not {type(category).__name__}")
    key = "/".join(part.strip() for part in category.split("/")).casefold()
    try:
        return _CATEGORY_LOOKUP[key]
    except KeyError:
        raise ValueError(
            f"unknown MQM category {category!r}; expected one of: {', '.join(MQM_CATEGORIES)}"
        ) from None


def normalize_severity(severity: str | Severity) -> Severity:
    """``Severity`` from its name, case-insensitive; ValueError otherwise."""
    if isinstance(severity, Severity):
        return severity
    if isinstance(severity, str):
        try:
            return Severity(severity.strip().lower())
        except ValueError:
            pass
    raise ValueError(
        f"unknown MQM severity {severity!r}; expected one of: {', '.join(s.value for s in Severity)}"
    )


def annotation_penalty(category: str, severity: str | Severity) -> float:
    """The weight of one error: 25 for Non-translation, else minor 1 / major 5 / critical 10."""
    if normalize_category(category) == NON_TRANSLATION:
        normalize_severity(severity)  # still validated
        return NON_TRANSLATION_WEIGHT
    return SEVERITY_WEIGHTS[normalize_severity(severity)]


def _field(annotation: Any, name: str) -> Any:
    if isinstance(annotation, Mapping):
        return annotation[name]
    return getattr(annotation, name)


def segment_penalty(annotations: Iterable[Any]) -> float:
    """The sum of the weights of the given annotations (all of one segment, typically)."""
    return float(sum(annotation_penalty(_field(a, "category"), _field(a, "severity")) for a in annotations))


def word_counts(lines: Sequence[str], segments: Iterable[int] | None = None) -> dict[int, int]:
    """Whitespace word counts of ``lines`` keyed by 1-based segment, for all or the given segments."""
    if segments is None:
        segments = range(1, len(lines) + 1)
    counts = {}
    for segment in segments:
        if not 1 <= segment <= len(lines):
            raise ValueError(f"segment {segment} is out of range 1..{len(lines)}")
        counts[segment] = len(lines[segment - 1].split())
    return counts


@dataclass(frozen=True)
class MqmScore:
    """MQM over a set of segments. See the module docstring for the definitions."""

    penalty: float
    errors: int
    segments: int
    words: int

    @property
    def per_word(self) -> float | None:
        return self.penalty / self.words if self.words else None

    @property
    def per_100_words(self) -> float | None:
        return 100.0 * self.penalty / self.words if self.words else None

    @property
    def wmt(self) -> float | None:
        """Minus the mean penalty per segment (WMT): the negative sum for a single segment."""
        return -self.penalty / self.segments if self.segments else None


def _accumulate(
    annotations: Iterable[Any], words: Mapping[int, int], group_of: Mapping[int, Hashable]
) -> dict[Hashable, MqmScore]:
    penalty: dict[Hashable, float] = defaultdict(float)
    errors: dict[Hashable, int] = defaultdict(int)
    n_segments: dict[Hashable, int] = defaultdict(int)
    n_words: dict[Hashable, int] = defaultdict(int)
    for segment, count in words.items():
        if count < 0:
            raise ValueError(f"segment {segment}: negative word count {count}")
        group = group_of[segment]
        n_segments[group] += 1
        n_words[group] += count
    for annotation in annotations:
        segment = _field(annotation, "segment")
        if segment not in words:
            continue
        group = group_of[segment]
        penalty[group] += annotation_penalty(_field(annotation, "category"), _field(annotation, "severity"))
        errors[group] += 1
    return {
        group: MqmScore(penalty=penalty[group], errors=errors[group], segments=n_segments[group], words=n_words[group])
        for group in n_segments
    }


def mqm_score(annotations: Iterable[Any], words: Mapping[int, int]) -> MqmScore:
    """One score over the segments in ``words`` (segment -> word count) of one system."""
    scores = _accumulate(annotations, words, {segment: None for segment in words})
    return scores.get(None, MqmScore(penalty=0.0, errors=0, segments=0, words=0))


def score_by_segment(annotations: Iterable[Any], words: Mapping[int, int]) -> dict[int, MqmScore]:
    """A score per segment in ``words``; error-free segments get penalty 0."""
    return _accumulate(annotations, words, {segment: segment for segment in words})  # type: ignore[return-value]


def score_by_document(
    annotations: Iterable[Any], words: Mapping[int, int], docs: Sequence[str] | Mapping[int, str]
) -> dict[str, MqmScore]:
    """A score per document: ``docs`` gives the document id of each segment (a sequence indexed
    by segment - 1, as read from a docid file, or a mapping segment -> doc id)."""
    group_of: dict[int, str] = {}
    for segment in words:
        if isinstance(docs, Mapping):
            if segment not in docs:
                raise ValueError(f"segment {segment} has no document id")
            group_of[segment] = docs[segment]
        else:
            if not 1 <= segment <= len(docs):
                raise ValueError(f"segment {segment} has no document id (only {len(docs)} given)")
            group_of[segment] = docs[segment - 1]
    return _accumulate(annotations, words, group_of)  # type: ignore[return-value]


def score_by_system(annotations: Iterable[Any], words: Mapping[str, Mapping[int, int]]) -> dict[str, MqmScore]:
    """A score per system: ``words[system][segment]`` is the word count of each segment in scope."""
    by_system: dict[str, list[Any]] = defaultdict(list)
    for annotation in annotations:
        by_system[_field(annotation, "system")].append(annotation)
    return {system: mqm_score(by_system.get(system, ()), counts) for system, counts in words.items()}


def segment_mqm_scores(annotations: Iterable[Any], segments: Iterable[int]) -> dict[int, float]:
    """The WMT per-segment MQM score (minus the sum of error weights) of each given segment."""
    return {
        segment: score.wmt  # type: ignore[misc]
        for segment, score in score_by_segment(annotations, {segment: 0 for segment in segments}).items()
    }


# ---------------------------------------------------------------------------------------------
# Agreement with automatic metrics

DEFAULT_MIN_SEGMENTS = 10


@dataclass(frozen=True)
class Agreement:
    """Correlation of per-segment MQM with a per-segment metric over ``segments`` segments.

    A coefficient is None when undefined (one of the two series is constant).
    """

    segments: int
    pearson: float | None
    kendall_tau: float | None


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None when fewer than 2 values or either series is constant."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y differ in length")
    if n < 2:
        return None
    mean_x = math.fsum(x) / n
    mean_y = math.fsum(y) / n
    dx = [v - mean_x for v in x]
    dy = [v - mean_y for v in y]
    sxx = math.fsum(d * d for d in dx)
    syy = math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


def _dense_ranks(values: Sequence[float]) -> list[int]:
    """1-based dense ranks (equal values share a rank)."""
    order = {value: rank for rank, value in enumerate(sorted(set(values)), start=1)}
    return [order[value] for value in values]


def _tied_pairs(ranks: Sequence[Hashable]) -> int:
    counts: dict[Hashable, int] = defaultdict(int)
    for rank in ranks:
        counts[rank] += 1
    return sum(c * (c - 1) // 2 for c in counts.values())


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties in either series corrected for), in O(n log n) (Knight 1966).

    None when fewer than 2 values or either series is constant. Gives the same values as
    ``scipy.stats.kendalltau`` (its default variant, tau-b).
    """
    n = len(x)
    if n != len(y):
        raise ValueError("x and y differ in length")
    if n < 2:
        return None
    if any(math.isnan(v) for v in x) or any(math.isnan(v) for v in y):
        raise ValueError("NaN in the input")
    rx = _dense_ranks(x)
    ry = _dense_ranks(y)
    pairs = sorted(zip(rx, ry))  # by x, then y
    total = n * (n - 1) // 2
    x_ties = _tied_pairs(rx)
    y_ties = _tied_pairs(ry)
    joint_ties = _tied_pairs(pairs)
    if x_ties == total or y_ties == total:
        return None
    # Discordant pairs: pairs (i < j in the sort) with x_i < x_j and y_i > y_j, counted with a
    # Fenwick tree over y ranks; a block of equal x is added to the tree only after it is counted.
    size = max(ry) + 1
    tree = [0] * (size + 1)
    discordant = 0
    seen = 0
    i = 0
    while i < n:
        k = i
        while k < n and pairs[k][0] == pairs[i][0]:
            # elements already in the tree (smaller x) with y greater than this y
            idx = pairs[k][1]
            not_greater = 0
            while idx > 0:
                not_greater += tree[idx]
                idx -= idx & -idx
            discordant += seen - not_greater
            k += 1
        for j in range(i, k):
            idx = pairs[j][1]
            while idx <= size:
                tree[idx] += 1
                idx += idx & -idx
        seen += k - i
        i = k
    concordant_minus_discordant = total - x_ties - y_ties + joint_ties - 2 * discordant
    tau = concordant_minus_discordant / math.sqrt((total - x_ties) * (total - y_ties))
    return max(-1.0, min(1.0, tau))


def metric_agreement(
    mqm: Mapping[Hashable, float],
    metric: Mapping[Hashable, float],
    *,
    min_segments: int = DEFAULT_MIN_SEGMENTS,
) -> Agreement | None:
    """Pearson and Kendall tau-b between per-segment MQM and a per-segment automatic metric.

    ``mqm`` holds the annotated segments only (e.g. from :func:`segment_mqm_scores`, WMT sign:
    higher is better, so agreement shows as a positive correlation with BLEU/chrF); ``metric``
    may cover every segment. Keys are whatever identifies a segment (segment number, or
    (system, segment) to pool systems). Only keys in both count. Returns None when fewer than
    ``min_segments`` segments are annotated, too few for a meaningful correlation.
    """
    keys = [key for key in mqm if key in metric]
    if len(keys) < max(min_segments, 2):
        return None
    x = [float(mqm[key]) for key in keys]
    y = [float(metric[key]) for key in keys]
    if any(math.isnan(v) for v in x + y):
        raise ValueError("NaN among the scores")
    return Agreement(segments=len(keys), pearson=pearson(x, y), kendall_tau=kendall_tau_b(x, y))
