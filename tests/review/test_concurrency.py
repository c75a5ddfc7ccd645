"""Several processes on one SQLite file: simultaneous writers lose nothing; a writer killed in
the middle of a transaction leaves no trace of it and a readable, consistent database."""

from __future__ import annotations

import importlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from review_app.review import ReviewStore, Verdict

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL and fork-free spawn on POSIX")


@pytest.fixture
def stress(monkeypatch):
    """bench/review_store_stress.py: spawned processes need their target in an importable module."""
    monkeypatch.syspath_prepend(str(REPO / "bench"))
    return importlib.import_module("review_store_stress")


def test_two_processes_writing_at_once_lose_nothing(tmp_path, stress):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    ReviewStore(url).close()  # the schema exists: the race is on the writes only
    processes, rounds = 2, 40
    seconds, exit_codes = stress.run(url, processes, rounds)
    assert exit_codes == [0, 0]
    assert stress.check(url, processes, rounds) == []


CHILD = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from review_app.review import ReviewStore
    from review_app.review.models import Annotation
    from review_app.review.mqm import Severity

    store = ReviewStore(sys.argv[1])

    def annotations():
        for i in range(10000):
            yield Annotation(None, "", "A", i + 1, 0, 1, "x", "Other", Severity.MINOR, "", "killed",
                             datetime.now(UTC))
            if i == 500:
                print("in transaction", flush=True)
                time.sleep(120)  # killed here, 500 rows into an uncommitted transaction

    store.import_annotations("c", annotations(), importer="killed")
    print("committed (should not happen)", flush=True)
    """
)


def test_killed_writer_leaves_no_trace(tmp_path):
    path = tmp_path / "killed.sqlite3"
    url = f"sqlite:///{path}"
    with ReviewStore(url) as store:
        store.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="accepted")
        store.add_annotation("c", "A", 1, start=0, end=1, text="x", category="Other", severity="minor", rater="Ann")

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        line = child.stdout.readline()
        assert line.strip() == "in transaction", child.stderr.read()
        # WAL: while the writer holds its transaction open, others still read the committed data
        with ReviewStore(url) as reader:
            assert len(reader.annotations("c")) == 1
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    with ReviewStore(url) as store:
        # the killed transaction is entirely absent, what was committed before is intact
        assert [a.rater for a in store.annotations("c")] == ["Ann"]
        assert store.get_segment("c", "A", 1).verdict is Verdict.ACCEPTED
        assert {h.actor for h in store.history("c")} == {"Ann"}
        # and the write lock is free again: a new save goes through at once
        began = time.monotonic()
        store.save_review("c", "A", 2, reviewer="Bob", base_version=0, verdict="rejected")
        assert time.monotonic() - began < 5
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("SELECT count(*) FROM annotations").fetchone() == (1,)
    finally:
        connection.close()
