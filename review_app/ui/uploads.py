"""Uploaded files -> a corpus or a glossary. Pure (no Streamlit): the app hands over (name, bytes).

Every problem is an :class:`~review_app.errors.InputError` whose ``str()`` the app shows as is:
a file over the upload limit, a file that is not UTF-8, a table without a reference column...
The readers are the core's (``review_app.corpus``, ``review_app.textio``, ``review_app.glossary``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from review_app.corpus import (
    SOURCE_COLUMNS,
    Corpus,
    Text,
    corpus_from_table,
    is_table,
    read_table,
    reference_name,
    stem,
)
from review_app.errors import InputError
from review_app.textio import lines_from_bytes, megabytes_setting

# Keep in step with server.maxUploadSize in .streamlit/config.toml (Streamlit's own, hard limit).
DEFAULT_MAX_UPLOAD_MB = 50


def max_upload_bytes() -> int:
    """Our limit on one uploaded file; ``REVIEW_APP_MAX_UPLOAD_MB`` lowers or raises it."""
    return megabytes_setting("REVIEW_APP_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name (as the user's computer calls it) and its bytes."""

    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class CorpusUpload:
    """What the user uploaded for a corpus: either one whole-corpus ``table`` (TSV/CSV/JSONL with
    source, ref* and system columns), or ``systems`` + ``references`` (+ optional ``source``), each a
    text file (one segment a line) or a table whose columns are picked by name."""

    table: Upload | None = None
    systems: tuple[Upload, ...] = ()
    references: tuple[Upload, ...] = ()
    source: Upload | None = None
    name: str | None = None


def check_upload(upload: Upload, limit: int | None = None) -> None:
    limit = max_upload_bytes() if limit is None else limit
    if len(upload.data) > limit:
        raise InputError(
            f"file is {len(upload.data) / 1048576:.1f} MB, over the upload limit of {limit / 1048576:.0f} MB",
            upload.name,
        )
    if not upload.data:
        raise InputError("file is empty", upload.name)


def texts_from_upload(upload: Upload, role: str) -> list[Text]:
    """The texts in one uploaded file for ``role`` ("system", "reference" or "source"), as
    ``corpus.load_texts`` reads a path: a text file is one text; a table gives the matching columns."""
    check_upload(upload)
    if not is_table(upload.name):
        lines = lines_from_bytes(upload.data, upload.name)
        return [Text(name="source" if role == "source" else stem(upload.name), segments=tuple(lines), path=upload.name)]
    table = read_table(upload.name, upload.data)
    if role == "source":
        column = table.find(SOURCE_COLUMNS)
        if column is None:
            raise InputError("no 'source' column for the source text", upload.name, 1)
        return [table.text(column, "source")]
    if role == "reference":
        columns = table.reference_columns()
        if not columns:
            raise InputError("no reference column (name it 'ref', 'reference' or 'ref-NAME')", upload.name, 1)
        return [table.text(c, reference_name(c) if len(columns) > 1 else stem(upload.name)) for c in columns]
    columns = table.system_columns()
    if not columns:
        raise InputError("no system output column (any column not named source/ref*/doc/domain/id)", upload.name, 1)
    if len(columns) == 1:
        return [table.text(columns[0], stem(upload.name))]
    return [table.text(c) for c in columns]


def corpus_from_upload(request: CorpusUpload) -> Corpus:
    """Build the corpus the user uploaded, or raise InputError saying what is wrong."""
    if request.table is not None:
        if request.systems or request.references or request.source:
            raise InputError("upload either one whole-corpus table or separate files, not both")
        check_upload(request.table)
        if not is_table(request.table.name):
            raise InputError("a whole-corpus table must be a .tsv, .csv or .jsonl file", request.table.name)
        return corpus_from_table(request.table.name, request.table.data, name=request.name or stem(request.table.name))
    if not request.systems:
        raise InputError("upload at least one MT output (or a whole-corpus table)")
    if not request.references:
        raise InputError("upload at least one reference translation")
    systems = [text for upload in request.systems for text in texts_from_upload(upload, "system")]
    references = [text for upload in request.references for text in texts_from_upload(upload, "reference")]
    source = texts_from_upload(request.source, "source")[0] if request.source else None
    name = request.name or (stem(request.systems[0].name) if len(request.systems) == 1 else "upload")
    return Corpus(
        name=name,
        systems=tuple(systems),
        references=tuple(references),
        source=source,
        origin="upload",
    )


def glossary_from_upload(upload: Upload, source_lang: str | None = None):
    """A validated glossary (CSV/TSV or TBX by suffix) from an upload; problems raise InputError."""
    from review_app.glossary import load_glossary

    check_upload(upload)
    return load_glossary(upload.name, data=upload.data, name=upload.name, source_lang=source_lang)
