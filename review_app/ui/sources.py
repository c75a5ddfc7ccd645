"""Where a corpus or glossary comes from, and content digests to key caches on. Pure (no Streamlit).

A corpus is opened from the bundled ``corpora/`` folder, from a folder path the person who started the
server allowed (``REVIEW_APP_CORPUS`` opens one at start, ``REVIEW_APP_CORPUS_ROOTS`` lists folders under
which ``?corpus=PATH`` may open any corpus), or from an upload. A path from the URL is user input: it
must resolve inside an allowed root, so ``?corpus=/etc`` or ``?corpus=../..`` opens nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from review_app.corpus import Corpus, bundled_corpora, bundled_corpora_dir, load_corpus
from review_app.errors import InputError

DEFAULT_CORPUS = "tianwen-1"
DEFAULT_GLOSSARY = "space-diplomacy"


def digest_texts(hasher, texts: Iterable[str]) -> None:
    for text in texts:
        encoded = text.encode("utf-8")
        hasher.update(f"{len(encoded)}:".encode())
        hasher.update(encoded)


def corpus_digest(corpus: Corpus) -> str:
    """A hash of everything in the corpus that a score or a finding depends on."""
    hasher = hashlib.sha256()
    hasher.update(f"name:{corpus.name}\nsrc:{corpus.source_lang}\ntrg:{corpus.target_lang}\n".encode())
    for kind, texts in (("sys", corpus.systems), ("ref", corpus.references), ("source", (corpus.source,) if corpus.source else ())):
        for text in texts:
            hasher.update(f"{kind}:{text.name}:{len(text)}\n".encode())
            digest_texts(hasher, text.segments)
    for label, values in (("docs", corpus.documents), ("domains", corpus.domains)):
        if values is not None:
            hasher.update(f"{label}:{len(values)}\n".encode())
            digest_texts(hasher, values)
    return hasher.hexdigest()


def glossary_digest(glossary) -> str:
    """A hash of a glossary's entries (``None`` for no glossary)."""
    if glossary is None:
        return "none"
    return hashlib.sha256(repr((glossary.terms, getattr(glossary, "columns", ()))).encode("utf-8")).hexdigest()


def env_paths(name: str) -> list[Path]:
    return [Path(p).expanduser() for p in os.environ.get(name, "").split(os.pathsep) if p.strip()]


def allowed_roots() -> list[Path]:
    """Folders a ``?corpus=`` path may point inside: the bundled corpora, ``REVIEW_APP_CORPUS_ROOTS``,
    and the folder that holds ``REVIEW_APP_CORPUS``."""
    roots = [bundled_corpora_dir(), *env_paths("REVIEW_APP_CORPUS_ROOTS")]
    start = startup_corpus()
    if start is not None:
        roots.append(start if start.is_dir() else start.parent)
    return [root.resolve() for root in roots]


def startup_corpus() -> Path | None:
    """The corpus the server was started with (``REVIEW_APP_CORPUS``), if any."""
    raw = os.environ.get("REVIEW_APP_CORPUS", "").strip()
    return Path(raw).expanduser() if raw else None


def resolve_corpus_ref(ref: str) -> Path:
    """A bundled corpus name or a path from the URL -> a corpus path inside an allowed root."""
    ref = ref.strip()
    if not ref:
        raise InputError("no corpus given")
    bundled = bundled_corpora()
    if ref in bundled:
        return bundled[ref]
    candidate = Path(ref).expanduser()
    if not candidate.is_absolute():
        candidate = bundled_corpora_dir() / candidate
    resolved = candidate.resolve()
    if not any(resolved == root or resolved.is_relative_to(root) for root in allowed_roots()):
        raise InputError(
            "this folder is not one the app may open (allowed: the bundled corpora and "
            "REVIEW_APP_CORPUS_ROOTS)",
            ref,
        )
    if not resolved.exists():
        raise InputError("corpus folder not found", ref)
    return resolved


def open_corpus(path: str | os.PathLike) -> Corpus:
    return load_corpus(path)


def path_signature(path: str | os.PathLike) -> tuple:
    """Names, sizes and modification times under a corpus path: reload when any file changes."""
    root = Path(path)
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    out = []
    for file in files:
        try:
            stat = file.stat()
        except OSError:
            continue
        out.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(out)


def bundled_glossaries() -> dict[str, Path]:
    """The glossaries of the glossary folder (``REVIEW_APP_GLOSSARY_DIR``, default the bundled
    ``glossary/``): the ones the Glossary screen edits."""
    try:
        from review_app.glossary.maintenance import list_glossaries
    except ImportError:
        return {}
    return list_glossaries()


def checks_available() -> bool:
    try:
        from review_app.checks import run_checks  # noqa: F401
    except ImportError:
        return False
    return True
