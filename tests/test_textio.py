import os

import pytest

from review_app.errors import InputError
from review_app.textio import atomic_write_text, lines_from_bytes, read_lines, split_lines


def test_lines_split_on_newline_only_like_sacrebleu():
    assert split_lines("a\nb\n") == ["a", "b"]
    assert split_lines("a\nb") == ["a", "b"]
    assert split_lines("a\n\n") == ["a", ""]
    assert split_lines("a\rb\n") == ["a\rb"]  # a lone CR stays inside the line, as sacrebleu reads it
    assert split_lines("") == []


def test_crlf_and_bom_are_accepted_silently(make_file):
    path = make_file("crlf.txt", b"\xef\xbb\xbfFirst line\r\nSecond\r\n")
    assert read_lines(path) == ["First line", "Second"]


def test_not_utf8_names_file_line_and_byte_offset(make_file):
    path = make_file("latin1.txt", "ok\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_lines(path)
    message = str(err.value)
    assert str(path) in message
    assert "line 2" in message
    assert "byte offset 6" in message
    assert "0xe9" in message


def test_byte_offset_counts_the_bom(make_file):
    path = make_file("bom.txt", b"\xef\xbb\xbfab\xff")
    with pytest.raises(InputError, match="byte offset 5"):
        read_lines(path)


def test_empty_file_is_an_error(make_file):
    with pytest.raises(InputError, match="file is empty"):
        read_lines(make_file("empty.txt", b""))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found") as err:
        read_lines(tmp_path / "nope.txt")
    assert "nope.txt" in str(err.value)


def test_nul_byte_is_refused(make_file):
    with pytest.raises(InputError, match="NUL byte"):
        read_lines(make_file("bin.txt", b"abc\ndef\x00\n"))


def test_size_limit(make_file, monkeypatch):
    monkeypatch.setenv("REVIEW_APP_MAX_FILE_MB", "0.001")
    path = make_file("big.txt", b"x" * 5000)
    with pytest.raises(InputError, match="over the limit"):
        read_lines(path)
    with pytest.raises(InputError, match="over the limit"):
        lines_from_bytes(b"x" * 5000, "upload.txt")


def test_upload_bytes_are_read_like_files():
    assert lines_from_bytes(b"a\r\nb\n", "up.txt") == ["a", "b"]
    with pytest.raises(InputError, match="up.txt: file is empty"):
        lines_from_bytes(b"", "up.txt")


def test_atomic_write_replaces_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "out" / "report.txt"
    atomic_write_text(target, "one")
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert os.listdir(target.parent) == ["report.txt"]


def test_atomic_write_failure_keeps_old_content(tmp_path, monkeypatch):
    target = tmp_path / "keep.txt"
    atomic_write_text(target, "old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["keep.txt"]


def test_atomic_write_gives_new_files_the_umask_mode_and_keeps_an_existing_mode(tmp_path):
    old_umask = os.umask(0o027)
    try:
        fresh = tmp_path / "fresh.txt"
        atomic_write_text(fresh, "x")
        assert fresh.stat().st_mode & 0o777 == 0o640
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o604)
        atomic_write_text(kept, "new")
        assert kept.stat().st_mode & 0o777 == 0o604
    finally:
        os.umask(old_umask)
