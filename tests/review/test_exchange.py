"""Export/import formats: CSV formula neutralisation, round trips, line-numbered errors."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review_app.errors import InputError
from review_app.review.exchange import (
    EXPORT_COLUMNS,
    annotation_rows,
    neutralise_cell,
    parse_annotations,
    parse_annotations_csv,
    parse_annotations_json,
    post_edit_lines,
    restore_cell,
    rows_to_csv,
    rows_to_json,
)
from review_app.review.models import Annotation, SegmentReview
from review_app.review.mqm import Severity

T0 = datetime(2025, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def make(segment=1, start=0, end=3, text="The", comment="", system="sysA", rater="ann", category="Fluency/Grammar"):
    return Annotation(None, "", system, segment, start, end, text, category, Severity.MAJOR, comment, rater, T0)


HEADER = ",".join(EXPORT_COLUMNS)


def csv_line(**cells):
    row = {column: "" for column in EXPORT_COLUMNS}
    row.update(
        system="sysA", segment="1", rater="ann", category="Fluency/Grammar", severity="major", span="0-3",
        span_text="The", timestamp=T0.isoformat(),
    )
    row.update(cells)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([row[c] for c in EXPORT_COLUMNS])
    return buffer.getvalue()


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("'=x", "''=x"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
        ("3-7", "3-7"),
        ("", ""),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected
    assert restore_cell(expected) == cell


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab,\"\n "), max_size=8))
def test_neutralise_round_trip(cell):
    assert restore_cell(neutralise_cell(cell)) == cell
    assert not neutralise_cell(cell).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_is_neutralised_and_round_trips():
    evil = [
        make(comment="=cmd|' /C calc'!A0"),
        make(segment=2, start=4, end=8, text="-1+1", comment="@x"),
        make(segment=3, start=0, end=0, text="", comment="line\nbreak, \"quoted\"", rater="+rater"),
    ]
    targets = {"sysA": ["The cat.", "One -1+1 is 0", "=A1"]}
    rows = annotation_rows(evil, sources=["源1", "源2", "源3"], targets=targets, docs=["d", "d", "e"])
    text = rows_to_csv(rows)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    assert "'=cmd|' /C calc'!A0" in cells and "'-1+1" in cells and "'=A1" in cells and "'+rater" in cells
    back = parse_annotations_csv(text.encode("utf-8"))
    assert back == evil
    assert parse_annotations_json(rows_to_json(rows)) == evil


def test_json_export_shape():
    rows = annotation_rows([make()], targets={"sysA": ["The cat."]}, docs=["doc1"])
    data = json.loads(rows_to_json(rows))
    assert data == [
        {
            "system": "sysA", "doc": "doc1", "segment": 1, "rater": "ann", "category": "Fluency/Grammar",
            "severity": "major", "span": "0-3", "span_text": "The", "source": "", "target": "The cat.",
            "comment": "", "timestamp": "2025-03-04T05:06:07.890123+00:00",
        }
    ]
    assert rows_to_json([]) == "[]\n"
    assert parse_annotations_json("[]") == []


def test_parse_derives_span_text_from_target_and_accepts_mqm_spellings():
    text = "system,segment,rater,category,severity,span,target\nsysA,2,ann,Non-translation!,Major,4-7,The cat\n"
    [a] = parse_annotations(text, "x.csv")
    assert (a.segment, a.start, a.end, a.text, a.category, a.severity) == (2, 4, 7, "cat", "Non-translation", "major")
    assert a.created_at.tzinfo is not None


@pytest.mark.parametrize(
    "line, message",
    [
        (csv_line(segment="0"), "segment must be a number from 1"),
        (csv_line(segment="x"), "segment must be a number"),
        (csv_line(category="Accuracy/Nope"), "unknown MQM category"),
        (csv_line(severity="huge"), "unknown MQM severity"),
        (csv_line(span="3"), "span must look like start-end"),
        (csv_line(span="5-3", span_text=""), "ends before it starts"),
        (csv_line(span_text="Th"), "span_text has 2 characters"),
        (csv_line(target="A cat", span_text="The"), "is not the target's text"),
        (csv_line(target="Th", span_text="The"), "past the end of the target"),
        (csv_line(timestamp="yesterday"), "not an ISO 8601"),
        (csv_line(rater=" "), "rater is empty"),
        ("sysA,too,few\n", "row has 3 fields"),
    ],
)
def test_csv_errors_name_the_line(line, message):
    text = HEADER + "\n" + csv_line() + "\n" + line  # the bad row is on line 4 (line 3 is blank)
    with pytest.raises(InputError, match=message) as info:
        parse_annotations_csv(text, "ann.csv")
    assert info.value.line == 4 and info.value.path == "ann.csv"
    assert str(info.value).startswith("ann.csv, line 4: ")


def test_csv_error_line_counts_multiline_cells():
    text = HEADER + "\n" + csv_line(comment="two\nlines") + csv_line(segment="-1")
    with pytest.raises(InputError) as info:
        parse_annotations_csv(text, "a.csv")
    assert info.value.line == 4


def test_csv_header_and_encoding_errors():
    with pytest.raises(InputError, match="lacks the column"):
        parse_annotations_csv("system,segment\nA,1\n", "a.csv")
    with pytest.raises(InputError, match="empty"):
        parse_annotations_csv(b"", "a.csv")
    with pytest.raises(InputError, match="not valid UTF-8") as info:
        parse_annotations_csv(HEADER.encode() + b"\n\xff\n", "a.csv")
    assert info.value.line == 2
    # a BOM (as spreadsheets write) is fine
    assert len(parse_annotations_csv(b"\xef\xbb\xbf" + (HEADER + "\n" + csv_line()).encode())) == 1


def test_json_errors_name_the_line():
    good = json.dumps(dict(zip(EXPORT_COLUMNS, ["sysA", "", 1, "ann", "Fluency/Grammar", "major", "0-3", "The", "", "", "", ""])))
    bad = good.replace('"segment": 1', '"segment": 0')
    with pytest.raises(InputError, match="segment must be a number from 1") as info:
        parse_annotations_json(f"[\n{good},\n\n{bad}\n]", "a.json")
    assert info.value.line == 4
    with pytest.raises(InputError, match="not valid JSON") as info:
        parse_annotations_json(f"[\n{good},\n{{\"system\": }}\n]", "a.json")
    assert info.value.line == 3
    with pytest.raises(InputError, match="lacks rater") as info:
        parse_annotations_json('[{"system": "A", "segment": 1, "category": "Other", "severity": "minor", "span": "0-0"}]', "a.json")
    assert info.value.line == 1
    with pytest.raises(InputError, match="expected an annotation object"):
        parse_annotations_json("[1]", "a.json")
    with pytest.raises(InputError, match="expected a JSON array"):
        parse_annotations_json('{"a": 1}', "a.json")
    with pytest.raises(InputError, match="after the JSON array"):
        parse_annotations_json("[] x", "a.json")
    with pytest.raises(InputError, match="segment must be a string"):
        parse_annotations_json('[{"system": "A", "segment": true, "rater": "r", "category": "Other", "severity": "minor", "span": "0-0"}]', "a.json")
    with pytest.raises(InputError, match="unknown annotation file type"):
        parse_annotations("", "a.txt")


def test_post_edit_lines():
    reviews = [
        SegmentReview("c", "A", 2, post_edit="fixed two"),
        SegmentReview("c", "A", 3, verdict=None, post_edit=None),
    ]
    assert post_edit_lines(["one", "two", "three"], reviews) == ["one", "fixed two", "three"]
    with pytest.raises(InputError, match="segment 4 of A, but the MT has 3 segments"):
        post_edit_lines(["one", "two", "three"], [SegmentReview("c", "A", 4, post_edit="x")])


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12))
def test_round_trip_arbitrary_text(comment, target):
    a = make(start=0, end=len(target), text=target, comment=comment)
    rows = annotation_rows([a], targets={"sysA": [target]})
    assert parse_annotations_csv(rows_to_csv(rows)) == [a]
    assert parse_annotations_json(rows_to_json(rows)) == [a]
