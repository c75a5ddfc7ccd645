"""Matching: whole words, Unicode apostrophes/hyphens/forms, offsets into the original, overlaps."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from review_app.glossary import Glossary, GlossaryMatcher, Term, normalize


def matcher(*terms: Term) -> GlossaryMatcher:
    return GlossaryMatcher(Glossary(terms=terms))


def found(m: GlossaryMatcher, text: str, **kw) -> list[tuple[str, str, bool]]:
    result = []
    for match in m.find(text, **kw):
        assert text[match.start:match.end] == match.text
        result.append((match.text, match.kind, match.exact))
    return result


def test_whole_words_only():
    m = matcher(Term("Mars"), Term("Tianwen-1"))
    assert found(m, "Marshall and Marsh") == []
    assert found(m, "Tianwen-1A and xTianwen-1") == []
    assert found(m, "Mars, Mars-bound, Mars’ and (Mars).") == [("Mars", "term", True)] * 4
    assert found(m, "NASA's Tianwen-1.") == [("Tianwen-1", "term", True)]


def test_case_insensitive_search_exact_flag():
    m = matcher(Term("Tianwen-1"))
    assert found(m, "tianwen-1 and TIANWEN-1 and Tianwen-1") == [
        ("tianwen-1", "term", False), ("TIANWEN-1", "term", False), ("Tianwen-1", "term", True)]


def test_apostrophes_are_one_character():
    m = matcher(Term("Chang’e-4"))
    for text in ("Chang'e-4", "Chang’e-4", "Changʼe-4", "Chang‘e-4", "Chang`e-4"):
        assert found(m, f"the {text} lander") == [(text, "term", True)], text


def test_hyphen_variants_match_but_a_space_does_not():
    m = matcher(Term("Tianwen-1", variants=("Tianwen 1",)))
    for hyphen in ("-", "\u2010", "\u2011", "\u2013", "\u2212", "\uff0d"):
        text = f"Tianwen{hyphen}1"
        assert found(m, f"the {text} probe") == [(text, "term", True)], repr(hyphen)
    assert found(m, "the Tianwen 1 probe") == [("Tianwen 1", "variant", True)]
    assert found(m, "the Tianwen\u00a01 probe") == [("Tianwen\u00a01", "variant", True)]
    assert found(m, "the Tianwen—1 probe") == []  # an em dash is punctuation, not a hyphen


def test_nfc_nfd_and_fullwidth_spans_point_at_the_original():
    m = matcher(Term("Café Mars"), Term("Tianwen-1"))
    nfd = unicodedata.normalize("NFD", "the Café Mars today")
    assert len(nfd) == len("the Café Mars today") + 1
    (match,) = m.find(nfd)
    assert (match.start, match.end) == (4, 14) and match.text == unicodedata.normalize("NFD", "Café Mars")
    assert match.exact
    full = "ｔｈｅ Ｔｉａｎｗｅｎ－１ probe"
    assert found(m, full) == [("Ｔｉａｎｗｅｎ－１", "term", True)]


def test_spaces_and_invisible_characters():
    m = matcher(Term("German Space Center", variants=()), Term("UAE Space Agency"))
    text = "the German  \t Space\u00a0Center and the UAE\u200b Space Agency"
    assert [t for t, _, _ in found(m, text)] == ["German  \t Space\u00a0Center", "UAE\u200b Space Agency"]


def test_leftmost_longest_and_nested_hits():
    m = matcher(Term("Mars"), Term("Mars rover", case_sensitive=False), Term("Belt and Road Initiative",
                admitted=("Belt and Road",)), Term("rover", case_sensitive=False))
    assert found(m, "the Mars rover landed") == [("Mars rover", "term", True)]
    assert found(m, "the Belt and Road Initiative") == [("Belt and Road Initiative", "term", True)]
    assert found(m, "the Belt and Road plan") == [("Belt and Road", "admitted", True)]
    nested = {t for t, _, _ in found(m, "the Mars rover landed", overlapping=True)}
    assert nested == {"Mars", "Mars rover", "rover"}


def test_leftmost_wins_between_crossing_terms():
    m = matcher(Term("space agency"), Term("agency chief"))
    assert [t for t, _, _ in found(m, "the space agency chief said")] == ["space agency"]


def test_term_beats_variant_with_the_same_key_and_admitted_case_forms():
    m = matcher(Term("Roscosmos", admitted=("ROSCOSMOS",)))
    assert found(m, "ROSCOSMOS and Roscosmos and roscosmos") == [
        ("ROSCOSMOS", "term", True), ("Roscosmos", "term", True), ("roscosmos", "term", False)]


def test_source_terms_in_chinese_without_word_boundaries():
    m = matcher(Term("Tianwen-1", source="天问一号"),
                Term("peaceful use of outer space", source="和平利用外层空间"),
                Term("Committee on the Peaceful Uses of Outer Space", source="和平利用外层空间委员会"))
    matches = m.find_source("天问一号探测器与和平利用外层空间委员会")
    assert [(s.text, s.entries) for s in matches] == [("天问一号", (0,)), ("和平利用外层空间委员会", (2,))]
    overlapping = {s.entries for s in m.find_source("和平利用外层空间委员会", overlapping=True)}
    assert overlapping == {(1,), (2,)}


def test_fullwidth_source_digits_normalised():
    m = matcher(Term("Long March 5", source="长征5号"))
    assert [s.text for s in m.find_source("长征５号")] == ["长征５号"]


def test_many_terms():
    terms = tuple(Term(f"term{i} thing") for i in range(10_000))
    m = GlossaryMatcher(Glossary(terms=terms))
    matches = m.find("a term9999 thing and term12 thing and term123 things")
    assert [(x.text, x.entry) for x in matches] == [("term9999 thing", 9999), ("term12 thing", 12)]


def test_empty_glossary():
    assert GlossaryMatcher(Glossary(terms=())).find("anything") == []


# --- properties ----------------------------------------------------------------------------------

PIECES = list("ab ,.'’‐-–\u00a0\u200bé") + ["e\u0301", "ﬁ", "Ａ", "ß", "İ", "  "]
NOISE = st.lists(st.sampled_from(PIECES), max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(NOISE)
def test_offset_map_is_monotonic_and_in_bounds(text):
    norm = normalize(text)
    if norm.starts is not None:
        assert len(norm.starts) == len(norm.text) == len(norm.ends)
        assert all(a <= b for a, b in zip(norm.starts, norm.starts[1:]))
        assert all(0 <= s < e <= len(text) for s, e in zip(norm.starts, norm.ends))
    else:
        assert len(norm.text) == len(text)


@settings(max_examples=300, deadline=None)
@given(NOISE, NOISE, st.sampled_from(["Tianwen-1", "Chang’e-4", "German Aerospace Center"]))
def test_inserted_term_is_found_at_its_place(before, after, term):
    m = matcher(Term("Tianwen-1"), Term("Chang’e-4"), Term("German Aerospace Center"))
    text = f"{before} {term} {after}"
    spans = [(x.start, x.end) for x in m.find(text)]
    start = len(before) + 1
    assert (start, start + len(term)) in spans
