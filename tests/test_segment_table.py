"""review_app.segment_table: the per-segment DataFrame, filters, sorting, paging, CSV (pure, no Streamlit)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import pandas as pd
import pytest

from review_app.corpus import Corpus, Text, load_corpus
from review_app.scoring.results import score_corpus
from review_app.segment_table import (
    NO_FINDINGS,
    SegmentQuery,
    build_segment_table,
    check_names,
    filter_rows,
    findings_by_row,
    index_table,
    matching_rows,
    page,
    reference_columns,
    select_rows,
    sort_rows,
    table_csv,
    worst_first,
)


@dataclass(frozen=True)
class F:
    system: str
    segment: int
    check: str
    severity: str = "warning"
    start: int = 0
    end: int = 1
    text: str = ""
    suggestion: str | None = None
    message: str = ""


@pytest.fixture
def corpus() -> Corpus:
    return Corpus(
        name="toy",
        systems=(
            Text("A", ("the cat sat on the mat", "a dog barked", "=SUM(1)", "Hello <b>world</b>")),
            Text("B", ("the cat sat", "the dog barked loudly", "one two", "Hello world")),
        ),
        references=(Text("ref", ("the cat sat on the mat", "the dog barked", "one two three", "Hello world")),),
        source=Text("source", ("猫坐在垫子上", "狗叫了", "一二三", "你好世界")),
        documents=("d1", "d1", "d2", "d2"),
    )


@pytest.fixture
def scores(corpus):
    return score_corpus(corpus, cache=False)


FINDINGS = [
    F("A", 2, "case", "info"),
    F("A", 2, "glossary", "error"),
    F("B", 3, "number", "warning"),
    F("B", 3, "number", "info"),
]


def test_table_rows_columns_and_scores(corpus, scores):
    table = build_segment_table(corpus, scores, FINDINGS)
    assert list(table.columns) == [
        "system", "segment", "doc", "source", "mt", "ref", "bleu", "chrf", "chrf++", "ter", "findings", "checks", "severity",
    ]
    assert len(table) == 8
    assert table["system"].tolist() == ["A"] * 4 + ["B"] * 4
    assert table["segment"].tolist() == [1, 2, 3, 4] * 2
    assert table["mt"].tolist() == list(corpus.systems[0].segments) + list(corpus.systems[1].segments)
    assert table["ref"].tolist() == list(corpus.references[0].segments) * 2
    assert table["source"].tolist()[:4] == list(corpus.source.segments)
    for system in scores.systems:
        rows = table[table["system"] == system.name]
        for metric_id, metric in system.metrics.items():
            assert rows[metric_id].tolist() == list(metric.sentences)
    row = table[(table.system == "A") & (table.segment == 2)].iloc[0]
    assert (row.findings, row.checks, row.severity) == (2, "case, glossary", "error")
    row = table[(table.system == "B") & (table.segment == 3)].iloc[0]
    assert (row.findings, row.checks, row.severity) == (2, "number", "warning")
    assert table["findings"].sum() == 4
    assert check_names(table) == ["case", "glossary", "number"]


def test_unscored_metrics_are_nan(corpus, scores):
    partial = score_corpus(corpus, metric_ids=("bleu", "chrf"), cache=False)
    table = build_segment_table(corpus, partial, [])
    assert table["ter"].isna().all()
    assert not table["bleu"].isna().any()
    table = build_segment_table(corpus, None, None)
    assert table[["bleu", "chrf", "chrf++", "ter"]].isna().all().all()
    assert (table["findings"] == 0).all() and (table["checks"] == "").all()


def test_reference_columns_avoid_clashes():
    corpus = Corpus(
        name="c", systems=(Text("s", ("x",)),), references=(Text("mt", ("x",)), Text("ref-B", ("y",))),
    )
    assert reference_columns(corpus) == ["ref:mt", "ref-B"]
    table = build_segment_table(corpus)
    assert table["ref:mt"].tolist() == ["x"] and table["mt"].tolist() == ["x"]
    assert table["doc"].tolist() == [""] and table["source"].tolist() == [""]


def test_filters(corpus, scores):
    table = build_segment_table(corpus, scores, FINDINGS)
    assert filter_rows(table, SegmentQuery()).equals(table)
    assert set(filter_rows(table, SegmentQuery(systems=("B",)))["system"]) == {"B"}
    got = filter_rows(table, SegmentQuery(checks=("glossary",)))
    assert list(zip(got.system, got.segment)) == [("A", 2)]
    got = filter_rows(table, SegmentQuery(checks=("number", "case")))
    assert list(zip(got.system, got.segment)) == [("A", 2), ("B", 3)]
    got = filter_rows(table, SegmentQuery(checks=(NO_FINDINGS,)))
    assert len(got) == 6 and (got.findings == 0).all()
    got = filter_rows(table, SegmentQuery(severities=("error",)))
    assert list(zip(got.system, got.segment)) == [("A", 2)]
    got = filter_rows(table, SegmentQuery(metric="bleu", score_min=99.9))
    assert (got.bleu >= 99.9).all() and len(got) == len(table[table.bleu >= 99.9]) > 0
    got = filter_rows(table, SegmentQuery(metric="ter", score_min=10, score_max=60))
    assert got.ter.between(10, 60).all()
    assert len(got) == table.ter.between(10, 60).sum()
    got = filter_rows(table, SegmentQuery(text="DOG"))
    assert list(zip(got.system, got.segment)) == [("A", 2), ("B", 2)]
    got = filter_rows(table, SegmentQuery(text="垫子"))  # source text
    assert len(got) == 2
    got = filter_rows(table, SegmentQuery(text="three"))  # reference text
    assert list(got.segment) == [3, 3]
    got = filter_rows(table, SegmentQuery(text="<b>", systems=("A",)))
    assert list(zip(got.system, got.segment)) == [("A", 4)]
    got = filter_rows(table, SegmentQuery(systems=("A",), text="dog", checks=("case",)))
    assert len(got) == 1
    assert filter_rows(table, SegmentQuery(docs=("d2",)))["segment"].tolist() == [3, 4, 3, 4]
    assert filter_rows(table, SegmentQuery(segments=(1,)))["system"].tolist() == ["A", "B"]


def test_unscored_rows_drop_out_of_a_score_range(corpus):
    partial = score_corpus(corpus, metric_ids=("bleu",), cache=False)
    table = build_segment_table(corpus, partial, [])
    assert filter_rows(table, SegmentQuery(metric="ter", score_min=0)).empty


def test_sorting(corpus, scores):
    table = build_segment_table(corpus, scores, FINDINGS)
    worst = worst_first(table, "bleu")
    assert worst["bleu"].tolist() == sorted(table["bleu"])
    worst_ter = worst_first(table, "ter")
    assert worst_ter["ter"].tolist() == sorted(table["ter"], reverse=True)
    by_segment = sort_rows(worst, "segment")
    assert list(zip(by_segment.segment, by_segment.system)) == [(s, n) for s in (1, 2, 3, 4) for n in ("A", "B")]
    by_severity = sort_rows(table, "severity")
    assert by_severity["severity"].tolist()[:2] == ["error", "warning"]
    by_findings = sort_rows(table, "findings", descending=True)
    assert by_findings["findings"].tolist()[:2] == [2, 2]
    partial = build_segment_table(corpus, score_corpus(corpus, metric_ids=("bleu",), cache=False))
    assert sort_rows(partial, "ter").equals(partial)  # all NaN: order kept


def test_paging():
    table = pd.DataFrame({"segment": range(1, 26)})
    first = page(table, 1, 10)
    assert (first.number, first.count, first.start, first.stop, first.total) == (1, 3, 0, 10, 25)
    last = page(table, 3, 10)
    assert last.rows["segment"].tolist() == list(range(21, 26)) and last.stop == 25
    assert page(table, 99, 10).number == 3
    assert page(table, 0, 10).number == 1
    empty = page(table.iloc[:0], 1, 10)
    assert (empty.count, empty.total, len(empty.rows)) == (1, 0, 0)


def test_csv_is_neutralised_and_named(corpus, scores):
    table = build_segment_table(corpus, scores, FINDINGS)
    text = table_csv(table, scores.metric_names())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "system", "segment", "doc", "source", "mt", "ref", "BLEU", "chrF2", "chrF2++", "TER", "findings", "checks", "severity",
    ]
    assert len(rows) == 8
    assert rows[2]["mt"] == "'=SUM(1)"  # no formula in a spreadsheet
    assert math.isclose(float(rows[0]["BLEU"]), table["bleu"].iloc[0])
    partial = build_segment_table(corpus, score_corpus(corpus, metric_ids=("bleu",), cache=False))
    assert list(csv.DictReader(io.StringIO(table_csv(partial))))[0]["ter"] == ""


def test_findings_by_row_accepts_dicts():
    grouped = findings_by_row([{"system": "A", "segment": 1, "check": "x"}, F("A", 1, "y")])
    assert [f["check"] if isinstance(f, dict) else f.check for f in grouped[("A", 1)]] == ["x", "y"]


def test_bundled_corpus(tianwen):
    corpus = load_corpus(tianwen)
    scores = score_corpus(corpus)
    table = build_segment_table(corpus, scores)
    assert len(table) == len(corpus) * len(corpus.systems)
    assert table["doc"].iloc[0] == "tianwen-1-press-conference"


QUERIES = [
    SegmentQuery(),
    SegmentQuery(systems=("B",)),
    SegmentQuery(checks=("glossary",)),
    SegmentQuery(checks=("number", "case")),
    SegmentQuery(checks=(NO_FINDINGS,)),
    SegmentQuery(checks=(NO_FINDINGS, "case")),
    SegmentQuery(checks=("not-a-check",)),
    SegmentQuery(severities=("error",)),
    SegmentQuery(metric="ter", score_min=10, score_max=60),
    SegmentQuery(text="DOG"),
    SegmentQuery(text="垫子"),
    SegmentQuery(text="three"),
    SegmentQuery(text="<b>", systems=("A",)),
    SegmentQuery(text="mat the"),  # across two texts of a row: never a match
    SegmentQuery(text="mat\x1fthe"),  # the index's separator in the needle: searched column by column
    SegmentQuery(systems=("A",), text="dog", checks=("case",)),
    SegmentQuery(docs=("d2",), text="o"),
]


@pytest.mark.parametrize("query", QUERIES, ids=repr)
def test_the_index_filters_exactly_as_the_plain_path(corpus, scores, query):
    table = build_segment_table(corpus, scores, FINDINGS)
    index = index_table(table)
    plain = matching_rows(table, query)
    assert (matching_rows(table, query, index) == plain).all()
    assert filter_rows(table, query, index).equals(filter_rows(table, query))


@pytest.mark.parametrize("by, descending", [("segment", False), ("segment", True), ("bleu", True), ("ter", False),
                                            ("findings", True), ("severity", False), ("severity", True)])
def test_select_rows_is_filter_then_sort_without_moving_the_texts(corpus, scores, by, descending):
    table = build_segment_table(corpus, scores, FINDINGS)
    index = index_table(table)
    for query in (SegmentQuery(), SegmentQuery(text="the"), SegmentQuery(systems=("B",))):
        expected = sort_rows(filter_rows(table, query), by, descending=descending)
        for with_index in (index, None):
            positions = select_rows(table, query, by, descending=descending, index=with_index)
            assert table.iloc[positions].equals(expected)
        shown = page(table, 2, 3, select_rows(table, query, by, descending=descending, index=index))
        assert shown.rows.equals(expected.iloc[3:6]) and shown.total == len(expected)


def test_an_index_of_another_table_is_refused(corpus, scores):
    table = build_segment_table(corpus, scores, FINDINGS)
    with pytest.raises(ValueError, match="another table"):
        matching_rows(table.iloc[:3], SegmentQuery(), index_table(table))


def test_the_index_lists_the_checks_that_fired(corpus, scores):
    index = index_table(build_segment_table(corpus, scores, FINDINGS))
    assert [name for name in index.check_rows if name != NO_FINDINGS] == ["case", "glossary", "number"]


def test_the_index_filters_as_the_plain_path_on_random_text():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    alphabet = st.sampled_from(list("aAbBß ẞİıΣσς\u0307\x1f,.xX猫的") + ["ﬁ", "ǅ"])
    texts = st.text(alphabet, max_size=12)

    @settings(max_examples=150, deadline=None)
    @given(rows=st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=6), needle=texts,
           pick=st.integers(min_value=0, max_value=100))
    def check(rows, needle, pick):
        corpus = Corpus(name="r", systems=(Text("A", tuple(r[0] for r in rows)),),
                        references=(Text("ref", tuple(r[1] for r in rows)),), source=Text("src", tuple(r[2] for r in rows)))
        table = build_segment_table(corpus)
        index = index_table(table)
        cell = rows[pick % len(rows)][pick % 3]
        for text in (needle, cell, cell[1:4].upper()):  # random, and pieces of what is there
            query = SegmentQuery(text=text)
            assert (matching_rows(table, query, index) == matching_rows(table, query)).all(), (rows, text)

    check()
