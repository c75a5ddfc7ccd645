"""The check registry: a check is a function registered with an id, a severity and a description.

Adding a check is one function (plus one test)::

    @register("qa.example", WARNING, "What it flags, in one line.")
    def example(seg: SegmentContext) -> Iterator[Hit]:
        if "foo" in seg.mt:
            start = seg.mt.index("foo")
            yield Hit(start, start + 3, "say bar, not foo", suggestion="bar")

A segment check receives a :class:`review_app.checks.context.SegmentContext` (the MT text, the
references and source of that segment, facts computed once per segment for all systems). A
document check (``scope="document"``) receives a :class:`DocumentContext` and yields
``(SegmentContext, Hit)`` pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from review_app.checks.model import SEVERITIES

SEGMENT = "segment"
DOCUMENT = "document"


@dataclass(frozen=True)
class Hit:
    """What a check function yields: a span of the MT (None, None for the segment as a whole)."""

    start: int | None
    end: int | None
    message: str
    suggestion: str = ""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    severity: str
    description: str
    func: Callable
    scope: str = SEGMENT
    needs_glossary: bool = False

    def as_tuple(self) -> tuple[str, str, str]:
        return (self.id, self.severity, self.description)


CHECKS: dict[str, CheckSpec] = {}


def register(
    check_id: str, severity: str, description: str, *, scope: str = SEGMENT, needs_glossary: bool = False
) -> Callable[[Callable], Callable]:
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}, not {severity!r}")
    if scope not in (SEGMENT, DOCUMENT):
        raise ValueError(f"scope must be {SEGMENT!r} or {DOCUMENT!r}")

    def decorate(func: Callable) -> Callable:
        if check_id in CHECKS and CHECKS[check_id].func is not func:
            raise ValueError(f"check {check_id!r} is registered twice")
        CHECKS[check_id] = CheckSpec(check_id, severity, description, func, scope, needs_glossary)
        return func

    return decorate


def list_checks() -> list[tuple[str, str, str]]:
    """(id, severity, description) of every check, in registration order."""
    return [spec.as_tuple() for spec in CHECKS.values()]
