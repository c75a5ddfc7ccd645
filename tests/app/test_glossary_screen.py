"""The Glossary screen driven by AppTest, on a copy of the bundled glossary folder in tmp_path
(REVIEW_APP_GLOSSARY_DIR, set by the autouse fixture): edit with live validation, save (atomic, backup,
conflict-safe), import preview, export, concordance, and adding a term from the Review screen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from review_app.glossary import glossary_to_csv, read_glossary, read_glossary_csv, read_glossary_tbx
from review_app.glossary import maintenance as gm
from review_app.ui import common

from .conftest import html_of, no_exception, page, settle
from .test_review_screen import button, downloads, review, seg_key  # noqa: F401  (fixture re-used)

NAME = "space-diplomacy"


@pytest.fixture
def folder() -> Path:
    return Path(os.environ["REVIEW_APP_GLOSSARY_DIR"])


def glossary_page(app):
    at = settle(app)
    at = page(at, "glossary")
    no_exception(at)
    return at


def editor_key(at) -> str:
    return f"gl_editor_{NAME}_{at.session_state['gl_version'][NAME]}"


def edit(at, edited=None, added=None, deleted=None):
    at.session_state[editor_key(at)] = {"edited_rows": edited or {}, "added_rows": added or [],
                                        "deleted_rows": deleted or []}
    return settle(at)


def terms_on_disk(folder: Path) -> dict:
    return {t.term: t for t in read_glossary_csv(folder / f"{NAME}.csv").terms}


def test_shows_the_folder_glossary_in_an_editor(app, folder):
    at = glossary_page(app)
    assert at.selectbox(key="gl_file").value == NAME
    (editor,) = at.data_editor
    assert editor.editing_mode == "dynamic"
    shown = editor.value
    on_disk = read_glossary_csv(folder / f"{NAME}.csv")
    assert shown["term"].tolist() == [t.term for t in on_disk.terms]
    assert shown.iloc[0]["variants"] == "Tianwen 1 | Tianwen No. 1 | Tianwen One"
    assert any("No unsaved changes" in c.value for c in at.caption)


def test_edit_add_delete_save_writes_atomically_with_backup(app, folder):
    before = (folder / f"{NAME}.csv").read_bytes()
    at = glossary_page(app)
    at = edit(at, edited={1: {"note": "Mars rover (edited)"}},
              added=[{"term": "Tianwen-2", "source": "天问二号", "variants": "Tianwen 2", "case_sensitive": True}],
              deleted=[2])
    no_exception(at)
    assert any("Unsaved changes:" in m.value and "1 added, 1 changed, 1 removed" in m.value for m in at.markdown)
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    assert any("Saved space-diplomacy.csv: 1 added, 1 changed, 1 removed" in s.value for s in at.success)
    terms = terms_on_disk(folder)
    assert terms["Zhurong"].note == "Mars rover (edited)"
    assert terms["Tianwen-2"].variants == ("Tianwen 2",) and terms["Tianwen-2"].source == "天问二号"
    assert "Chang’e-4" not in terms
    (backup,) = gm.backups(NAME, folder)
    assert backup.read_bytes() == before
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert any("No unsaved changes" in c.value for c in at.caption)


def test_invalid_rows_shown_and_not_saved_valid_ones_are(app, folder):
    at = glossary_page(app)
    at = edit(at, edited={0: {"note": "edited"}},
              added=[{"term": "Zhurong", "note": "a duplicate", "case_sensitive": True},
                     {"term": "Mars Sample Return", "case_sensitive": True}])
    no_exception(at)
    (problem,) = [e.value for e in at.error]
    rows = len(read_glossary_csv(folder / f"{NAME}.csv").terms)
    assert f"Row {rows + 1} (Zhurong)" in problem and "duplicate term 'Zhurong'" in problem
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    assert any("1 row(s) with problems were not saved" in w.value for w in at.warning)
    terms = terms_on_disk(folder)
    assert terms["Tianwen-1"].note == "edited" and "Mars Sample Return" in terms
    assert terms["Zhurong"].note != "a duplicate" and len(terms) == rows + 1
    # The held-back row is still in the table, still flagged, and still an unsaved change.
    assert at.data_editor[0].value["note"].tolist().count("a duplicate") == 1
    assert any("duplicate term 'Zhurong'" in e.value for e in at.error)


def test_an_edit_that_breaks_validation_keeps_the_saved_version(app, folder):
    at = glossary_page(app)
    # Row 2 (Zhurong) gets Tianwen-1 as a variant: forbidden and the approved term of row 1.
    at = edit(at, edited={1: {"variants": "Zhu Rong | Tianwen-1"}})
    assert any("is the approved term" in e.value for e in at.error)
    button(at, "Save glossary").click()
    at = settle(at)
    assert terms_on_disk(folder)["Zhurong"].variants == ("Zhu Rong",)
    assert not gm.backups(NAME, folder)  # nothing written


def test_conflict_with_someone_elses_save_then_merge(app, folder):
    at = glossary_page(app)
    # Someone else saves: Zhurong gets a note, a term is added.
    theirs = gm.open_glossary(NAME, folder)
    changed = gm.add_term(theirs.glossary, "Mars Sample Return")
    changed = changed.__class__(**{**changed.__dict__, "terms": tuple(
        t if t.term != "Zhurong" else t.__class__(**{**t.__dict__, "note": "their note"}) for t in changed.terms)})
    gm.save_glossary(NAME, changed, expected_digest=theirs.digest, folder=folder)

    at = edit(at, edited={0: {"note": "my note"}})
    assert any("changed on disk after you opened it" in w.value for w in at.warning)
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    assert any("was changed by someone else" in w.value for w in at.warning)
    tables = [df.value for df in at.dataframe]
    their_changes = next(t for t in tables if "theirs" in t.columns and "when you opened it" in t.columns)
    assert set(their_changes["term"]) == {"Zhurong", "Mars Sample Return"}
    difference = next(t for t in tables if list(t.columns)[-2:] == ["theirs", "yours"])
    assert "Tianwen-1" in set(difference["term"])
    assert terms_on_disk(folder)["Tianwen-1"].note != "my note"  # nothing overwritten

    button(at, "Merge my changes into theirs").click()
    at = settle(at)
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    terms = terms_on_disk(folder)
    assert terms["Tianwen-1"].note == "my note" and terms["Zhurong"].note == "their note"
    assert "Mars Sample Return" in terms


def test_conflict_reload_theirs(app, folder):
    at = glossary_page(app)
    theirs = gm.open_glossary(NAME, folder)
    gm.save_glossary(NAME, gm.add_term(theirs.glossary, "Mars Sample Return"), expected_digest=theirs.digest,
                     folder=folder)
    at = edit(at, edited={0: {"note": "my note"}})
    button(at, "Save glossary").click()
    at = settle(at)
    button(at, "Reload theirs (drop mine)").click()
    at = settle(at)
    assert "Mars Sample Return" in at.data_editor[0].value["term"].tolist()
    assert terms_on_disk(folder)["Tianwen-1"].note != "my note"


def test_changed_on_disk_with_nothing_unsaved_reloads(app, folder):
    at = glossary_page(app)
    theirs = gm.open_glossary(NAME, folder)
    gm.save_glossary(NAME, gm.add_term(theirs.glossary, "Mars Sample Return"), expected_digest=theirs.digest,
                     folder=folder)
    at = settle(at)
    assert any("was changed on disk; showing the new version" in i.value for i in at.info)
    assert "Mars Sample Return" in at.data_editor[0].value["term"].tolist()


def test_import_preview_merge_and_replace(app, folder):
    at = glossary_page(app)
    incoming = ("term,source,variants,note\n"
                "Zhurong,祝融号,Zhu Rong|Zhu-Rong,imported note\n"
                "Tianwen-3,天问三号,,new mission\n").encode()
    at.file_uploader(key="gl_import_file").set_value(("more.csv", incoming, "text/csv"))
    at = settle(at)
    no_exception(at)
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"Added": "1", "Changed": "1", "Removed": "0"}
    preview = next(df.value for df in at.dataframe if "after import" in df.value.columns)
    assert dict(zip(preview["term"], preview["change"])) == {"Tianwen-3": "added", "Zhurong": "changed"}

    at.segmented_control(key="gl_import_mode").set_value("replace")
    at = settle(at)
    shown = {m.label: m.value for m in at.metric}
    total = len(read_glossary_csv(folder / f"{NAME}.csv").terms)
    assert shown == {"Added": "1", "Changed": "1", "Removed": str(total - 1)}

    at.segmented_control(key="gl_import_mode").set_value("merge")
    at = settle(at)
    button(at, "Import and save").click()
    at = settle(at)
    no_exception(at)
    assert any("Imported more.csv (merge): 1 added, 1 changed, 0 removed" in s.value for s in at.success)
    terms = terms_on_disk(folder)
    assert terms["Zhurong"].variants == ("Zhu Rong", "Zhu-Rong") and "Tianwen-3" in terms and len(terms) == total + 1
    assert len(gm.backups(NAME, folder)) == 1


def test_import_tbx_and_an_import_with_problems_is_not_saved(app, folder):
    at = glossary_page(app)
    tbx = (Path(__file__).resolve().parents[2] / "glossary" / "space-diplomacy.tbx").read_bytes()
    at.file_uploader(key="gl_import_file").set_value(("space.tbx", tbx, "application/xml"))
    at = settle(at)
    no_exception(at)
    assert {m.label for m in at.metric} == {"Added", "Changed", "Removed"}
    bad = "term,variants\nMars,Zhurong\n".encode()  # Zhurong: the approved term of another entry
    at.file_uploader(key="gl_import_file").set_value(("bad.csv", bad, "text/csv"))
    at = settle(at)
    assert any("cannot be saved" in e.value for e in at.error)
    assert button(at, "Import and save").disabled


def test_export_csv_and_tbx(app, folder, downloads):
    at = glossary_page(app)
    assert {b.key for b in at.get("download_button")} >= {"gl_export_csv", "gl_export_tbx"}
    on_disk = read_glossary_csv(folder / f"{NAME}.csv")
    assert downloads(f"{NAME}.csv").decode("utf-8") == glossary_to_csv(on_disk)
    back = read_glossary_tbx("x.tbx", data=downloads(f"{NAME}.tbx"))
    assert [t.term for t in back.terms] == [t.term for t in on_disk.terms]
    assert [t.variants for t in back.terms] == [t.variants for t in on_disk.terms]


def test_concordance_sorted_by_errors_with_lines(app):
    at = glossary_page(app)
    table = next(df.value for df in at.dataframe if "errors" in df.value.columns)
    assert table.iloc[0]["term"] == "Tianwen-1" and table.iloc[0]["errors"] == 2
    assert list(table["errors"]) == sorted(table["errors"], reverse=True)
    lines = next(df.value for df in at.dataframe if "match" in df.value.columns)
    assert lines["match"].tolist() == ["tianwen-1", "tianwen-1"] and set(lines["status"]) == {"wrong case"}
    assert lines["segment"].tolist() == [2, 3]
    # Another term: where it is right.
    mars = next(i for i, t in enumerate(read_glossary(Path(os.environ["REVIEW_APP_GLOSSARY_DIR"]) / f"{NAME}.csv").terms)
                if t.term == "Mars")
    at.selectbox(key=f"gl_term_{NAME}").set_value(mars)
    at = settle(at)
    lines = next(df.value for df in at.dataframe if "match" in df.value.columns)
    assert set(lines["status"]) == {"approved"} and len(lines) >= 5
    # Open a line in the Review screen.
    button(at, "Open in Review").click()
    at = settle(at)
    no_exception(at)
    assert at.title[0].value == "Review"


def test_create_a_new_glossary_with_a_safe_name(app, folder):
    at = glossary_page(app)
    at.text_input(key="gl_new_name").set_value("../new terms")
    at = settle(at)
    button(at, "Create").click()
    at = settle(at)
    no_exception(at)
    assert (folder / "new terms.csv").is_file()
    assert not (folder.parent / "new terms.csv").exists()
    assert at.selectbox(key="gl_file").value == "new terms"
    assert any("Created new terms.csv" in s.value for s in at.success)


def test_add_selected_text_from_review_as_term_and_as_variant(app, folder):
    at = review(app, segment=4)
    # Choose "Chinese space workers" in the MT: it prefills the glossary form.
    at.text_input(key=seg_key(at, "typed")).set_value("Chinese space workers")
    at = settle(at)
    assert at.text_input(key=seg_key(at, "gl_text")).value == "Chinese space workers"
    at.segmented_control(key="rv_gl_mode").set_value("variant")
    at = settle(at)
    at.selectbox(key=seg_key(at, "gl_of")).set_value("China Manned Space Agency")
    button(at, "Add to glossary").click()
    at = settle(at)
    no_exception(at)
    assert terms_on_disk(folder)["China Manned Space Agency"].variants[-1] == "Chinese space workers"
    # The checks run again with the new glossary: the variant is now a finding in segment 4.
    assert 'data-checks="glossary.forbidden"' in html_of(at)
    assert "Chinese space workers" in html_of(at)

    at.text_input(key=seg_key(at, "typed")).set_value("independent innovation")
    at = settle(at)
    at.segmented_control(key="rv_gl_mode").set_value("term")
    at = settle(at)
    button(at, "Add to glossary").click()
    at = settle(at)
    assert "independent innovation" in terms_on_disk(folder)

    # Invalid additions go through the same validation: not saved, said why.
    at.text_input(key=seg_key(at, "typed")).set_value("European Space Agency")
    at = settle(at)
    button(at, "Add to glossary").click()
    at = settle(at)
    assert any("duplicate term 'European Space Agency'" in e.value for e in at.error)
    assert len(gm.backups(NAME, folder)) == 2


def test_a_full_disk_is_said_and_the_edits_stay_in_the_page(app, folder, monkeypatch):
    import errno

    from review_app import textio

    before = (folder / f"{NAME}.csv").read_bytes()
    at = glossary_page(app)
    at = edit(at, edited={0: {"note": "my note"}})
    real_write = textio._atomic_write

    def disk_full(target, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(textio, "_atomic_write", disk_full)
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    assert any("No space left on device" in e.value for e in at.error), [e.value for e in at.error]
    assert (folder / f"{NAME}.csv").read_bytes() == before and not gm.backups(NAME, folder)
    # the work is still in the page: the editor keeps the edit, counted as unsaved
    assert at.session_state[editor_key(at)]["edited_rows"] == {0: {"note": "my note"}}
    assert any("Unsaved changes:" in m.value and "1 changed" in m.value for m in at.markdown)

    monkeypatch.setattr(textio, "_atomic_write", real_write)  # space again: the same edits save
    button(at, "Save glossary").click()
    at = settle(at)
    no_exception(at)
    assert terms_on_disk(folder)["Tianwen-1"].note == "my note"
