"""review_app.review.workflow: the review screens' logic, without Streamlit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from review_app.checks import Finding, run_checks
from review_app.corpus import load_corpus
from review_app.glossary import load_glossary
from review_app.review import MQM_CATEGORIES, ReviewStore, metric_agreement, mqm_score, score_by_document
from review_app.review import workflow as wf
from review_app.review.models import HistoryEntry, SegmentReview, Verdict

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def finding(check="glossary.case", start=3, end=8, text="abcde", severity="error", message="m", suggestion="S",
            system="s", segment=1):
    return Finding(system=system, segment=segment, check=check, start=start, end=end, text=text,
                   suggestion=suggestion, severity=severity, message=message)


@pytest.fixture
def store(tmp_path):
    with ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}", clock=lambda: T0) as s:
        yield s


def test_every_check_maps_to_a_known_mqm_category():
    from review_app.checks import CHECKS

    for check in CHECKS:
        assert wf.category_for_check(check) in MQM_CATEGORIES, check
    assert wf.category_for_check("glossary.case") == "Terminology/Inappropriate for context"
    assert wf.category_for_check("glossary.inconsistent") == "Terminology/Inconsistent use"
    assert wf.category_for_check("qa.untranslated") == "Accuracy/Untranslated"
    assert wf.category_for_check("qa.number_mismatch") == "Accuracy/Mistranslation"
    assert wf.category_for_check("qa.repeated_word").startswith("Fluency/")
    assert wf.category_for_check("qa.repeated_phrase").startswith("Fluency/")
    assert wf.category_for_check("qa.empty") == "Non-translation"
    assert wf.category_for_check("qa.length_ratio", "2.8x longer than the reference") == "Accuracy/Addition"
    assert wf.category_for_check("qa.length_ratio", "0.2x shorter") == "Accuracy/Omission"
    assert wf.category_for_check("glossary.someday") == "Terminology/Inappropriate for context"
    assert wf.category_for_check("custom.thing") == "Other"


def test_annotation_for_finding_span_and_segment_level():
    proposal = wf.annotation_for_finding(finding())
    assert (proposal.start, proposal.end, proposal.text, proposal.severity.value) == (3, 8, "abcde", "major")
    assert proposal.comment == "glossary.case: m → S"
    whole = wf.annotation_for_finding(finding(check="glossary.missing", start=None, end=None, text="", severity="warning"))
    assert (whole.start, whole.end, whole.text, whole.severity.value) == (0, 0, "", "minor")
    assert wf.annotation_for_finding(finding(check="qa.empty", start=None, end=None, text="")).severity.value == "critical"
    assert wf.dismissal_key(finding(start=None, end=None, text="")) == ("glossary.case", 0, 0, "")


def test_confirmed_annotation_can_be_saved_and_recognised(store):
    f = finding(text="rumor", start=10, end=15)
    mt = "0123456789rumor and more"
    stored = store.add_annotation("c", "s", 1, rater="Ana", mt_text=mt, **wf.annotation_for_finding(f).fields())
    assert wf.is_confirmed(f, [stored])
    assert not wf.is_confirmed(finding(text="other", start=0, end=5), [stored])


def test_without_dismissed_equals_run_checks_with_the_stores_dismissals(store):
    corpus = load_corpus(REPO / "corpora" / "tianwen-1")
    glossary = load_glossary(REPO / "glossary" / "space-diplomacy.csv")
    everything = run_checks(corpus, glossary)
    chosen = [f for f in everything if f.check in ("glossary.case", "glossary.missing")]
    assert any(f.start is None for f in chosen) and any(f.start is not None for f in chosen)
    for f in chosen[:3]:
        check, start, end, text = wf.dismissal_key(f)
        store.dismiss_finding("tianwen-1", f.system, f.segment, check, start, end, text, reviewer="Ana")
    dismissed = store.dismissed_findings("tianwen-1")
    expected = run_checks(corpus, glossary, suppressions=dismissed)
    assert wf.without_dismissed(everything, dismissed) == expected
    assert len(expected) == len(everything) - 3
    assert wf.dismissals_digest(dismissed) != wf.dismissals_digest([]) == "none"
    assert wf.without_dismissed(everything, []) == everything


def test_words_labels_and_spans():
    text = "the cat and the dog, the end"
    words = wf.words_of(text)
    assert [w.text for w in words] == ["the", "cat", "and", "the", "dog", ",", "the", "end"]
    labels = wf.word_labels(words)
    assert len(set(labels)) == len(labels) and [label.rstrip("\u2060") for label in labels] == [w.text for w in words]
    assert wf.span_from_words(text, words, [4, 1]) == (4, 19, "cat and the dog")
    assert wf.span_from_words(text, words, []) is None
    assert wf.occurrences(text, "the") == [0, 12, 21]
    assert wf.occurrences("aaa", "aa") == [0, 1]
    assert wf.choose_span(text, words, typed="the", occurrence=1) == (12, 15, "the")
    assert wf.choose_span(text, words, typed="the", occurrence=9) == (21, 24, "the")
    assert wf.choose_span(text, words, chosen=[7], typed="the") == (25, 28, "end")  # words win
    assert wf.choose_span(text, words) is None
    with pytest.raises(ValueError, match="is not in the MT"):
        wf.choose_span(text, words, typed="The")
    assert wf.context_of(text, 12, 15, width=4) == "…and [the] dog…"


def test_mqm_tables_match_the_mqm_module(store):
    lines = {"a": ["one two three", "four five", "six"], "b": ["one", "two words", "three more words"]}
    store.save_review("c", "a", 1, reviewer="Ana", base_version=0, verdict="accepted")
    store.save_review("c", "a", 2, reviewer="Ana", base_version=0, verdict="needs_fix")
    store.add_annotation("c", "a", 2, start=0, end=4, text="four", category="Accuracy/Mistranslation", severity="major",
                         rater="Ana")
    store.add_annotation("c", "b", 3, start=0, end=0, text="", category="Non-translation", severity="minor", rater="Bo")
    store.add_annotation("c", "b", 3, start=0, end=5, text="three", category="Fluency/Spelling", severity="minor",
                         rater="Bo")
    reviews, annotations = store.list_reviews("c"), store.annotations("c")
    systems = wf.mqm_system_table(lines, reviews, annotations).set_index("system")
    a = mqm_score([x for x in annotations if x.system == "a"], {1: 3, 2: 2})
    assert systems.loc["a", "MQM per 100 words"] == pytest.approx(a.per_100_words) == pytest.approx(100 * 5 / 5)
    assert (systems.loc["a", "reviewed"], systems.loc["a", "annotated segments"], systems.loc["a", "errors"]) == (2, 2, 1)
    assert systems.loc["b", "reviewed"] == 0 and systems.loc["b", "annotated segments"] == 1
    assert systems.loc["b", "penalty"] == 26.0 and systems.loc["b", "MQM (WMT)"] == -26.0

    segments = wf.mqm_segment_table("a", lines["a"], reviews, annotations, documents=["d1", "d1", "d2"])
    assert segments[["segment", "doc", "verdict", "words", "penalty"]].values.tolist() == [
        [1, "d1", "Accepted", 3, 0.0], [2, "d1", "Needs fix", 2, 5.0]]
    docs = wf.mqm_document_table(lines, ["d1", "d1", "d2"], reviews, annotations)
    expected = score_by_document([x for x in annotations if x.system == "b"], {3: 3}, ["d1", "d1", "d2"])
    row = docs[(docs["system"] == "b")].iloc[0]
    assert (row["doc"], row["penalty"]) == ("d2", expected["d2"].penalty)


def test_agreement_needs_enough_segments_and_equals_metric_agreement(store):
    lines = {"s": [f"w{i} x y" for i in range(12)]}
    table = pd.DataFrame({"system": ["s"] * 12, "segment": range(1, 13), "bleu": [float(i * 7 % 13) for i in range(12)]})
    for segment in range(1, 10):
        store.save_review("c", "s", segment, reviewer="Ana", base_version=0, verdict="accepted")
        if segment % 2:
            store.add_annotation("c", "s", segment, start=0, end=0, text="", category="Other",
                                 severity="major" if segment % 3 else "minor", rater="Ana")
    assert wf.agreement_table(table, store.list_reviews("c"), store.annotations("c"), {"bleu": "BLEU"}, n_segments=12) is None
    store.save_review("c", "s", 10, reviewer="Ana", base_version=0, verdict="accepted")
    result = wf.agreement_table(table, store.list_reviews("c"), store.annotations("c"), {"bleu": "BLEU", "ter": "TER"},
                                n_segments=12)
    assert result["metric"].tolist() == ["BLEU"]  # no TER column in the table
    mqm = {("s", n): -sum(a.penalty for a in store.annotations("c") if a.segment == n) for n in range(1, 11)}
    expected = metric_agreement(mqm, {("s", n): float((n - 1) * 7 % 13) for n in range(1, 13)})
    assert result.iloc[0]["Pearson r"] == pytest.approx(expected.pearson)
    assert result.iloc[0]["Kendall τ-b"] == pytest.approx(expected.kendall_tau)
    assert result.iloc[0]["segments"] == 10


def test_history_in_words(store):
    store.save_review("c", "s", 1, reviewer="Ana", base_version=0, verdict="needs_fix", comment="hm")
    store.save_review("c", "s", 1, reviewer="Bo", base_version=1, post_edit="Fixed.")
    a = store.add_annotation("c", "s", 1, start=0, end=3, text="abc", category="Style/Awkward", severity="minor", rater="Ana")
    store.delete_annotation(a.id, rater="Bo")
    store.dismiss_finding("c", "s", 1, "qa.spacing", 4, 6, "  ", reviewer="Ana")
    store.undismiss_finding("c", "s", 1, "qa.spacing", 4, 6, "  ", reviewer="Bo")
    rows = wf.history_rows(store.history("c", "s", 1))
    assert rows["what"].tolist() == [
        "restored qa.spacing “”",
        "dismissed qa.spacing “” as a false alarm",
        "deleted Style/Awkward (minor) on “abc”",
        "added Style/Awkward (minor) on “abc”",
        "post-edit “Fixed.”",
        "verdict none → needs fix; comment “hm”",
    ]
    assert rows["who"].tolist() == ["Bo", "Ana", "Bo", "Ana", "Bo", "Ana"]
    assert rows["when"].iloc[0] == "2024-05-01 12:00:00 UTC"
    assert list(wf.history_rows(store.history("c"), with_segment=True).columns) == ["when", "who", "system", "segment", "what"]
    unknown = HistoryEntry(1, "c", "s", 1, "something_new", "X", T0, {})
    assert wf.describe_entry(unknown) == "something new"


def test_conflict_rows_show_yours_and_theirs():
    theirs = SegmentReview("c", "s", 1, verdict=Verdict.ACCEPTED, comment="theirs", post_edit=None, version=3,
                           reviewer="Bo", updated_at=T0)
    rows = wf.conflict_rows({"verdict": "rejected", "comment": "mine"}, theirs)
    assert rows.to_dict("records") == [
        {"field": "Verdict", "yours": "rejected", "theirs": "accepted"},
        {"field": "Comment", "yours": "mine", "theirs": "theirs"},
    ]
    assert wf.conflict_rows({"post_edit": "Edited."}, theirs).to_dict("records") == [
        {"field": "Post-edit", "yours": "Edited.", "theirs": ""}]


def test_annotation_marks_and_import_problems(store):
    a = store.add_annotation("c", "s", 1, start=0, end=3, text="one", category="Other", severity="critical", rater="Ana")
    b = store.add_annotation("c", "s", 2, start=0, end=0, text="", category="Accuracy/Omission", severity="minor", rater="Ana")
    marks = wf.annotation_marks([a, b])
    assert (marks[0].start, marks[0].end, marks[0].severity, marks[0].check) == (0, 3, "critical", "mqm:Other")
    assert marks[1].start is None  # the whole segment: listed, not marked in the text
    systems = {"s": ["one two", "three"]}
    assert wf.import_problems([a, b], systems) == []
    moved = a.__class__(**{**a.__dict__, "segment": 2})
    unknown = a.__class__(**{**a.__dict__, "system": "t"})
    past = a.__class__(**{**a.__dict__, "segment": 9})
    problems = wf.import_problems([moved, unknown, past], systems)
    assert "is “thr”, not “one”" in problems[0] and "no system 't'" in problems[1] and "past the end" in problems[2]
