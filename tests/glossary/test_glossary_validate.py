"""Cross-entry validation, and the bundled glossary."""

from __future__ import annotations

from review_app.glossary import bundled_glossaries, load_glossary, parse_glossary_csv, read_glossary, validate

HEADER = "term,source,variants,admitted,case_sensitive,note\n"


def problems_of(rows: str) -> list[tuple[int | None, str | None, str]]:
    return [(p.line, p.column, p.message) for p in validate(parse_glossary_csv(HEADER + rows))]


def test_clean_glossary_has_no_problem():
    assert problems_of("Mars,火星,,Martian,true,\nNASA,,,,true,\n") == []


def test_duplicate_terms_compare_like_the_matcher():
    problems = problems_of("Chang’e-4,,,,,\nCHANG'E-4,,,,,\n")
    assert problems == [(3, "term", "duplicate term \"CHANG'E-4\" (already on line 2)")]


def test_variant_equal_to_another_entrys_term_reports_both_lines():
    problems = problems_of("German Aerospace Center,,German Space Center,,,\nGerman Space Center,,,,,\n")
    assert (2, "variants", "variant 'German Space Center' of 'German Aerospace Center' is the approved term on line 3") in problems
    assert (3, "term", "term 'German Space Center' is listed as a forbidden variant of 'German Aerospace Center' on line 2") in problems


def test_variant_equal_to_its_own_term():
    problems = problems_of("Tianwen-1,,tianwen‑1,,,\n")
    assert len(problems) == 1 and problems[0][:2] == (2, "variants")
    assert "is the term itself" in problems[0][2]


def test_variant_of_two_terms():
    problems = problems_of("UAE Space Agency,,Emirates Space Agency,,,\nEmirates Mars Mission,,Emirates Space Agency,,,\n")
    assert any("belongs to several terms" in p[2] for p in problems)


def test_admitted_and_forbidden_at_once():
    problems = problems_of("Long March 5,,Long March-5,,,\nCZ-5,,,Long March-5,,\n")
    assert any(p[1] == "admitted" and "forbidden" in p[2] for p in problems)


def test_missing_term():
    assert problems_of(",火星,,,,note\n") == [(2, "term", "missing term (the approved English form is required)")]


def test_problems_sorted_by_line():
    problems = problems_of("Mars,,,,maybe,\n,x,,,,\nMars,,,,,\n")
    assert [p[0] for p in problems] == sorted(p[0] for p in problems)


def test_bundled_glossary_is_valid_and_researched():
    path = bundled_glossaries()["space-diplomacy"]
    glossary = load_glossary(path)
    assert len(glossary) >= 40
    by_term = {t.term: t for t in glossary.terms}
    dlr = by_term["German Aerospace Center"]
    assert {"German Space Center", "German Space Centre"} <= set(dlr.variants) and "DLR" in dlr.admitted
    assert "Asia Pacific Space Cooperation Organization" in by_term["Asia-Pacific Space Cooperation Organization"].variants
    assert "French space research center" in by_term["National Centre for Space Studies"].variants
    assert "China’s National Space Administration" in by_term["China National Space Administration"].variants
    assert "community of shared future for mankind" in by_term["community with a shared future for mankind"].variants
    assert "One Belt One Road" in by_term["Belt and Road Initiative"].variants
    assert by_term["Tianwen-1"].sources == ("天问一号",)
    assert by_term["Long March 5"].sources == ("长征五号",)
    assert by_term["Wang Wenbin"].sources == ("汪文斌",)
    assert all(t.note for t in glossary.terms), "every entry says where its form comes from"
    for name in ("UAE Space Agency", "European Space Agency", "International Academy of Astronautics", "NASA",
                 "Roscosmos", "JAXA", "Zhurong", "Chang’e-4", "Chang’e-5", "Hope probe", "Mars",
                 "Ministry of Foreign Affairs", "win-win cooperation", "Wenchang Spacecraft Launch Site"):
        assert name in by_term


def test_bundled_tbx_matches_bundled_csv():
    csv_glossary = load_glossary(bundled_glossaries()["space-diplomacy"])
    tbx_glossary = read_glossary(bundled_glossaries()["space-diplomacy"].with_suffix(".tbx"))
    assert validate(tbx_glossary) == []
    assert tbx_glossary.terms == csv_glossary.terms
