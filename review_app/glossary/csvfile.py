"""Glossary CSV: UTF-8, a header row, RFC 4180 quoting.

Columns (names matched without regard to case or surrounding spaces):

``term``            required: the approved English form
``source``          the source-language term; alternatives separated by ``|``
``variants``        forbidden/deprecated English forms separated by ``|``
``admitted``        other acceptable English forms separated by ``|`` (never flagged)
``case_sensitive``  true/false/yes/no/1/0, empty = true
``note``            free text (sources, usage)

Any other column is kept, in its place, and written back. Line numbers are the row numbers a
spreadsheet shows (header = 1; a quoted cell spanning several physical lines is still one row).

Spreadsheet safety: the glossary CSV is meant to be opened in a spreadsheet, so when it is written
a cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading apostrophe
(:func:`review_app.safety.neutralise_cell`), and when it is read that one apostrophe is removed
again (:func:`review_app.safety.restore_cell`). A term may legitimately start with ``-`` or ``+``
("-based", "+1 rule"): it round-trips exactly. The price: a cell typed by hand as ``'-x`` is read
as ``-x`` (write ``''-x`` to mean ``'-x``), which no real glossary term looks like.
"""

from __future__ import annotations

import csv
import io
import os

from review_app.errors import InputError
from review_app.glossary.model import (
    ADMITTED,
    CASE_SENSITIVE,
    DEFAULT_COLUMNS,
    KNOWN_COLUMNS,
    NOTE,
    SOURCE,
    TERM,
    VARIANTS,
    Glossary,
    GlossaryProblem,
    Term,
    join_list,
    parse_bool,
    split_list,
)
from review_app.safety import csv_text, restore_cell
from review_app.textio import clean_header, decode_utf8, read_bytes


def read_glossary_csv(path: str | os.PathLike, data: bytes | None = None, name: str | None = None) -> Glossary:
    """Read a glossary CSV (or TSV when the name ends in ``.tsv``). Problems in the content are
    collected in ``Glossary.problems``; only an unreadable file (not UTF-8, broken quoting) raises."""
    label = name or str(path)
    raw = read_bytes(path, name=label) if data is None else data
    text = decode_utf8(raw, label)
    delimiter = "\t" if label.lower().endswith(".tsv") else ","
    return parse_glossary_csv(text, label, delimiter=delimiter)


def parse_glossary_csv(text: str, label: str = "<glossary>", delimiter: str = ",") -> Glossary:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    problems: list[GlossaryProblem] = []
    rows: list[tuple[int, list[str]]] = []
    row_number = 0
    try:
        for row in reader:
            row_number += 1
            rows.append((row_number, [restore_cell(cell) for cell in row]))
    except csv.Error as exc:
        raise InputError(f"malformed CSV ({exc}; a quote left open?)", label, row_number + 1) from None
    if not rows or not any(clean_header(cell) for cell in rows[0][1]):
        raise InputError("file is empty or has no header row (expected columns: term, source, variants, ...)", label, 1)

    header = [clean_header(cell) for cell in rows[0][1]]
    roles: dict[str, int] = {}
    extra_columns: list[str] = []
    seen: set[str] = set()
    for position, name in enumerate(header):
        lowered = name.lower()
        if not name:
            problems.append(GlossaryProblem(1, None, f"column {position + 1} of the header has no name"))
            continue
        if lowered in seen:
            problems.append(GlossaryProblem(1, name, "column appears twice in the header"))
            continue
        seen.add(lowered)
        if lowered in KNOWN_COLUMNS:
            roles[lowered] = position
        else:
            extra_columns.append(name)
    if TERM not in roles:
        problems.append(GlossaryProblem(1, TERM, f"no 'term' column in the header (found: {', '.join(header)})"))

    extra_positions = [(name, header.index(name)) for name in extra_columns]
    terms: list[Term] = []
    for line, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue  # a blank row
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
            problems.append(GlossaryProblem(
                line, None, f"row has {len(row)} fields but the header has {len(header)} (a comma not quoted?)"))

        def cell(role: str) -> str:
            position = roles.get(role)
            if position is None or position >= len(row):
                return ""
            return row[position]

        raw_case = cell(CASE_SENSITIVE)
        case_sensitive = parse_bool(raw_case)
        if case_sensitive is None:
            problems.append(GlossaryProblem(
                line, CASE_SENSITIVE, f"{raw_case.strip()!r} is not a boolean (use true/false, yes/no or 1/0)"))
            case_sensitive = True
        terms.append(Term(
            term=" ".join(cell(TERM).split()),
            source=join_list(split_list(cell(SOURCE))),
            variants=split_list(cell(VARIANTS)),
            admitted=split_list(cell(ADMITTED)),
            case_sensitive=case_sensitive,
            note=cell(NOTE).strip(),
            extra=tuple((name, row[position] if position < len(row) else "") for name, position in extra_positions),
            line=line,
        ))
    columns = tuple(name.lower() if name.lower() in KNOWN_COLUMNS else name for name in header if name)
    return Glossary(
        terms=tuple(terms),
        columns=columns,
        extra_columns=tuple(extra_columns),
        path=label,
        problems=tuple(problems),
    )


def output_columns(glossary: Glossary) -> list[str]:
    """The columns to write: the glossary's own order, plus any known column it needs and lacks."""
    columns = [c for c in glossary.columns if c]
    if TERM not in columns:
        columns.insert(0, TERM)
    needed = {
        SOURCE: any(t.source for t in glossary.terms),
        VARIANTS: any(t.variants for t in glossary.terms),
        ADMITTED: any(t.admitted for t in glossary.terms),
        CASE_SENSITIVE: any(not t.case_sensitive for t in glossary.terms),
        NOTE: any(t.note for t in glossary.terms),
    }
    for name in KNOWN_COLUMNS:
        if name not in columns and (needed.get(name) or name in DEFAULT_COLUMNS):
            columns.append(name)
    for name in glossary.extra_columns:
        if name not in columns:
            columns.append(name)
    return columns


def glossary_to_csv(glossary: Glossary, delimiter: str = ",") -> str:
    """The glossary as CSV text (UTF-8 when written; ``delimiter="\\t"`` for TSV), columns as read
    plus any it needs; cells a spreadsheet would run as formulas neutralised (see the module doc)."""
    columns = output_columns(glossary)
    rows: list[list[str]] = [columns]
    for term in glossary.terms:
        values = {
            TERM: term.term,
            SOURCE: term.source,
            VARIANTS: join_list(term.variants),
            ADMITTED: join_list(term.admitted),
            CASE_SENSITIVE: "true" if term.case_sensitive else "false",
            NOTE: term.note,
        }
        extras = dict(term.extra)
        rows.append([values[c] if c in values else extras.get(c, "") for c in columns])
    return csv_text(rows, delimiter=delimiter)
