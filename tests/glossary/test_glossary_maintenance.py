"""review_app.glossary.maintenance: the glossary folder, conflict-safe atomic saves with backups, differences,
merges, editor rows and which edited rows are held back."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from review_app.errors import InputError
from review_app.glossary import Glossary, GlossaryError, Term, glossary_to_csv, read_glossary_csv
from review_app.glossary import maintenance as gm

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "glossary" / "space-diplomacy.csv"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    folder = tmp_path / "glossaries"
    folder.mkdir()
    shutil.copyfile(BUNDLED, folder / "space.csv")
    monkeypatch.setenv(gm.GLOSSARY_DIR_ENV, str(folder))
    return folder


def small(*terms: Term) -> Glossary:
    return Glossary(terms=tuple(terms))


def test_folder_from_the_environment_and_listing(folder, tmp_path, monkeypatch):
    assert gm.glossary_dir() == folder
    (folder / ".hidden.csv").write_text("term\nx\n")
    (folder / "notes.txt").write_text("x")
    outside = tmp_path / "outside.csv"
    outside.write_text("term\nx\n")
    (folder / "link.csv").symlink_to(outside)
    assert list(gm.list_glossaries()) == ["space"]
    monkeypatch.delenv(gm.GLOSSARY_DIR_ENV)
    assert gm.glossary_dir() == REPO / "glossary"


@pytest.mark.parametrize("name", ["../space", "/etc/passwd", "a/b", "CON", "x\x00y", ""])
def test_names_stay_in_the_folder(folder, name):
    with pytest.raises(InputError):
        gm.glossary_path(name, folder)


def test_user_names_made_safe(folder):
    assert gm.glossary_file_name("../new terms") == "new terms.csv"
    assert gm.glossary_file_name("x.csv") == "x.csv"
    with pytest.raises(InputError):
        gm.glossary_file_name("...")


def test_open_and_digest(folder):
    file = gm.open_glossary("space")
    assert file.exists and file.digest == gm.content_digest((folder / "space.csv").read_bytes())
    assert file.glossary.terms[0].term == "Tianwen-1"
    assert file.modified is not None
    missing = gm.open_glossary("none-yet")
    assert not missing.exists and missing.digest == gm.ABSENT and missing.glossary.terms == ()
    assert gm.disk_digest("space") == file.digest and gm.disk_digest("none-yet") == gm.ABSENT


def test_save_writes_atomically_keeps_a_backup_and_refuses_a_stale_base(folder):
    before = (folder / "space.csv").read_bytes()
    file = gm.open_glossary("space")
    changed = gm.add_term(file.glossary, "Tianwen-2", source="天问二号")
    saved = gm.save_glossary("space", changed, expected_digest=file.digest)
    assert saved.glossary.terms[-1].term == "Tianwen-2" and saved.digest != file.digest
    assert (folder / "space.csv").read_text(encoding="utf-8") == glossary_to_csv(replace(changed, path="space.csv"))
    (backup,) = gm.backups("space")
    assert backup.parent == folder / gm.BACKUP_DIR and backup.read_bytes() == before
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]

    # Someone saves with the old digest: refused, nothing written, their version and the difference given.
    with pytest.raises(gm.GlossaryConflict) as caught:
        gm.save_glossary("space", gm.add_term(file.glossary, "Zhurong-2"), expected_digest=file.digest)
    conflict = caught.value
    assert conflict.theirs.digest == saved.digest
    assert [c.term for c in conflict.difference.added] == ["Zhurong-2"]
    assert [c.term for c in conflict.difference.removed] == ["Tianwen-2"]
    assert "changed by someone else" in str(conflict)
    assert gm.open_glossary("space").digest == saved.digest and len(gm.backups("space")) == 1


def test_save_refuses_problems_and_writes_nothing(folder):
    file = gm.open_glossary("space")
    bad = gm.add_term(file.glossary, "Zhurong")  # a duplicate
    with pytest.raises(GlossaryError, match="duplicate term 'Zhurong'"):
        gm.save_glossary("space", bad, expected_digest=file.digest)
    assert gm.open_glossary("space").digest == file.digest and gm.backups("space") == []


def test_new_file_and_created_meanwhile(folder):
    created = gm.save_glossary("fresh", small(Term("Alpha")), expected_digest=gm.ABSENT)
    assert created.exists and gm.backups("fresh") == []
    with pytest.raises(gm.GlossaryConflict, match="created by someone else"):
        gm.save_glossary("fresh", small(Term("Beta")), expected_digest=gm.ABSENT)


def test_backups_are_pruned(folder):
    clock = iter(datetime(2024, 1, 1, tzinfo=UTC) + timedelta(seconds=i) for i in range(100))
    file = gm.open_glossary("space")
    for i in range(gm.MAX_BACKUPS + 3):
        file = gm.save_glossary("space", gm.add_term(file.glossary, f"Term {i}"), expected_digest=file.digest,
                                clock=lambda: next(clock))
    kept = gm.backups("space")
    assert len(kept) == gm.MAX_BACKUPS and kept[0].name > kept[-1].name  # newest first


def test_two_saves_at_once_one_wins(folder):
    file = gm.open_glossary("space")
    results: list[str] = []
    barrier = threading.Barrier(4)

    def save(i: int) -> None:
        barrier.wait()
        try:
            gm.save_glossary("space", gm.add_term(file.glossary, f"Parallel {i}"), expected_digest=file.digest)
            results.append("saved")
        except gm.GlossaryConflict:
            results.append("conflict")

    threads = [threading.Thread(target=save, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 3 + ["saved"]
    terms = [t.term for t in gm.open_glossary("space").glossary.terms]
    assert sum(term.startswith("Parallel") for term in terms) == 1


def test_update_glossary_applies_to_the_current_file(folder):
    before, after = gm.update_glossary("space", lambda g: gm.add_variant(g, "zhurong", "Zhu-Rong"))
    assert dict((t.term, t.variants) for t in after.glossary.terms)["Zhurong"] == ("Zhu Rong", "Zhu-Rong")
    with pytest.raises(InputError, match="no term 'Nothing'"):
        gm.add_variant(after.glossary, "Nothing", "x")


def test_diff_merge_replace():
    old = small(Term("Alpha", note="a"), Term("Beta"), Term("Gamma"))
    new = small(Term("alpha", note="a"), Term("Beta", variants=("Betta",)), Term("Delta"))
    diff = gm.diff_glossaries(old, new)
    assert [c.term for c in diff.added] == ["Delta"] and [c.term for c in diff.removed] == ["Gamma"]
    assert [(c.term, c.fields) for c in diff.changed] == [("alpha", ["term"]), ("Beta", ["variants"])]
    assert diff.summary() == "1 added, 2 changed, 1 removed" and bool(diff)
    assert not gm.diff_glossaries(old, old)
    rows = gm.diff_rows(diff, old_label="before", new_label="after")
    assert rows[0] == {"change": "added", "term": "Delta", "fields": "", "before": "", "after": "Delta"}

    incoming = small(Term("Beta", note="imported"), Term("Epsilon"))
    merged = gm.merge_glossaries(old, incoming)
    assert [t.term for t in merged.terms] == ["Alpha", "Beta", "Gamma", "Epsilon"]
    assert merged.terms[1].note == "imported"
    replaced = gm.replace_glossary(old, incoming)
    assert [t.term for t in replaced.terms] == ["Beta", "Epsilon"]


def test_rebase_my_changes_onto_theirs():
    base = small(Term("A"), Term("B"), Term("C"), Term("D"))
    mine = small(Term("A", note="mine"), Term("B", note="mine"), Term("D"), Term("E"))  # C removed, E added
    theirs = small(Term("A"), Term("B", note="theirs"), Term("C"), Term("D", note="theirs"), Term("F"))
    merged, notes = gm.rebase_changes(base, mine, theirs)
    by_term = {t.term: t.note for t in merged.terms}
    assert by_term == {"A": "mine", "B": "mine", "D": "theirs", "F": "", "E": ""}
    assert notes == ["B: changed on both sides; kept yours"]
    mine2 = small(Term("A"), Term("B"), Term("C"))  # D removed by me, changed by them
    merged2, notes2 = gm.rebase_changes(base, mine2, theirs)
    assert "D" in {t.term for t in merged2.terms} and notes2 == ["D: you removed it and they changed it; kept theirs"]


def test_rows_round_trip_and_validation_by_row():
    glossary = read_glossary_csv(BUNDLED)
    rows = gm.glossary_rows(glossary)
    assert rows[0]["variants"] == "Tianwen 1 | Tianwen No. 1 | Tianwen One" and rows[0]["case_sensitive"] is True
    back = gm.rows_glossary(rows, glossary)
    assert back.terms == glossary.terms and back.terms[4].line == 6
    rows = gm.clean_rows([*rows, {"term": float("nan"), "case_sensitive": None}, {"term": " Zhurong ", "case_sensitive": None}])
    assert rows[-2] == {"term": "", "case_sensitive": True} and rows[-1]["term"] == " Zhurong "
    edited = gm.rows_glossary(rows, glossary)
    assert len(edited.terms) == len(glossary.terms) + 1  # the blank row is skipped
    from review_app.glossary import validate

    problems = gm.problems_by_row(validate(edited))
    assert list(problems) == [len(rows) - 1] and "duplicate term 'Zhurong'" in problems[len(rows) - 1][0]
    _, found = gm.row_term({"term": "x", "case_sensitive": "maybe"}, line=3)
    assert found[0].line == 3 and "not a boolean" in found[0].message


def test_plan_save_holds_back_invalid_rows():
    saved = small(Term("Alpha"), Term("Beta"), Term("Gamma"))
    rows = gm.glossary_rows(saved)
    rows[0]["note"] = "fine edit"
    rows[1]["variants"] = "Gamma"  # Gamma is another entry's term: this edit is held back
    rows.append({"term": "Alpha", "source": "", "variants": "", "admitted": "", "case_sensitive": True, "note": ""})
    rows.append({"term": "Delta", "source": "", "variants": "", "admitted": "", "case_sensitive": True, "note": ""})
    del rows[2]  # Gamma deleted... which also makes row 1 valid again
    plan = gm.plan_save(saved, rows, [0, 1, None, None])
    assert not plan.blocked
    assert [t.term for t in plan.glossary.terms] == ["Alpha", "Beta", "Delta"]
    assert plan.glossary.terms[0].note == "fine edit" and plan.glossary.terms[1].variants == ("Gamma",)
    assert list(plan.held) == [2] and "duplicate term 'Alpha'" in plan.held[2][0]
    assert plan.origins == (0, 1, None, 2)

    rows = gm.glossary_rows(saved)
    rows[1]["variants"] = "Gamma"
    plan = gm.plan_save(saved, rows, [0, 1, 2])
    assert plan.glossary.terms == saved.terms and list(plan.held) == [1]
    assert sorted(plan.problems) == [1, 2]  # both ends of the clash are listed


def test_origins_for_a_merge():
    theirs = small(Term("A"), Term("B"))
    merged = small(Term("B", note="x"), Term("C"), Term("A"))
    assert gm.origins_for(merged, theirs) == [1, None, 0]


def test_backups_of_one_glossary_only(folder):
    (folder / gm.BACKUP_DIR).mkdir()
    (folder / gm.BACKUP_DIR / "space.old.20240101T000000000000Z.csv").write_text("term\n")
    (folder / gm.BACKUP_DIR / "space.20240101T000000000000Z.csv").write_text("term\n")
    assert [p.name for p in gm.backups("space")] == ["space.20240101T000000000000Z.csv"]
