"""ReviewStore API, on SQLite and (when Debian's postgresql is installed) a throwaway PostgreSQL."""

from __future__ import annotations

import glob
import importlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from review_app.errors import InputError, ReviewAppError
from review_app.review import (
    ConflictError,
    Progress,
    ReviewStore,
    SegmentReview,
    Severity,
    Verdict,
    default_database_url,
)
from review_app.review.exchange import parse_annotations

REPO = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


class FakeClock:
    """Each call is one second after the previous one."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> datetime:
        self.calls += 1
        return T0 + timedelta(seconds=self.calls)


# -- a throwaway PostgreSQL server -------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """Start Debian's PostgreSQL from /usr/lib/postgresql/*/bin in a temporary folder; yield the
    URL of its 'postgres' database; stop and delete it afterwards. Skips when not possible."""
    initdbs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdbs:
        pytest.skip("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb); "
                    "install Debian's postgresql package to run the PostgreSQL store tests")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install 'psycopg[binary]')")
    bindir = Path(initdbs[-1]).parent
    base = Path(tempfile.mkdtemp(prefix="review-app-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            shutil.rmtree(base)
            pytest.skip("running as root and runuser is missing: cannot start PostgreSQL as an unprivileged user")
        import pwd

        nobody = pwd.getpwnam("nobody")
        os.chown(base, nobody.pw_uid, nobody.pw_gid)
        prefix = [runuser, "-u", "nobody", "--"]
    data = base / "data"
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(prefix + list(args), capture_output=True, text=True, timeout=120, cwd=base)

    started = False
    try:
        result = run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C", "--no-sync")
        if result.returncode:
            pytest.skip(f"initdb failed: {result.stderr.strip()[-500:]}")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        result = run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
                     "-o", options, "start")
        if result.returncode:
            log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
            pytest.skip(f"PostgreSQL did not start: {result.stderr.strip()[-300:]} {log[-500:]}")
        started = True
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        if started:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


_schema_numbers = itertools.count(1)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.xdist_group("review_postgresql")),
    ]
)
def db_url(request, tmp_path):
    """The URL of a fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'reviews.sqlite3'}"
    server = request.getfixturevalue("postgres_server")
    # A fresh schema per test (much faster than a database each), selected by search_path.
    name = f"review_test_{os.getpid()}_{next(_schema_numbers)}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    return f"{server}/postgres?options=-csearch_path%3D{name}"


@pytest.fixture
def store(db_url):
    with ReviewStore(db_url, clock=FakeClock()) as s:
        yield s


# -- verdict, comment, post-edit ---------------------------------------------------------------


def test_unsaved_segment(store):
    review = store.get_segment("corpus", "sysA", 3)
    assert review == SegmentReview("corpus", "sysA", 3)
    assert review.version == 0 and not review.reviewed
    assert store.list_reviews("corpus") == []


def test_save_and_read_back(store):
    saved = store.save_review(
        "corpus", "sysA", 1, reviewer="Ann", base_version=0,
        verdict="needs_fix", comment="word order", post_edit="The fixed sentence. ✓",
    )
    assert saved.version == 1 and saved.verdict is Verdict.NEEDS_FIX
    assert saved.reviewer == "Ann" and saved.updated_at == T0 + timedelta(seconds=1)
    got = store.get_segment("corpus", "sysA", 1)
    assert got == saved
    assert got.updated_at.tzinfo is not None  # microseconds and time zone survive the database
    # another corpus, system or segment is separate
    assert store.get_segment("other", "sysA", 1).version == 0
    assert store.get_segment("corpus", "sysB", 1).version == 0
    assert store.get_segment("corpus", "sysA", 2).version == 0


def test_fields_left_out_keep_their_value(store):
    first = store.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict=Verdict.REJECTED, post_edit="pe")
    second = store.save_review("c", "A", 1, reviewer="Bob", base_version=first.version, comment="why")
    assert (second.verdict, second.comment, second.post_edit, second.version) == (Verdict.REJECTED, "why", "pe", 2)
    assert second.reviewer == "Bob"
    third = store.save_review("c", "A", 1, reviewer="Bob", base_version=2, verdict=None, post_edit=None)
    assert (third.verdict, third.comment, third.post_edit) == (None, "why", None)
    assert store.get_segment("c", "A", 1) == third


def test_conflict_is_detected_and_nothing_is_overwritten(store):
    ann_view = store.get_segment("c", "A", 5)
    bob_view = store.get_segment("c", "A", 5)
    store.save_review("c", "A", 5, reviewer="Ann", base_version=ann_view.version, verdict="accepted", comment="fine")
    with pytest.raises(ConflictError) as info:
        store.save_review("c", "A", 5, reviewer="Bob", base_version=bob_view.version, verdict="rejected")
    error = info.value
    assert isinstance(error, ReviewAppError)
    assert error.current.reviewer == "Ann" and error.current.verdict is Verdict.ACCEPTED
    assert error.current.comment == "fine" and error.current.version == 1 and error.base_version == 0
    assert "saved by Ann at 2025-01-02 03:04:06 UTC" in str(error)
    assert store.get_segment("c", "A", 5).verdict is Verdict.ACCEPTED
    # Bob reloads and saves on top of Ann's version
    bob = store.save_review("c", "A", 5, reviewer="Bob", base_version=error.current.version, verdict="rejected")
    assert bob.version == 2
    with pytest.raises(ConflictError):  # a stale version after updates too
        store.save_review("c", "A", 5, reviewer="Ann", base_version=1, comment="late")
    with pytest.raises(ConflictError, match="not the version 7"):
        store.save_review("c", "A", 5, reviewer="Ann", base_version=7, comment="future")
    assert [h.actor for h in store.history("c", "A", 5)] == ["Bob", "Ann"]


def test_conflict_between_two_store_instances(db_url):
    with ReviewStore(db_url) as one, ReviewStore(db_url) as two:
        one.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="accepted")
        with pytest.raises(ConflictError) as info:
            two.save_review("c", "A", 1, reviewer="Bob", base_version=0, verdict="rejected")
        assert info.value.current.reviewer == "Ann"
        assert two.get_segment("c", "A", 1).verdict is Verdict.ACCEPTED


def test_invalid_review_values(store):
    with pytest.raises(InputError, match="line break"):
        store.save_review("c", "A", 1, reviewer="Ann", base_version=0, post_edit="two\nlines")
    with pytest.raises(ValueError, match="unknown verdict"):
        store.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="maybe")
    with pytest.raises(ValueError, match="1-based"):
        store.save_review("c", "A", 0, reviewer="Ann", base_version=0, verdict="accepted")
    with pytest.raises(ValueError, match="reviewer"):
        store.save_review("c", "A", 1, reviewer=" ", base_version=0, verdict="accepted")
    with pytest.raises(ValueError, match="base_version"):
        store.save_review("c", "A", 1, reviewer="Ann", base_version=-1, verdict="accepted")
    assert store.history("c") == []


def test_two_processes_from_an_empty_database(db_url, monkeypatch):
    """Two spawned processes create the tables at the same moment, then annotate, save their
    own segments and read-modify-write a shared one (retrying on ConflictError): nothing lost."""
    monkeypatch.syspath_prepend(str(REPO / "bench"))  # spawned processes import their target
    stress = importlib.import_module("review_store_stress")
    seconds, exit_codes = stress.run(db_url, 2, 15)
    assert exit_codes == [0, 0]
    assert stress.check(db_url, 2, 15) == []


# -- annotations -------------------------------------------------------------------------------


def test_annotations_from_two_raters_are_both_kept(store):
    mt = "The cat sat on the mat."
    a = store.add_annotation("c", "A", 1, start=4, end=7, text="cat", category="accuracy/mistranslation",
                             severity="Major", rater="Ann", comment="dog", mt_text=mt)
    b = store.add_annotation("c", "A", 1, start=4, end=7, text="cat", category="Fluency/Grammar",
                             severity=Severity.MINOR, rater="Bob")
    assert a.id != b.id and a.category == "Accuracy/Mistranslation" and a.severity is Severity.MAJOR
    review = store.get_segment("c", "A", 1)
    assert review.annotations == (a, b) and review.version == 0  # annotating does not bump the version
    assert store.annotations("c") == [a, b] and store.annotations("c", "B") == []
    assert [r.segment for r in store.list_reviews("c")] == [1]


def test_annotation_validation(store):
    with pytest.raises(ValueError, match="unknown MQM category"):
        store.add_annotation("c", "A", 1, start=0, end=1, text="x", category="Bad", severity="minor", rater="Ann")
    with pytest.raises(ValueError, match="severity"):
        store.add_annotation("c", "A", 1, start=0, end=1, text="x", category="Other", severity="neutral", rater="Ann")
    with pytest.raises(ValueError, match="has 1 characters but span 0-2"):
        store.add_annotation("c", "A", 1, start=0, end=2, text="x", category="Other", severity="minor", rater="Ann")
    with pytest.raises(ValueError, match="ends before"):
        store.add_annotation("c", "A", 1, start=2, end=1, text="", category="Other", severity="minor", rater="Ann")
    with pytest.raises(ValueError, match="of the MT text is 'Th'"):
        store.add_annotation("c", "A", 1, start=0, end=2, text="xx", category="Other", severity="minor",
                             rater="Ann", mt_text="The")
    assert store.annotations("c") == []


def test_delete_annotation(store):
    a = store.add_annotation("c", "A", 2, start=0, end=0, text="", category="Accuracy/Omission",
                             severity="critical", rater="Ann")
    b = store.add_annotation("c", "A", 2, start=0, end=1, text="T", category="Other", severity="minor", rater="Ann")
    assert store.delete_annotation(a.id, rater="Bob") is True
    assert store.delete_annotation(a.id, rater="Bob") is False
    assert store.delete_annotation(10**6, rater="Bob") is False
    assert store.get_segment("c", "A", 2).annotations == (b,)
    last = store.history("c", "A", 2)[0]
    assert (last.action, last.actor, last.details["id"], last.details["category"]) == (
        "delete_annotation", "Bob", a.id, "Accuracy/Omission")


# -- dismissed QA findings ---------------------------------------------------------------------


def test_dismissed_findings(store):
    d = store.dismiss_finding("c", "A", 3, "glossary", 4, 9, "Mars ", reviewer="Ann", reason="proper noun")
    again = store.dismiss_finding("c", "A", 3, "glossary", 4, 9, "Mars ", reviewer="Bob")
    assert again == d and d.reviewer == "Ann"
    store.dismiss_finding("c", "A", 1, "numbers", 0, 2, "12", reviewer="Bob")
    store.dismiss_finding("c", "B", 1, "numbers", 0, 2, "12", reviewer="Bob")
    store.dismiss_finding("other", "A", 1, "numbers", 0, 2, "12", reviewer="Bob")
    found = store.dismissed_findings("c")
    assert [(f.system, f.segment, f.check, f.start, f.end, f.text) for f in found] == [
        ("A", 1, "numbers", 0, 2, "12"),
        ("A", 3, "glossary", 4, 9, "Mars "),
        ("B", 1, "numbers", 0, 2, "12"),
    ]
    assert found[1].reason == "proper noun"
    assert len(store.dismissed_findings("c", "B")) == 1
    assert store.undismiss_finding("c", "A", 3, "glossary", 4, 9, "Mars ", reviewer="Bob") is True
    assert store.undismiss_finding("c", "A", 3, "glossary", 4, 9, "Mars ", reviewer="Bob") is False
    assert len(store.dismissed_findings("c")) == 2
    assert [h.action for h in store.history("c", "A", 3)] == ["undismiss_finding", "dismiss_finding"]
    # offsets are kept as the check reported them (e.g. source-side spans), not checked against text
    source_side = store.dismiss_finding("c", "A", 2, "untranslated", 0, 6, "火星", reviewer="Ann")
    assert (source_side.start, source_side.end, source_side.text) == (0, 6, "火星")
    store.undismiss_finding("c", "A", 2, "untranslated", 0, 6, "火星", reviewer="Ann")
    with pytest.raises(ValueError, match="ends before"):
        store.dismiss_finding("c", "A", 2, "x", 3, 1, "", reviewer="Ann")
    long_text = "x" * 5000  # the uniqueness key is hashed, so long spans are fine
    store.dismiss_finding("c", "A", 9, "length", 0, 5000, long_text, reviewer="Ann")
    assert store.dismissed_findings("c", "A")[-1].text == long_text


# -- history, progress, listing ----------------------------------------------------------------


def test_history(store):
    store.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="accepted")
    store.save_review("c", "A", 1, reviewer="Bob", base_version=1, verdict="rejected", comment="no")
    store.add_annotation("c", "A", 1, start=0, end=1, text="x", category="Other", severity="minor", rater="Cy")
    store.save_review("c", "B", 2, reviewer="Ann", base_version=0, verdict="accepted")
    entries = store.history("c")
    assert [(h.action, h.actor, h.system, h.segment) for h in entries] == [
        ("save_review", "Ann", "B", 2),
        ("add_annotation", "Cy", "A", 1),
        ("save_review", "Bob", "A", 1),
        ("save_review", "Ann", "A", 1),
    ]
    assert entries[2].details["before"] == {"verdict": "accepted", "comment": "", "post_edit": None}
    assert entries[2].details["after"] == {"verdict": "rejected", "comment": "no", "post_edit": None}
    assert entries[0].at > entries[1].at > entries[2].at
    assert len(store.history("c", "A")) == 3 and len(store.history("c", "A", 1, limit=1)) == 1
    assert store.history("nothing") == []


def test_progress_and_listing(store):
    for segment in (1, 2, 4):
        store.save_review("c", "A", segment, reviewer="Ann", base_version=0, verdict="accepted")
    store.save_review("c", "A", 3, reviewer="Ann", base_version=0, comment="no verdict yet")
    store.save_review("c", "A", 9, reviewer="Ann", base_version=0, verdict="accepted")  # past total
    store.add_annotation("c", "B", 7, start=0, end=0, text="", category="Other", severity="minor", rater="Ann")
    assert store.progress("c", "A", 5) == Progress("A", 3, 5)
    assert store.progress("c", "A", 5).fraction == pytest.approx(0.6)
    assert store.progress_by_system("c", {"A": 10, "B": 10}) == {"A": Progress("A", 4, 10), "B": Progress("B", 0, 10)}
    assert Progress("X", 0, 0).fraction == 0.0
    assert [(r.system, r.segment) for r in store.list_reviews("c")] == [
        ("A", 1), ("A", 2), ("A", 3), ("A", 4), ("A", 9), ("B", 7)]
    assert [r.segment for r in store.list_reviews("c", "B")] == [7]
    assert store.reviewed_segments("c", "A") == [1, 2, 4, 9]
    assert store.corpora() == ["c"]


def test_segment_mqm(store):
    for segment in (1, 2):
        store.save_review("c", "A", segment, reviewer="Ann", base_version=0, verdict="needs_fix")
    store.add_annotation("c", "A", 1, start=0, end=0, text="", category="Other", severity="major", rater="Ann")
    store.add_annotation("c", "A", 1, start=0, end=0, text="", category="Non-translation", severity="minor", rater="Bob")
    store.add_annotation("c", "A", 3, start=0, end=0, text="", category="Other", severity="major", rater="Ann")
    assert store.segment_mqm("c", "A") == {1: -30.0, 2: 0.0}


# -- export / import ---------------------------------------------------------------------------


def test_export_post_edits(store, tmp_path):
    mt = ["one", "two", "three"]
    store.save_review("c", "A", 2, reviewer="Ann", base_version=0, verdict="needs_fix", post_edit="TWO")
    store.save_review("c", "A", 3, reviewer="Ann", base_version=0, verdict="accepted")
    store.save_review("c", "B", 1, reviewer="Ann", base_version=0, post_edit="other system")
    out = tmp_path / "out" / "A.post-edit.en"
    assert store.export_post_edits("c", "A", mt, out) == ["one", "TWO", "three"]
    assert out.read_bytes() == b"one\nTWO\nthree\n"
    with pytest.raises(InputError, match="MT has 1 segments"):
        store.export_post_edits("c", "A", ["one"])


@pytest.mark.parametrize("suffix", ["csv", "json"])
def test_export_import_round_trip(store, tmp_path, suffix):
    sources = ["火星", "天问一号", "=1+1"]
    targets = {"A": ["Mars", "Tianwen-1 probe", "=1+1"], "B": ["Mars.", "Tianwen one", "2"]}
    store.add_annotation("c", "A", 2, start=0, end=9, text="Tianwen-1", category="Terminology/Inconsistent use",
                         severity="minor", rater="Ann", comment="-- use the official name")
    store.add_annotation("c", "A", 3, start=0, end=4, text="=1+1", category="Accuracy/Untranslated",
                         severity="critical", rater="@Bob")
    store.add_annotation("c", "B", 1, start=0, end=0, text="", category="Non-translation", severity="major",
                         rater="Ann", comment='quote " and, comma\nnew line')
    path = tmp_path / f"ann.{suffix}"
    export = store.export_annotations_csv if suffix == "csv" else store.export_annotations_json
    exported = export("c", path, sources=sources, targets=targets, docs=["d1", "d1", "d2"])
    assert path.read_bytes().decode("utf-8") == exported
    if suffix == "json":
        rows = json.loads(exported)
        assert rows[0]["doc"] == "d1" and rows[0]["source"] == "天问一号" and rows[0]["span"] == "0-9"
        assert rows[1]["target"] == "=1+1"
    else:
        assert "'=1+1" in exported and "'@Bob" in exported and "'-- use" in exported
    assert store.import_annotations_file("copy", path, importer="Importer") == 3
    original = store.annotations("c")
    copied = store.annotations("copy")
    strip = lambda a: (a.system, a.segment, a.start, a.end, a.text, a.category, a.severity, a.comment, a.rater, a.created_at)  # noqa: E731
    assert [strip(a) for a in copied] == [strip(a) for a in original]
    assert {h.action for h in store.history("copy")} == {"import_annotation"}
    assert {h.actor for h in store.history("copy")} == {"Importer"}
    # importing the same file again adds nothing
    assert store.import_annotations_file("copy", path, importer="Importer") == 0
    # an export of one system only
    assert len(json.loads(store.export_annotations_json("c", system="B"))) == 1


def test_import_of_a_malformed_file_imports_nothing(store, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "system,segment,rater,category,severity,span,span_text\n"
        "A,1,Ann,Other,minor,0-1,x\n"
        "A,2,Ann,Other,whatever,0-1,x\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        store.import_annotations_file("c", path, importer="Ann")
    assert info.value.line == 3 and "severity" in info.value.problem
    assert store.annotations("c") == []
    with pytest.raises(InputError, match="file not found"):
        store.import_annotations_file("c", tmp_path / "missing.json", importer="Ann")


def test_import_is_one_transaction(store):
    good = parse_annotations("system,segment,rater,category,severity,span,span_text\nA,1,Ann,Other,minor,0-1,x\n", "a.csv")

    def annotations():
        yield good[0]
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        store.import_annotations("c", annotations(), importer="Ann")
    assert store.annotations("c") == [] and store.history("c") == []


# -- configuration -----------------------------------------------------------------------------


def test_default_database_url(monkeypatch, tmp_path):
    monkeypatch.delenv("REVIEW_APP_DATABASE_URL", raising=False)
    monkeypatch.delenv("REVIEW_APP_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_database_url() == f"sqlite:///{tmp_path.as_posix()}/data/reviews.sqlite3"
    monkeypatch.setenv("REVIEW_APP_DATA_DIR", str(tmp_path / "elsewhere"))
    assert default_database_url() == f"sqlite:///{tmp_path.as_posix()}/elsewhere/reviews.sqlite3"
    with ReviewStore() as store:  # creates the folder and the file
        store.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="accepted")
    assert (tmp_path / "elsewhere" / "reviews.sqlite3").exists()
    with ReviewStore() as store:  # reopened: still there
        assert store.get_segment("c", "A", 1).verdict is Verdict.ACCEPTED
    monkeypatch.setenv("REVIEW_APP_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_database_url() == "postgresql+psycopg://u@h/db"


def test_sqlite_settings(tmp_path):
    with ReviewStore(f"sqlite:///{tmp_path / 'r.sqlite3'}") as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10000
    with ReviewStore("sqlite://") as memory:  # in-memory works too (no WAL there)
        memory.save_review("c", "A", 1, reviewer="Ann", base_version=0, verdict="accepted")
        assert memory.progress("c", "A", 1).reviewed == 1


def test_newer_schema_is_refused(db_url):
    ReviewStore(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE review_meta SET value = '99' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(ReviewAppError, match="schema version 99"):
        ReviewStore(db_url)
