"""review_app.glossary.concordance: where each term occurs and how often the MT gets it wrong."""

from __future__ import annotations

from pathlib import Path

from review_app.checks import run_checks
from review_app.corpus import load_corpus
from review_app.glossary import Glossary, Term, load_glossary
from review_app.glossary.concordance import build_concordance

REPO = Path(__file__).resolve().parents[2]


def test_tianwen_terms_by_errors_with_lines():
    corpus = load_corpus(REPO / "corpora" / "tianwen-1")
    glossary = load_glossary(REPO / "glossary" / "space-diplomacy.csv")
    findings = run_checks(corpus, glossary)
    conc = build_concordance(glossary, [(s.name, s.segments) for s in corpus.systems], findings)
    table = conc.table()
    glossary_findings = [f for f in findings if f.check.startswith("glossary.")]
    assert table["errors"].sum() == len(glossary_findings)
    assert list(table["errors"]) == sorted(table["errors"], reverse=True)
    first = table.iloc[0]
    assert (first["term"], first["errors"], first["in MT"], first["error rate"]) == ("Tianwen-1", 2, 0, 1.0)
    mars = table[table["term"] == "Mars"].iloc[0]
    mt = corpus.systems[0].segments
    assert mars["in MT"] == 10 and mars["errors"] == 0 and mars["error rate"] == 0.0
    missing = table[table["term"] == "peaceful use of outer space"].iloc[0]
    assert missing["errors"] == 1
    lines = conc.lines(int(first["entry"]), {(corpus.systems[0].name, i): t for i, t in enumerate(mt, 1)}, width=20)
    assert lines["match"].tolist() == ["tianwen-1", "tianwen-1"]
    assert lines["status"].tolist() == ["wrong case", "wrong case"]
    assert lines.iloc[0]["left"].startswith("…") and len(lines.iloc[0]["left"]) == 21
    assert lines.iloc[0]["message"] == "write 'Tianwen-1', not 'tianwen-1'"
    absent = table[table["term"] == "JAXA"].iloc[0]
    assert absent["in MT"] == 0 and absent["errors"] == 0 and absent["error rate"] != absent["error rate"]  # NaN


def test_forms_statuses_source_hits_and_dismissed_findings():
    glossary = Glossary(terms=(
        Term("Tianwen-1", source="天问一号", variants=("Tianwen One",), admitted=("TW-1",)),
        Term("rover", source="巡视器", case_sensitive=False),
    ))
    systems = [("a", ["Tianwen-1 and TW-1 and the rover.", "Tianwen One here.", "tianwen-1 rover"])]
    source = ["天问一号和巡视器", "天问一号", "天问一号巡视器"]
    from review_app.checks import CheckCorpus
    from review_app.corpus import Text

    corpus = CheckCorpus(name="c", systems=(Text("a", tuple(systems[0][1])),), source=Text("src", tuple(source)))
    findings = run_checks(corpus, glossary)
    conc = build_concordance(glossary, systems, findings, source)
    table = conc.table().set_index("term")
    assert table.loc["Tianwen-1", "source hits"] == 3 and table.loc["rover", "source hits"] == 2
    assert table.loc["Tianwen-1", "in MT"] == 2  # the approved and the admitted form
    assert table.loc["Tianwen-1", "variants"] == 1
    # Two places are wrong (the variant, the case), each flagged twice (also glossary.inconsistent).
    assert table.loc["Tianwen-1", "errors"] == 2 and conc.errors[0] == 4
    assert table.loc["Tianwen-1", "error rate"] == 2 / 4
    statuses = sorted(o.status for o in conc.occurrences[0])
    assert statuses == ["admitted", "approved", "forbidden variant", "inconsistent", "inconsistent", "wrong case"]
    # Dismissed findings (left out of the findings given) no longer count.
    kept = [f for f in findings if f.segment != 3]
    again = build_concordance(glossary, systems, kept, source).table().set_index("term")
    assert again.loc["Tianwen-1", "errors"] == 1
    assert again.loc["Tianwen-1", "in MT"] == 3  # the lower-case form is now listed as an occurrence
