"""Glossaries: the approved English form of each term, its source-language form and its forbidden variants.

Public API::

    Term, Glossary, GlossaryProblem, GlossaryError
    read_glossary(path, data=None, name=None, source_lang=None) -> Glossary      # CSV/TSV or TBX, not validated
    load_glossary(path, data=None, name=None, source_lang=None) -> Glossary      # validated; raises GlossaryError
    validate(glossary) -> list[GlossaryProblem]
    check_glossary(glossary) -> Glossary                                         # raises GlossaryError
    glossary_to_csv(glossary, delimiter=",") -> str                             # formula cells neutralised
    glossary_to_tbx(glossary, source_lang=None, version=2) -> bytes
    GlossaryMatcher(glossary).find(text) -> list[TermMatch]; .find_source(text) -> list[SourceMatch]
    bundled_glossaries() -> {name: path}
"""

from review_app.glossary.csvfile import glossary_to_csv, parse_glossary_csv, read_glossary_csv
from review_app.glossary.matcher import GlossaryMatcher, SourceMatch, TermMatch
from review_app.glossary.model import Glossary, GlossaryError, GlossaryProblem, Term
from review_app.glossary.normalize import Normalized, normalize
from review_app.glossary.tbx import glossary_to_tbx, read_glossary_tbx
from review_app.glossary.validate import (
    bundled_glossaries,
    check_glossary,
    load_glossary,
    read_glossary,
    validate,
)

__all__ = [
    "Glossary",
    "GlossaryError",
    "GlossaryMatcher",
    "GlossaryProblem",
    "Normalized",
    "SourceMatch",
    "Term",
    "TermMatch",
    "bundled_glossaries",
    "check_glossary",
    "glossary_to_csv",
    "glossary_to_tbx",
    "load_glossary",
    "normalize",
    "parse_glossary_csv",
    "read_glossary",
    "read_glossary_csv",
    "read_glossary_tbx",
    "validate",
]
