"""The records of the review workflow: frozen dataclasses, plus the conflict error.

Segments are 1-based everywhere. Span offsets are Python string indices (code points) into the
MT text of the segment, ``start`` inclusive, ``end`` exclusive, so ``text == mt[start:end]``.
Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from review_app.errors import ReviewAppError
from review_app.review.mqm import Severity, annotation_penalty


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    NEEDS_FIX = "needs_fix"
    REJECTED = "rejected"


def normalize_verdict(verdict: str | Verdict | None) -> Verdict | None:
    if verdict is None or isinstance(verdict, Verdict):
        return verdict
    if isinstance(verdict, str):
        try:
            return Verdict(verdict.strip().lower().replace("-", "_").replace(" ", "_"))
        except ValueError:
            pass
    raise ValueError(f"unknown verdict {verdict!r}; expected one of: {', '.join(v.value for v in Verdict)}")


@dataclass(frozen=True)
class Annotation:
    """One MQM error annotation. ``id`` is None for one read from a file and not yet stored."""

    id: int | None
    corpus: str
    system: str
    segment: int
    start: int
    end: int
    text: str
    category: str
    severity: Severity
    comment: str
    rater: str
    created_at: datetime

    @property
    def penalty(self) -> float:
        return annotation_penalty(self.category, self.severity)

    @property
    def span(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True)
class SegmentReview:
    """What is saved for one (corpus, system, segment).

    ``version`` is 0 for a segment nobody has saved yet; pass it back as ``base_version`` to
    :meth:`ReviewStore.save_review`. ``reviewer`` and ``updated_at`` are those of the last save
    of the verdict/comment/post-edit. Annotations are kept apart (appended, never conflicting).
    """

    corpus: str
    system: str
    segment: int
    verdict: Verdict | None = None
    comment: str = ""
    post_edit: str | None = None
    version: int = 0
    reviewer: str | None = None
    updated_at: datetime | None = None
    annotations: tuple[Annotation, ...] = ()

    @property
    def reviewed(self) -> bool:
        return self.verdict is not None


@dataclass(frozen=True)
class Dismissal:
    """A QA finding dismissed as a false alarm; (system, segment, check, start, end, text) is the
    key the QA checks use for their suppression list."""

    corpus: str
    system: str
    segment: int
    check: str
    start: int
    end: int
    text: str
    reviewer: str
    created_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the audit log: who did what, when. ``details`` holds the values involved
    (for a review save: ``before`` and ``after``; for annotations: the annotation)."""

    id: int
    corpus: str
    system: str
    segment: int
    action: str
    actor: str
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=True)


@dataclass(frozen=True)
class Progress:
    system: str
    reviewed: int
    total: int

    @property
    def fraction(self) -> float:
        return self.reviewed / self.total if self.total else 0.0


class ConflictError(ReviewAppError):
    """Someone else saved the segment after the version this save was based on.

    ``current`` is what is saved now (their verdict, comment, post-edit, name and time);
    nothing was written. Reload, merge by hand, and save again with ``current.version``.
    """

    def __init__(self, current: SegmentReview, base_version: int) -> None:
        self.current = current
        self.base_version = base_version
        super().__init__(str(self))

    def __str__(self) -> str:
        current = self.current
        who = current.reviewer or "someone"
        when = current.updated_at.strftime("%Y-%m-%d %H:%M:%S UTC") if current.updated_at else "an unknown time"
        if current.version < self.base_version:
            return (
                f"segment {current.segment} of {current.system} is at version {current.version}, "
                f"not the version {self.base_version} your edit started from (was the database replaced?); "
                "nothing was saved: reload and save again"
            )
        return (
            f"segment {current.segment} of {current.system} was saved by {who} at {when} "
            f"(version {current.version}) after the version {self.base_version} your edit started from; "
            "nothing was saved: reload to see their changes and save again"
        )
