"""Glossary validation and loading.

``validate(glossary)`` lists every problem with its line: those met while reading (a bad boolean,
no ``term`` column, a row too long) and the cross-entry ones (a missing term, a duplicate term, a
variant that is another entry's term or its own, a term listed as someone's variant, a form that
is both admitted and forbidden). Terms are compared as the matcher compares them (case, apostrophe
and hyphen style, Unicode form and spacing ignored), so a conflict here is a conflict in matching.
"""

from __future__ import annotations

import os
from pathlib import Path

from review_app.errors import InputError
from review_app.glossary.csvfile import read_glossary_csv
from review_app.glossary.model import ADMITTED, TERM, VARIANTS, Glossary, GlossaryError, GlossaryProblem
from review_app.glossary.normalize import match_key
from review_app.glossary.tbx import read_glossary_tbx

TBX_SUFFIXES = (".tbx", ".xml")


def validate(glossary: Glossary) -> list[GlossaryProblem]:
    problems: list[GlossaryProblem] = list(glossary.problems)
    terms_at: dict[str, tuple[int | None, str]] = {}
    variants_at: dict[str, list[tuple[int | None, str, str]]] = {}  # key -> [(line, variant, its term)]
    admitted_at: dict[str, list[tuple[int | None, str, str]]] = {}

    for term in glossary.terms:
        if not term.term:
            if term.source or term.variants or term.note:
                problems.append(GlossaryProblem(term.line, TERM, "missing term (the approved English form is required)"))
            else:
                problems.append(GlossaryProblem(term.line, TERM, "missing term"))
            continue
        key = match_key(term.term)
        if not key:
            problems.append(GlossaryProblem(term.line, TERM, f"term {term.term!r} has no letters or digits to match"))
            continue
        if key in terms_at:
            line, other = terms_at[key]
            problems.append(GlossaryProblem(term.line, TERM, f"duplicate term {term.term!r} (already on {_where(line)})"))
        else:
            terms_at[key] = (term.line, term.term)
        for variant in term.variants:
            variant_key = match_key(variant)
            if variant_key == key:
                problems.append(GlossaryProblem(
                    term.line, VARIANTS,
                    f"variant {variant!r} is the term itself (matching ignores case, apostrophe and hyphen style; "
                    "to flag wrong case set case_sensitive to true)"))
                continue
            variants_at.setdefault(variant_key, []).append((term.line, variant, term.term))
        for form in term.admitted:
            admitted_at.setdefault(match_key(form), []).append((term.line, form, term.term))

    for key, places in variants_at.items():
        if key in terms_at:
            term_line, term_text = terms_at[key]
            for line, variant, owner in places:
                problems.append(GlossaryProblem(
                    line, VARIANTS, f"variant {variant!r} of {owner!r} is the approved term on {_where(term_line)}"))
                problems.append(GlossaryProblem(
                    term_line, TERM, f"term {term_text!r} is listed as a forbidden variant of {owner!r} on {_where(line)}"))
        owners = {owner for _, _, owner in places}
        if len(owners) > 1:
            line, variant, _ = places[-1]
            problems.append(GlossaryProblem(
                line, VARIANTS,
                f"variant {variant!r} belongs to several terms ({', '.join(sorted(owners))}): which one to suggest?"))
        if key in admitted_at:
            for line, form, owner in admitted_at[key]:
                problems.append(GlossaryProblem(
                    line, ADMITTED, f"{form!r} is admitted for {owner!r} but forbidden on {_where(places[0][0])}"))
    for key, places in admitted_at.items():
        if key in terms_at:
            term_line, term_text = terms_at[key]
            for line, form, owner in places:
                if owner != term_text:
                    problems.append(GlossaryProblem(
                        line, ADMITTED, f"admitted form {form!r} of {owner!r} is the term on {_where(term_line)}"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or "", p.message))


def _where(line: int | None) -> str:
    return f"line {line}" if line is not None else "another entry"


def read_glossary(
    path: str | os.PathLike, data: bytes | None = None, name: str | None = None, source_lang: str | None = None
) -> Glossary:
    """Read a CSV/TSV or TBX glossary (by suffix) without validating it; see :func:`load_glossary`."""
    label = name or str(path)
    if Path(label).suffix.lower() in TBX_SUFFIXES:
        return read_glossary_tbx(path, data=data, name=label, source_lang=source_lang)
    return read_glossary_csv(path, data=data, name=label)


def check_glossary(glossary: Glossary) -> Glossary:
    """Raise :class:`GlossaryError` (an InputError) listing every problem; return the glossary if none."""
    problems = validate(glossary)
    if problems:
        raise GlossaryError(problems, glossary.path)
    return glossary


def load_glossary(
    path: str | os.PathLike, data: bytes | None = None, name: str | None = None, source_lang: str | None = None
) -> Glossary:
    """Read and validate a glossary; a glossary with problems raises :class:`GlossaryError`."""
    if data is None and not Path(path).exists():
        raise InputError("glossary file not found", str(path))
    return check_glossary(read_glossary(path, data=data, name=name, source_lang=source_lang))


def bundled_glossaries_dir() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "glossary"


def bundled_glossaries() -> dict[str, Path]:
    """The glossaries shipped in ``glossary/``, by name (file stem)."""
    root = bundled_glossaries_dir()
    if not root.is_dir():
        return {}
    return {p.stem: p for p in sorted(root.glob("*.csv"))}
