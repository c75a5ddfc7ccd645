"""Export and import of review data: pure functions on records and text.

Annotations travel as CSV or JSON with MQM-compatible columns (:data:`EXPORT_COLUMNS`):

    system, doc, segment (1-based), rater, category ("Accuracy/Mistranslation"), severity
    (minor/major/critical), span ("start-end", code-point offsets into the MT text, end
    exclusive), span_text (the MT text of the span), source, target (the MT segment),
    comment, timestamp (ISO 8601, UTC).

``span_text`` is not in the usual MQM column set; it is there so that a file exported without
the corpus texts still round-trips. On import, ``doc``/``source`` are informational, ``target``
(when present) is used to check ``span_text`` (or to derive it when that column is absent).

CSV cells that a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``, ``@``,
tab or CR) get a leading apostrophe. To keep the round trip exact, a cell that already starts
with apostrophes followed by one of those characters gets one more; import removes exactly one
apostrophe from cells of that shape (``^'+[=+\\-@\\t\\r]``) and leaves every other cell alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from review_app.errors import InputError
from review_app.review.models import Annotation, SegmentReview
from review_app.review.mqm import normalize_category, normalize_severity
from review_app.safety import csv_text, neutralise_cell, restore_cell  # noqa: F401  (re-exported)
from review_app.textio import clean_header, decode_utf8

EXPORT_COLUMNS = (
    "system",
    "doc",
    "segment",
    "rater",
    "category",
    "severity",
    "span",
    "span_text",
    "source",
    "target",
    "comment",
    "timestamp",
)
REQUIRED_COLUMNS = ("system", "segment", "rater", "category", "severity", "span")

_SPAN = re.compile(r"\s*([0-9]{1,18})\s*-\s*([0-9]{1,18})\s*")
# Segment numbers and offsets are stored as 32-bit integers (PostgreSQL INTEGER).
MAX_INT = 2**31 - 1
MAX_NAME = 255


# ---------------------------------------------------------------------------------------------
# Post-edits


def post_edit_lines(mt_lines: Sequence[str], reviews: Iterable[SegmentReview], *, name: str = "MT") -> list[str]:
    """One line per segment: the post-edit where there is one, else the MT text.

    Raises InputError when a review is for a segment past the end of ``mt_lines`` (the saved
    reviews belong to a longer file: wrong system or corpus).
    """
    lines = list(mt_lines)
    for review in reviews:
        if not 1 <= review.segment <= len(lines):
            raise InputError(
                f"a review is saved for segment {review.segment} of {review.system}, "
                f"but the MT has {len(lines)} segments",
                name,
            )
        if review.post_edit is not None:
            lines[review.segment - 1] = review.post_edit
    return lines


# ---------------------------------------------------------------------------------------------
# Annotation rows


def _context(values: Sequence[str] | None, segment: int) -> str:
    if values is None or not 1 <= segment <= len(values):
        return ""
    return values[segment - 1]


def annotation_rows(
    annotations: Iterable[Annotation],
    *,
    sources: Sequence[str] | None = None,
    targets: Mapping[str, Sequence[str]] | None = None,
    docs: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Rows (dicts keyed by :data:`EXPORT_COLUMNS`) for the annotations.

    ``sources`` and ``docs`` are the source lines and document ids of the corpus (indexed by
    segment - 1), ``targets`` the MT lines of each system; any may be left out (empty cells).
    """
    rows = []
    for a in annotations:
        rows.append(
            {
                "system": a.system,
                "doc": _context(docs, a.segment),
                "segment": a.segment,
                "rater": a.rater,
                "category": a.category,
                "severity": str(a.severity),
                "span": a.span,
                "span_text": a.text,
                "source": _context(sources, a.segment),
                "target": _context(None if targets is None else targets.get(a.system), a.segment),
                "comment": a.comment,
                "timestamp": a.created_at.astimezone(UTC).isoformat(),
            }
        )
    return rows


# neutralise_cell and restore_cell live in review_app.safety (one guard for every CSV writer);
# they are imported above and stay importable from here.


def rows_to_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Annotation rows as CSV (RFC 4180 line ends), text cells neutralised (see the module doc)."""
    table = [list(EXPORT_COLUMNS)] + [[str(row[column]) for column in EXPORT_COLUMNS] for row in rows]
    return csv_text(table, lineterminator="\r\n")


def rows_to_json(rows: Iterable[Mapping[str, Any]]) -> str:
    """A JSON array, one annotation object a line (so errors on import name a useful line)."""
    items = [json.dumps({column: row[column] for column in EXPORT_COLUMNS}, ensure_ascii=False) for row in rows]
    if not items:
        return "[]\n"
    return "[\n" + ",\n".join(items) + "\n]\n"


# ---------------------------------------------------------------------------------------------
# Import


def _parse_row(row: Mapping[str, Any], name: str, line: int, now: datetime) -> Annotation:
    def fail(problem: str) -> InputError:
        return InputError(problem, name, line)

    def text(column: str, required: bool = False) -> str:
        value = row.get(column)
        if value is None:
            value = ""
        if not isinstance(value, str):
            if column == "segment" and isinstance(value, int) and not isinstance(value, bool):
                return str(value)
            raise fail(f"{column} must be a string, not {type(value).__name__}")
        if required and not value.strip():
            raise fail(f"{column} is empty")
        return value

    system = text("system", True)
    rater = text("rater", True)
    for column, value in (("system", system), ("rater", rater.strip())):
        if len(value) > MAX_NAME:  # the store's name columns hold 255 characters
            raise fail(f"{column} is longer than {MAX_NAME} characters")
    segment_text = text("segment", True).strip()
    if not (segment_text.isascii() and segment_text.isdigit()) or len(segment_text) > 18 or int(segment_text) < 1:
        raise fail(f"segment must be a number from 1, not {segment_text[:40]!r}")
    segment = int(segment_text)
    if segment > MAX_INT:
        raise fail(f"segment {segment} is too large")
    try:
        category = normalize_category(text("category", True))
        severity = normalize_severity(text("severity", True))
    except ValueError as exc:
        raise fail(str(exc)) from None
    span = _SPAN.fullmatch(text("span", True))
    if span is None:
        raise fail(f"span must look like start-end (e.g. 4-11), not {str(row.get('span'))[:40]!r}")
    start, end = int(span.group(1)), int(span.group(2))
    if end > MAX_INT:
        raise fail(f"span {start}-{end} is too large")
    if start > end:
        raise fail(f"span {start}-{end} ends before it starts")
    target = text("target")
    has_span_text = row.get("span_text") is not None
    span_text = text("span_text")
    if target:
        if end > len(target):
            raise fail(f"span {start}-{end} goes past the end of the target ({len(target)} characters)")
        if has_span_text and target[start:end] != span_text:
            raise fail(f"span_text {span_text!r} is not the target's text at {start}-{end} ({target[start:end]!r})")
        span_text = target[start:end]
    elif not has_span_text and end > start:
        raise fail("no span_text and no target: cannot tell which text the span covers")
    if len(span_text) != end - start:
        raise fail(f"span_text has {len(span_text)} characters but span {start}-{end} has {end - start}")
    stamp = text("timestamp").strip()
    if stamp:
        try:
            created_at = datetime.fromisoformat(stamp)
            created_at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at.astimezone(UTC)
        except (ValueError, OverflowError):
            raise fail(f"timestamp {stamp[:40]!r} is not an ISO 8601 date and time (in years 1-9999 UTC)") from None
    else:
        created_at = now
    return Annotation(
        id=None,
        corpus="",
        system=system,
        segment=segment,
        start=start,
        end=end,
        text=span_text,
        category=category,
        severity=severity,
        comment=text("comment"),
        rater=rater.strip(),
        created_at=created_at,
    )


def parse_annotations_csv(data: bytes | str, name: str = "annotations.csv") -> list[Annotation]:
    """Annotations from CSV in the export format; InputError with the line of a bad row.

    The returned annotations have ``id=None`` and ``corpus=""``; rows without a timestamp get
    the time of the import.
    """
    text = decode_utf8(data, name) if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise InputError(f"not valid CSV ({exc})", name, reader.line_num or 1) from None
    if header is None:
        raise InputError("file is empty (expected a header line)", name, 1)
    header = [clean_header(restore_cell(column)).lower() for column in header]
    duplicated = sorted({column for column in header if column and header.count(column) > 1})
    if duplicated:
        raise InputError(f"column {duplicated[0]!r} appears twice in the header", name, 1)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InputError(
            f"header lacks the column(s) {', '.join(missing)}; expected {','.join(EXPORT_COLUMNS)}", name, 1
        )
    now = datetime.now(UTC)
    annotations = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(f"not valid CSV ({exc})", name, line) from None
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            raise InputError(f"row has {len(cells)} fields, the header has {len(header)}", name, line)
        row = {column: restore_cell(cell) for column, cell in zip(header, cells)}
        annotations.append(_parse_row(row, name, line, now))
    return annotations


def parse_annotations_json(data: bytes | str, name: str = "annotations.json") -> list[Annotation]:
    """Annotations from a JSON array of objects in the export format; InputError with the line
    where a bad object starts."""
    text = decode_utf8(data, name) if isinstance(data, bytes) else data
    decoder = json.JSONDecoder()

    def skip_space(index: int) -> int:
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        return index

    def line_at(index: int) -> int:
        return text.count("\n", 0, index) + 1

    index = skip_space(0)
    if index >= len(text) or text[index] != "[":
        raise InputError("expected a JSON array of annotation objects", name, line_at(index))
    index = skip_space(index + 1)
    now = datetime.now(UTC)
    annotations: list[Annotation] = []
    if index < len(text) and text[index] == "]":
        index += 1
    else:
        while True:
            try:
                item, after = decoder.raw_decode(text, index)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON ({exc.msg})", name, exc.lineno) from None
            except RecursionError:
                raise InputError("JSON nested too deeply", name, line_at(index)) from None
            except ValueError as exc:  # e.g. an integer with more than 4300 digits
                raise InputError(f"not valid JSON ({exc})", name, line_at(index)) from None
            line = line_at(index)
            if not isinstance(item, dict):
                raise InputError(f"expected an annotation object, found {type(item).__name__}", name, line)
            missing = [column for column in REQUIRED_COLUMNS if column not in item]
            if missing:
                raise InputError(f"annotation lacks {', '.join(missing)}", name, line)
            annotations.append(_parse_row(item, name, line, now))
            index = skip_space(after)
            if index < len(text) and text[index] == ",":
                index = skip_space(index + 1)
                continue
            if index < len(text) and text[index] == "]":
                index += 1
                break
            raise InputError("expected ',' or ']' after an annotation", name, line_at(index))
    if skip_space(index) != len(text):
        raise InputError("unexpected text after the JSON array", name, line_at(skip_space(index)))
    return annotations


def parse_annotations(data: bytes | str, name: str) -> list[Annotation]:
    """By file name: ``.csv`` or ``.json``."""
    lowered = name.lower()
    if lowered.endswith(".csv"):
        return parse_annotations_csv(data, name)
    if lowered.endswith(".json"):
        return parse_annotations_json(data, name)
    raise InputError("unknown annotation file type (expected .csv or .json)", name)
