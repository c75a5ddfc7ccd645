"""The review store: verdicts, MQM annotations, post-edits and dismissed QA findings in SQL.

Any SQLAlchemy URL works; by default a SQLite file ``reviews.sqlite3`` in the data folder
(``REVIEW_APP_DATA_DIR``, default ``./data``), or ``REVIEW_APP_DATABASE_URL`` when set.

Concurrency
    Every public write is one transaction. On SQLite the database runs in WAL mode (readers
    never block the writer) with a busy timeout, and write transactions start with
    ``BEGIN IMMEDIATE`` so two processes writing at once queue up instead of failing.
    A segment's verdict/comment/post-edit row carries a version number: :meth:`save_review`
    takes the version the edit started from and raises :class:`ConflictError` (carrying what
    the other person saved) when someone saved in between, so nothing is silently overwritten.
    Annotations are appended rows with their own ids and never conflict; deletion is a soft
    delete recorded in the audit log.

Audit log
    Every change writes one ``audit_log`` row (action, actor, time, before/after values) in
    the same transaction; :meth:`ReviewStore.history` reads it back.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    create_engine,
    event,
    inspect,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.pool import StaticPool

from review_app.errors import InputError, ReviewAppError, StorageError
from review_app.review import exchange
from review_app.review.models import (
    Annotation,
    ConflictError,
    Dismissal,
    HistoryEntry,
    Progress,
    SegmentReview,
    Verdict,
    normalize_verdict,
)
from review_app.review.mqm import normalize_category, normalize_severity, segment_mqm_scores
from review_app.textio import atomic_write_text, read_bytes

SCHEMA_VERSION = 1
DATABASE_FILE = "reviews.sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0
_WRITE_OPTION = "review_app_write"


def default_database_url() -> str:
    """``REVIEW_APP_DATABASE_URL`` if set, else a SQLite file in ``REVIEW_APP_DATA_DIR`` (default
    ``./data``, relative to the current directory, made absolute now)."""
    url = os.environ.get("REVIEW_APP_DATABASE_URL", "").strip()
    if url:
        return url
    data_dir = Path(os.environ.get("REVIEW_APP_DATA_DIR", "").strip() or "data")
    return f"sqlite:///{(data_dir.expanduser().absolute() / DATABASE_FILE).as_posix()}"


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
"""Default of :meth:`ReviewStore.save_review` fields: keep the saved value."""


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes stored as naive UTC, identically on every backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; give a timezone-aware time")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

_name = String(255)

meta_table = Table(
    "review_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(255), nullable=False),
)

reviews_table = Table(
    "segment_reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("corpus", _name, nullable=False),
    Column("system", _name, nullable=False),
    Column("segment", Integer, nullable=False),
    Column("verdict", String(16), nullable=True),
    Column("comment", Text, nullable=False),
    Column("post_edit", Text, nullable=True),
    Column("version", Integer, nullable=False),
    Column("reviewer", _name, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("corpus", "system", "segment", name="uq_segment_reviews_segment"),
)

annotations_table = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("corpus", _name, nullable=False),
    Column("system", _name, nullable=False),
    Column("segment", Integer, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("span_text", Text, nullable=False),
    Column("category", String(64), nullable=False),
    Column("severity", String(16), nullable=False),
    Column("comment", Text, nullable=False),
    Column("rater", _name, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("deleted_at", UTCDateTime, nullable=True),
    Column("deleted_by", _name, nullable=True),
    Index("ix_annotations_segment", "corpus", "system", "segment"),
)

dismissals_table = Table(
    "dismissed_findings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("corpus", _name, nullable=False),
    Column("system", _name, nullable=False),
    Column("segment", Integer, nullable=False),
    Column("check_id", _name, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("span_text", Text, nullable=False),
    # sha256 of the key, so the uniqueness index stays small whatever the length of the text
    Column("key_hash", String(64), nullable=False),
    Column("reviewer", _name, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("corpus", "key_hash", name="uq_dismissed_findings_key"),
)

audit_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("corpus", _name, nullable=False),
    Column("system", _name, nullable=False),
    Column("segment", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", _name, nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("details", Text, nullable=False),
    Index("ix_audit_log_segment", "corpus", "system", "segment"),
)


# ---------------------------------------------------------------------------------------------
# Engine


def _shown_url(url: str) -> str:
    """The URL for messages, password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as given (it has no parsable password)
        return url


def storage_error(exc: BaseException, url: str, *, writing: bool) -> StorageError:
    """A one-line StorageError for a database failure, saying what the user can do about it."""
    shown = _shown_url(url)
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    lowered = detail.lower()
    lost = " Nothing was saved." if writing else ""
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        problem = ("the review database is read-only: make the data folder (REVIEW_APP_DATA_DIR) and the "
                   "database file writable by the user running review_app")
    elif "disk is full" in lowered or "no space" in lowered or "disk full" in lowered:
        problem = "the disk holding the review database is full: free some space"
    elif "unable to open" in lowered or "cannot open" in lowered:
        problem = ("cannot open the review database file: check that the data folder (REVIEW_APP_DATA_DIR) "
                   "exists, is a folder and is writable")
    elif "locked" in lowered or "busy" in lowered or "lock timeout" in lowered:
        problem = f"the review database is busy (another process held it for over {BUSY_TIMEOUT_SECONDS:.0f} s); try again"
    elif "disk i/o" in lowered or "malformed" in lowered or "not a database" in lowered:
        problem = "the review database file cannot be read or written (disk error, or not a database file)"
    else:
        problem = "the review database failed"
    return StorageError(f"{problem} ({detail}; database {shown}).{lost}")


def _make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - sqlalchemy raises ArgumentError or ValueError
        raise StorageError(f"not a database URL: {_shown_url(url)!r} ({exc})") from None
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    if memory:
        engine = create_engine(parsed, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if not database.startswith("file:"):
            folder = Path(database).expanduser().absolute().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the data folder {folder} for the review database ({exc.strerror or exc}); "
                    "set REVIEW_APP_DATA_DIR to a writable folder"
                ) from None
            if not folder.is_dir():
                raise StorageError(f"the data folder {folder} is not a folder; set REVIEW_APP_DATA_DIR to a folder")
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take BEGIN away from the sqlite3 module so that _on_begin can choose its kind.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not memory:
                mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise ReviewAppError(f"cannot switch the SQLite database {database} to WAL mode (got {mode})")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Writers take the write lock at BEGIN (waiting up to the busy timeout for another
        # writer) rather than failing with "database is locked" when a read turns into a write.
        immediate = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


# ---------------------------------------------------------------------------------------------
# Validation helpers


def _check_name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string, not {value!r}")
    if len(value) > 255:
        raise ValueError(f"{what} is longer than 255 characters")
    return value


def _check_segment(segment: Any) -> int:
    if isinstance(segment, bool) or not isinstance(segment, int) or segment < 1:
        raise ValueError(f"segment must be an integer from 1 (segments are 1-based), not {segment!r}")
    return segment


def _check_offsets(start: Any, end: Any) -> None:
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"span {name} must be a non-negative integer, not {value!r}")
    if start > end:
        raise ValueError(f"span {start}-{end} ends before it starts")


def _check_span(start: Any, end: Any, text: Any) -> None:
    _check_offsets(start, end)
    if not isinstance(text, str):
        raise ValueError(f"span text must be a string, not {text!r}")
    if len(text) != end - start:
        raise ValueError(f"span text {text!r} has {len(text)} characters but span {start}-{end} has {end - start}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _dumps(details: Mapping[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, default=_jsonable, sort_keys=True)


# ---------------------------------------------------------------------------------------------
# The store


class ReviewStore:
    """Reviews of one database. Thread-safe (a connection pool); one per process is enough.

    ``clock`` returns the current time (aware); tests pass a fake one.
    """

    def __init__(self, url: str | None = None, *, clock: Callable[[], datetime] | None = None) -> None:
        self.url = url or default_database_url()
        self._engine = _make_engine(self.url)
        self._write_engine = self._engine.execution_options(**{_WRITE_OPTION: True})
        self._clock = clock or (lambda: datetime.now(UTC))
        self._create_schema()

    # -- plumbing ------------------------------------------------------------------------------

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> ReviewStore:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def engine(self) -> Engine:
        return self._engine

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the clock returned a naive datetime")
        return now.astimezone(UTC)

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction (BEGIN IMMEDIATE on SQLite); commits on success. A database
        failure (read-only, disk full, locked, server gone) rolls back and raises StorageError;
        IntegrityError passes through (the callers turn it into a conflict)."""
        try:
            with self._write_engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise storage_error(exc, self.url, writing=True) from exc
        except OSError as exc:
            raise storage_error(exc, self.url, writing=True) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """One read transaction: a consistent snapshot for the queries inside; failures as StorageError."""
        try:
            with self._engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DBAPIError as exc:
            raise storage_error(exc, self.url, writing=False) from exc
        except OSError as exc:
            raise storage_error(exc, self.url, writing=False) from exc

    def _stored_schema_version(self) -> int | None:
        """The schema version recorded in the database; None when the tables are not all there."""
        with self._read() as conn:
            present = set(inspect(conn).get_table_names())
            if not {table.name for table in metadata.sorted_tables} <= present:
                return None
            stored = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
        return None if stored is None else int(stored)

    def _create_schema(self) -> None:
        # Opening an existing database only reads, so it does not wait for a long write elsewhere.
        stored = self._stored_schema_version()
        if stored is not None:
            if stored > SCHEMA_VERSION:
                raise ReviewAppError(
                    f"the review database {self.url} has schema version {stored}, newer than this "
                    f"program's {SCHEMA_VERSION}; update review_app"
                )
            if stored == SCHEMA_VERSION:
                return
        with self._write() as conn:
            if conn.dialect.name == "postgresql":
                # Serialise concurrent first opens (CREATE TABLE races otherwise).
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7262101)")
            metadata.create_all(conn)
            stored = conn.execute(select(meta_table.c.value).where(meta_table.c.key == "schema_version")).scalar()
            if stored is None:
                conn.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif int(stored) > SCHEMA_VERSION:
                raise ReviewAppError(
                    f"the review database {self.url} has schema version {stored}, newer than this "
                    f"program's {SCHEMA_VERSION}; update review_app"
                )

    @staticmethod
    def _audit(
        conn: Connection,
        corpus: str,
        system: str,
        segment: int,
        action: str,
        actor: str,
        at: datetime,
        details: Mapping[str, Any],
    ) -> None:
        conn.execute(
            insert(audit_table).values(
                corpus=corpus, system=system, segment=segment, action=action, actor=actor, at=at, details=_dumps(details)
            )
        )

    # -- row conversion ------------------------------------------------------------------------

    @staticmethod
    def _annotation(row: Any) -> Annotation:
        return Annotation(
            id=row.id,
            corpus=row.corpus,
            system=row.system,
            segment=row.segment,
            start=row.span_start,
            end=row.span_end,
            text=row.span_text,
            category=row.category,
            severity=normalize_severity(row.severity),
            comment=row.comment,
            rater=row.rater,
            created_at=row.created_at,
        )

    @staticmethod
    def _review(corpus: str, system: str, segment: int, row: Any, annotations: Sequence[Annotation] = ()) -> SegmentReview:
        if row is None:
            return SegmentReview(corpus=corpus, system=system, segment=segment, annotations=tuple(annotations))
        return SegmentReview(
            corpus=corpus,
            system=system,
            segment=segment,
            verdict=normalize_verdict(row.verdict),
            comment=row.comment,
            post_edit=row.post_edit,
            version=row.version,
            reviewer=row.reviewer,
            updated_at=row.updated_at,
            annotations=tuple(annotations),
        )

    @staticmethod
    def _dismissal(row: Any) -> Dismissal:
        return Dismissal(
            corpus=row.corpus,
            system=row.system,
            segment=row.segment,
            check=row.check_id,
            start=row.span_start,
            end=row.span_end,
            text=row.span_text,
            reviewer=row.reviewer,
            created_at=row.created_at,
            reason=row.reason,
        )

    @staticmethod
    def _review_key(corpus: str, system: str, segment: int) -> Any:
        return and_(
            reviews_table.c.corpus == corpus, reviews_table.c.system == system, reviews_table.c.segment == segment
        )

    @staticmethod
    def _live_annotations_query(corpus: str, system: str | None = None, segment: int | None = None) -> Any:
        a = annotations_table.c
        query = select(annotations_table).where(a.corpus == corpus, a.deleted_at.is_(None))
        if system is not None:
            query = query.where(a.system == system)
        if segment is not None:
            query = query.where(a.segment == segment)
        return query.order_by(a.system, a.segment, a.id)

    # -- verdict, comment, post-edit -----------------------------------------------------------

    def save_review(
        self,
        corpus: str,
        system: str,
        segment: int,
        *,
        reviewer: str,
        base_version: int,
        verdict: Verdict | str | None = UNSET,
        comment: str = UNSET,
        post_edit: str | None = UNSET,
    ) -> SegmentReview:
        """Save the verdict, comment and/or post-edit of a segment in one transaction.

        ``base_version`` is the ``version`` of the :class:`SegmentReview` the edit started from
        (0 for a segment never saved). Fields left out keep their saved value; ``None`` clears
        the verdict or the post-edit. Returns the saved review (version ``base_version + 1``).
        Raises :class:`ConflictError` when someone else saved the segment since.
        """
        _check_name(corpus, "corpus")
        _check_name(system, "system")
        _check_segment(segment)
        _check_name(reviewer, "reviewer")
        if isinstance(base_version, bool) or not isinstance(base_version, int) or base_version < 0:
            raise ValueError(f"base_version must be a non-negative integer, not {base_version!r}")
        if verdict is not UNSET:
            verdict = normalize_verdict(verdict)
        if comment is not UNSET and not isinstance(comment, str):
            raise ValueError(f"comment must be a string, not {comment!r}")
        if post_edit is not UNSET and post_edit is not None:
            if not isinstance(post_edit, str):
                raise ValueError(f"post_edit must be a string or None, not {post_edit!r}")
            if "\n" in post_edit or "\r" in post_edit:
                raise InputError(
                    f"the post-edit of segment {segment} has a line break; it must be one line "
                    "(it becomes one line of the exported reference)"
                )
        now = self._now()
        key = self._review_key(corpus, system, segment)
        try:
            with self._write() as conn:
                row = conn.execute(select(reviews_table).where(key)).first()
                current_version = row.version if row is not None else 0
                if current_version != base_version:
                    raise ConflictError(self._review(corpus, system, segment, row), base_version)
                before = {
                    "verdict": row.verdict if row is not None else None,
                    "comment": row.comment if row is not None else "",
                    "post_edit": row.post_edit if row is not None else None,
                }
                after = dict(before)
                if verdict is not UNSET:
                    after["verdict"] = None if verdict is None else verdict.value
                if comment is not UNSET:
                    after["comment"] = comment
                if post_edit is not UNSET:
                    after["post_edit"] = post_edit
                values = dict(after, version=base_version + 1, reviewer=reviewer, updated_at=now)
                if row is None:
                    conn.execute(insert(reviews_table).values(corpus=corpus, system=system, segment=segment, **values))
                else:
                    result = conn.execute(
                        update(reviews_table).where(key, reviews_table.c.version == base_version).values(**values)
                    )
                    if result.rowcount != 1:  # a concurrent save on a backend without write locks
                        raise _Retry()
                self._audit(
                    conn,
                    corpus,
                    system,
                    segment,
                    "save_review",
                    reviewer,
                    now,
                    {"before": before, "after": after, "version": base_version + 1},
                )
        except (IntegrityError, _Retry) as exc:
            # Someone else created or updated the row between our read and our write.
            current = self.get_segment(corpus, system, segment)
            if current.version == base_version:  # not a concurrent save: a genuine error
                raise exc
            raise ConflictError(current, base_version) from None
        return SegmentReview(
            corpus=corpus,
            system=system,
            segment=segment,
            verdict=normalize_verdict(after["verdict"]),
            comment=after["comment"],
            post_edit=after["post_edit"],
            version=base_version + 1,
            reviewer=reviewer,
            updated_at=now,
            annotations=tuple(self._segment_annotations(corpus, system, segment)),
        )

    def _segment_annotations(self, corpus: str, system: str, segment: int) -> list[Annotation]:
        with self._read() as conn:
            return [self._annotation(r) for r in conn.execute(self._live_annotations_query(corpus, system, segment))]

    def get_segment(self, corpus: str, system: str, segment: int) -> SegmentReview:
        """What is saved for a segment, with its annotations; version 0 if nothing is."""
        _check_segment(segment)
        with self._read() as conn:
            row = conn.execute(select(reviews_table).where(self._review_key(corpus, system, segment))).first()
            annotations = [self._annotation(r) for r in conn.execute(self._live_annotations_query(corpus, system, segment))]
        return self._review(corpus, system, segment, row, annotations)

    def list_reviews(self, corpus: str, system: str | None = None) -> list[SegmentReview]:
        """Every segment with a saved review or an annotation, ordered by system and segment."""
        r = reviews_table.c
        query = select(reviews_table).where(r.corpus == corpus)
        if system is not None:
            query = query.where(r.system == system)
        with self._read() as conn:
            rows = {(row.system, row.segment): row for row in conn.execute(query)}
            annotations: dict[tuple[str, int], list[Annotation]] = defaultdict(list)
            for row in conn.execute(self._live_annotations_query(corpus, system)):
                annotations[(row.system, row.segment)].append(self._annotation(row))
        keys = sorted(set(rows) | set(annotations))
        return [self._review(corpus, s, n, rows.get((s, n)), annotations.get((s, n), ())) for s, n in keys]

    def reviewed_segments(self, corpus: str, system: str) -> list[int]:
        """Segments of ``system`` with a verdict, ascending."""
        r = reviews_table.c
        query = (
            select(r.segment)
            .where(r.corpus == corpus, r.system == system, r.verdict.is_not(None))
            .order_by(r.segment)
        )
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def progress(self, corpus: str, system: str, total: int) -> Progress:
        """Segments of ``system`` with a verdict, out of ``total`` (the corpus size)."""
        r = reviews_table.c
        query = select(func.count()).where(
            r.corpus == corpus, r.system == system, r.verdict.is_not(None), r.segment <= total
        )
        with self._read() as conn:
            reviewed = conn.execute(query).scalar_one()
        return Progress(system=system, reviewed=int(reviewed), total=total)

    def progress_by_system(self, corpus: str, totals: Mapping[str, int]) -> dict[str, Progress]:
        return {system: self.progress(corpus, system, total) for system, total in totals.items()}

    def corpora(self) -> list[str]:
        """Corpus keys with any saved data."""
        with self._read() as conn:
            names: set[str] = set()
            for table in (reviews_table, annotations_table, dismissals_table):
                names.update(conn.execute(select(table.c.corpus).distinct()).scalars())
        return sorted(names)

    # -- annotations ---------------------------------------------------------------------------

    def add_annotation(
        self,
        corpus: str,
        system: str,
        segment: int,
        *,
        start: int,
        end: int,
        text: str,
        category: str,
        severity: str,
        rater: str,
        comment: str = "",
        mt_text: str | None = None,
    ) -> Annotation:
        """Append an MQM error annotation (its own id; never conflicts with other raters').

        ``text`` is the MT text of the span ``start``-``end``; pass ``mt_text`` (the whole MT
        segment) to have that checked.
        """
        _check_name(corpus, "corpus")
        _check_name(system, "system")
        _check_segment(segment)
        _check_name(rater, "rater")
        _check_span(start, end, text)
        if mt_text is not None and mt_text[start:end] != text:
            raise ValueError(f"span {start}-{end} of the MT text is {mt_text[start:end]!r}, not {text!r}")
        if not isinstance(comment, str):
            raise ValueError(f"comment must be a string, not {comment!r}")
        annotation = Annotation(
            id=None,
            corpus=corpus,
            system=system,
            segment=segment,
            start=start,
            end=end,
            text=text,
            category=normalize_category(category),
            severity=normalize_severity(severity),
            comment=comment,
            rater=rater,
            created_at=self._now(),
        )
        with self._write() as conn:
            stored = self._insert_annotation(conn, annotation, actor=rater, action="add_annotation", at=annotation.created_at)
        return stored

    def _insert_annotation(self, conn: Connection, a: Annotation, *, actor: str, action: str, at: datetime) -> Annotation:
        result = conn.execute(
            insert(annotations_table)
            .values(
                corpus=a.corpus,
                system=a.system,
                segment=a.segment,
                span_start=a.start,
                span_end=a.end,
                span_text=a.text,
                category=a.category,
                severity=a.severity.value,
                comment=a.comment,
                rater=a.rater,
                created_at=a.created_at,
            )
        )
        annotation_id = result.inserted_primary_key[0]
        stored = dataclasses.replace(a, id=annotation_id)
        self._audit(conn, a.corpus, a.system, a.segment, action, actor, at, _annotation_details(stored))
        return stored

    def delete_annotation(self, annotation_id: int, *, rater: str) -> bool:
        """Delete an annotation (kept in the history). False if there is none with that id or
        it was already deleted."""
        _check_name(rater, "rater")
        now = self._now()
        a = annotations_table.c
        with self._write() as conn:
            row = conn.execute(select(annotations_table).where(a.id == annotation_id, a.deleted_at.is_(None))).first()
            if row is None:
                return False
            result = conn.execute(
                update(annotations_table)
                .where(a.id == annotation_id, a.deleted_at.is_(None))
                .values(deleted_at=now, deleted_by=rater)
            )
            if result.rowcount != 1:
                return False
            self._audit(
                conn, row.corpus, row.system, row.segment, "delete_annotation", rater, now,
                _annotation_details(self._annotation(row)),
            )
        return True

    def annotations(self, corpus: str, system: str | None = None) -> list[Annotation]:
        """Live annotations of a corpus (or one system), by system, segment and id."""
        with self._read() as conn:
            return [self._annotation(r) for r in conn.execute(self._live_annotations_query(corpus, system))]

    def segment_mqm(self, corpus: str, system: str) -> dict[int, float]:
        """WMT-style MQM (minus the sum of error weights) of each segment of ``system`` with a
        verdict, for :func:`review_app.review.mqm.metric_agreement`."""
        return segment_mqm_scores(self.annotations(corpus, system), self.reviewed_segments(corpus, system))

    # -- dismissed QA findings -----------------------------------------------------------------

    @staticmethod
    def _dismissal_hash(system: str, segment: int, check: str, start: int, end: int, text: str) -> str:
        key = json.dumps([system, segment, check, start, end, text], ensure_ascii=False)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()

    def dismiss_finding(
        self,
        corpus: str,
        system: str,
        segment: int,
        check: str,
        start: int,
        end: int,
        text: str,
        *,
        reviewer: str,
        reason: str = "",
    ) -> Dismissal:
        """Mark a QA finding as a false alarm, keyed by (system, segment, check, start, end, text)
        exactly as the check reported it (the offsets are not checked against ``text``, so a
        check may report source-side spans). Dismissing one already dismissed returns the
        existing record unchanged."""
        _check_name(corpus, "corpus")
        _check_name(system, "system")
        _check_segment(segment)
        _check_name(check, "check")
        _check_name(reviewer, "reviewer")
        _check_offsets(start, end)
        if not isinstance(text, str):
            raise ValueError(f"finding text must be a string, not {text!r}")
        key_hash = self._dismissal_hash(system, segment, check, start, end, text)
        d = dismissals_table.c
        now = self._now()
        try:
            with self._write() as conn:
                row = conn.execute(select(dismissals_table).where(d.corpus == corpus, d.key_hash == key_hash)).first()
                if row is not None:
                    return self._dismissal(row)
                values = dict(
                    corpus=corpus, system=system, segment=segment, check_id=check, span_start=start, span_end=end,
                    span_text=text, key_hash=key_hash, reviewer=reviewer, reason=reason, created_at=now,
                )
                conn.execute(insert(dismissals_table).values(**values))
                details = {"check": check, "start": start, "end": end, "text": text, "reason": reason}
                self._audit(conn, corpus, system, segment, "dismiss_finding", reviewer, now, details)
        except IntegrityError:  # dismissed by someone else at the same moment
            with self._read() as conn:
                row = conn.execute(select(dismissals_table).where(d.corpus == corpus, d.key_hash == key_hash)).one()
            return self._dismissal(row)
        return Dismissal(
            corpus=corpus, system=system, segment=segment, check=check, start=start, end=end, text=text,
            reviewer=reviewer, created_at=now, reason=reason,
        )

    def undismiss_finding(
        self, corpus: str, system: str, segment: int, check: str, start: int, end: int, text: str, *, reviewer: str
    ) -> bool:
        """Take back a dismissal; False if the finding was not dismissed."""
        _check_name(reviewer, "reviewer")
        key_hash = self._dismissal_hash(system, segment, check, start, end, text)
        d = dismissals_table.c
        now = self._now()
        with self._write() as conn:
            row = conn.execute(select(dismissals_table).where(d.corpus == corpus, d.key_hash == key_hash)).first()
            if row is None:
                return False
            conn.execute(dismissals_table.delete().where(d.id == row.id))
            details = {"check": check, "start": start, "end": end, "text": text, "dismissed_by": row.reviewer}
            self._audit(conn, corpus, system, segment, "undismiss_finding", reviewer, now, details)
        return True

    def dismissed_findings(self, corpus: str, system: str | None = None) -> list[Dismissal]:
        """Dismissed QA findings (fields system, segment, check, start, end, text, ...), for the
        checks' suppression list; ordered by system, segment, check, start."""
        d = dismissals_table.c
        query = select(dismissals_table).where(d.corpus == corpus)
        if system is not None:
            query = query.where(d.system == system)
        query = query.order_by(d.system, d.segment, d.check_id, d.span_start, d.span_end, d.id)
        with self._read() as conn:
            return [self._dismissal(row) for row in conn.execute(query)]

    # -- history -------------------------------------------------------------------------------

    def history(
        self, corpus: str, system: str | None = None, segment: int | None = None, *, limit: int | None = None
    ) -> list[HistoryEntry]:
        """The audit log, newest first: every save, annotation, deletion and dismissal."""
        h = audit_table.c
        query = select(audit_table).where(h.corpus == corpus)
        if system is not None:
            query = query.where(h.system == system)
        if segment is not None:
            query = query.where(h.segment == segment)
        query = query.order_by(h.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self._read() as conn:
            return [
                HistoryEntry(
                    id=row.id, corpus=row.corpus, system=row.system, segment=row.segment, action=row.action,
                    actor=row.actor, at=row.at, details=json.loads(row.details),
                )
                for row in conn.execute(query)
            ]

    # -- export / import -----------------------------------------------------------------------

    def export_post_edits(
        self, corpus: str, system: str, mt_lines: Sequence[str], path: str | os.PathLike | None = None
    ) -> list[str]:
        """The MT of ``system`` with each post-edited segment replaced by its post-edit, one line
        a segment (usable as a new reference); written atomically to ``path`` when given."""
        lines = exchange.post_edit_lines(mt_lines, self.list_reviews(corpus, system), name=f"{corpus}/{system}")
        if path is not None:
            atomic_write_text(path, "".join(line + "\n" for line in lines))
        return lines

    def export_annotations(
        self,
        corpus: str,
        *,
        system: str | None = None,
        sources: Sequence[str] | None = None,
        targets: Mapping[str, Sequence[str]] | None = None,
        docs: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Annotation rows with the MQM columns (:data:`exchange.EXPORT_COLUMNS`)."""
        return exchange.annotation_rows(self.annotations(corpus, system), sources=sources, targets=targets, docs=docs)

    def export_annotations_csv(self, corpus: str, path: str | os.PathLike | None = None, **context: Any) -> str:
        """CSV text (spreadsheet formulas neutralised); written atomically to ``path`` if given.
        ``context``: ``system``, ``sources``, ``targets``, ``docs`` as for :meth:`export_annotations`."""
        text = exchange.rows_to_csv(self.export_annotations(corpus, **context))
        if path is not None:
            atomic_write_text(path, text)
        return text

    def export_annotations_json(self, corpus: str, path: str | os.PathLike | None = None, **context: Any) -> str:
        """JSON text (an array of row objects); written atomically to ``path`` if given."""
        text = exchange.rows_to_json(self.export_annotations(corpus, **context))
        if path is not None:
            atomic_write_text(path, text)
        return text

    def import_annotations(self, corpus: str, annotations: Iterable[Annotation], *, importer: str) -> int:
        """Add annotations (e.g. from :func:`exchange.parse_annotations`) to ``corpus`` in one
        transaction, keeping their rater and time. One identical to a live annotation (same
        segment, span, category, severity, comment, rater and time) is skipped, so importing a
        file twice adds nothing. Returns the number added."""
        _check_name(corpus, "corpus")
        _check_name(importer, "importer")
        added = 0
        now = self._now()
        with self._write() as conn:
            existing = {_identity(self._annotation(r)) for r in conn.execute(self._live_annotations_query(corpus))}
            for annotation in annotations:
                _check_name(annotation.system, "system")
                _check_segment(annotation.segment)
                _check_name(annotation.rater, "rater")
                _check_span(annotation.start, annotation.end, annotation.text)
                annotation = dataclasses.replace(
                    annotation,
                    id=None,
                    corpus=corpus,
                    category=normalize_category(annotation.category),
                    severity=normalize_severity(annotation.severity),
                    created_at=annotation.created_at.astimezone(UTC),
                )
                identity = _identity(annotation)
                if identity in existing:
                    continue
                existing.add(identity)
                self._insert_annotation(conn, annotation, actor=importer, action="import_annotation", at=now)
                added += 1
        return added

    def import_annotations_file(self, corpus: str, path: str | os.PathLike, *, importer: str) -> int:
        """:meth:`import_annotations` from a ``.csv`` or ``.json`` export; InputError (with the
        line) on a malformed row, in which case nothing is imported."""
        name = str(path)
        return self.import_annotations(corpus, exchange.parse_annotations(read_bytes(path, name=name), name), importer=importer)


class _Retry(Exception):
    pass


def _identity(a: Annotation) -> tuple[Any, ...]:
    return (a.system, a.segment, a.start, a.end, a.text, a.category, a.severity.value, a.comment, a.rater, a.created_at)


def _annotation_details(a: Annotation) -> dict[str, Any]:
    return {
        "id": a.id,
        "start": a.start,
        "end": a.end,
        "text": a.text,
        "category": a.category,
        "severity": a.severity.value,
        "comment": a.comment,
        "rater": a.rater,
        "created_at": a.created_at,
    }
