import json

import pytest

from review_app.corpus import (
    corpus_from_files,
    corpus_from_table,
    load_corpus,
    load_corpus_dir,
    load_texts,
    read_text_file,
)
from review_app.errors import InputError


def test_text_file_is_named_after_its_stem(make_file):
    text = read_text_file(make_file("systems/Online-A.en", "one\ntwo\n"))
    assert text.name == "Online-A"
    assert text.segments == ("one", "two")


def test_files_with_different_line_counts_name_both_files_and_counts(make_file):
    hyp = make_file("hyp.en", "a\nb\nc\n")
    ref = make_file("ref.en", "a\nb\n")
    with pytest.raises(InputError) as err:
        corpus_from_files([hyp], [ref])
    message = str(err.value)
    assert "hyp.en has 3 lines" in message and "ref.en has 2 lines" in message


def test_several_systems_and_references(make_file):
    hyps = [make_file("sysA.en", "x\ny\n"), make_file("sysB.en", "p\nq\n")]
    refs = [make_file("ref1.en", "x\ny\n"), make_file("ref2.en", "x\nq\n")]
    corpus = corpus_from_files(hyps, refs, make_file("src.zh", "甲\n乙\n"))
    assert corpus.system_names == ("sysA", "sysB")
    assert corpus.refs_for(1) == ("y", "q")
    assert corpus.source.segments == ("甲", "乙")
    assert len(corpus) == 2


def test_two_systems_with_the_same_name_are_refused(make_file):
    a = make_file("a/mt.en", "x\n")
    b = make_file("b/mt.en", "y\n")
    with pytest.raises(InputError, match="both named 'mt'"):
        corpus_from_files([a, b], [make_file("ref.en", "x\n")])


def test_tsv_with_named_columns(make_file):
    path = make_file("set.tsv", "source\tref\tsysA\tsysB\n甲\tx\tx\ty\n乙\tz\tz\tw\n")
    corpus = corpus_from_table(path)
    assert corpus.system_names == ("sysA", "sysB")
    assert corpus.references[0].segments == ("x", "z")
    assert corpus.source.segments == ("甲", "乙")


def test_csv_with_quotes_commas_and_several_references(make_file):
    path = make_file(
        "set.csv",
        'doc,ref-A,ref-B,mt\nd1,"Hello, world","Hi, world","Hello, world"\nd1,"He said ""yes""",He agreed,He said yes\n',
    )
    corpus = corpus_from_table(path)
    assert [r.name for r in corpus.references] == ["ref-A", "ref-B"]
    assert corpus.references[0].segments[1] == 'He said "yes"'
    assert corpus.documents == ("d1", "d1")
    assert corpus.system_names == ("mt",)


def test_jsonl_corpus(make_file):
    lines = [{"id": 1, "src": "甲", "ref": "a b", "hyp": "a c"}, {"id": 2, "src": "乙", "ref": "d", "hyp": "d"}]
    path = make_file("set.jsonl", "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n")
    corpus = load_corpus(path)
    assert corpus.system_names == ("hyp",)
    assert corpus.references[0].segments == ("a b", "d")


def test_hyp_given_as_table_column_takes_the_file_stem(make_file):
    path = make_file("vendorX.tsv", "id\tmt\n1\tfoo\n2\tbar\n")
    [text] = load_texts(path, "system")
    assert text.name == "vendorX" and text.segments == ("foo", "bar")


@pytest.mark.parametrize(
    "name, content, problem, line",
    [
        ("ragged.tsv", "ref\tmt\na\tb\nc\n", "expected 2 fields", 3),
        ("dup.csv", "ref,mt,MT\na,b,c\n", "appears twice", 1),
        ("open.csv", 'ref,mt\n"a,b\nc,d\n', "quote left open", None),
        ("noname.csv", "ref,,mt\na,b,c\n", "has no name", 1),
        ("header-only.tsv", "ref\tmt\n", "no rows", None),
        ("bad.jsonl", '{"ref": "a", "mt": "b"}\n{"ref": "a", "mt": \n', "not valid JSON", 2),
        ("list.jsonl", '["a", "b"]\n', "JSON object", 1),
        ("missing.jsonl", '{"ref": "a", "mt": "b"}\n{"ref": "a"}\n', "missing field 'mt'", 2),
        ("number.jsonl", '{"ref": "a", "mt": 5}\n', "must be a string", 1),
    ],
)
def test_malformed_tables_name_file_line_and_problem(make_file, name, content, problem, line):
    path = make_file(name, content)
    with pytest.raises(InputError) as err:
        corpus_from_table(path)
    assert problem in str(err.value)
    assert name in str(err.value)
    if line is not None:
        assert err.value.line == line


def test_table_without_reference_column(make_file):
    with pytest.raises(InputError, match="no reference column"):
        corpus_from_table(make_file("x.tsv", "source\tmt\na\tb\n"))


def test_corpus_folder_layout(make_file, tmp_path):
    make_file("c/source.zh", "甲\n乙\n")
    make_file("c/ref-A.en", "a\nb\n")
    make_file("c/ref-B.en", "a\nc\n")
    make_file("c/systems/s1.en", "a\nb\n")
    make_file("c/systems/s2.en", "x\nb\n")
    make_file("c/documents.tsv", "news\td1\nnews\td2\n")
    corpus = load_corpus_dir(tmp_path / "c")
    assert corpus.name == "c"
    assert corpus.system_names == ("s1", "s2")
    assert [r.name for r in corpus.references] == ["ref-A", "ref-B"]
    assert corpus.documents == ("d1", "d2") and corpus.domains == ("news", "news")
    assert corpus.source_lang == "zh"


def test_manifest_paths_cannot_leave_the_folder(make_file, tmp_path):
    make_file("secret.en", "x\n")
    make_file("c/ref.en", "x\n")
    make_file("c/corpus.json", json.dumps({"systems": ["../secret.en"], "references": ["ref.en"]}))
    with pytest.raises(InputError, match="outside the corpus folder"):
        load_corpus_dir(tmp_path / "c")


def test_documents_with_wrong_count(make_file, tmp_path):
    make_file("c/ref.en", "x\ny\n")
    make_file("c/systems/s.en", "x\ny\n")
    make_file("c/documents.tsv", "d1\n")
    with pytest.raises(InputError, match="documents list has 1 line"):
        load_corpus_dir(tmp_path / "c")


def test_folder_without_systems(make_file, tmp_path):
    make_file("c/ref.en", "x\n")
    with pytest.raises(InputError, match="no system outputs"):
        load_corpus_dir(tmp_path / "c")


def test_bundled_tianwen_corpus(tianwen):
    corpus = load_corpus_dir(tianwen)
    assert corpus.name == "tianwen-1"
    assert len(corpus) == 7
    mt = corpus.systems[0].segments
    assert any("tianwen-1" in line for line in mt)
    ref = corpus.references[0].segments
    assert not any("tianwen-1" in line for line in ref)
    assert not any("proud of and proud of" in line for line in ref)
    assert all(line[0].isupper() for line in ref)


def test_wmt22_folder_loads(wmt22):
    corpus = load_corpus_dir(wmt22)
    assert len(corpus) == 1875
    assert len(corpus.systems) == 18
    assert len(corpus.references) == 2
    assert corpus.domains[0] == "conversation"
