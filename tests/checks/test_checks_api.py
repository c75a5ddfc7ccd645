"""The public API: registry, selection, suppressions, summaries, progress, corpora without references."""

from __future__ import annotations

import json

import pytest

from review_app.checks import (
    CHECKS,
    CheckCorpus,
    Finding,
    Hit,
    Suppression,
    findings_summary,
    list_checks,
    load_suppressions,
    register,
    run_checks,
)
from review_app.corpus import Corpus, Text
from review_app.errors import InputError

ALL_IDS = {
    "glossary.case", "glossary.forbidden", "glossary.missing", "glossary.inconsistent", "qa.repeated_word",
    "qa.repeated_phrase", "qa.lowercase_start", "qa.number_mismatch", "qa.untranslated",
    "qa.unbalanced_brackets", "qa.unbalanced_quotes", "qa.spacing", "qa.fullwidth_punctuation",
    "qa.length_ratio", "qa.empty",
}


def corpus(*segments: str, refs=None) -> CheckCorpus:
    references = (Text("ref", tuple(refs)),) if refs else ()
    return CheckCorpus("t", (Text("mt", segments), Text("other", segments)), references)


def test_registry_lists_every_check():
    assert set(CHECKS) == ALL_IDS
    for check_id, severity, description in list_checks():
        assert severity in ("error", "warning", "info") and description and check_id in CHECKS


def test_finding_fields_and_dict():
    (f,) = run_checks(corpus("the the end"), only=["qa.repeated_word"])[:1]
    assert isinstance(f, Finding)
    assert f.to_dict() == {
        "system": "mt", "segment": 1, "check": "qa.repeated_word", "start": 0, "end": 7, "text": "the the",
        "suggestion": "the", "severity": "error", "message": "repeated word 'the'", "document": None,
    }
    with pytest.raises(AttributeError):
        f.text = "x"  # frozen


def test_disabled_and_only():
    c = corpus("the the end")
    assert {f.check for f in run_checks(c)} == {"qa.repeated_word", "qa.lowercase_start"}
    assert {f.check for f in run_checks(c, disabled=["qa.lowercase_start"])} == {"qa.repeated_word"}
    assert {f.check for f in run_checks(c, only=["qa.lowercase_start"])} == {"qa.lowercase_start"}
    with pytest.raises(InputError, match="unknown check 'qa.nope'"):
        run_checks(c, disabled=["qa.nope"])


def test_findings_sorted_by_system_segment_position():
    findings = run_checks(corpus("b  b , x", "the the"))
    order = {"mt": 0, "other": 1}
    keys = [(order[f.system], f.segment, f.start) for f in findings]
    assert len(findings) == 12 and keys == sorted(keys)


def test_suppressions_objects_and_wildcards():
    c = corpus("the the end", "a a day")
    assert len(run_checks(c, only=["qa.repeated_word"])) == 4
    one = [Suppression("qa.repeated_word", "the the", system="mt", segment=1)]
    assert len(run_checks(c, only=["qa.repeated_word"], suppressions=one)) == 3
    everywhere = [Suppression("qa.repeated_word", "the the")]
    assert [f.text for f in run_checks(c, only=["qa.repeated_word"], suppressions=everywhere)] == ["a a", "a a"]
    wrong_span = [Suppression("qa.repeated_word", "the the", start=3, end=10)]
    assert len(run_checks(c, only=["qa.repeated_word"], suppressions=wrong_span)) == 4


def test_findings_and_dicts_work_as_suppressions():
    c = corpus("the the end")
    findings = run_checks(c, only=["qa.repeated_word"])
    assert run_checks(c, only=["qa.repeated_word"], suppressions=findings) == []
    assert run_checks(c, only=["qa.repeated_word"], suppressions=[f.to_dict() for f in findings]) == []


def test_segment_level_finding_matches_a_zero_span_dismissal():
    c = CheckCorpus("t", (Text("mt", ("",)),), (Text("ref", ("Hello there.",)),))
    (f,) = run_checks(c)
    assert f.start is None
    dismissal = {"system": "mt", "segment": 1, "check": "qa.empty", "start": 0, "end": 0, "text": ""}
    assert run_checks(c, suppressions=[dismissal]) == []


def test_load_suppressions_csv(make_file):
    path = make_file("s.csv", "system,segment,check,text,reason\nmt,1,qa.repeated_word,the the,fine\n"
                              "*,,qa.lowercase_start,the,\n,*,qa.spacing,'-x,\n")
    loaded = load_suppressions(path)
    assert loaded == [
        Suppression("qa.repeated_word", "the the", "mt", 1, reason="fine"),
        Suppression("qa.lowercase_start", "the"),
        Suppression("qa.spacing", "-x"),
    ]
    assert run_checks(corpus("the the end"), suppressions=loaded, only=["qa.repeated_word", "qa.lowercase_start"]) != []


def test_load_suppressions_json_list_and_check_output(make_file):
    path = make_file("s.json", json.dumps([{"system": "mt", "segment": 1, "check": "qa.repeated_word", "text": "the the"}]))
    assert load_suppressions(path) == [Suppression("qa.repeated_word", "the the", "mt", 1)]
    output = {"findings": [run_checks(corpus("the the"), only=["qa.repeated_word"])[0].to_dict()]}
    path = make_file("findings.json", json.dumps(output))
    (s,) = load_suppressions(path)
    assert (s.check, s.text, s.start, s.end) == ("qa.repeated_word", "the the", 0, 7)


@pytest.mark.parametrize("content, line, message", [
    ("system,segment,text\nmt,1,x\n", 1, "no 'check' column"),
    ("system,segment,check,text\nmt,one,qa.spacing,x\n", 2, "'segment' must be a whole number"),
    ("system,segment,check,text\nmt,0,qa.spacing,x\n", 2, "at least 1"),
    ("system,segment,check,text\nmt,1,,x\n", 2, "missing 'check'"),
    ("system,segment,check,text\nmt,1,qa.spacing,x,extra\n", 2, "more fields"),
])
def test_bad_suppression_csv(make_file, content, line, message):
    with pytest.raises(InputError) as info:
        load_suppressions(make_file("s.csv", content))
    assert info.value.line == line and message in str(info.value)


@pytest.mark.parametrize("content, line, message", [
    ('[\n {"check": "qa.spacing", "text": "x"},\n {"text": "y"}\n]', 3, "missing 'check'"),
    ('[\n {"check": "qa.spacing"},\n 5\n]', 3, "must be an object"),
    ('{"check": [1]}', 1, "expected a list"),
    ('[\n {"check": "qa.spacing", "segment": true}\n]', 2, "whole number"),
    ('[\n {"check": "qa.spacing",\n', 3, "not valid JSON"),
])
def test_bad_suppression_json(make_file, content, line, message):
    with pytest.raises(InputError) as info:
        load_suppressions(make_file("s.json", content))
    assert info.value.line == line and message in str(info.value)


def test_findings_summary():
    findings = run_checks(corpus("the the end", "a a"))
    assert findings_summary(findings) == {
        "qa.lowercase_start": {"mt": 2, "other": 2},
        "qa.repeated_word": {"mt": 2, "other": 2},
    }
    assert findings_summary([]) == {}


def test_progress_is_reported():
    calls = []
    run_checks(corpus(*["the end"] * 250), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (500, 500)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_works_with_a_full_corpus_and_documents():
    c = Corpus("t", (Text("mt", ("the the", "ok")),), (Text("ref", ("The", "ok")),), documents=("a", "b"))
    (f,) = run_checks(c, only=["qa.repeated_word"])
    assert f.document == "a"


def test_check_corpus_checks_alignment():
    with pytest.raises(InputError, match="line counts differ"):
        CheckCorpus("t", (Text("a", ("x", "y")), Text("b", ("x",))))
    with pytest.raises(InputError, match="no MT system"):
        CheckCorpus("t", ())


def test_corpus_for_checks_without_references(make_file):
    from review_app.checks import corpus_for_checks

    hyp = make_file("sys.en", "one\ntwo\n")
    c = corpus_for_checks([hyp])
    assert isinstance(c, CheckCorpus) and c.references == () and len(c) == 2
    ref = make_file("ref.en", "One\nTwo\n")
    assert isinstance(corpus_for_checks([hyp], [ref]), Corpus)


def test_a_degenerate_segment_is_capped():
    findings = run_checks(corpus("x " + "the the end " * 30), only=["qa.repeated_word"])
    mine = [f for f in findings if f.system == "mt"]
    assert len(mine) == 10 and "20 more" in mine[-1].message


def test_adding_a_check_is_one_function():
    @register("test.foo", "info", "Flags foo.")
    def foo(seg):
        position = seg.mt.find("foo")
        if position >= 0:
            yield Hit(position, position + 3, "say bar", "bar")

    try:
        (f,) = run_checks(corpus("a foo here"), only=["test.foo"])[:1]
        assert (f.check, f.severity, f.text, f.suggestion) == ("test.foo", "info", "foo", "bar")
        with pytest.raises(ValueError, match="registered twice"):
            register("test.foo", "info", "again")(lambda seg: ())
        with pytest.raises(ValueError, match="severity"):
            register("test.bar", "fatal", "bad")
    finally:
        CHECKS.pop("test.foo", None)


# --- robustness ------------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from review_app.glossary import Glossary, Term  # noqa: E402

PIECES = ["the", "the ", "Tianwen-1", "tianwen‑1", "German Space Center", " ", "  ", ",", " ,", "(", ")", "“", "”",
          '"', "24", "1,000", "二十四", "天问一号", "，", "e\u0301", "ﬁ", "Ａ", "ß", "İ", "\u200b", "’", "proud of and ",
          "and", "a", ".", "...", ":)", "\t"]
SEGMENT = st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
ROBUST_GLOSSARY = Glossary(terms=(Term("Tianwen-1", "天问一号", ("Tianwen 1",)),
                                  Term("German Aerospace Center", variants=("German Space Center",))))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(SEGMENT, SEGMENT, SEGMENT), min_size=1, max_size=4))
def test_any_text_gives_consistent_findings(rows):
    mts, refs, sources = zip(*rows)
    c = CheckCorpus("t", (Text("mt", mts),), (Text("ref", refs),), Text("source", sources), ("d",) * len(rows))
    for f in run_checks(c, ROBUST_GLOSSARY):
        assert f.check in CHECKS and f.severity in ("error", "warning", "info")
        if f.start is None:
            assert f.end is None and f.text == ""
        else:
            assert 0 <= f.start <= f.end <= len(mts[f.segment - 1])
            assert mts[f.segment - 1][f.start:f.end] == f.text
