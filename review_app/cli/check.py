"""``check``: glossary and QA checks on MT output; findings as text, JSON or CSV."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from review_app.checks import CHECKS, SEVERITIES, CheckCorpus, findings_summary, load_suppressions, run_checks
from review_app.cli.output import emit
from review_app.corpus import bundled_corpora, load_texts, stem
from review_app.errors import InputError
from review_app.safety import csv_text

FORMATS = ("text", "json", "csv")
FAIL_ON = ("never", "error", "warning", "info")
CSV_COLUMNS = ("system", "segment", "check", "severity", "start", "end", "text", "suggestion", "message", "document")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check",
        help="glossary and QA checks on MT output (wrong terms, repeated words, numbers, ...)",
        description="Flag what a reviewer must fix in MT output: glossary terms (wrong case, forbidden "
                    "variants, missing, inconsistent) and QA problems (repeats, numbers, untranslated "
                    "text, brackets, quotes, spacing, punctuation, length). References are optional.",
    )
    group = parser.add_argument_group("corpus")
    group.add_argument("--hyp", action="append", default=[], metavar="FILE",
                       help="MT output, one segment a line (or TSV/CSV/JSONL columns); repeat for several systems")
    group.add_argument("--ref", action="append", default=[], metavar="FILE",
                       help="reference translation (optional; several allowed); makes the checks more precise")
    group.add_argument("--src", metavar="FILE", help="source text (optional)")
    group.add_argument("--corpus", metavar="DIR",
                       help="a corpus folder or table, or the name of a bundled corpus (e.g. tianwen-1); "
                            "--hyp adds systems to it, --ref and --src replace its own")
    parser.add_argument("--glossary", metavar="FILE",
                        help="glossary CSV or TBX (or a bundled one by name, e.g. space-diplomacy); "
                             "without it the glossary checks are skipped")
    parser.add_argument("--disable", action="append", default=[], metavar="ID",
                        help="switch a check off (repeat, or separate ids with commas)")
    parser.add_argument("--only", action="append", default=None, metavar="ID",
                        help="run only these checks (repeat, or separate ids with commas)")
    parser.add_argument("--suppressions", metavar="FILE",
                        help="CSV or JSON of findings marked 'not an error' (system, segment, check, text)")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")
    parser.add_argument("--out", "-o", metavar="PATH", help="write here (atomically) instead of standard output")
    parser.add_argument("--fail-on", choices=FAIL_ON, default="never",
                        help="exit with 1 when a finding of this severity or worse remains (default: never)")
    parser.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    parser.set_defaults(func=run)


def split_ids(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [piece.strip() for value in values for piece in value.split(",") if piece.strip()]


def resolve_glossary(value: str) -> str:
    from review_app.glossary import bundled_glossaries

    if Path(value).exists():
        return value
    bundled = bundled_glossaries()
    if value in bundled:
        return str(bundled[value])
    raise InputError("glossary file not found" + (f" (bundled: {', '.join(bundled)})" if bundled else ""), value)


def build_corpus(args: argparse.Namespace):
    """A Corpus from the arguments, or a CheckCorpus when no reference is given anywhere."""
    from review_app.cli.common import corpus_from_args

    if args.corpus and not Path(args.corpus).exists():
        bundled = bundled_corpora()
        if args.corpus in bundled:
            args.corpus = str(bundled[args.corpus])
    if args.corpus or args.ref:
        return corpus_from_args(args, refs_required=False)
    if not args.hyp:
        raise InputError("give at least one --hyp FILE (or --corpus DIR)")
    systems = tuple(t for p in args.hyp for t in load_texts(p, "system"))
    source = load_texts(args.src, "source")[0] if args.src else None
    return CheckCorpus(name=stem(args.hyp[0]), systems=systems, source=source)


def run(args: argparse.Namespace) -> int:
    if args.list_checks:
        emit(checks_table(), args.out)
        return 0
    corpus = build_corpus(args)
    glossary = None
    if args.glossary:
        from review_app.glossary import load_glossary

        glossary = load_glossary(resolve_glossary(args.glossary))
    suppressions = load_suppressions(args.suppressions) if args.suppressions else None
    findings = run_checks(
        corpus, glossary, disabled=split_ids(args.disable), only=split_ids(args.only), suppressions=suppressions,
    )
    if args.format == "json":
        text = findings_json(findings, corpus, glossary)
    elif args.format == "csv":
        text = findings_csv(findings)
    else:
        text = findings_text(findings, corpus)
    emit(text, args.out)
    if args.fail_on != "never":
        worst = SEVERITIES.index(args.fail_on)
        if any(SEVERITIES.index(f.severity) <= worst for f in findings):
            return 1
    return 0


def checks_table() -> str:
    width = max(len(check_id) for check_id in CHECKS)
    lines = [f"{spec.id:{width}}  {spec.severity:7}  {spec.description}" for spec in CHECKS.values()]
    return "\n".join(lines)


def findings_text(findings, corpus) -> str:
    lines = []
    for f in findings:
        where = f"{f.system}:{f.segment}" + (f":{f.start}-{f.end}" if f.start is not None else "")
        suggestion = f" -> {f.suggestion!r}" if f.suggestion else ""
        lines.append(f"{where}  {f.severity:7}  {f.check}: {f.message}{suggestion}")
    severities = Counter(f.severity for f in findings)
    counts = ", ".join(f"{severities[s]} {s}{'s' if severities[s] != 1 else ''}" for s in SEVERITIES if severities[s])
    systems = len(corpus.systems)
    lines.append("")
    lines.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''}"
                 + (f" ({counts})" if counts else "")
                 + f" in {systems} system{'s' if systems != 1 else ''} x {len(corpus)} segments")
    return "\n".join(lines)


def findings_json(findings, corpus, glossary) -> str:
    data = {
        "corpus": getattr(corpus, "name", None),
        "systems": [s.name for s in corpus.systems],
        "segments": len(corpus),
        "references": [r.name for r in getattr(corpus, "references", ())],
        "glossary": getattr(glossary, "path", None),
        "summary": findings_summary(findings),
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def findings_csv(findings) -> str:
    """Findings as CSV for a spreadsheet: text cells neutralised (:func:`review_app.safety.csv_text`);
    ``--suppressions`` reads the file back as it was before neutralising."""
    rows = [CSV_COLUMNS]
    for finding in findings:
        row = finding.to_dict()
        rows.append(["" if row[column] is None else row[column] for column in CSV_COLUMNS])
    return csv_text(rows)
