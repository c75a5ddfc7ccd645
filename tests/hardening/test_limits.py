"""The size limit (REVIEW_APP_MAX_FILE_MB): checked before anything is read, and the read itself is
bounded, so memory stays bounded whatever the file is (huge, sparse, growing, a FIFO, a device)."""

from __future__ import annotations

import os
import threading

import pytest

from review_app import textio
from review_app.checks import load_suppressions
from review_app.corpus import read_table, read_text_file
from review_app.errors import ConfigError, InputError
from review_app.glossary import read_glossary
from review_app.review import ReviewStore
from review_app.textio import lines_from_bytes, max_file_bytes, read_bytes


@pytest.fixture
def one_mb_limit(monkeypatch):
    monkeypatch.setenv("REVIEW_APP_MAX_FILE_MB", "1")


@pytest.fixture
def no_open(monkeypatch):
    """Fail if the file is opened (the size check must come first)."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened before its size was checked")

    monkeypatch.setattr(textio.os, "open", refuse)


def sparse(path, size):
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


@pytest.mark.parametrize("reader", [
    lambda p: read_text_file(p),
    lambda p: read_table(p),
    lambda p: read_glossary(p),
    lambda p: load_suppressions(p),
])
@pytest.mark.parametrize("suffix", [".en", ".tsv", ".csv", ".tbx", ".json"])
def test_over_the_limit_is_refused_before_reading(reader, suffix, tmp_path, one_mb_limit, no_open):
    path = sparse(tmp_path / f"big{suffix}", 3 * 1024 * 1024)
    with pytest.raises(InputError) as info:
        reader(path)
    assert "over the limit of 1 MB" in str(info.value) and "REVIEW_APP_MAX_FILE_MB" in str(info.value)
    assert str(path) in str(info.value)


def test_default_limit_refuses_a_300_mb_file_quickly(tmp_path, monkeypatch, no_open):
    monkeypatch.delenv("REVIEW_APP_MAX_FILE_MB", raising=False)
    path = sparse(tmp_path / "huge.en", 300 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(InputError, match=r"300\.0 MB, over the limit of 200 MB"):
        read_text_file(path)


def test_uploads_are_held_to_the_same_limit(one_mb_limit):
    with pytest.raises(InputError, match="over the limit"):
        lines_from_bytes(b"x\n" * (600 * 1024), "upload.en")
    with pytest.raises(InputError, match="over the limit"):
        read_glossary("up.tbx", data=b" " * (2 * 1024 * 1024), name="up.tbx")


def test_a_file_growing_after_the_check_is_read_no_further_than_the_limit(tmp_path, one_mb_limit, monkeypatch):
    path = tmp_path / "growing.en"
    path.write_bytes(b"x\n" * 1000)
    real_stat = os.stat

    def small_stat(p, *args, **kwargs):  # the file "grows" between the size check and the read
        result = real_stat(p, *args, **kwargs)
        if os.fspath(p) == str(path):
            path.write_bytes(b"x\n" * (2 * 1024 * 1024))
        return result

    monkeypatch.setattr(textio.os, "stat", small_stat)
    with pytest.raises(InputError, match="over the limit"):
        read_bytes(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.en"
    os.mkfifo(fifo)
    result: list[BaseException] = []
    thread = threading.Thread(target=lambda: result.append(pytest.raises(InputError, read_text_file, fifo).value))
    thread.start()
    thread.join(10)
    assert not thread.is_alive(), "reading a FIFO blocked"
    assert "not a regular file" in str(result[0])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(InputError, match="not a regular file"):
        read_text_file(device)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        read_text_file(tmp_path)


@pytest.mark.parametrize("value", ["abc", "nan", "0", "-5", " "])
def test_bad_limit_setting_is_a_clear_error(value, monkeypatch, make_file):
    monkeypatch.setenv("REVIEW_APP_MAX_FILE_MB", value)
    if not value.strip():
        assert max_file_bytes() == 200 * 1024 * 1024
        return
    with pytest.raises(ConfigError, match="REVIEW_APP_MAX_FILE_MB must be a positive number"):
        read_text_file(make_file("a.en", "x\n"))


@pytest.mark.parametrize("value, expected", [("0.5", 512 * 1024), ("1e3", 1000 * 1024 * 1024), ("inf", 2**62)])
def test_limit_values(value, expected, monkeypatch):
    monkeypatch.setenv("REVIEW_APP_MAX_FILE_MB", value)
    assert max_file_bytes() == expected


def test_annotation_import_file_is_held_to_the_limit(tmp_path, one_mb_limit):
    path = sparse(tmp_path / "a.csv", 2 * 1024 * 1024)
    with ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}") as store:
        with pytest.raises(InputError, match="over the limit"):
            store.import_annotations_file("c", path, importer="x")
