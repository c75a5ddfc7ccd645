"""Glossary checks: case, forbidden, missing, inconsistent."""

from __future__ import annotations

from review_app.checks import CheckCorpus, run_checks
from review_app.corpus import Text
from review_app.glossary import Glossary, Term

GLOSSARY = Glossary(terms=(
    Term("Tianwen-1", "天问一号", ("Tianwen 1",)),
    Term("German Aerospace Center", "德国航空航天中心", ("German Space Center", "German Space Centre"), ("DLR",)),
    Term("China National Space Administration", "国家航天局|中国国家航天局",
         ("China’s National Space Administration",), ("CNSA",)),
    Term("win-win cooperation", "合作共赢", ("win win cooperation",), (), False),
    Term("Mars", "火星", (), ("Martian",)),
    Term("Mars rover", "火星车", ("Mars car",), (), False),
    Term("Ministry of Foreign Affairs", "外交部", (), ("Foreign Ministry",)),
))


def run(check_id, mt, ref=None, src=None, documents=None, refs=None):
    mts = [mt] if isinstance(mt, str) else list(mt)
    if refs is None:
        refs = [] if ref is None else [ref]
    references = tuple(Text(f"ref{i}", tuple([r] if isinstance(r, str) else r)) for i, r in enumerate(refs))
    source = Text("source", tuple([src] if isinstance(src, str) else src)) if src is not None else None
    corpus = CheckCorpus("t", (Text("mt", tuple(mts)),), references, source, documents)
    return run_checks(corpus, GLOSSARY, only=[check_id])


def spans(findings):
    return [(f.text, f.suggestion) for f in findings]


# --- glossary.case ------------------------------------------------------------------------------


def test_case():
    assert spans(run("glossary.case", "China’s first Mars probe, tianwen-1, was launched.")) == [("tianwen-1", "Tianwen-1")]
    assert spans(run("glossary.case", "the TIANWEN‑1 probe and the german aerospace center")) == [
        ("TIANWEN‑1", "Tianwen-1"), ("german aerospace center", "German Aerospace Center")]


def test_case_tolerated():
    for text in ("Tianwen-1 launched.", "Tianwen‑1 launched (non-breaking hyphen).",
                 "Win-win cooperation is the aim.",             # sentence start, lower-case term
                 "He said: “Win-win cooperation is the aim.”",
                 "We seek win-win cooperation. Win-win cooperation matters.",
                 "CHINA LAUNCHES TIANWEN-1 TO MARS",            # all-capitals headline
                 "Building Win-Win Cooperation For The Future Of Mankind",  # Title Case headline
                 "the Foreign ministry said"):                  # admitted forms are never case-checked
        assert run("glossary.case", text) == [], text


def test_case_insensitive_terms_are_not_case_checked():
    assert run("glossary.case", "we want Win-Win Cooperation here") == []


# --- glossary.forbidden -------------------------------------------------------------------------


def test_forbidden():
    found = run("glossary.forbidden", "the German Space Center and the german space centre and China's National "
                                      "Space Administration")
    assert spans(found) == [("German Space Center", "German Aerospace Center"),
                            ("german space centre", "German Aerospace Center"),
                            ("China's National Space Administration", "China National Space Administration")]
    assert all(f.severity == "error" for f in found)


def test_forbidden_variant_inside_a_longer_term_is_not_reported():
    glossary = Glossary(terms=(Term("UAE Space Agency", variants=("Space Agency of the UAE",)),
                               Term("space agency", variants=("space bureau",), case_sensitive=False)))
    corpus = CheckCorpus("t", (Text("mt", ("the UAE Space Agency and a space bureau",)),))
    assert [f.text for f in run_checks(corpus, glossary, only=["glossary.forbidden"])] == ["space bureau"]


# --- glossary.missing ---------------------------------------------------------------------------


def test_missing_from_source():
    (f,) = run("glossary.missing", "China’s first Mars probe was launched.", src="中国首个火星探测器天问一号发射")
    assert f.start is None and f.suggestion == "Tianwen-1" and "天问一号" in f.message


def test_not_missing_when_a_form_is_there():
    src = "天问一号和德国航空航天中心"
    assert run("glossary.missing", "Tianwen 1 and the German Space Center", src=src) == []   # forbidden, not missing
    assert run("glossary.missing", "tianwen-1 and DLR", src=src) == []                       # wrong case; admitted
    assert run("glossary.missing", "the Martian probe", src="火星探测器") == []               # admitted form
    assert run("glossary.missing", "a Mars rover", src="火星上的火星车") == []                  # Mars inside Mars rover


def test_missing_with_source_needs_a_reference_with_the_term():
    mt = "The Foreign Office spokesman said"
    assert run("glossary.missing", mt, src="外交部发言人说", ref="The spokesperson of the MFA said") == []
    (f,) = run("glossary.missing", mt, src="外交部发言人说", ref="The Ministry of Foreign Affairs spokesperson said")
    assert f.suggestion == "Ministry of Foreign Affairs"
    # an admitted form in the reference confirms the term too
    assert run("glossary.missing", mt, src="外交部发言人说", ref="The foreign ministry spokesperson said") != []
    assert run("glossary.missing", "The Foreign Ministry spokesman said", src="外交部发言人说",
               ref="The Ministry of Foreign Affairs spokesperson said") == []


def test_missing_from_references_without_source():
    findings = run("glossary.missing", "the peaceful use of space", ref="win-win cooperation and Mars")
    assert sorted(f.suggestion for f in findings) == ["Mars", "win-win cooperation"]
    assert all(f.start is None and f.text == "" for f in findings)
    assert run("glossary.missing", "win-win cooperation on Mars", ref="win-win cooperation and Mars") == []
    # every reference must have the term
    assert run("glossary.missing", "something else", refs=["the Mars probe", "the red planet probe"]) == []
    # a reference with only a forbidden variant does not count
    assert run("glossary.missing", "something else", ref="the German Space Center") == []


def test_missing_without_source_or_reference_is_silent():
    assert run("glossary.missing", "nothing here") == []


# --- glossary.inconsistent ----------------------------------------------------------------------


def test_inconsistent_within_a_document():
    mts = ["Tianwen-1 was launched.", "Later tianwen-1 entered orbit.", "The German Aerospace Center helped.",
           "The German Space Center also helped."]
    found = run("glossary.inconsistent", mts, documents=("d1", "d1", "d1", "d1"))
    assert [(f.segment, f.text, f.suggestion) for f in found] == [
        (2, "tianwen-1", "Tianwen-1"), (4, "German Space Center", "German Aerospace Center")]
    assert "segment 1" in found[0].message


def test_inconsistent_case_of_a_case_insensitive_term():
    mts = ["We want win-win cooperation.", "This is Win-Win Cooperation for all."]
    (f,) = run("glossary.inconsistent", mts, documents=("d", "d"))
    assert f.segment == 2 and f.text == "Win-Win Cooperation"


def test_consistent_or_other_documents_are_quiet():
    mts = ["Tianwen-1 was launched.", "Later tianwen-1 entered orbit."]
    assert run("glossary.inconsistent", mts, documents=("d1", "d2")) == []
    assert run("glossary.inconsistent", ["tianwen-1 flew.", "tianwen-1 landed."], documents=("d", "d")) == []
    assert run("glossary.inconsistent", ["Win-win cooperation first.", "We want win-win cooperation."],
               documents=("d", "d")) == []


def test_no_glossary_no_glossary_checks():
    corpus = CheckCorpus("t", (Text("mt", ("The tianwen-1 and the German Space Center",)),))
    assert run_checks(corpus) == []
    assert {f.check for f in run_checks(corpus, GLOSSARY)} == {"glossary.case", "glossary.forbidden"}


def test_nfd_text_spans_point_at_the_original():
    import unicodedata

    glossary = Glossary(terms=(Term("Société Générale", variants=("Societe Generale",)),))
    mt = unicodedata.normalize("NFD", "Both société générale and Societe Generale, then Société Générale.")
    corpus = CheckCorpus("t", (Text("mt", (mt,)),))
    found = [(f.check, f.text) for f in run_checks(corpus, glossary, only=["glossary.case", "glossary.forbidden"])]
    assert found == [("glossary.case", unicodedata.normalize("NFD", "société générale")),
                     ("glossary.forbidden", "Societe Generale")]
