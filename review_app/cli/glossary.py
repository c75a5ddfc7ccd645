"""``glossary``: validate a glossary; convert between CSV and TBX."""

from __future__ import annotations

import argparse
from pathlib import Path

from review_app.cli.output import emit
from review_app.errors import InputError

FORMATS = ("csv", "tbx")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "glossary",
        help="validate a glossary; import TBX to CSV, export CSV to TBX",
        description="Glossary files: CSV (term, source, variants, admitted, case_sensitive, note) or TBX.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    validate = actions.add_parser("validate", help="list every problem of a glossary with its line (exit 2 if any)")
    validate.add_argument("file", metavar="FILE", help="glossary CSV or TBX")
    validate.add_argument("--source-lang", help="source language of a TBX file (default: its most common non-English one)")
    validate.set_defaults(func=run_validate)

    for name, default, help_text in (
        ("import", "csv", "read a TBX (or CSV) glossary and write it as CSV (or TBX)"),
        ("export", "tbx", "read a CSV (or TBX) glossary and write it as TBX (or CSV)"),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("file", metavar="FILE", help="the glossary to read (CSV or TBX, by suffix)")
        action.add_argument("--out", "-o", metavar="PATH", help="write here (atomically) instead of standard output")
        action.add_argument("--format", "-f", choices=FORMATS, default=None,
                            help=f"output format (default: from --out's suffix, else {default})")
        action.add_argument("--source-lang", help="source language (TBX langSet), default zh or the file's own")
        action.add_argument("--tbx-version", type=int, choices=(2, 3), default=2,
                            help="TBX-Basic v2 (martif, default) or v3 (ISO 30042:2019)")
        action.set_defaults(func=run_convert, default_format=default)


def run_validate(args: argparse.Namespace) -> int:
    from review_app.glossary import check_glossary, read_glossary

    path = Path(args.file)
    if not path.exists():
        raise InputError("glossary file not found", args.file)
    glossary = check_glossary(read_glossary(path, source_lang=args.source_lang))
    with_source = sum(1 for t in glossary.terms if t.source)
    variants = sum(len(t.variants) for t in glossary.terms)
    emit(f"{args.file}: {len(glossary)} terms ({with_source} with a source term, {variants} forbidden variants), "
         "no problems", None)
    return 0


def output_format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    if args.out and args.out != "-":
        suffix = Path(args.out).suffix.lower()
        if suffix in (".tbx", ".xml"):
            return "tbx"
        if suffix in (".csv", ".tsv"):
            return "csv"
    return args.default_format


def run_convert(args: argparse.Namespace) -> int:
    from review_app.glossary import glossary_to_csv, glossary_to_tbx, load_glossary

    if not Path(args.file).exists():
        raise InputError("glossary file not found", args.file)
    glossary = load_glossary(args.file, source_lang=args.source_lang)
    if output_format(args) == "tbx":
        text = glossary_to_tbx(glossary, source_lang=args.source_lang, version=args.tbx_version).decode("utf-8")
    else:
        # A .tsv output is written tab-separated, so that it reads back as the TSV its name says.
        tsv = bool(args.out) and Path(args.out).suffix.lower() == ".tsv"
        text = glossary_to_csv(glossary, delimiter="\t" if tsv else ",")
    emit(text, args.out)  # atomic: a temporary file renamed over the old one
    return 0
