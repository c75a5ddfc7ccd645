"""Careless input to every reader: wrong encodings, line ends, NUL bytes, huge lines, ragged or
broken CSV, duplicate or BOM-prefixed headers, empty and header-only files. Each must give an
InputError naming the file (and line when there is one), or be read correctly; never a traceback."""

from __future__ import annotations

import json

import pytest

from review_app.checks import load_suppressions
from review_app.corpus import corpus_from_table, load_corpus_dir, read_table, read_text_file
from review_app.errors import InputError
from review_app.glossary import read_glossary
from review_app.review.exchange import parse_annotations
from review_app.textio import lines_from_bytes

ANNOTATION_HEADER = "system,doc,segment,rater,category,severity,span,span_text,source,target,comment,timestamp\n"
ANNOTATION_ROW = "A,,1,ann,Accuracy/Mistranslation,major,0-3,The,,The cat,,2024-01-01T00:00:00+00:00\n"


def read_with(kind, make_file, data: bytes, suffix: str = ""):
    """Run the reader ``kind`` on ``data`` written to a file (or given as an upload)."""
    if kind == "text":
        return read_text_file(make_file("mt" + (suffix or ".en"), data))
    if kind == "upload":
        return lines_from_bytes(data, "upload.en")
    if kind == "table":
        return corpus_from_table(make_file("corpus" + (suffix or ".tsv"), data))
    if kind == "glossary":
        glossary = read_glossary(make_file("g" + (suffix or ".csv"), data))
        if glossary.problems:
            raise InputError(str(glossary.problems[0]), glossary.path)
        return glossary
    if kind == "tbx":
        return read_glossary(make_file("g.tbx", data))
    if kind == "suppressions":
        return load_suppressions(make_file("s" + (suffix or ".csv"), data))
    if kind == "annotations":
        return parse_annotations(data, "a" + (suffix or ".csv"))
    raise AssertionError(kind)


SAMPLES = {
    "text": "The cat sat.\nA dog.\n",
    "upload": "The cat sat.\nA dog.\n",
    "table": "source\tref\tmt\n猫\tThe cat.\tA cat.\n",
    "glossary": "term,source\nTianwen-1,天问一号\n",
    "suppressions": "system,segment,check,text\nmt,1,qa.repeated_word,the the\n",
    "annotations": ANNOTATION_HEADER + ANNOTATION_ROW,
    "tbx": '<?xml version="1.0"?><martif><text><body><termEntry><langSet xml:lang="en"><tig><term>Mars</term>'
           "</tig></langSet></termEntry></body></text></martif>",
}
READERS = list(SAMPLES)


@pytest.mark.parametrize("kind", READERS)
def test_samples_are_read(kind, make_file):
    read_with(kind, make_file, SAMPLES[kind].encode("utf-8"))


@pytest.mark.parametrize("kind", READERS)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_are_named(kind, encoding, make_file):
    if kind == "tbx" and encoding == "utf-16":
        assert read_with(kind, make_file, SAMPLES[kind].encode(encoding)).terms[0].term == "Mars"  # XML allows it
        return
    with pytest.raises(InputError) as info:
        read_with(kind, make_file, SAMPLES[kind].encode(encoding))
    message = str(info.value)
    assert encoding[:6].upper() in message and "UTF-8" in message and "byte offset" not in message


@pytest.mark.parametrize("kind", [k for k in READERS if k != "tbx"])
def test_latin1_is_named_with_file_and_line(kind, make_file):
    last = SAMPLES[kind].splitlines()[-1]
    data = SAMPLES[kind] + last[:1] + "café" + last[1:] + "\n"
    data = data.replace("天问一号", "x").replace("猫", "c").encode("latin-1")
    with pytest.raises(InputError) as info:
        read_with(kind, make_file, data)
    assert "Latin-1" in str(info.value) and "UTF-8" in str(info.value)
    assert info.value.line is not None and info.value.path


@pytest.mark.parametrize("kind", READERS)
def test_nul_bytes_are_refused(kind, make_file):
    data = SAMPLES[kind].encode("utf-8")
    data = data[:-4] + b"\x00" + data[-4:]
    with pytest.raises(InputError, match="NUL"):
        read_with(kind, make_file, data)


@pytest.mark.parametrize("kind", READERS)
def test_empty_file(kind, make_file):
    with pytest.raises(InputError) as info:
        read_with(kind, make_file, b"")
    assert info.value.path


@pytest.mark.parametrize("kind", ["table", "glossary", "annotations"])
def test_header_only_file(kind, make_file):
    header = SAMPLES[kind].splitlines()[0] + "\n"
    if kind == "annotations":
        assert read_with(kind, make_file, header.encode()) == []
        return
    if kind == "glossary":
        assert read_with(kind, make_file, header.encode()).terms == ()
        return
    with pytest.raises(InputError, match="no rows under the header"):
        read_with(kind, make_file, header.encode())


def test_header_only_suppressions_is_an_empty_list(make_file):
    assert read_with("suppressions", make_file, b"system,segment,check,text\n") == []


@pytest.mark.parametrize("kind", ["text", "upload", "table", "glossary", "suppressions", "annotations"])
def test_crlf_and_mixed_line_ends(kind, make_file):
    lines = SAMPLES[kind].splitlines()
    mixed = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines + lines[1:]))
    result = read_with(kind, make_file, mixed.encode("utf-8"))
    expected = 3 if kind in ("text", "upload") else 2  # the text sample has no header line
    assert len(result) == expected
    if kind in ("text", "upload"):
        assert not any("\r" in line for line in (result.segments if kind == "text" else result))


@pytest.mark.parametrize("kind", ["text", "upload"])
def test_bare_cr_line_ends_are_named(kind, make_file):
    with pytest.raises(InputError, match="carriage return"):
        read_with(kind, make_file, b"one\rtwo\rthree\r")


def test_a_stray_cr_inside_a_segment_is_kept_like_sacrebleu(make_file):
    assert read_text_file(make_file("mt.en", b"a\rb\nc\nd\n")).segments == ("a\rb", "c", "d")


MEGA = "x" * (1 << 20)


@pytest.mark.parametrize("kind, content", [
    ("text", f"{MEGA}\nshort\n"),
    ("table", f"source\tref\tmt\n{MEGA}\t{MEGA}\tb\n"),
    ("table-csv", f'source,ref,mt\n"{MEGA}",{MEGA},b\n'),
    ("glossary", f'term,note\nMars,"{MEGA}"\n'),
    ("suppressions", f"system,segment,check,text\nmt,1,qa.x,{MEGA}\n"),
    ("annotations", ANNOTATION_HEADER + f"A,,1,ann,Other,minor,0-1,x,,x,{MEGA},\n"),
])
def test_one_megabyte_lines_are_fine(kind, content, make_file):
    suffix = ".csv" if kind == "table-csv" else ""
    result = read_with(kind.split("-")[0], make_file, content.encode(), suffix)
    assert result is not None


@pytest.mark.parametrize("suffix", [".tsv", ".csv"])
def test_ragged_table_rows_name_the_line(suffix, make_file):
    sep = "\t" if suffix == ".tsv" else ","
    data = f"ref{sep}mt\na{sep}b\nc{sep}d{sep}e\n".encode()
    with pytest.raises(InputError) as info:
        read_with("table", make_file, data, suffix)
    assert info.value.line == 3 and "expected 2 fields" in str(info.value)


def test_ragged_glossary_row_is_a_problem_with_its_line(make_file):
    glossary = read_glossary(make_file("g.csv", "term,source\nMars,火星,extra\nVenus\n"))
    assert [p.line for p in glossary.problems] == [2]
    assert glossary.terms[1].term == "Venus"


@pytest.mark.parametrize("kind, data", [
    ("table", b'ref,mt\n"open quote,b\nc,d\n'),
    ("glossary", b'term,note\nMars,"never closed\nVenus,x\n'),
    ("suppressions", b'system,segment,check,text\nmt,1,qa.x,"open\n'),
    ("annotations", (ANNOTATION_HEADER + 'A,,1,ann,Other,minor,0-1,"x\n').encode()),
])
def test_quote_left_open(kind, data, make_file):
    with pytest.raises(InputError) as info:
        read_with(kind, make_file, data, ".csv")
    assert info.value.path and info.value.line is not None


@pytest.mark.parametrize("kind, data", [
    ("table", "ref\tmt\tREF\na\tb\tc\n"),
    ("suppressions", "system,segment,check,text,check\nmt,1,qa.x,t,qa.y\n"),
    ("annotations", ANNOTATION_HEADER.rstrip("\n") + ",system\n" + ANNOTATION_ROW.rstrip("\n") + ",B\n"),
])
def test_duplicated_header_columns(kind, data, make_file):
    with pytest.raises(InputError) as info:
        read_with(kind, make_file, data.encode(), ".tsv" if kind == "table" else ".csv")
    assert "twice" in str(info.value) and info.value.line == 1


def test_duplicated_glossary_header_column_is_a_problem_on_line_1(make_file):
    glossary = read_glossary(make_file("g.csv", "term,source,Term\nMars,火星,x\n"))
    assert [(p.line, p.message) for p in glossary.problems] == [(1, "column appears twice in the header")]


@pytest.mark.parametrize("prefix", [b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf"])
@pytest.mark.parametrize("kind", ["table", "glossary", "suppressions", "annotations"])
def test_bom_before_the_first_header_column(kind, prefix, make_file):
    data = prefix + SAMPLES[kind].encode("utf-8")
    result = read_with(kind, make_file, data)
    if kind == "glossary":
        assert result.terms[0].term == "Tianwen-1" and not result.problems
    elif kind == "table":
        assert result.source is not None and result.source.segments == ("猫",)
    else:
        assert len(result) == 1


def test_bom_inside_a_glossary_header_given_as_text():
    from review_app.glossary.csvfile import parse_glossary_csv

    glossary = parse_glossary_csv("\ufeffterm,source\nMars,火星\n")
    assert glossary.terms[0].term == "Mars" and not glossary.problems


@pytest.mark.parametrize("line", [
    "[" * 100000,
    '{"ref": "a", "mt": ' + "1" * 5000 + "}",
    '{"ref": "a", "mt": [' * 3000,
])
def test_jsonl_deep_nesting_and_huge_numbers(line, make_file):
    with pytest.raises(InputError) as info:
        read_table(make_file("c.jsonl", '{"ref": "a", "mt": "b"}\n' + line + "\n"))
    assert info.value.line == 2


@pytest.mark.parametrize("text", ["[" * 100000, '[{"check": "x", "segment": ' + "1" * 5000 + "}]"])
def test_suppression_json_deep_nesting_and_huge_numbers(text, make_file):
    with pytest.raises(InputError):
        load_suppressions(make_file("s.json", text))


@pytest.mark.parametrize("field, value, message", [
    ("segment", "²", "segment must be a number"),
    ("segment", "1" * 30, "segment must be a number"),
    ("segment", str(2**40), "too large"),
    ("span", "0-" + "9" * 5000, "span must look like"),
    ("span", "0-" + str(2**40), "too large"),
    ("timestamp", "0001-01-01T00:00:00+01:00", "ISO 8601"),
    ("timestamp", "9999-12-31T23:59:59-01:00", "ISO 8601"),
])
def test_annotation_numbers_and_dates_out_of_range(field, value, message):
    record = {"system": "A", "segment": "1", "rater": "r", "category": "Other", "severity": "minor", "span": "0-0",
              "span_text": ""}
    record[field] = value
    with pytest.raises(InputError, match=message):
        parse_annotations(json.dumps([record]), "a.json")


def test_annotation_json_nested_too_deeply():
    with pytest.raises(InputError, match="nested too deeply"):
        parse_annotations("[" + "[" * 100000, "a.json")


# --- corpus folders ------------------------------------------------------------------------------


def corpus_folder(tmp_path, manifest=None, documents: bytes | None = None):
    root = tmp_path / "corpus"
    (root / "systems").mkdir(parents=True)
    (root / "systems" / "a.en").write_text("x\ny\n", encoding="utf-8")
    (root / "ref.en").write_text("x\ny\n", encoding="utf-8")
    if manifest is not None:
        (root / "corpus.json").write_text(manifest if isinstance(manifest, str) else json.dumps(manifest),
                                          encoding="utf-8")
    if documents is not None:
        (root / "documents.tsv").write_bytes(documents)
    return root


@pytest.mark.parametrize("manifest, message", [
    ({"source": 5}, "'source' must be a string"),
    ({"documents": ["d"]}, "'documents' must be a string"),
    ({"name": ["x"]}, "'name' must be a string"),
    ({"target_lang": {}}, "'target_lang' must be a string"),
    ({"systems": "systems/a.en"}, "'systems' must be a list"),
    ({"systems": ["systems/a\x00.en"]}, "NUL"),
    ({"systems": [""]}, "empty path"),
    ({"systems": ["../outside.en"]}, "outside the corpus folder"),
    ({"systems": ["/etc/hostname"]}, "outside the corpus folder"),
    ({"documents": "../../docs.tsv"}, "outside the corpus folder"),
    ("[" * 100000, "nested too deeply"),
    ('{"name": ' + "1" * 5000 + "}", "not valid JSON"),
    ("{", "not valid JSON"),
    ("[]", "must be a JSON object"),
])
def test_bad_manifest(manifest, message, tmp_path):
    with pytest.raises(InputError, match=message) as info:
        load_corpus_dir(corpus_folder(tmp_path, manifest))
    assert "corpus.json" in str(info.value)


@pytest.mark.parametrize("documents, message", [
    (b"d1\nd2\td3\textra\n", "expected 'domain<TAB>document'"),
    (b"d1\n", "documents list has 1 line"),
    (b"\xff\xfed\x001\x00", "UTF-16"),
    (b"d1\nd\x002\n", "NUL"),
    (b"d1\rd2\r", "carriage return"),
])
def test_bad_documents_file(documents, message, tmp_path):
    with pytest.raises(InputError, match=message):
        load_corpus_dir(corpus_folder(tmp_path, documents=documents))


def test_documents_with_crlf_are_fine(tmp_path):
    corpus = load_corpus_dir(corpus_folder(tmp_path, documents=b"news\td1\r\nnews\td2\r\n"))
    assert corpus.documents == ("d1", "d2") and corpus.domains == ("news", "news")


@pytest.mark.parametrize("cell", ["x\x01y", "a\x1fb", "\ufffe", "bell\x07"])
def test_control_characters_cannot_break_the_tbx_export(cell, make_file, capsys):
    from review_app.cli.main import main

    path = make_file("g.csv", f'term,note\nMars,"{cell}"\n')
    assert main(["glossary", "export", str(path)]) == 2
    _, err = capsys.readouterr()
    assert f"{path}, line 2:" in err and "XML cannot hold" in err and "Traceback" not in err


@pytest.mark.parametrize("field", ["system", "rater"])
def test_annotation_names_longer_than_the_store_holds(field, tmp_path):
    from review_app.review import ReviewStore

    row = dict(zip(ANNOTATION_HEADER.strip().split(","), ANNOTATION_ROW.strip().split(",")))
    row[field] = "x" * 300
    path = tmp_path / "a.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    with ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}") as store:
        with pytest.raises(InputError, match=f"{field} is longer than 255"):
            store.import_annotations_file("c", path, importer="x")
        assert store.annotations("c") == []


def test_jsonl_errors_on_the_first_line_name_line_1(make_file):
    for first in ("[" * 100000, '{"ref": ' + "1" * 5000 + "}", "{"):
        with pytest.raises(InputError) as info:
            read_table(make_file("c.jsonl", first + "\n"))
        assert info.value.line == 1, first[:20]
