"""Keeping glossary files up to date: open, edit, compare, merge and save safely. Pure (no Streamlit).

Where
    Glossaries live in one folder: ``REVIEW_APP_GLOSSARY_DIR`` or the bundled ``glossary/``. Only
    files directly inside it are read or written, named through :func:`review_app.safety.safe_child`
    (``../x``, ``/etc/passwd`` or a link out of the folder are refused).

Saving (:func:`save_glossary`)
    * validated first with the rules of ``review-app glossary validate``: a glossary with problems
      raises :class:`~review_app.glossary.model.GlossaryError` and nothing is written;
    * refuses to overwrite what someone else saved meanwhile: the caller passes the content hash the
      file had when its edit started (:attr:`GlossaryFile.digest`); when the file on disk hashes
      differently, :class:`GlossaryConflict` carries their version and the differences term by term;
    * the previous version is copied to ``.backups/NAME.YYYYmmddTHHMMSSffffffZ.csv`` inside the
      folder (the last :data:`MAX_BACKUPS` are kept) and the new one written atomically (temporary
      file + rename, :func:`review_app.textio.atomic_write_text`): a reader sees the old file or
      the new one, never half of one;
    * the check, the backup and the write happen under a lock (``flock`` on a file in ``.backups``,
      and a process lock for the threads of one server), so two saves cannot interleave.

Editing (:func:`glossary_rows`, :func:`rows_glossary`, :func:`plan_save`)
    A glossary as table rows (term, source, variants, admitted, case_sensitive, note, extra columns;
    lists joined with `` | ``) and back. :func:`plan_save` validates edited rows and holds back the
    invalid ones: a new row with a problem is left out, an edited row with a problem keeps its saved
    version, so a valid edit is never blocked by an unrelated bad one and nothing invalid is written.

Comparing and merging
    :func:`diff_glossaries` lists added, changed and removed terms (terms are the same entry when
    their approved forms match as the matcher matches them); :func:`merge_glossaries` (import:
    incoming entries replace those with the same term, new ones are added) and
    :func:`rebase_changes` (a conflict: my changes since I opened the file, applied to theirs).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from review_app.errors import InputError, OutputError, ReviewAppError
from review_app.glossary.csvfile import glossary_to_csv, read_glossary_csv
from review_app.glossary.model import (
    ADMITTED,
    CASE_SENSITIVE,
    DEFAULT_COLUMNS,
    NOTE,
    SOURCE,
    TERM,
    VARIANTS,
    Glossary,
    GlossaryError,
    GlossaryProblem,
    Term,
    join_list,
    split_list,
)
from review_app.glossary.normalize import match_key
from review_app.glossary.validate import bundled_glossaries_dir, validate
from review_app.safety import safe_child, safe_name
from review_app.textio import atomic_write_bytes, atomic_write_text, read_bytes

GLOSSARY_DIR_ENV = "REVIEW_APP_GLOSSARY_DIR"
BACKUP_DIR = ".backups"
MAX_BACKUPS = 20
ABSENT = "absent"  # the digest of a glossary file that does not exist (yet)
SUFFIXES = (".csv",)

EDITOR_COLUMNS = (TERM, SOURCE, VARIANTS, ADMITTED, CASE_SENSITIVE, NOTE)
LIST_JOIN = " | "
FIELD_LABELS = {TERM: "term", SOURCE: "source", VARIANTS: "variants", ADMITTED: "admitted",
                CASE_SENSITIVE: "case sensitive", NOTE: "note"}


def glossary_dir() -> Path:
    """``REVIEW_APP_GLOSSARY_DIR`` (relative to the current folder) or the bundled ``glossary/``."""
    raw = os.environ.get(GLOSSARY_DIR_ENV, "").strip()
    return Path(raw).expanduser().absolute() if raw else bundled_glossaries_dir()


def list_glossaries(folder: str | os.PathLike | None = None) -> dict[str, Path]:
    """The glossary CSV files directly in the folder, by name (file stem), sorted; links that lead
    out of the folder are left out."""
    root = Path(folder) if folder is not None else glossary_dir()
    if not root.is_dir():
        return {}
    found = {}
    for path in sorted(root.iterdir()):
        if path.suffix.lower() not in SUFFIXES or path.name.startswith("."):
            continue
        try:
            child = safe_child(root, path.name)
        except InputError:
            continue
        if child.is_file():
            found[path.stem] = child
    return found


def glossary_file_name(name: str) -> str:
    """A user's name for a glossary (``space terms``, ``x.csv``, ``../x``) -> a safe ``NAME.csv``."""
    cleaned = safe_name(str(name).strip(), default="")
    if not cleaned:
        raise InputError(f"{name!r} is not a usable glossary name")
    if not cleaned.lower().endswith(SUFFIXES):
        cleaned += ".csv"
    return cleaned


def glossary_path(name: str, folder: str | os.PathLike | None = None) -> Path:
    """The path of glossary ``name`` (``NAME`` or ``NAME.csv``) inside the folder, through ``safe_child``."""
    root = Path(folder) if folder is not None else glossary_dir()
    if not isinstance(name, str) or not name.strip() or name.startswith("."):
        raise InputError(f"{name!r} is not a glossary name")
    file_name = name if name.lower().endswith(SUFFIXES) else f"{name}.csv"
    return safe_child(root, file_name)


def content_digest(data: bytes | None) -> str:
    return ABSENT if data is None else hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class GlossaryFile:
    """A glossary as read from its file: ``digest`` is the hash of the bytes read (pass it back to
    :func:`save_glossary`); a file that does not exist is an empty glossary with digest ``absent``."""

    name: str
    path: Path
    glossary: Glossary
    digest: str
    modified: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.digest != ABSENT


def open_glossary(name: str, folder: str | os.PathLike | None = None) -> GlossaryFile:
    """Read glossary ``name`` from the folder (not validated: its problems are in ``glossary.problems``)."""
    path = glossary_path(name, folder)
    stem = path.stem
    if not os.path.lexists(path):
        return GlossaryFile(stem, path, Glossary(terms=(), path=path.name), ABSENT)
    data = read_bytes(path, name=path.name)
    glossary = read_glossary_csv(path, data=data, name=path.name)
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return GlossaryFile(stem, path, glossary, content_digest(data), modified)


# --- differences -------------------------------------------------------------------------------


def term_key(term: Term, index: int = 0) -> str:
    """Which entry a term is: its approved form as the matcher compares it (a row without a term
    is its own entry)."""
    key = match_key(term.term) if term.term else ""
    return key or f"\x00row{index}"


def changed_fields(old: Term, new: Term) -> list[str]:
    names = [name for name in (TERM, SOURCE, VARIANTS, ADMITTED, CASE_SENSITIVE, NOTE) if getattr(old, name) != getattr(new, name)]
    if old.extra != new.extra:
        names.append("extra columns")
    return names


@dataclass(frozen=True)
class TermChange:
    key: str
    old: Term | None
    new: Term | None

    @property
    def kind(self) -> str:
        return "added" if self.old is None else "removed" if self.new is None else "changed"

    @property
    def term(self) -> str:
        return (self.new or self.old).term  # type: ignore[union-attr]

    @property
    def fields(self) -> list[str]:
        return changed_fields(self.old, self.new) if self.old is not None and self.new is not None else []


@dataclass(frozen=True)
class GlossaryDiff:
    added: tuple[TermChange, ...] = ()
    changed: tuple[TermChange, ...] = ()
    removed: tuple[TermChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def changes(self) -> tuple[TermChange, ...]:
        return self.added + self.changed + self.removed

    def summary(self) -> str:
        parts = [f"{len(self.added)} added", f"{len(self.changed)} changed", f"{len(self.removed)} removed"]
        return ", ".join(parts)


def _keyed(glossary: Glossary) -> dict[str, Term]:
    keyed: dict[str, Term] = {}
    for index, term in enumerate(glossary.terms):
        keyed.setdefault(term_key(term, index), term)
    return keyed


def diff_glossaries(old: Glossary, new: Glossary) -> GlossaryDiff:
    """Terms added, changed (any field) and removed from ``old`` to ``new``, in ``new``'s order
    (removed ones in ``old``'s)."""
    before, after = _keyed(old), _keyed(new)
    added = tuple(TermChange(k, None, t) for k, t in after.items() if k not in before)
    changed = tuple(TermChange(k, before[k], t) for k, t in after.items() if k in before and before[k] != t)
    removed = tuple(TermChange(k, t, None) for k, t in before.items() if k not in after)
    return GlossaryDiff(added, changed, removed)


def describe_term(term: Term | None) -> str:
    """A term in one line: ``Tianwen-1 [天问一号] ≠ Tianwen 1 | Tianwen One; ok: …; case-insensitive``."""
    if term is None:
        return ""
    parts = [term.term or "(no term)"]
    if term.source:
        parts.append(f"[{term.source}]")
    if term.variants:
        parts.append("≠ " + LIST_JOIN.join(term.variants))
    text = " ".join(parts)
    if term.admitted:
        text += "; also: " + LIST_JOIN.join(term.admitted)
    if not term.case_sensitive:
        text += "; any case"
    if term.note:
        text += f"; note: {term.note}"
    return text


def diff_rows(diff: GlossaryDiff, *, old_label: str = "before", new_label: str = "after") -> list[dict[str, str]]:
    """One row per change: change, term, what changed, the old and the new entry in one line each."""
    return [
        {"change": c.kind, "term": c.term, "fields": ", ".join(FIELD_LABELS.get(f, f) for f in c.fields),
         old_label: describe_term(c.old), new_label: describe_term(c.new)}
        for c in diff.changes
    ]


# --- merging -------------------------------------------------------------------------------------


def _with_terms(like: Glossary, terms: Iterable[Term], extra_columns: Sequence[str] = ()) -> Glossary:
    extras = list(like.extra_columns)
    for name in extra_columns:
        if name not in extras:
            extras.append(name)
    columns = list(like.columns) + [name for name in extras if name not in like.columns]
    return Glossary(terms=tuple(replace(t, line=None) for t in terms), columns=tuple(columns),
                    extra_columns=tuple(extras), path=like.path, source_lang=like.source_lang)


def merge_glossaries(base: Glossary, incoming: Glossary) -> Glossary:
    """``base`` with ``incoming``'s entries: an entry with the same term is replaced in its place,
    a new one is added at the end; nothing is removed."""
    incoming_by_key = _keyed(incoming)
    used: set[str] = set()
    terms = []
    for index, term in enumerate(base.terms):
        key = term_key(term, index)
        if key in incoming_by_key and key not in used:
            terms.append(incoming_by_key[key])
            used.add(key)
        else:
            terms.append(term)
    terms.extend(t for k, t in incoming_by_key.items() if k not in used)
    return _with_terms(base, terms, incoming.extra_columns)


def replace_glossary(base: Glossary, incoming: Glossary) -> Glossary:
    """``incoming``'s entries only (the file keeps its name and column order where it can)."""
    return _with_terms(base, incoming.terms, incoming.extra_columns)


def rebase_changes(base: Glossary, mine: Glossary, theirs: Glossary) -> tuple[Glossary, list[str]]:
    """My changes (``base`` -> ``mine``) applied to their version. Returns the merged glossary and,
    for each term both sides changed differently, a line saying what was kept: my version of a
    term we both edited or added, their version of a term they edited and I removed."""
    mine_diff = diff_glossaries(base, mine)
    their_terms = list(theirs.terms)
    keyed = {term_key(t, i): i for i, t in enumerate(their_terms)}
    conflicts: list[str] = []
    removed: set[int] = set()
    for change in mine_diff.added + mine_diff.changed:
        position = keyed.get(change.key)
        if position is None:
            if change.kind == "changed":
                conflicts.append(f"{change.term}: they removed it and you changed it; kept yours")
            their_terms.append(change.new)  # type: ignore[arg-type]
            keyed[change.key] = len(their_terms) - 1
            continue
        current = their_terms[position]
        if current == change.new:
            continue
        if change.kind == "changed" and current == change.old:
            their_terms[position] = change.new  # type: ignore[assignment]
            continue
        conflicts.append(f"{change.term}: changed on both sides; kept yours")
        their_terms[position] = change.new  # type: ignore[assignment]
    for change in mine_diff.removed:
        position = keyed.get(change.key)
        if position is None:
            continue
        if their_terms[position] == change.old:
            removed.add(position)
        else:
            conflicts.append(f"{change.term}: you removed it and they changed it; kept theirs")
    merged = [t for i, t in enumerate(their_terms) if i not in removed]
    return _with_terms(theirs, merged, mine.extra_columns), conflicts


def add_term(glossary: Glossary, term: str, *, source: str = "", note: str = "", case_sensitive: bool = True) -> Glossary:
    """The glossary with a new entry at the end (not validated here)."""
    new = Term(term=" ".join(str(term).split()), source=join_list(split_list(source)), note=note.strip(),
               case_sensitive=case_sensitive)
    return _with_terms(glossary, [*glossary.terms, new])


def add_variant(glossary: Glossary, term: str, variant: str) -> Glossary:
    """The glossary with ``variant`` added to the forbidden variants of the entry ``term``."""
    key = match_key(term)
    variant = " ".join(str(variant).split())
    terms = list(glossary.terms)
    for index, entry in enumerate(terms):
        if entry.term and match_key(entry.term) == key:
            if variant not in entry.variants:
                terms[index] = replace(entry, variants=(*entry.variants, variant))
            return _with_terms(glossary, terms)
    raise InputError(f"no term {term!r} in the glossary")


# --- editor rows ---------------------------------------------------------------------------------


def glossary_rows(glossary: Glossary) -> list[dict[str, Any]]:
    """One dict per entry: the editor's columns (lists joined with `` | ``) and any extra columns."""
    rows = []
    for term in glossary.terms:
        row: dict[str, Any] = {
            TERM: term.term,
            SOURCE: LIST_JOIN.join(term.sources),
            VARIANTS: LIST_JOIN.join(term.variants),
            ADMITTED: LIST_JOIN.join(term.admitted),
            CASE_SENSITIVE: term.case_sensitive,
            NOTE: term.note,
        }
        extras = dict(term.extra)
        for name in glossary.extra_columns:
            row[name] = extras.get(name, "")
        rows.append(row)
    return rows


def row_columns(glossary: Glossary) -> list[str]:
    return [*EDITOR_COLUMNS, *glossary.extra_columns]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN from an empty editor cell
        return ""
    return str(value)


def _flag(value: Any) -> bool | None:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return True  # the CSV's default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    return None


def row_term(row: Mapping[str, Any], extra_columns: Sequence[str] = (), line: int | None = None) -> tuple[Term, list[GlossaryProblem]]:
    problems = []
    flag = _flag(row.get(CASE_SENSITIVE))
    if flag is None:
        problems.append(GlossaryProblem(line, CASE_SENSITIVE, f"{_text(row.get(CASE_SENSITIVE))!r} is not a boolean"))
        flag = True
    term = Term(
        term=" ".join(_text(row.get(TERM)).split()),
        source=join_list(split_list(_text(row.get(SOURCE)))),
        variants=split_list(_text(row.get(VARIANTS))),
        admitted=split_list(_text(row.get(ADMITTED))),
        case_sensitive=flag,
        note=_text(row.get(NOTE)).strip(),
        extra=tuple((name, _text(row.get(name))) for name in extra_columns),
        line=line,
    )
    return term, problems


def blank_row(row: Mapping[str, Any]) -> bool:
    return not any(_text(v).strip() for k, v in row.items() if k != CASE_SENSITIVE)


def rows_glossary(rows: Sequence[Mapping[str, Any]], like: Glossary) -> Glossary:
    """Rows back into a glossary with ``like``'s columns; row ``i`` is line ``i + 2`` (as in the CSV
    it would be written to: the header is line 1). Blank rows are skipped."""
    terms, problems = [], []
    for index, row in enumerate(rows):
        if blank_row(row):
            continue
        term, found = row_term(row, like.extra_columns, line=index + 2)
        terms.append(term)
        problems.extend(found)
    return Glossary(terms=tuple(terms), columns=like.columns or DEFAULT_COLUMNS, extra_columns=like.extra_columns,
                    path=like.path, source_lang=like.source_lang, problems=tuple(problems))


def problems_by_row(problems: Iterable[GlossaryProblem]) -> dict[int | None, list[str]]:
    """Problems by row index (line - 2); ``None`` for a problem of the whole glossary."""
    out: dict[int | None, list[str]] = {}
    for problem in problems:
        row = problem.line - 2 if problem.line is not None and problem.line >= 2 else None
        text = (f"{problem.column}: " if problem.column else "") + problem.message
        out.setdefault(row, []).append(text)
    return out


@dataclass(frozen=True)
class SavePlan:
    """What saving the edited rows would write (``glossary``, None when nothing can be saved),
    the rows held back (index -> their problems) and, for every row, the entry it is now in the
    written glossary (``origins`` for the next edit)."""

    glossary: Glossary | None
    held: Mapping[int, list[str]] = field(default_factory=dict)
    problems: Mapping[int | None, list[str]] = field(default_factory=dict)
    origins: tuple[int | None, ...] = ()

    @property
    def blocked(self) -> bool:
        return self.glossary is None


def plan_save(saved: Glossary, rows: Sequence[Mapping[str, Any]], origins: Sequence[int | None]) -> SavePlan:
    """Validate the edited ``rows`` (``origins[i]``: the index in ``saved`` row ``i`` started from,
    None for a new row) and decide what to write: rows with a problem are held back (a new one is
    left out, an edited one keeps its saved version); deleted rows are removed. Blocked (glossary
    None) when what is left still has problems."""
    edited = rows_glossary(rows, saved)
    problems = problems_by_row(validate(edited))
    terms: list[Term] = []
    new_origins: list[int | None] = []
    held: dict[int, list[str]] = {}
    for index, row in enumerate(rows):
        origin = origins[index] if index < len(origins) else None
        if blank_row(row):
            new_origins.append(None)
            continue
        term, _ = row_term(row, saved.extra_columns)
        if index in problems:
            if origin is not None and origin < len(saved.terms):
                kept = saved.terms[origin]
                if kept != term:
                    held[index] = problems[index]
                terms.append(kept)
                new_origins.append(len(terms) - 1)
            else:
                held[index] = problems[index]
                new_origins.append(None)
            continue
        terms.append(term)
        new_origins.append(len(terms) - 1)
    candidate = _with_terms(saved, terms)
    remaining = validate(candidate)
    if remaining:
        return SavePlan(None, held, problems, tuple(origins))
    return SavePlan(candidate, held, problems, tuple(new_origins))


# --- saving --------------------------------------------------------------------------------------


class GlossaryConflict(ReviewAppError):
    """The glossary file changed on disk since the edit started: nothing was written.

    ``theirs`` is the file as it is now; ``difference`` what saving would change in it (their
    version -> yours), term by term."""

    def __init__(self, theirs: GlossaryFile, mine: Glossary, expected_digest: str) -> None:
        self.theirs = theirs
        self.mine = mine
        self.expected_digest = expected_digest
        self.difference = diff_glossaries(theirs.glossary, mine)
        super().__init__(str(self))

    def __str__(self) -> str:
        when = self.theirs.modified.strftime("%Y-%m-%d %H:%M:%S UTC") if self.theirs.modified else "just now"
        if not self.theirs.exists:
            return f"{self.theirs.path.name} was deleted after you opened it; nothing was saved"
        if self.expected_digest == ABSENT:
            return f"{self.theirs.path.name} was created by someone else ({when}) while you edited; nothing was saved"
        return (f"{self.theirs.path.name} was changed by someone else ({when}) after you opened it; nothing was saved: "
                "reload their version or merge your changes into it")


_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Exclusive lock for saving ``path``: a process lock, and ``flock`` on ``.backups/NAME.lock``
    where the platform has it (so several server processes queue up too)."""
    with _THREAD_LOCKS_GUARD:
        lock = _THREAD_LOCKS.setdefault(str(path), threading.Lock())
    with lock:
        backup_dir = path.parent / BACKUP_DIR
        try:
            backup_dir.mkdir(exist_ok=True)
            handle = open(backup_dir / f"{path.name}.lock", "a+b")
        except OSError as exc:
            raise OutputError(exc.errno or errno.EIO, f"cannot lock the glossary for saving ({exc.strerror or exc})",
                              str(path)) from exc
        try:
            try:
                import fcntl
            except ImportError:  # pragma: no cover - not on Linux
                fcntl = None
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            yield
        finally:
            handle.close()  # releases the flock


def backups(name: str, folder: str | os.PathLike | None = None) -> list[Path]:
    """The backups of glossary ``name``, newest first."""
    path = glossary_path(name, folder)
    backup_dir = path.parent / BACKUP_DIR
    if not backup_dir.is_dir():
        return []
    pattern = re.compile(re.escape(path.stem) + r"\.\d{8}T\d{12}Z\.csv")
    return sorted((p for p in backup_dir.iterdir() if pattern.fullmatch(p.name)), reverse=True)


def remove_stale_temporaries(path: Path) -> None:
    """Temporary files a killed save of ``path`` left behind (``.NAME.csv.*.tmp`` beside it, a backup's
    in ``.backups/``). Only called under the file's lock: no live save of this glossary owns them."""
    patterns = [
        # textio.atomic_write_bytes: tempfile.mkstemp(prefix=".TARGET.", suffix=".tmp"), 8 random characters
        (path.parent, re.compile(re.escape(f".{path.name}.") + r"[a-z0-9_]{8}\.tmp")),
        (path.parent / BACKUP_DIR, re.compile(re.escape(f".{path.stem}.") + r"\d{8}T\d{12}Z\.csv\.[a-z0-9_]{8}\.tmp")),
    ]
    for folder, pattern in patterns:
        try:
            names = [p for p in folder.iterdir() if pattern.fullmatch(p.name)]
        except OSError:
            continue
        for stale in names:
            try:
                stale.unlink()
            except OSError:
                pass


def save_glossary(
    name: str,
    glossary: Glossary,
    *,
    expected_digest: str,
    folder: str | os.PathLike | None = None,
    clock: Callable[[], datetime] | None = None,
) -> GlossaryFile:
    """Validate ``glossary`` and write it as ``NAME.csv`` in the folder, if the file still has the
    content hash ``expected_digest`` (``absent`` for a new file); back up the previous version.
    Raises GlossaryError (problems), GlossaryConflict (changed meanwhile), InputError (a bad name)
    or OutputError (the disk)."""
    problems = validate(glossary)
    if problems:
        raise GlossaryError(problems, glossary_file_name(name))
    path = glossary_path(name, folder)
    text = glossary_to_csv(replace(glossary, path=path.name))
    now = (clock or (lambda: datetime.now(UTC)))().astimezone(UTC)
    with file_lock(path):
        remove_stale_temporaries(path)
        current = open_glossary(path.name, path.parent)
        if current.digest != expected_digest:
            raise GlossaryConflict(current, glossary, expected_digest)
        if current.exists:
            backup_dir = path.parent / BACKUP_DIR
            stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
            target = backup_dir / f"{path.stem}.{stamp}.csv"
            atomic_write_bytes(target, read_bytes(path, name=path.name))
            for old in backups(path.name, path.parent)[MAX_BACKUPS:]:
                try:
                    old.unlink()
                except OSError:
                    pass
        atomic_write_text(path, text)
        return open_glossary(path.name, path.parent)


def update_glossary(
    name: str, change: Callable[[Glossary], Glossary], *, folder: str | os.PathLike | None = None
) -> tuple[GlossaryFile, GlossaryFile]:
    """Apply ``change`` (e.g. ``lambda g: add_term(g, "Zhurong")``) to the current file and save it
    with that file's hash, so an addition lands on the latest version and still cannot overwrite a
    save that slips in between. Returns (before, after)."""
    before = open_glossary(name, folder)
    after = save_glossary(name, change(before.glossary), expected_digest=before.digest, folder=folder)
    return before, after


def disk_digest(name: str, folder: str | os.PathLike | None = None) -> str:
    """The content hash of glossary ``name`` as it is on disk now (``absent`` if there is none)."""
    path = glossary_path(name, folder)
    if not os.path.lexists(path):
        return ABSENT
    return content_digest(read_bytes(path, name=path.name))


def clean_rows(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Editor rows with empty cells as "" and the case flag as a bool (what to show again)."""
    out = []
    for row in rows:
        clean = {}
        for name, value in row.items():
            if name == CASE_SENSITIVE:
                flag = _flag(value)
                clean[name] = True if flag is None else flag
            else:
                clean[name] = _text(value)
        out.append(clean)
    return out


def origins_for(glossary: Glossary, saved: Glossary) -> list[int | None]:
    """For each entry of ``glossary``, the index of the same entry in ``saved`` (None if new)."""
    positions = {term_key(t, i): i for i, t in enumerate(saved.terms)}
    return [positions.get(term_key(t, i)) for i, t in enumerate(glossary.terms)]
