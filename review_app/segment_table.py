"""The per-segment table the review app shows: one row per (system, segment), as a pandas DataFrame.

Pure (no Streamlit). Columns: ``system``, ``segment`` (1-based), ``doc``, ``source``, ``mt``, one column
per reference (:func:`reference_columns`), one per metric id with the sentence score (NaN while a
metric is still being computed), and ``findings`` (count), ``checks`` (the checks that fired,
comma-separated), ``severity`` (the worst). Then filtering (:class:`SegmentQuery`), sorting (worst
first by any metric) and paging (:func:`page`), and the CSV of what is shown.

Scores and findings come from the core (``score_corpus``, ``run_checks``); nothing is computed here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from review_app.corpus import Corpus
from review_app.highlight import SEVERITY_ORDER, normalise_severity, severity_rank
from review_app.scoring.export import rows_to_csv
from review_app.scoring.metrics import LOWER_IS_BETTER, METRIC_IDS
from review_app.scoring.results import CorpusScores

TEXT_COLUMNS = ("system", "segment", "doc", "source", "mt")
FINDING_COLUMNS = ("findings", "checks", "severity")
CHECK_SEPARATOR = ", "
NO_FINDINGS = "(no findings)"
SORT_SEGMENT = "segment"

__all__ = [
    "NO_FINDINGS",
    "Page",
    "SegmentQuery",
    "TableIndex",
    "build_segment_table",
    "check_names",
    "filter_rows",
    "findings_by_row",
    "index_table",
    "matching_rows",
    "page",
    "reference_columns",
    "score_columns",
    "select_rows",
    "sort_order",
    "sort_rows",
    "table_csv",
    "worst_first",
]


def reference_columns(corpus: Corpus) -> list[str]:
    """The column name of each reference: its name, prefixed ``ref:`` where it would clash."""
    reserved = set(TEXT_COLUMNS) | set(FINDING_COLUMNS) | set(METRIC_IDS)
    names = []
    for ref in corpus.references:
        name = ref.name if ref.name not in reserved else f"ref:{ref.name}"
        names.append(name)
    return names


def score_columns(table: pd.DataFrame) -> list[str]:
    return [m for m in METRIC_IDS if m in table.columns]


def finding_field(finding: Any, name: str) -> Any:
    return finding.get(name) if isinstance(finding, dict) else getattr(finding, name, None)


def findings_by_row(findings: Iterable[Any] | None) -> dict[tuple[str, int], list[Any]]:
    """Findings grouped by (system, segment) with ``segment`` 1-based, as the table's rows."""
    grouped: dict[tuple[str, int], list[Any]] = {}
    for finding in findings or ():
        key = (str(finding_field(finding, "system")), int(finding_field(finding, "segment")))
        grouped.setdefault(key, []).append(finding)
    return grouped


def build_segment_table(
    corpus: Corpus,
    scores: CorpusScores | None = None,
    findings: Iterable[Any] | None = None,
    *,
    metric_ids: Sequence[str] = METRIC_IDS,
) -> pd.DataFrame:
    """Every (system, segment) of ``corpus`` in corpus order (system by system), with its sentence
    scores from ``scores`` (metrics not scored yet are NaN) and its findings summarised."""
    n = len(corpus)
    systems = corpus.system_names
    grouped = findings_by_row(findings)
    source = list(corpus.source.segments) if corpus.source else [""] * n
    docs = list(corpus.documents) if corpus.documents else [""] * n
    columns: dict[str, list] = {
        "system": [name for name in systems for _ in range(n)],
        "segment": [i + 1 for _ in systems for i in range(n)],
        "doc": docs * len(systems),
        "source": source * len(systems),
        "mt": [text for system in corpus.systems for text in system.segments],
    }
    for name, ref in zip(reference_columns(corpus), corpus.references):
        columns[name] = list(ref.segments) * len(systems)
    scored = {s.name: s for s in scores.systems} if scores is not None else {}
    for metric_id in metric_ids:
        values: list[float] = []
        for name in systems:
            system = scored.get(name)
            if system is not None and metric_id in system.metrics:
                values.extend(system.metrics[metric_id].sentences)
            else:
                values.extend([math.nan] * n)
        columns[metric_id] = values
    counts, checks, severities = [], [], []
    for name in systems:
        for index in range(1, n + 1):
            found = grouped.get((name, index), ())
            counts.append(len(found))
            checks.append(CHECK_SEPARATOR.join(sorted({str(finding_field(f, "check")) for f in found})))
            severities.append(
                normalise_severity(min((finding_field(f, "severity") for f in found), key=severity_rank))
                if found else ""
            )
    columns["findings"] = counts
    columns["checks"] = checks
    columns["severity"] = severities
    table = pd.DataFrame(columns)
    table["segment"] = table["segment"].astype("int64")
    table["findings"] = table["findings"].astype("int64")
    for metric_id in metric_ids:
        table[metric_id] = table[metric_id].astype("float64")
    return table


def check_names(table: pd.DataFrame) -> list[str]:
    """Every check that fired somewhere in the table, sorted."""
    names: set[str] = set()
    for value in table["checks"].unique():
        if value:
            names.update(value.split(CHECK_SEPARATOR))
    return sorted(names)


@dataclass(frozen=True)
class SegmentQuery:
    """What to show. Empty ``systems``/``checks`` mean all; ``checks`` may include :data:`NO_FINDINGS`.

    ``metric`` with ``score_min``/``score_max`` keeps rows whose sentence score is in that closed range
    (rows not scored yet are left out). ``text`` is a case-insensitive search in the source, the MT
    and the references. ``severities`` keeps rows whose worst finding has one of these severities.
    """

    systems: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    metric: str | None = None
    score_min: float | None = None
    score_max: float | None = None
    text: str = ""
    segments: tuple[int, ...] = ()
    docs: tuple[str, ...] = field(default=())


def text_columns(table: pd.DataFrame) -> list[str]:
    fixed = set(TEXT_COLUMNS) | set(FINDING_COLUMNS) | set(METRIC_IDS)
    return ["source", "mt"] + [c for c in table.columns if c not in fixed]


SEARCH_SEPARATOR = "\x1f"  # joins a row's texts in the search index; a needle never spans two texts


@dataclass(frozen=True, eq=False)
class TableIndex:
    """What filtering and sorting need, derived once per table (the app caches it with the table): the
    searched texts casefolded into one string per row, the rows each check fired on, and the sort keys
    as a narrow frame. Without it a search casefolds every text cell (33,750 x 4 on WMT22) on every
    keystroke, and a sort moves every text column."""

    search_text: pd.Series  # casefolded source, MT and references of each row, joined by SEARCH_SEPARATOR
    check_rows: dict[str, np.ndarray]  # check name (and NO_FINDINGS) -> boolean mask over the rows
    keys: pd.DataFrame  # segment, metrics, findings, severity rank: what the orders sort on
    rows: int


def index_table(table: pd.DataFrame) -> TableIndex:
    columns = text_columns(table)
    joined = table[columns[0]].astype("str")
    for column in columns[1:]:
        joined = joined + SEARCH_SEPARATOR + table[column].astype("str")
    check_rows: dict[str, np.ndarray] = {NO_FINDINGS: (table["checks"] == "").to_numpy(dtype=bool)}
    split = table["checks"].str.split(CHECK_SEPARATOR)
    for name in check_names(table):
        check_rows[name] = split.map(lambda names, name=name: name in names).to_numpy(dtype=bool)
    keys = table[["segment", *score_columns(table), "findings"]].copy()
    keys["severity"] = severity_ranks(table["severity"])
    return TableIndex(search_text=joined.str.casefold(), check_rows=check_rows, keys=keys, rows=len(table))


def severity_ranks(severities: pd.Series) -> pd.Series:
    return severities.map(lambda s: SEVERITY_ORDER.index(s) if s else len(SEVERITY_ORDER)).astype("int64")


def matching_rows(table: pd.DataFrame, query: SegmentQuery, index: TableIndex | None = None) -> np.ndarray:
    """A boolean mask over the table's rows: the rows ``query`` keeps. ``index`` (from
    :func:`index_table` on this table) makes the check and text filters fast; the result is the same."""
    if index is not None and index.rows != len(table):
        raise ValueError("the index was built from another table")
    keep = np.ones(len(table), dtype=bool)
    if query.systems:
        keep &= table["system"].isin(query.systems).to_numpy(dtype=bool)
    if query.segments:
        keep &= table["segment"].isin(query.segments).to_numpy(dtype=bool)
    if query.docs:
        keep &= table["doc"].isin(query.docs).to_numpy(dtype=bool)
    if query.checks:
        if index is not None:
            any_check = np.zeros(len(table), dtype=bool)
            for name in query.checks:
                if name in index.check_rows:
                    any_check |= index.check_rows[name]
            keep &= any_check
        else:
            wanted = set(query.checks)
            want_none = NO_FINDINGS in wanted
            keep &= table["checks"].map(
                lambda value: (not value and want_none) or bool(value and wanted.intersection(value.split(CHECK_SEPARATOR)))
            ).to_numpy(dtype=bool)
    if query.severities:
        keep &= table["severity"].isin([normalise_severity(s) for s in query.severities]).to_numpy(dtype=bool)
    if query.metric and (query.score_min is not None or query.score_max is not None):
        scores = table[query.metric].to_numpy(dtype="float64")
        in_range = ~np.isnan(scores)
        if query.score_min is not None:
            in_range &= scores >= query.score_min
        if query.score_max is not None:
            in_range &= scores <= query.score_max
        keep &= in_range
    needle = query.text.strip().casefold()
    if needle:
        if index is not None and SEARCH_SEPARATOR not in needle:
            keep &= index.search_text.str.contains(needle, regex=False).to_numpy(dtype=bool)
        else:
            found = pd.Series(False, index=table.index)
            rows = pd.Series(keep, index=table.index)  # only search rows still in play
            for column in text_columns(table):
                found |= table[column].where(rows, "").str.casefold().str.contains(needle, regex=False)
            keep &= found.to_numpy(dtype=bool)
    return keep


def filter_rows(table: pd.DataFrame, query: SegmentQuery, index: TableIndex | None = None) -> pd.DataFrame:
    return table[matching_rows(table, query, index)]


def sort_order(table: pd.DataFrame, by: str = SORT_SEGMENT, *, descending: bool = False) -> np.ndarray:
    """The positions of the table's rows in the order of :func:`sort_rows` (the table may be the
    narrow ``TableIndex.keys``, whose ``severity`` column already holds ranks)."""
    if by == SORT_SEGMENT:
        # The index is the row's place in the full table (system by system), so it orders systems.
        order = np.lexsort((table.index.to_numpy(), table["segment"].to_numpy()))
        return order[::-1] if descending else order
    column = table[by]
    if by == "severity" and not pd.api.types.is_integer_dtype(column):
        column = severity_ranks(column)
    values = pd.Series(column.to_numpy(), index=pd.RangeIndex(len(table)))
    return values.sort_values(kind="stable", ascending=not descending, na_position="last").index.to_numpy()


def sort_rows(table: pd.DataFrame, by: str = SORT_SEGMENT, *, descending: bool = False) -> pd.DataFrame:
    """Sort by a column, rows without a value last; ties in corpus order (segment, then system order)."""
    return table.iloc[sort_order(table, by, descending=descending)]


def worst_first(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Worst sentence score first: lowest BLEU/chrF, highest TER."""
    return sort_rows(table, metric, descending=metric in LOWER_IS_BETTER)


def select_rows(
    table: pd.DataFrame, query: SegmentQuery, by: str = SORT_SEGMENT, *, descending: bool = False,
    index: TableIndex | None = None,
) -> np.ndarray:
    """Positions of the rows ``query`` keeps, in the order of ``by``: the rows of
    ``sort_rows(filter_rows(table, query), by)`` without moving the text columns (take only the rows
    shown: ``table.iloc[positions[start:stop]]``)."""
    positions = np.flatnonzero(matching_rows(table, query, index))
    keys = index.keys if index is not None else table
    return positions[sort_order(keys.iloc[positions], by, descending=descending)]


@dataclass(frozen=True)
class Page:
    rows: pd.DataFrame
    number: int  # 1-based, clamped to the pages there are
    count: int  # number of pages (at least 1)
    start: int  # index of the first row shown in the filtered table (0-based)
    total: int  # rows in the filtered table

    @property
    def stop(self) -> int:
        return self.start + len(self.rows)


def page(table: pd.DataFrame, number: int, size: int, positions: np.ndarray | None = None) -> Page:
    """Page ``number`` (1-based, clamped) of ``size`` rows: of the table, or of the table's rows at
    ``positions`` in that order (from :func:`select_rows`)."""
    size = max(1, int(size))
    total = len(table) if positions is None else len(positions)
    count = max(1, -(-total // size))
    number = min(max(1, int(number)), count)
    start = (number - 1) * size
    rows = table.iloc[start:start + size] if positions is None else table.iloc[positions[start:start + size]]
    return Page(rows=rows, number=number, count=count, start=start, total=total)


def table_csv(table: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """The rows as CSV (cells neutralised against spreadsheet formulas), metric columns under their
    display names (``names``: metric id -> name, e.g. ``CorpusScores.metric_names()``)."""
    names = names or {}
    rows = table.rename(columns=names).to_dict("records")
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and math.isnan(value):
                row[key] = ""
    return rows_to_csv(rows, [names.get(c, c) for c in table.columns])
