"""Paths from users cannot escape their folders: safe_child/safe_name for upload and export names,
and corpus folders whose corpus.json or symbolic links point outside."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review_app.cli.main import main
from review_app.corpus import corpus_layout, load_corpus, load_corpus_dir
from review_app.errors import InputError
from review_app.safety import safe_child, safe_name


# --- safe_child --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [
    "../x.csv", "..", ".", "", "a/b.csv", "a\\b.csv", "..\\..\\x.csv", "/etc/passwd", "C:\\x.csv", "C:x.csv",
    "x\x00.csv", "x\n.csv", "x\r.csv", "\x1b[31m.csv", "a" * 256, "é" * 128, "CON", "nul.txt", "COM1.csv",
])
def test_safe_child_refuses(name, tmp_path):
    with pytest.raises(InputError):
        safe_child(tmp_path, name)


@pytest.mark.parametrize("name", ["report.csv", "..report.csv", "a..b", "scores (1).json", "天问一号.tbx", "a" * 255,
                                  ".hidden", "-leading-dash.csv", "con.txt.bak"[4:]])
def test_safe_child_accepts_plain_names(name, tmp_path):
    child = safe_child(tmp_path, name)
    assert child == tmp_path.resolve() / name and child.parent == tmp_path.resolve()


def test_safe_child_refuses_links_out_but_not_links_in(tmp_path, secret):
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "out.csv").symlink_to(secret)
    (folder / "in.csv").write_text("x", encoding="utf-8")
    (folder / "alias.csv").symlink_to(folder / "in.csv")
    (folder / "dangling.csv").symlink_to(tmp_path / "nowhere")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    with pytest.raises(InputError, match="outside"):
        safe_child(folder, "out.csv")
    for bad in ("dangling.csv", "loop.csv"):
        with pytest.raises(InputError, match="leads nowhere"):
            safe_child(folder, bad)
    assert safe_child(folder, "alias.csv") == folder.resolve() / "alias.csv"
    link_to_folder = tmp_path / "link"
    link_to_folder.symlink_to(folder)
    assert safe_child(link_to_folder, "in.csv") == folder.resolve() / "in.csv"


@pytest.mark.parametrize("raw, expected", [
    ("C:\\Users\\me\\ref.en", "ref.en"), ("../../etc/passwd", "passwd"), ("..", "file"), ("", "file"),
    ("a\x00b.txt", "ab.txt"), ("\u202etxt.exe", "txt.exe"), ("CON.csv", "_CON.csv"), ("  .bashrc ", "bashrc"),
    ("x/", "file"), ("C:ref.en", "C_ref.en"), ("a:b", "a_b"),
])
def test_safe_name(raw, expected):
    assert safe_name(raw) == expected


def test_safe_name_shortens_keeping_the_suffix():
    name = safe_name("é" * 300 + ".tsv")
    assert name.endswith(".tsv") and len(name.encode("utf-8")) <= 255


@settings(max_examples=300)
@given(st.text(max_size=300))
def test_safe_name_always_gives_a_name_safe_child_accepts(raw):
    import tempfile

    name = safe_name(raw)
    with tempfile.TemporaryDirectory() as folder:
        child = safe_child(folder, name)
        assert child.parent == Path(folder).resolve()


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_safe_child_never_leaves_the_folder(raw):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        try:
            child = safe_child(folder, raw)
        except InputError:
            return
        assert child.parent == Path(folder).resolve() and child.name == raw


# --- corpus folders ------------------------------------------------------------------------------


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "systems").mkdir(parents=True)
    (root / "systems" / "mt.en").write_text("one\n", encoding="utf-8")
    (root / "ref.en").write_text("one\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("where", ["systems/leak.en", "ref-leak.en", "references/leak.en", "source.zh",
                                   "documents.tsv", "corpus.json"])
def test_symlink_out_of_the_corpus_folder_is_refused_and_not_read(where, tmp_path, secret, monkeypatch):
    root = corpus(tmp_path)
    link = root / where
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    opened: list[str] = []
    real_open = os.open

    def watch(path, *args, **kwargs):
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("review_app.textio.os.open", watch)
    with pytest.raises(InputError) as info:
        load_corpus_dir(root)
    assert "outside the corpus folder" in str(info.value) and "TOP-SECRET" not in str(info.value)
    assert not any(Path(p).resolve() == secret.resolve() for p in opened)


def test_symlinked_systems_folder_pointing_out_is_refused(tmp_path, secret):
    root = corpus(tmp_path)
    outside = secret.parent / "systems"
    outside.mkdir()
    (outside / "mt.en").write_text("one\n", encoding="utf-8")
    (root / "systems" / "mt.en").unlink()
    (root / "systems").rmdir()
    (root / "systems").symlink_to(outside)
    with pytest.raises(InputError, match="outside the corpus folder"):
        load_corpus_dir(root)


def test_manifest_path_through_a_link_is_refused(tmp_path, secret):
    root = corpus(tmp_path)
    (root / "out").symlink_to(secret.parent)
    (root / "corpus.json").write_text(json.dumps({"systems": ["out/secret.txt"]}), encoding="utf-8")
    with pytest.raises(InputError, match="outside the corpus folder"):
        load_corpus_dir(root)


def test_links_inside_the_folder_and_a_linked_folder_are_fine(tmp_path):
    root = corpus(tmp_path)
    (root / "systems" / "alias.en").symlink_to(root / "systems" / "mt.en")
    linked = tmp_path / "linked-corpus"
    linked.symlink_to(root)
    loaded = load_corpus_dir(linked)
    assert loaded.system_names == ("alias", "mt")


def test_symlink_loop_is_an_input_error(tmp_path):
    root = corpus(tmp_path)
    (root / "systems" / "loop.en").symlink_to(root / "systems" / "loop.en")
    with pytest.raises(InputError):
        load_corpus_dir(root)


def test_layout_lists_only_files_inside(tmp_path):
    layout = corpus_layout(corpus(tmp_path))
    for path in (*layout.systems, *layout.references):
        assert path.resolve().is_relative_to(layout.root.resolve())


@pytest.mark.parametrize("bad", ["a\x00b", "corpus\x00/../../etc"])
def test_nul_in_corpus_path(bad):
    with pytest.raises(InputError, match="NUL"):
        load_corpus(bad)


def test_cli_refuses_a_leaking_corpus_with_exit_2(tmp_path, secret, capsys):
    root = corpus(tmp_path)
    (root / "systems" / "leak.en").symlink_to(secret)
    assert main(["check", "--corpus", str(root)]) == 2
    out, err = capsys.readouterr()
    assert "outside the corpus folder" in err and "TOP-SECRET" not in out + err
