"""Glossary data: frozen ``Term`` and ``Glossary``, and the ``GlossaryProblem`` found in one.

A glossary file may have problems (a bad boolean, a duplicate term...). Reading it never stops at
the first one: the readers keep what they could not parse as ``Glossary.problems``, and
:func:`review_app.glossary.validate` adds the cross-entry problems, so a user sees every problem
with its line at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from review_app.errors import InputError

# The columns the tool understands; any other column is kept as an "extra" column.
TERM = "term"
SOURCE = "source"
VARIANTS = "variants"
ADMITTED = "admitted"
CASE_SENSITIVE = "case_sensitive"
NOTE = "note"
KNOWN_COLUMNS = (TERM, SOURCE, VARIANTS, ADMITTED, CASE_SENSITIVE, NOTE)
DEFAULT_COLUMNS = (TERM, SOURCE, VARIANTS, CASE_SENSITIVE, NOTE)
SEPARATOR = "|"


@dataclass(frozen=True)
class Term:
    """One glossary entry.

    ``term`` is the approved English form; ``source`` the source-language term (several
    alternatives separated by ``|``); ``variants`` forbidden or deprecated English forms;
    ``admitted`` other acceptable English forms (never flagged; they count as the term being
    present); ``extra`` the values of columns the tool does not know, kept for a round trip.
    ``line`` is where the entry starts in its file (not part of equality).
    """

    term: str
    source: str = ""
    variants: tuple[str, ...] = ()
    admitted: tuple[str, ...] = ()
    case_sensitive: bool = True
    note: str = ""
    extra: tuple[tuple[str, str], ...] = ()
    line: int | None = field(default=None, compare=False)

    @property
    def sources(self) -> tuple[str, ...]:
        return split_list(self.source)

    def extra_value(self, column: str) -> str:
        for name, value in self.extra:
            if name == column:
                return value
        return ""


@dataclass(frozen=True)
class GlossaryProblem:
    """A problem in a glossary file: the line (as a spreadsheet numbers rows, header = 1), the column."""

    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column!r}")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    columns: tuple[str, ...] = DEFAULT_COLUMNS
    extra_columns: tuple[str, ...] = ()
    path: str | None = None
    source_lang: str | None = None
    # Problems met while reading (bad booleans, a missing 'term' column, ...); validate() adds the rest.
    problems: tuple[GlossaryProblem, ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.terms)

    def __iter__(self):
        return iter(self.terms)


class GlossaryError(InputError):
    """A glossary with problems: names the file and lists every problem with its line."""

    def __init__(self, problems: list[GlossaryProblem] | tuple[GlossaryProblem, ...], path: str | None = None):
        self.problems = tuple(problems)
        first = self.problems[0].line if self.problems else None
        super().__init__(problem=f"{len(self.problems)} problem(s) in the glossary", path=path, line=first)

    def __str__(self) -> str:
        where = f"{self.path}" if self.path is not None else "glossary"
        if len(self.problems) == 1:
            return f"{where}: {self.problems[0]}"
        lines = [f"{where}: {len(self.problems)} problems in the glossary:"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


def split_list(value: str) -> tuple[str, ...]:
    """``a | b||c`` -> ``("a", "b", "c")``: pieces stripped, empty pieces dropped, order and duplicates kept once."""
    seen: list[str] = []
    for piece in value.split(SEPARATOR):
        piece = " ".join(piece.split())
        if piece and piece not in seen:
            seen.append(piece)
    return tuple(seen)


def join_list(values: tuple[str, ...] | list[str]) -> str:
    return SEPARATOR.join(values)


TRUE_WORDS = {"true", "yes", "1"}
FALSE_WORDS = {"false", "no", "0"}


def parse_bool(raw: str) -> bool | None:
    """true/false/yes/no/1/0 (any case; empty = default True); None when it is none of these."""
    value = raw.strip().lower()
    if value == "":
        return True
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None
