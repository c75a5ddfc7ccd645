"""The Review screen driven by AppTest: every action saves to the review store (in tmp_path), failures keep
the reviewer's input, conflicts show the other person's values, dismissed findings disappear everywhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from review_app.checks import run_checks
from review_app.corpus import load_corpus
from review_app.errors import StorageError
from review_app.glossary import load_glossary
from review_app.review import ReviewStore, Verdict, default_database_url
from review_app.ui import common

from .conftest import html_of, no_exception, page, settle

REPO = Path(__file__).resolve().parents[2]
TIANWEN = REPO / "corpora" / "tianwen-1"
SYSTEM = "seed-mt"
CORPUS = "tianwen-1"


@pytest.fixture
def corpus():
    return load_corpus(TIANWEN)


@pytest.fixture
def other_store():
    """A second connection to the app's database: another reviewer, or a check of what was saved."""
    store = ReviewStore(default_database_url())
    yield store
    store.close()


@pytest.fixture
def downloads(monkeypatch):
    """What the page offers for download, by file name (deferred data is produced on request)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    offered: dict[str, object] = {}
    real_add, real_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def add(self, data, mimetype, coordinates, file_name=None, *args, **kwargs):
        if file_name:
            offered[file_name] = data
        return real_add(self, data, mimetype, coordinates, file_name, *args, **kwargs)

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        if file_name:
            offered[file_name] = data_callable
        return real_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", add)
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def get(name: str) -> bytes:
        data = offered[name]
        data = data() if callable(data) else data
        return data.encode("utf-8") if isinstance(data, str) else data

    return get


def review(app, segment: int = 2, name: str | None = "Ana"):
    at = settle(app)
    at.session_state[common.DETAIL_SEGMENT] = segment
    at = page(at, "review")
    if name:
        at.sidebar.text_input(key="reviewer").set_value(name)
        at = settle(at)
    no_exception(at)
    return at


def seg_key(at, name: str) -> str:
    """The widget key of ``name`` for the segment shown (keys carry a hash of corpus/system/segment)."""
    segment = at.session_state[common.DETAIL_SEGMENT]
    h = hashlib.sha1(f"{CORPUS}\x1f{SYSTEM}\x1f{segment}".encode()).hexdigest()[:12]
    return f"rv_{name}_{h}"


def table_with(at, columns: list[str]):
    return next(df.value for df in at.dataframe if list(df.value.columns) == columns)


def button(at, label: str, nth: int = 0):
    found = [b for b in at.button if b.label == label]
    assert len(found) > nth, (label, [b.label for b in at.button])
    return found[nth]


def test_name_required_before_anything_is_saved(app, other_store):
    at = review(app, name=None)
    assert any("Enter your name" in w.value for w in at.warning)
    assert button(at, "Add annotation").disabled and button(at, "Confirm").disabled
    assert button(at, "Save comment and post-edit").disabled
    # A verdict chosen without a name is refused, said so, and not saved.
    at.segmented_control(key=seg_key(at, "verdict")).set_value("accepted")
    at = settle(at)
    assert any("Enter your name" in e.value for e in at.error)
    assert at.segmented_control(key=seg_key(at, "verdict")).value is None
    assert other_store.get_segment(CORPUS, SYSTEM, 2).version == 0


def test_the_name_stays_in_the_address(app):
    at = review(app)  # typed in the sidebar
    assert at.query_params["reviewer"] == "Ana"
    at = page(at, "segments")  # a page switch clears the address; the name is put back
    assert at.query_params["reviewer"] == "Ana"
    at.sidebar.text_input(key="reviewer").set_value("")
    at = settle(at)
    assert "reviewer" not in at.query_params


def test_verdict_saved_with_name_history_and_progress(app, other_store):
    at = review(app)
    assert "0 of 7 segments of seed-mt reviewed" in html_of(at)
    at.segmented_control(key=seg_key(at, "verdict")).set_value("needs_fix")
    at = settle(at)
    no_exception(at)
    saved = other_store.get_segment(CORPUS, SYSTEM, 2)
    assert saved.verdict is Verdict.NEEDS_FIX and saved.reviewer == "Ana" and saved.version == 1
    assert "1 of 7 segments of seed-mt reviewed" in html_of(at)
    assert '<span class="who">Ana</span>' in html_of(at) and "verdict none → needs fix" in html_of(at)
    recent = table_with(at, ["when", "who", "system", "segment", "what"])
    assert recent.iloc[0]["segment"] == 2
    # Next unreviewed skips segment 2 (reviewed) only.
    at.session_state[common.DETAIL_SEGMENT] = 1
    at = settle(at)
    at.segmented_control(key=seg_key(at, "verdict")).set_value("accepted")
    at = settle(at)
    button(at, "Next unreviewed").click()
    at = settle(at)
    assert at.session_state[common.DETAIL_SEGMENT] == 3


def test_annotation_add_by_text_and_by_words_then_delete(app, other_store, corpus):
    at = review(app)
    mt = corpus.system(SYSTEM).segments[1]
    at.text_input(key=seg_key(at, "typed")).set_value("Some foreign media")
    at.selectbox(key=seg_key(at, "category")).set_value("Accuracy/Mistranslation")
    at.segmented_control(key=seg_key(at, "severity")).set_value("major")
    at.text_input(key=seg_key(at, "note")).set_value("not what the source says")
    at = settle(at)
    assert "Span " in html_of(at)
    button(at, "Add annotation").click()
    at = settle(at)
    no_exception(at)
    (a,) = other_store.annotations(CORPUS, SYSTEM)
    assert (a.segment, a.text, a.category, a.severity.value, a.comment, a.rater) == (
        2, "Some foreign media", "Accuracy/Mistranslation", "major", "not what the source says", "Ana")
    assert mt[a.start:a.end] == a.text
    assert at.text_input(key=seg_key(at, "typed")).value == ""  # the form is cleared after a save
    assert 'data-checks="mqm:Accuracy/Mistranslation"' in html_of(at)  # marked in the MT

    # Words: click the first and the last word of the span.
    labels = [label.rstrip("\u2060") for label in at.pills(key=seg_key(at, "words")).options]
    assert len(set(at.pills(key=seg_key(at, "words")).options)) == len(labels)  # repeated words told apart
    first = labels.index("regular")
    at.pills(key=seg_key(at, "words")).set_value([first, first + 1])
    at.selectbox(key=seg_key(at, "category")).set_value("Fluency/Grammar")
    at = settle(at)
    button(at, "Add annotation").click()
    at = settle(at)
    second = [x for x in other_store.annotations(CORPUS, SYSTEM) if x.category == "Fluency/Grammar"]
    assert [x.text for x in second] == ["regular press"]

    button(at, "Delete").click()
    at = settle(at)
    no_exception(at)
    assert len(other_store.annotations(CORPUS, SYSTEM)) == 1
    actions = [e.action for e in other_store.history(CORPUS, SYSTEM, 2)]
    assert actions.count("add_annotation") == 2 and actions[0] == "delete_annotation"


def test_typed_text_not_in_the_mt_is_refused(app, other_store):
    at = review(app)
    at.text_input(key=seg_key(at, "typed")).set_value("no such words here")
    at = settle(at)
    assert any("is not in the MT text" in e.value for e in at.error)
    assert button(at, "Add annotation").disabled


def test_confirm_finding_becomes_terminology_annotation(app, other_store, corpus):
    at = review(app)
    assert 'QA findings<span class="count">1</span>' in html_of(at)
    assert 'data-checks="glossary.case"' in html_of(at)
    button(at, "Confirm").click()
    at = settle(at)
    no_exception(at)
    (a,) = other_store.annotations(CORPUS, SYSTEM)
    assert (a.text, a.category, a.severity.value) == ("tianwen-1", "Terminology/Inappropriate for context", "major")
    assert "glossary.case" in a.comment and "Tianwen-1" in a.comment
    assert corpus.system(SYSTEM).segments[1][a.start:a.end] == "tianwen-1"
    assert any("annotated" in c.value for c in at.caption)


def test_confirm_segment_level_finding_stored_as_zero_span(app, other_store):
    at = review(app, segment=6)  # glossary.missing: 'peaceful use of outer space'
    confirm = [b for b in at.button if b.label == "Confirm"]
    assert confirm
    confirm[0].click()
    at = settle(at)
    (a,) = other_store.annotations(CORPUS, SYSTEM)
    assert (a.start, a.end, a.text) == (0, 0, "")


def test_dismissed_finding_disappears_from_counts_and_highlights(app, other_store, corpus):
    glossary = load_glossary(REPO / "glossary" / "space-diplomacy.csv")
    everything = run_checks(corpus, glossary)
    at = review(app, segment=6)
    before = [b for b in at.button if b.label == "Dismiss"]
    before[0].click()  # the segment-level glossary.missing first (sorted before spans)
    at = settle(at)
    no_exception(at)
    (d,) = other_store.dismissed_findings(CORPUS)
    assert (d.check, d.start, d.end, d.text, d.reviewer) == ("glossary.missing", 0, 0, "", "Ana")
    assert len([b for b in at.button if b.label == "Dismiss"]) == len(before) - 1
    expected = run_checks(corpus, glossary, suppressions=other_store.dismissed_findings(CORPUS))
    assert len(expected) == len(everything) - 1
    at = page(at, "overview")
    assert {m.label: m.value for m in at.metric}["Findings"] == str(len(expected))
    at = page(at, "segments")
    assert "glossary.missing" not in html_of(at)

    # Restored: back in the counts.
    at.session_state[common.DETAIL_SEGMENT] = 6
    at = page(at, "review")
    button(at, "Restore").click()
    at = settle(at)
    assert other_store.dismissed_findings(CORPUS) == []
    at = page(at, "overview")
    assert {m.label: m.value for m in at.metric}["Findings"] == str(len(everything))


def test_comment_and_post_edit_saved(app, other_store, corpus):
    at = review(app)
    mt = corpus.system(SYSTEM).segments[1]
    assert at.text_area(key=seg_key(at, "post")).value == mt  # starts from the MT
    at.text_area(key=seg_key(at, "comment")).set_value("Check the date")
    at.text_area(key=seg_key(at, "post")).set_value(mt.replace("tianwen-1", "Tianwen-1"))
    button(at, "Save comment and post-edit").click()
    at = settle(at)
    no_exception(at)
    saved = other_store.get_segment(CORPUS, SYSTEM, 2)
    assert saved.comment == "Check the date" and saved.post_edit == mt.replace("tianwen-1", "Tianwen-1")
    assert saved.reviewer == "Ana"
    assert any("Post-edit saved" in c.value for c in at.caption)


def test_bad_post_edit_reported_and_input_kept(app, other_store):
    at = review(app)
    at.text_area(key=seg_key(at, "post")).set_value("line one\nline two")
    at.text_area(key=seg_key(at, "comment")).set_value("my comment")
    button(at, "Save comment and post-edit").click()
    at = settle(at)
    assert any("Not saved" in e.value and "line break" in e.value for e in at.error)
    assert at.text_area(key=seg_key(at, "post")).value == "line one\nline two"
    assert at.text_area(key=seg_key(at, "comment")).value == "my comment"
    assert other_store.get_segment(CORPUS, SYSTEM, 2).version == 0


def test_storage_error_reported_and_input_kept(app, monkeypatch):
    at = review(app)

    def broken(*args, **kwargs):
        raise StorageError("the review database is read-only (test)")

    monkeypatch.setattr(ReviewStore, "save_review", broken)
    at.text_area(key=seg_key(at, "comment")).set_value("keep me")
    button(at, "Save comment and post-edit").click()
    at = settle(at)
    assert any("read-only (test)" in e.value for e in at.error)
    assert at.text_area(key=seg_key(at, "comment")).value == "keep me"


def test_conflict_shows_theirs_keeps_mine_and_overwrites(app, other_store):
    at = review(app)
    other_store.save_review(CORPUS, SYSTEM, 2, reviewer="Bo", base_version=0, comment="their comment",
                            verdict="rejected")
    at.text_area(key=seg_key(at, "comment")).set_value("my comment")
    button(at, "Save comment and post-edit").click()
    at = settle(at)
    no_exception(at)
    assert any("**Bo** saved this segment" in w.value for w in at.warning)
    table = table_with(at, ["field", "yours", "theirs"])
    assert table.to_dict("records") == [{"field": "Comment", "yours": "my comment", "theirs": "their comment"}]
    assert at.text_area(key=seg_key(at, "comment")).value == "my comment"  # kept
    assert other_store.get_segment(CORPUS, SYSTEM, 2).comment == "their comment"  # nothing overwritten

    button(at, "Overwrite with mine").click()
    at = settle(at)
    saved = other_store.get_segment(CORPUS, SYSTEM, 2)
    assert (saved.comment, saved.verdict, saved.reviewer, saved.version) == ("my comment", Verdict.REJECTED, "Ana", 2)
    assert not any("saved this segment" in w.value for w in at.warning)


def test_conflict_take_theirs(app, other_store):
    at = review(app)
    other_store.save_review(CORPUS, SYSTEM, 2, reviewer="Bo", base_version=0, verdict="accepted")
    at.segmented_control(key=seg_key(at, "verdict")).set_value("rejected")
    at = settle(at)
    assert any("**Bo** saved this segment" in w.value for w in at.warning)
    button(at, "Take theirs").click()
    at = settle(at)
    assert at.segmented_control(key=seg_key(at, "verdict")).value == "accepted"
    assert other_store.get_segment(CORPUS, SYSTEM, 2).verdict is Verdict.ACCEPTED
    # Their save now is the base: a new verdict saves without a conflict.
    at.segmented_control(key=seg_key(at, "verdict")).set_value("needs_fix")
    at = settle(at)
    assert other_store.get_segment(CORPUS, SYSTEM, 2).verdict is Verdict.NEEDS_FIX


def test_someone_elses_save_shows_when_nothing_is_unsaved(app, other_store):
    at = review(app)
    other_store.save_review(CORPUS, SYSTEM, 2, reviewer="Bo", base_version=0, comment="from Bo")
    at = settle(at)
    assert at.text_area(key=seg_key(at, "comment")).value == "from Bo"


def test_export_post_edits_and_annotations_then_import(app, other_store, corpus, downloads):
    other_store.save_review(CORPUS, SYSTEM, 3, reviewer="Bo", base_version=0, post_edit="Edited three.")
    mt = corpus.system(SYSTEM).segments[1]
    start = mt.index("tianwen-1")
    other_store.add_annotation(CORPUS, SYSTEM, 2, start=start, end=start + 9, text="tianwen-1",
                               category="Terminology/Inappropriate for context", severity="major", rater="Bo")
    at = review(app)
    lines = downloads(f"{CORPUS}.{SYSTEM}.post-edited.txt").decode("utf-8").split("\n")
    assert lines[:-1] == [*corpus.system(SYSTEM).segments[:2], "Edited three.", *corpus.system(SYSTEM).segments[3:]]
    exported_json = downloads(f"{CORPUS}-annotations.json")
    rows = json.loads(exported_json)
    assert [(r["segment"], r["span_text"], r["rater"]) for r in rows] == [(2, "tianwen-1", "Bo")]
    exported_csv = downloads(f"{CORPUS}-annotations.csv").decode("utf-8")
    assert "Terminology/Inappropriate for context" in exported_csv

    # Import into a fresh database: the same annotation comes back; a second import adds nothing.
    for annotation in other_store.annotations(CORPUS):
        other_store.delete_annotation(annotation.id, rater="Bo")
    at.file_uploader(key="review_import_file").set_value(("mine.json", exported_json, "application/json"))
    at = settle(at)
    button(at, "Import").click()
    at = settle(at)
    no_exception(at)
    assert any("Imported 1 annotation" in s.value for s in at.success)
    (back,) = other_store.annotations(CORPUS)
    assert (back.segment, back.text, back.rater) == (2, "tianwen-1", "Bo")
    button(at, "Import").click()
    at = settle(at)
    assert any("Imported 0 annotations" in s.value and "already here" in s.value for s in at.success)


def test_import_that_does_not_fit_the_corpus_is_refused(app, other_store):
    at = review(app)
    bad = json.dumps([{"system": "other-mt", "segment": 1, "rater": "X", "category": "Other", "severity": "minor",
                       "span": "0-3", "span_text": "abc", "comment": "", "timestamp": "2024-01-01T00:00:00+00:00"}])
    at.file_uploader(key="review_import_file").set_value(("bad.json", bad.encode(), "application/json"))
    at = settle(at)
    button(at, "Import").click()
    at = settle(at)
    assert any("no system 'other-mt'" in e.value for e in at.error)
    assert other_store.annotations(CORPUS) == []


def test_several_systems_are_reviewed_apart(app, other_store):
    from review_app.ui.uploads import CorpusUpload, Upload

    upload = CorpusUpload(
        systems=(Upload("a.txt", "The cat sat.\nA dog barked.\n".encode()), Upload("b.txt", "Cat sat.\nThe dog barks.\n".encode())),
        references=(Upload("ref.txt", "The cat sat.\nThe dog barked.\n".encode()),),
    )
    app.session_state[common.PENDING_CORPUS_UPLOAD] = upload
    at = settle(app)
    name = upload_key(upload)
    at = page(at, "review")
    at.sidebar.text_input(key="reviewer").set_value("Ana")
    at = settle(at)
    assert at.selectbox(key="review_system_pick").options == ["a", "b"]
    at.selectbox(key="review_system_pick").set_value("b")
    at = settle(at)
    assert "The dog barks" not in html_of(at) and "Cat sat." in html_of(at)
    h = hashlib.sha1(f"{name}\x1fb\x1f1".encode()).hexdigest()[:12]
    at.segmented_control(key=f"rv_verdict_{h}").set_value("rejected")
    at = settle(at)
    no_exception(at)
    assert other_store.get_segment(name, "b", 1).verdict is Verdict.REJECTED
    assert other_store.get_segment(name, "a", 1).version == 0
    assert "1 of 2 segments of b reviewed" in html_of(at)
    # Segment detail links here.
    at = page(at, "detail")
    assert any(link.label == "Review this segment" for link in at.get("page_link"))


def upload_key(upload) -> str:
    """What an upload's reviews are saved under: its name and a hash of its content."""
    from review_app.ui import review_state
    from review_app.ui.sources import corpus_digest
    from review_app.ui.uploads import corpus_from_upload

    corpus = corpus_from_upload(upload)
    return review_state.corpus_key(corpus, corpus_digest(corpus))


def test_uploads_with_the_same_name_keep_their_reviews_apart(app, other_store):
    from review_app.ui.uploads import CorpusUpload, Upload

    def upload_of(mt: str) -> CorpusUpload:  # one system file: the corpus is named "mt" both times
        return CorpusUpload(systems=(Upload("mt.txt", mt.encode()),), references=(Upload("ref.txt", b"The cat sat.\n"),))

    first, second = upload_of("The cat sat.\n"), upload_of("A cat was sitting.\n")
    assert upload_key(first) != upload_key(second) and upload_key(first).startswith("mt (upload ")

    def verdict_shown(at, upload):
        h = hashlib.sha1(f"{upload_key(upload)}\x1fmt\x1f1".encode()).hexdigest()[:12]
        return at.segmented_control(key=f"rv_verdict_{h}")

    app.session_state[common.PENDING_CORPUS_UPLOAD] = first
    at = settle(app)
    at = page(at, "review")
    at.sidebar.text_input(key="reviewer").set_value("Ana")
    at = settle(at)
    verdict_shown(at, first).set_value("accepted")
    at = settle(at)
    assert other_store.get_segment(upload_key(first), "mt", 1).verdict is Verdict.ACCEPTED

    at.session_state[common.PENDING_CORPUS_UPLOAD] = second  # someone's other "mt.txt"
    at = settle(at)
    no_exception(at)
    assert "A cat was sitting." in html_of(at)
    assert verdict_shown(at, second).value is None and "0 of 1 segments of mt reviewed" in html_of(at)
    assert other_store.get_segment(upload_key(second), "mt", 1).version == 0


def test_repeated_text_asks_which_occurrence(app, other_store, corpus):
    at = review(app, segment=3)
    mt = corpus.system(SYSTEM).segments[2]
    assert mt.count("tianwen-1") == 1 and mt.count("China") > 1
    at.text_input(key=seg_key(at, "typed")).set_value("China")
    at = settle(at)
    which = at.selectbox(key=seg_key(at, "occ"))
    assert len(which.options) == mt.count("China")
    which.set_value(1)
    at.selectbox(key=seg_key(at, "category")).set_value("Other")
    at = settle(at)
    button(at, "Add annotation").click()
    at = settle(at)
    (a,) = other_store.annotations(CORPUS, SYSTEM)
    second = mt.index("China", mt.index("China") + 1)
    assert (a.start, a.end, a.text) == (second, second + 5, "China")


def test_unusable_database_is_said_and_other_screens_still_work(app, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("REVIEW_APP_DATA_DIR", str(blocker))
    at = settle(app)
    no_exception(at)
    assert at.title[0].value == "tianwen-1"
    assert any("review database cannot be read" in w.value for w in at.warning)
    at = page(at, "review")
    no_exception(at)
    assert any("review database cannot be opened" in e.value for e in at.error)
