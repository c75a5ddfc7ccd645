"""Glossary CSV: columns, booleans, extra columns, line numbers, round trip, bad files."""

from __future__ import annotations

import pytest

from review_app.errors import InputError
from review_app.glossary import (
    Glossary,
    GlossaryError,
    Term,
    glossary_to_csv,
    load_glossary,
    parse_glossary_csv,
    read_glossary,
    validate,
)

HEADER = "term,source,variants,case_sensitive,note\n"


def test_columns_are_read():
    g = parse_glossary_csv(HEADER + "Tianwen-1,天问一号,Tianwen 1|Tianwen No. 1,true,CNSA spelling\n")
    (term,) = g.terms
    assert term == Term("Tianwen-1", "天问一号", ("Tianwen 1", "Tianwen No. 1"), (), True, "CNSA spelling")
    assert term.line == 2
    assert validate(g) == []


def test_only_term_is_required_and_defaults_apply():
    g = parse_glossary_csv("term\nMars\n")
    assert g.terms == (Term("Mars"),)
    assert g.terms[0].case_sensitive is True
    assert validate(g) == []


def test_header_names_ignore_case_and_spaces():
    g = parse_glossary_csv(" Term , SOURCE ,Variants\nNASA,美国航天局,Nasa Agency\n")
    assert g.terms[0].term == "NASA" and g.terms[0].sources == ("美国航天局",)
    assert g.terms[0].variants == ("Nasa Agency",)


@pytest.mark.parametrize("raw, value", [
    ("true", True), ("TRUE", True), ("yes", True), ("Yes", True), ("1", True), ("", True),
    ("false", False), ("False", False), ("no", False), ("NO", False), ("0", False), (" 0 ", False),
])
def test_booleans(raw, value):
    g = parse_glossary_csv(f"term,case_sensitive\nMars,{raw}\n")
    assert g.terms[0].case_sensitive is value
    assert validate(g) == []


@pytest.mark.parametrize("raw", ["maybe", "y", "2", "vrai", "t"])
def test_bad_boolean_is_a_problem_with_its_line(raw):
    g = parse_glossary_csv(f"term,case_sensitive\nMars,true\nJupiter,{raw}\n")
    problems = validate(g)
    assert len(problems) == 1
    assert problems[0].line == 3 and problems[0].column == "case_sensitive"
    assert repr(raw) in problems[0].message


def test_extra_columns_are_kept_in_place_and_written_back():
    text = "term,domain,source,Reviewer Notes,variants\nMars,space,火星,ok,\nNASA,agency,,checked,Nasa Agency\n"
    g = parse_glossary_csv(text)
    assert g.extra_columns == ("domain", "Reviewer Notes")
    assert g.terms[1].extra_value("Reviewer Notes") == "checked"
    out = glossary_to_csv(g)
    assert out.splitlines()[0].startswith("term,domain,source,Reviewer Notes,variants")
    again = parse_glossary_csv(out)
    assert again.terms == g.terms
    assert again.extra_columns == g.extra_columns


def test_csv_round_trip_keeps_everything():
    g = Glossary(terms=(
        Term("Chang’e-4", "嫦娥四号", ("Change-4",), ("Chang’e 4",), True, 'note with "quotes", commas\nand a newline'),
        Term("win-win cooperation", "合作共赢", ("win win cooperation",), (), False, ""),
    ), columns=("term", "source", "variants", "admitted", "case_sensitive", "note"))
    again = parse_glossary_csv(glossary_to_csv(g))
    assert again.terms == g.terms
    assert glossary_to_csv(again) == glossary_to_csv(g)


def test_bundled_glossary_round_trips_byte_for_byte(tmp_path):
    from review_app.glossary import bundled_glossaries

    path = bundled_glossaries()["space-diplomacy"]
    text = path.read_text(encoding="utf-8")
    assert glossary_to_csv(read_glossary(path)) == text


def test_line_numbers_are_spreadsheet_rows_with_multiline_cells():
    text = 'term,note\nMars,"a note\nover two lines"\nJupiter,\n,orphan note\n'
    problems = validate(parse_glossary_csv(text))
    # header = 1, Mars = 2 (two physical lines), Jupiter = 3, the row without a term = 4
    assert [(p.line, p.column) for p in problems] == [(4, "term")]


def test_blank_rows_are_skipped_but_counted():
    problems = validate(parse_glossary_csv("term,source\nMars,火星\n,\n\n,火星车\n"))
    assert [(p.line, p.column) for p in problems] == [(5, "term")]


def test_missing_term_column():
    g = parse_glossary_csv("source,variants\n火星,mars planet\n")
    problems = validate(g)
    assert problems[0].line == 1 and problems[0].column == "term"
    assert "no 'term' column" in problems[0].message


def test_duplicate_header_column():
    problems = validate(parse_glossary_csv("term,Term\nMars,Mars\n"))
    assert any(p.line == 1 and "twice" in p.message for p in problems)


def test_row_with_too_many_fields():
    problems = validate(parse_glossary_csv("term,source\nMars,火星,extra\n"))
    assert [(p.line, "fields" in p.message) for p in problems] == [(2, True)]


def test_bom_is_ignored(make_file):
    path = make_file("g.csv", b"\xef\xbb\xbfterm,source\nMars,\xe7\x81\xab\xe6\x98\x9f\n")
    g = load_glossary(path)
    assert g.terms[0].term == "Mars" and g.columns[0] == "term"


def test_not_utf8_names_file_and_line(make_file):
    path = make_file("g.csv", "term\nMars\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as info:
        load_glossary(path)
    assert info.value.line == 3 and "UTF-8" in str(info.value) and "g.csv" in str(info.value)


def test_unclosed_quote(make_file):
    path = make_file("g.csv", 'term,note\nMars,"open\n')
    with pytest.raises(InputError) as info:
        load_glossary(path)
    assert "malformed CSV" in str(info.value) and info.value.line == 2


def test_empty_file(make_file):
    with pytest.raises(InputError, match="empty"):
        load_glossary(make_file("g.csv", ""))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        load_glossary(tmp_path / "nope.csv")


def test_load_lists_every_problem_with_lines(make_file):
    path = make_file("g.csv", HEADER + "Mars,,,maybe,\n,火星车,,,\nMars,,,,\n")
    with pytest.raises(GlossaryError) as info:
        load_glossary(path)
    message = str(info.value)
    assert "g.csv: 3 problems" in message
    assert "line 2, column 'case_sensitive'" in message
    assert "line 3, column 'term': missing term" in message
    assert "line 4, column 'term': duplicate term 'Mars' (already on line 2)" in message
    assert isinstance(info.value, InputError) and info.value.line == 2


def test_tsv_glossary(make_file):
    path = make_file("g.tsv", "term\tsource\nMars, the planet\t火星\n")
    assert load_glossary(path).terms[0].term == "Mars, the planet"
