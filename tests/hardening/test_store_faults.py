"""Faults in the review store: an unusable data folder, a read-only database, a full disk or a
locked database give one clear StorageError (a ReviewAppError), never a raw SQLAlchemy
OperationalError, and leave what was saved intact.

A crash or kill in the middle of a save is tested in tests/review/test_concurrency.py
(test_killed_writer_leaves_no_trace); not repeated here."""

from __future__ import annotations

import os
import sqlite3
import sys
import time

import pytest
from sqlalchemy import event

from review_app.errors import ReviewAppError, StorageError
from review_app.review import ReviewStore
from review_app.review.store import default_database_url


def saved_store(tmp_path, name="r.sqlite3") -> str:
    url = f"sqlite:///{tmp_path / name}"
    with ReviewStore(url) as store:
        store.save_review("c", "A", 1, reviewer="ann", base_version=0, verdict="accepted", comment="kept")
    return url


def assert_intact(path):
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    with ReviewStore(f"sqlite:///{path}") as store:
        review = store.get_segment("c", "A", 1)
        assert review.comment == "kept" and review.version == 1


def test_data_folder_is_a_file(tmp_path, monkeypatch):
    blocker = tmp_path / "data"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REVIEW_APP_DATA_DIR", str(blocker))
    monkeypatch.delenv("REVIEW_APP_DATABASE_URL", raising=False)
    with pytest.raises(StorageError, match="REVIEW_APP_DATA_DIR") as info:
        ReviewStore(default_database_url())
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


def test_read_only_database(tmp_path):
    url = saved_store(tmp_path)
    read_only = f"sqlite:///file:{tmp_path / 'r.sqlite3'}?mode=ro&uri=true"
    with ReviewStore(read_only) as store:
        assert store.get_segment("c", "A", 1).comment == "kept"  # reading works
        with pytest.raises(StorageError, match="read-only.*Nothing was saved") as info:
            store.save_review("c", "A", 1, reviewer="bob", base_version=1, comment="lost")
        assert isinstance(info.value, ReviewAppError)
        with pytest.raises(StorageError, match="read-only"):
            store.add_annotation("c", "A", 1, start=0, end=1, text="x", category="Other", severity="minor", rater="b")
    assert_intact(tmp_path / "r.sqlite3")


def test_full_disk(tmp_path):
    """SQLITE_FULL, as a full disk gives it, simulated with a page limit on the database file."""
    saved_store(tmp_path)
    store = ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    store.close()

    @event.listens_for(store.engine, "connect")
    def limit_pages(dbapi_connection, _record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 1}")

    with pytest.raises(StorageError, match="disk .* is full.*Nothing was saved"):
        for segment in range(1, 200):
            store.add_annotation("c", "A", segment, start=0, end=1, text="x", category="Other", severity="minor",
                                 rater="ann", comment="y" * 4000)
    store.close()
    assert_intact(tmp_path / "r.sqlite3")


def test_locked_database_is_a_clear_error(tmp_path, monkeypatch):
    import review_app.review.store as store_module

    url = saved_store(tmp_path)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(tmp_path / "r.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with ReviewStore(url) as store:
            started = time.monotonic()
            with pytest.raises(StorageError, match="busy"):
                store.save_review("c", "A", 1, reviewer="bob", base_version=1, comment="lost")
            assert time.monotonic() - started < 10
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_intact(tmp_path / "r.sqlite3")


def test_not_a_database_file(tmp_path):
    path = tmp_path / "r.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(StorageError, match="not a database"):
        ReviewStore(f"sqlite:///{path}")


def test_database_url_password_is_not_shown(tmp_path):
    with pytest.raises(StorageError) as info:
        store = ReviewStore("postgresql+psycopg://user:s3cr3t-pw@127.0.0.1:1/reviews?connect_timeout=1")
        store.close()
    assert "s3cr3t-pw" not in str(info.value) and "***" in str(info.value)


def test_bad_database_url():
    with pytest.raises(StorageError, match="not a database URL"):
        ReviewStore("not a url at all")


@pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork") or os.geteuid() != 0,
                    reason="needs root to drop to an unprivileged user (root ignores file permissions)")
@pytest.mark.parametrize("situation", ["new database", "existing database"])
def test_read_only_data_folder_for_a_real_user(tmp_path, situation):
    """As root, permissions are not enforced, so a forked child drops to ``nobody`` and then opens
    the store in a folder it may read but not write."""
    folder = tmp_path / "data"
    folder.mkdir()
    if situation == "existing database":
        saved_store(folder, "reviews.sqlite3")
        os.chmod(folder / "reviews.sqlite3", 0o644)
    os.chmod(folder, 0o755)
    os.chmod(tmp_path, 0o755)
    url = f"sqlite:///{folder / 'reviews.sqlite3'}"
    ReviewStore("sqlite://").close()  # everything imported before the child loses access to the venv
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(read)
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                with ReviewStore(url) as store:
                    store.save_review("c", "A", 1, reviewer="nobody", base_version=int(situation != "new database"),
                                      comment="lost")
                result = "no error"
            except StorageError as exc:
                result = "StorageError: " + str(exc)
            except BaseException as exc:  # noqa: BLE001
                result = f"{type(exc).__name__}: {exc}"
            os.write(write, result.encode("utf-8", "replace"))
        finally:
            os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    result = b"".join(chunks).decode("utf-8")
    assert result.startswith("StorageError: "), result
    assert "REVIEW_APP_DATA_DIR" in result or "read-only" in result
    if situation == "existing database":
        assert_intact(folder / "reviews.sqlite3")
