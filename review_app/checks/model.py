"""What the checks report (``Finding``), how a reviewer silences a false alarm (``Suppression``),
and counts of findings (``findings_summary``)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Iterable

from review_app.errors import InputError
from review_app.safety import restore_cell
from review_app.textio import clean_header, decode_utf8, load_json, read_bytes

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
WILDCARD = "*"


@dataclass(frozen=True)
class Finding:
    """One problem in one MT segment.

    ``segment`` is 1-based. ``start``/``end`` are character offsets into the MT text (end
    exclusive) and ``text`` is ``mt[start:end]``; both offsets are ``None`` for a finding about the
    segment as a whole or about something absent from it (a missing term, a missing number, an
    empty or too short translation), and then ``text`` is "".
    """

    system: str
    segment: int
    check: str
    start: int | None
    end: int | None
    text: str
    suggestion: str
    severity: str
    message: str
    document: str | None = None

    @property
    def segment_level(self) -> bool:
        return self.start is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Suppression:
    """A finding marked "not an error". ``system``/``segment`` may be ``None`` (or ``*`` in a file)
    to match any; ``start``/``end`` are compared only when given. A segment-level finding (no
    offsets) matches a suppression with no offsets or with 0, 0 and empty text."""

    check: str
    text: str
    system: str | None = None
    segment: int | None = None
    start: int | None = None
    end: int | None = None
    reason: str = ""

    def matches(self, finding: Finding) -> bool:
        if self.check != finding.check or self.text != finding.text:
            return False
        if self.system is not None and self.system != finding.system:
            return False
        if self.segment is not None and self.segment != finding.segment:
            return False
        if self.start is not None:
            if finding.start is None:
                return self.start == 0 and (self.end or 0) == 0 and self.text == ""
            return self.start == finding.start and (self.end is None or self.end == finding.end)
        return True


class SuppressionIndex:
    """Suppressions looked up by (check, text)."""

    def __init__(self, suppressions: Iterable[Any] | None):
        self._by_key: dict[tuple[str, str], list[Suppression]] = defaultdict(list)
        for item in suppressions or ():
            suppression = as_suppression(item)
            self._by_key[(suppression.check, suppression.text)].append(suppression)

    def __bool__(self) -> bool:
        return bool(self._by_key)

    def suppressed(self, finding: Finding) -> bool:
        return any(s.matches(finding) for s in self._by_key.get((finding.check, finding.text), ()))


def as_suppression(item: Any) -> Suppression:
    """A Suppression from a Suppression, a Finding, a review-store Dismissal or a dict."""
    if isinstance(item, Suppression):
        return item

    def get(name: str, default: Any = None) -> Any:
        if isinstance(item, dict):
            return item.get(name, default)
        return getattr(item, name, default)

    return Suppression(
        check=str(get("check")),
        text=str(get("text") or ""),
        system=get("system"),
        segment=get("segment"),
        start=get("start"),
        end=get("end"),
        reason=str(get("reason") or ""),
    )


# --- suppression files --------------------------------------------------------------------------


def load_suppressions(path: str | os.PathLike, data: bytes | None = None, name: str | None = None) -> list[Suppression]:
    """Read a suppression file: CSV with a header (``system,segment,check,text`` and optional
    ``start,end,reason``), or JSON (a list of such objects, or an object with a ``findings`` or
    ``suppressions`` list: the JSON ``check`` writes can be edited down and used as is).
    ``system`` and ``segment`` may be ``*`` or empty to match any."""
    label = name or str(path)
    raw = read_bytes(path, name=label) if data is None else data
    text = decode_utf8(raw, label)
    if label.lower().endswith((".json", ".jsonl")) or text.lstrip().startswith(("[", "{")):
        return _suppressions_from_json(text, label)
    return _suppressions_from_csv(text, label)


def _suppression_from_fields(fields: dict[str, Any], label: str, line: int | None) -> Suppression:
    def text_field(name: str, required: bool = False) -> str | None:
        value = fields.get(name)
        if value is None or value == "":
            if required:
                raise InputError(f"missing {name!r}", label, line)
            return None
        if not isinstance(value, (str, int)) or isinstance(value, bool):
            raise InputError(f"{name!r} must be a string, not {type(value).__name__}", label, line)
        return str(value)

    def int_field(name: str) -> int | None:
        value = fields.get(name)
        if value is None or value == "" or value == WILDCARD:
            return None
        if isinstance(value, bool):
            raise InputError(f"{name!r} must be a whole number, not {value!r}", label, line)
        try:
            number = int(str(value).strip())
        except ValueError:
            raise InputError(f"{name!r} must be a whole number or '*', not {value!r}", label, line) from None
        if number < (1 if name == "segment" else 0):
            raise InputError(f"{name!r} must be at least {1 if name == 'segment' else 0}, not {number}", label, line)
        return number

    check = text_field("check", required=True)
    system = text_field("system")
    text = fields.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise InputError(f"'text' must be a string, not {type(text).__name__}", label, line)
    return Suppression(
        check=check,
        text=text,
        system=None if system in (None, WILDCARD) else system,
        segment=int_field("segment"),
        start=int_field("start"),
        end=int_field("end"),
        reason=str(fields.get("reason") or fields.get("note") or ""),
    )


def _suppressions_from_csv(text: str, label: str) -> list[Suppression]:
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [clean_header(restore_cell(name)).lower() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise InputError(f"malformed CSV header ({exc})", label, 1) from None
    if "check" not in header:
        raise InputError("no 'check' column (expected: system, segment, check, text)", label, 1)
    duplicated = sorted({name for name in header if name and header.count(name) > 1})
    if duplicated:
        raise InputError(f"column {duplicated[0]!r} appears twice in the header", label, 1)
    reader.fieldnames = header
    suppressions = []
    try:
        for row in reader:
            if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                continue
            if None in row:
                raise InputError("more fields than the header has (a comma not quoted?)", label, reader.line_num)
            # CSV files we wrote (check --format csv) have formula-looking cells neutralised.
            row = {key: restore_cell(value) for key, value in row.items()}
            suppressions.append(_suppression_from_fields(row, label, reader.line_num))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc})", label, reader.line_num) from None
    return suppressions


def _suppressions_from_json(text: str, label: str) -> list[Suppression]:
    data = load_json(text, label)
    if isinstance(data, dict):
        for key in ("suppressions", "findings"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            raise InputError("expected a list of findings, or an object with a 'suppressions' or 'findings' list",
                             label, 1)
    if not isinstance(data, list):
        raise InputError("expected a list of findings", label, 1)
    lines = _json_item_lines(text, len(data))
    suppressions = []
    for number, item in enumerate(data):
        line = lines[number] if number < len(lines) else None
        if not isinstance(item, dict):
            raise InputError(f"entry {number + 1} must be an object", label, line)
        suppressions.append(_suppression_from_fields(item, label, line))
    return suppressions


def _json_item_lines(text: str, count: int) -> list[int]:
    """Line of each item of the (first) top-level list, for error messages."""
    decoder = json.JSONDecoder()
    start = text.find("[")
    if start < 0:
        return []
    lines = []
    position = start + 1
    try:
        while len(lines) < count:
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            lines.append(text.count("\n", 0, position) + 1)
            _, position = decoder.raw_decode(text, position)
    except (ValueError, RecursionError):
        pass
    return lines


# --- summaries ----------------------------------------------------------------------------------


def findings_summary(findings: Iterable[Finding]) -> dict[str, dict[str, int]]:
    """Counts per check per system: ``{check: {system: n}}``, checks and systems sorted."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for finding in findings:
        counts[finding.check][finding.system] += 1
    return {check: dict(sorted(systems.items())) for check, systems in sorted(counts.items())}
