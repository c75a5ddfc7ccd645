"""A corpus is one test set: an optional source, one or more references and MT systems, line-aligned.

Readers: plain text (one segment a line), TSV/CSV with named columns, JSONL, and a corpus folder
(``source.xx``, ``ref*.en``, ``systems/*.en``, optional ``documents.tsv`` and ``corpus.json``).
Every reader raises :class:`review_app.errors.InputError` naming the file, the line and the problem.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from review_app.errors import InputError
from review_app.textio import clean_header, decode_utf8, load_json, read_bytes, split_lines, text_lines

TEXT_SUFFIXES = {".txt", ".en", ""}
TABLE_SUFFIXES = {".tsv", ".csv", ".jsonl"}
MANIFEST_NAME = "corpus.json"
DOCUMENTS_NAME = "documents.tsv"

SOURCE_COLUMNS = ("source", "src")
DOC_COLUMNS = ("doc", "doc_id", "document")
DOMAIN_COLUMNS = ("domain",)
ID_COLUMNS = ("id", "segment", "seg_id", "segment_id")
REFERENCE_PREFIXES = ("ref", "reference")


@dataclass(frozen=True)
class Text:
    """One side of a corpus: a source, a reference or a system output, one string per segment."""

    name: str
    segments: tuple[str, ...]
    path: str | None = None

    def __len__(self) -> int:
        return len(self.segments)

    @property
    def label(self) -> str:
        return self.path or self.name


@dataclass(frozen=True)
class Corpus:
    name: str
    systems: tuple[Text, ...]
    references: tuple[Text, ...]
    source: Text | None = None
    documents: tuple[str, ...] | None = None
    domains: tuple[str, ...] | None = None
    source_lang: str | None = None
    target_lang: str = "en"
    origin: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.systems:
            raise InputError("no MT system output given", self.origin)
        if not self.references:
            raise InputError("no reference translation given", self.origin)
        check_aligned([*self.systems, *self.references, *([self.source] if self.source else [])])
        for label, values in (("documents", self.documents), ("domains", self.domains)):
            if values is not None and len(values) != len(self):
                raise InputError(
                    f"{label} list has {plural(len(values), 'line')} but the corpus has {len(self)} segments",
                    self.origin,
                )
        check_unique_names(self.systems, "system")
        check_unique_names(self.references, "reference")

    def __len__(self) -> int:
        return len(self.systems[0])

    @property
    def system_names(self) -> tuple[str, ...]:
        return tuple(system.name for system in self.systems)

    def system(self, name: str) -> Text:
        for system in self.systems:
            if system.name == name:
                return system
        raise KeyError(name)

    def refs_for(self, index: int) -> tuple[str, ...]:
        return tuple(ref.segments[index] for ref in self.references)

    def document_of(self, index: int) -> str | None:
        return self.documents[index] if self.documents else None


def check_aligned(texts: Sequence[Text]) -> None:
    first = texts[0]
    for other in texts[1:]:
        if len(other) != len(first):
            raise InputError(
                f"line counts differ: {first.label} has {plural(len(first), 'line')}, "
                f"{other.label} has {plural(len(other), 'line')}"
            )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def check_unique_names(texts: Iterable[Text], kind: str) -> None:
    seen: dict[str, str] = {}
    for text in texts:
        if text.name in seen:
            raise InputError(f"two {kind} files are both named {text.name!r}: {seen[text.name]} and {text.label}")
        seen[text.name] = text.label


def stem(path: str | os.PathLike) -> str:
    name = Path(path).name
    for suffix in (".jsonl", ".tsv", ".csv", ".txt"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return Path(name).stem if "." in name else name


# --- plain text -------------------------------------------------------------------------------


def text_from_lines(lines: list[str], name: str, label: str) -> Text:
    if not lines:
        raise InputError("file is empty", label)
    return Text(name=name, segments=tuple(lines), path=label)


def read_text_file(path: str | os.PathLike, name: str | None = None) -> Text:
    label = str(path)
    return text_from_lines(text_lines(decode_utf8(read_bytes(path), label), label), name or stem(path), label)


# --- tables: TSV, CSV, JSONL ------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """Named columns from a TSV, CSV or JSONL file, with their roles worked out from the names."""

    label: str
    columns: dict[str, tuple[str, ...]]

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))

    def find(self, candidates: Sequence[str]) -> str | None:
        lowered = {column.lower(): column for column in self.columns}
        for candidate in candidates:
            if candidate in lowered:
                return lowered[candidate]
        return None

    def reference_columns(self) -> list[str]:
        return [column for column in self.columns if is_reference_column(column)]

    def system_columns(self) -> list[str]:
        special = {self.find(SOURCE_COLUMNS), self.find(DOC_COLUMNS), self.find(DOMAIN_COLUMNS), self.find(ID_COLUMNS)}
        return [c for c in self.columns if c not in special and not is_reference_column(c)]

    def text(self, column: str, name: str | None = None) -> Text:
        return Text(name=name or column, segments=self.columns[column], path=f"{self.label} (column {column!r})")


def is_reference_column(column: str) -> bool:
    lowered = column.lower()
    return any(
        lowered == prefix or lowered.startswith((prefix + "-", prefix + "_", prefix + ":", prefix + " "))
        for prefix in REFERENCE_PREFIXES
    ) or (lowered.startswith("ref") and lowered[3:].isdigit())


def reference_name(column: str) -> str:
    lowered = column.lower()
    for prefix in sorted(REFERENCE_PREFIXES, key=len, reverse=True):
        if lowered.startswith(prefix) and len(column) > len(prefix) and column[len(prefix)] in "-_: ":
            return "ref-" + column[len(prefix) + 1:]
    return column


def read_table(path: str | os.PathLike, data: bytes | None = None) -> Table:
    label = str(path)
    raw = read_bytes(path) if data is None else data
    text = decode_utf8(raw, label)
    suffix = Path(label).suffix.lower()
    if suffix == ".jsonl":
        return parse_jsonl(text, label)
    return parse_delimited(text, label, "\t" if suffix == ".tsv" else ",")


def parse_delimited(text: str, label: str, delimiter: str) -> Table:
    if not text.strip():
        raise InputError("file is empty", label)
    # TSV is read literally (no quoting), as tab-separated corpora usually are; CSV follows RFC 4180.
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=quoting, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"malformed header ({exc})", label, 1) from None
    header = [clean_header(column) for column in header]
    check_header(header, label)
    rows: list[list[str]] = []
    try:
        for row in reader:
            line = reader.line_num
            if not row or row == [""]:
                continue
            if len(row) != len(header):
                raise InputError(f"expected {len(header)} fields (as in the header), found {len(row)}", label, line)
            rows.append(row)
    except csv.Error as exc:
        raise InputError(f"malformed {'TSV' if delimiter == chr(9) else 'CSV'} ({exc}; a quote left open?)", label, reader.line_num) from None
    if not rows:
        raise InputError("no rows under the header", label)
    columns = {name: tuple(row[i] for row in rows) for i, name in enumerate(header)}
    return Table(label=label, columns=columns)


def check_header(header: list[str], label: str) -> None:
    if not any(header):
        raise InputError("empty header", label, 1)
    seen: set[str] = set()
    for column in header:
        if not column:
            raise InputError("a column in the header has no name", label, 1)
        if column.lower() in seen:
            raise InputError(f"column {column!r} appears twice in the header", label, 1)
        seen.add(column.lower())


def parse_jsonl(text: str, label: str) -> Table:
    records: list[dict] = []
    keys: list[str] = []
    for number, line in enumerate(split_lines(text), 1):
        if not line.strip():
            continue
        record = load_json(line, label, number)
        if not isinstance(record, dict):
            raise InputError("each line must be a JSON object", label, number)
        for key, value in record.items():
            if not isinstance(value, str) and value is not None:
                if isinstance(value, (int, float)) and key.lower() in ID_COLUMNS + DOC_COLUMNS:
                    record[key] = str(value)
                    continue
                raise InputError(f"field {key!r} must be a string, found {type(value).__name__}", label, number)
            if key not in keys:
                keys.append(key)
        records.append((number, record))
    if not records:
        raise InputError("file is empty", label)
    for number, record in records:
        missing = [key for key in keys if key not in record]
        if missing:
            raise InputError(f"missing field {missing[0]!r} (other lines have it)", label, number)
    check_header(keys, label)
    columns = {key: tuple(record[key] or "" for _, record in records) for key in keys}
    return Table(label=label, columns=columns)


# --- assembling a corpus ------------------------------------------------------------------------


def is_table(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def load_texts(path: str | os.PathLike, role: str) -> list[Text]:
    """Read one ``--hyp``/``--ref``/``--src`` argument: a text file, or the matching columns of a table."""
    if not is_table(path):
        return [read_text_file(path)]
    table = read_table(path)
    if role == "source":
        column = table.find(SOURCE_COLUMNS)
        if column is None:
            raise InputError("no 'source' column for the source text", str(path), 1)
        return [table.text(column, "source")]
    if role == "reference":
        columns = table.reference_columns()
        if not columns:
            raise InputError("no reference column (name it 'ref', 'reference' or 'ref-NAME')", str(path), 1)
        return [table.text(c, reference_name(c) if len(columns) > 1 else stem(path)) for c in columns]
    columns = table.system_columns()
    if not columns:
        raise InputError("no system output column (any column not named source/ref*/doc/domain/id)", str(path), 1)
    if len(columns) == 1:
        return [table.text(columns[0], stem(path))]
    return [table.text(c) for c in columns]


def corpus_from_files(
    hyps: Sequence[str | os.PathLike],
    refs: Sequence[str | os.PathLike],
    src: str | os.PathLike | None = None,
    name: str | None = None,
) -> Corpus:
    systems = [text for path in hyps for text in load_texts(path, "system")]
    references = [text for path in refs for text in load_texts(path, "reference")]
    source = load_texts(src, "source")[0] if src else None
    return Corpus(
        name=name or (stem(hyps[0]) if len(hyps) == 1 else "corpus"),
        systems=tuple(systems),
        references=tuple(references),
        source=source,
    )


def corpus_from_table(path: str | os.PathLike, data: bytes | None = None, name: str | None = None) -> Corpus:
    """A whole corpus in one table: source, ref* columns, doc/domain columns, and a column per system."""
    table = read_table(path, data)
    doc_column = table.find(DOC_COLUMNS)
    domain_column = table.find(DOMAIN_COLUMNS)
    source_column = table.find(SOURCE_COLUMNS)
    references = table.reference_columns()
    systems = table.system_columns()
    if not references:
        raise InputError("no reference column (name it 'ref', 'reference' or 'ref-NAME')", table.label, 1)
    if not systems:
        raise InputError("no system output column", table.label, 1)
    return Corpus(
        name=name or stem(path),
        systems=tuple(table.text(c) for c in systems),
        references=tuple(table.text(c, reference_name(c)) for c in references),
        source=table.text(source_column, "source") if source_column else None,
        documents=table.columns[doc_column] if doc_column else None,
        domains=table.columns[domain_column] if domain_column else None,
        origin=table.label,
    )


# --- corpus folders -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CorpusLayout:
    """The files of a corpus folder, found and checked but not read (see :func:`corpus_layout`)."""

    root: Path
    manifest: dict
    systems: tuple[Path, ...]
    references: tuple[Path, ...]
    source: Path | None
    documents: Path | None  # None when there is no documents file


def corpus_layout(folder: str | os.PathLike) -> CorpusLayout:
    """Find the files of a corpus folder (layout in :func:`load_corpus_dir`) without reading them.

    Every path returned lies inside the folder once links are followed: a ``../`` or absolute
    path in ``corpus.json``, or a symbolic link (``systems/x.en -> /etc/passwd``) leading out of
    the folder, is refused with an InputError. Links that stay inside the folder are fine.
    Readers that stream the files (the batch report) use this too, so they refuse the same.
    """
    if "\x00" in os.fspath(folder):
        raise InputError("the folder name contains a NUL character", os.fspath(folder).replace("\x00", "\\x00"))
    root = Path(folder)
    if not root.is_dir():
        raise InputError("corpus folder not found", str(folder))
    real_root = root.resolve()
    manifest_path = root / MANIFEST_NAME

    def check_inside(path: Path, where: str) -> Path:
        try:
            resolved = path.resolve(strict=False)
        except (OSError, RuntimeError):  # a symlink loop
            raise InputError("is a link that cannot be followed (a loop?)", str(path)) from None
        if not resolved.is_relative_to(real_root):
            if path.is_symlink() or any(p.is_symlink() for p in path.parents if p.is_relative_to(root)):
                raise InputError(f"is a link to {resolved}, outside the corpus folder; refused", str(path))
            raise InputError(f"path {where!r} points outside the corpus folder", str(manifest_path))
        return path

    def inside(relative: str) -> Path:
        if "\x00" in relative:
            raise InputError(f"path {relative!r} contains a NUL character", str(manifest_path))
        if not relative.strip():
            raise InputError("an empty path", str(manifest_path))
        if Path(relative).is_absolute():
            raise InputError(f"path {relative!r} points outside the corpus folder", str(manifest_path))
        return check_inside(root / relative, relative)

    def listed(paths: Iterable[Path]) -> list[Path]:
        return [check_inside(p, p.name) for p in sorted(paths)]

    manifest: dict = {}
    if os.path.lexists(manifest_path):
        manifest = read_manifest(check_inside(manifest_path, MANIFEST_NAME))

    if "systems" in manifest:
        system_paths = [inside(p) for p in manifest["systems"]]
    else:
        system_paths = listed(p for p in (root / "systems").glob("*") if is_file_or_link(p) and not p.name.startswith("."))
    if "references" in manifest:
        ref_paths = [inside(p) for p in manifest["references"]]
    else:
        ref_paths = listed(p for p in root.glob("ref*") if is_file_or_link(p))
        ref_paths += listed(p for p in (root / "references").glob("*") if is_file_or_link(p) and not p.name.startswith("."))
    if "source" in manifest:
        source_path = inside(manifest["source"]) if manifest["source"] else None
    else:
        candidates = listed(p for p in root.glob("source.*") if is_file_or_link(p))
        source_path = candidates[0] if candidates else None
    if not system_paths:
        raise InputError("no system outputs (put them in systems/*.en or list them in corpus.json)", str(root))
    if not ref_paths:
        raise InputError("no references (name them ref*.en or list them in corpus.json)", str(root))
    doc_file = inside(manifest["documents"]) if manifest.get("documents") else root / DOCUMENTS_NAME
    documents = check_inside(doc_file, doc_file.name) if os.path.lexists(doc_file) else None
    return CorpusLayout(
        root=root,
        manifest=manifest,
        systems=tuple(system_paths),
        references=tuple(ref_paths),
        source=source_path,
        documents=documents,
    )


def is_file_or_link(path: Path) -> bool:
    """A file, or a link that is not to a folder: a broken or looping link is then refused by name
    rather than silently skipped (a system missing from the scores without a word)."""
    return path.is_file() or (path.is_symlink() and not path.is_dir())


def load_corpus_dir(folder: str | os.PathLike) -> Corpus:
    """Read a corpus folder.

    Layout (all optional but one system and one reference)::

        corpus.json          {"name", "source", "references": [...], "systems": [...],
                              "documents", "source_lang", "target_lang"}: paths relative to the folder
        source.zh            the source (any ``source.*``)
        ref.en, ref-A.en     references (``ref*``), or references/*.en
        systems/*.en         one file per MT system, named after the system
        documents.tsv        per segment ``domain<TAB>document`` or ``document``

    Files are found by :func:`corpus_layout`, which refuses any that lies outside the folder
    (``../`` in corpus.json, a symbolic link leading out) before anything is read.
    """
    layout = corpus_layout(folder)
    manifest = layout.manifest
    systems = [read_text_file(p) for p in layout.systems]
    references = [read_text_file(p) for p in layout.references]
    source = read_text_file(layout.source, "source") if layout.source else None
    documents = domains = None
    if layout.documents is not None:
        documents, domains = read_documents(layout.documents)
    source_lang = manifest.get("source_lang") or (layout.source.suffix.lstrip(".") if layout.source else None)
    return Corpus(
        name=manifest.get("name") or layout.root.name,
        systems=tuple(systems),
        references=tuple(references),
        source=source,
        documents=documents,
        domains=domains,
        source_lang=source_lang,
        target_lang=manifest.get("target_lang") or "en",
        origin=str(layout.root),
    )


MANIFEST_TEXT_KEYS = ("name", "source", "documents", "source_lang", "target_lang")


def read_manifest(path: Path) -> dict:
    label = str(path)
    manifest = load_json(decode_utf8(read_bytes(path), label), label)
    if not isinstance(manifest, dict):
        raise InputError("must be a JSON object", label, 1)
    for key in ("systems", "references"):
        if key in manifest and not (
            isinstance(manifest[key], list) and all(isinstance(p, str) for p in manifest[key])
        ):
            raise InputError(f"{key!r} must be a list of file names", label)
    for key in MANIFEST_TEXT_KEYS:
        if key in manifest and manifest[key] is not None and not isinstance(manifest[key], str):
            raise InputError(f"{key!r} must be a string, not {type(manifest[key]).__name__}", label)
    return manifest


def read_documents(path: Path) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """``documents.tsv``: per segment ``domain<TAB>document`` (as WMT ships it) or just ``document``."""
    lines = text_lines(decode_utf8(read_bytes(path), str(path)), str(path))
    documents, domains = [], []
    for number, line in enumerate(lines, 1):
        fields = line.split("\t")
        if len(fields) == 1:
            documents.append(fields[0])
        elif len(fields) == 2:
            domains.append(fields[0])
            documents.append(fields[1])
        else:
            raise InputError(f"expected 'domain<TAB>document' or 'document', found {len(fields)} fields", str(path), number)
    if domains and len(domains) != len(documents):
        raise InputError("mixes lines with and without a domain", str(path))
    return tuple(documents), (tuple(domains) if domains else None)


def load_corpus(path: str | os.PathLike) -> Corpus:
    """A corpus folder or a single table file holding the whole corpus."""
    if "\x00" in os.fspath(path):
        raise InputError("the path contains a NUL character", os.fspath(path).replace("\x00", "\\x00"))
    if Path(path).is_dir():
        return load_corpus_dir(path)
    if is_table(path):
        return corpus_from_table(path)
    raise InputError("not a corpus folder nor a TSV/CSV/JSONL table", str(path))


def bundled_corpora_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "corpora"


def bundled_corpora() -> dict[str, Path]:
    root = bundled_corpora_dir()
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")}
