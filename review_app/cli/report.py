"""``report``: score every system of every corpus, run the checks, write HTML/Markdown/CSV/JSON reports,
and act as a CI gate (exit 1 when a ``--fail-under``/``--fail-over``/``--max-findings`` condition fails)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from review_app.cli.common import add_metric_arguments, cache_from_args, options_from_args
from review_app.errors import InputError
from review_app.progress import terminal_progress
from review_app.report import FORMATS, ReportSettings, build_report, open_runner, parse_conditions, write_report
from review_app.report.collect import STREAMING_SEGMENTS, STREAMING_THRESHOLD
from review_app.report.executors import LOCAL_DASK
from review_app.report.gate import MAX_FINDINGS, check_systems
from review_app.report.model import DEFAULT_WORST
from review_app.scoring.export import text_table
from review_app.scoring.significance import DEFAULT_BOOTSTRAP

EXIT_GATE_FAILED = 1


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="batch report: score and check every system of one or more corpora; HTML/Markdown/CSV/JSON; CI gate",
        description=(
            "Score every system of every corpus (BLEU, chrF, chrF++, TER with 95%% bootstrap intervals and "
            "paired significance against a baseline), run the glossary and QA checks, and write the report "
            "files into --out. As a CI gate, exits 1 when a --fail-under/--fail-over/--max-findings "
            "condition fails (one line per failure), 2 on bad input."
        ),
    )
    parser.add_argument("corpora", nargs="+", metavar="CORPUS_DIR",
                        help="corpus folders (source.*, ref*.en, systems/*.en) or single table files")
    parser.add_argument("--glossary", metavar="FILE", help="glossary for the glossary checks (CSV/TSV/TBX)")
    parser.add_argument("--no-checks", action="store_true", help="do not run the glossary and QA checks")
    parser.add_argument("--out", "-o", metavar="DIR", default="report", help="folder for the report files (default: report)")
    parser.add_argument("--format", "-f", nargs="+", choices=FORMATS, default=list(FORMATS), dest="formats",
                        help="which files: html (report.html), markdown (report.md), csv (scores.csv, "
                             "findings.csv), json (report.json); default all")
    parser.add_argument("--baseline", metavar="SYSTEM",
                        help="system the others are tested against (paired bootstrap); default the best one")
    parser.add_argument("--bootstrap", type=int, default=DEFAULT_BOOTSTRAP, metavar="N",
                        help=f"bootstrap resamples for intervals and tests (default {DEFAULT_BOOTSTRAP}; 0: none)")
    parser.add_argument("--worst", type=int, default=DEFAULT_WORST, metavar="K",
                        help=f"worst segments listed per system (default {DEFAULT_WORST})")
    gate = parser.add_argument_group("CI gate (exit 1 when a condition fails)")
    gate.add_argument("--fail-under", action="append", default=[], metavar="[SYSTEM:]METRIC=X",
                      help="fail when a system scores below X (BLEU, chrF2, chrF2++); repeatable")
    gate.add_argument("--fail-over", action="append", default=[], metavar="[SYSTEM:]METRIC=X",
                      help="fail when a system scores above X (TER); repeatable")
    gate.add_argument("--max-findings", action="append", default=[], metavar="[SYSTEM:]CHECK=N",
                      help="fail when a system has more than N findings of a check or check prefix "
                           "(glossary, punctuation...; 'all' for every check); repeatable")
    parser.add_argument("--compare-to", metavar="OLD.json",
                        help="a previous report.json (or score --format json): show what got better or worse")
    scale = parser.add_argument_group("scale")
    scale.add_argument("--scheduler", metavar="dask://HOST:PORT",
                       help=f"run the scoring on a Dask cluster (dask://host:port) or a local one ({LOCAL_DASK})")
    scale.add_argument("--streaming", choices=("auto", "on", "off"), default="auto",
                       help="stream huge corpora chunk by chunk (auto: above "
                            f"{STREAMING_THRESHOLD:,} segment x system pairs or {STREAMING_SEGMENTS:,} segments); "
                            "no per-segment rows in the JSON")
    scale.add_argument("--chunk-size", type=int, default=None, metavar="N",
                       help="segments per streamed chunk (default: 1,000 segment x system pairs' worth, 50 to 500)")
    add_metric_arguments(parser)
    parser.set_defaults(func=run)


def load_glossary_file(path: str):
    try:
        from review_app.glossary import load_glossary
    except ImportError as exc:
        raise InputError(f"--glossary needs review_app.glossary, which is not available ({exc})") from None
    return load_glossary(path)


def system_names(paths) -> list[str]:
    """Every system name in the corpora, read cheaply (and every corpus checked to exist)."""
    from review_app.corpus import load_corpus
    from review_app.report.streaming import corpus_files

    names: list[str] = []
    for path in paths:
        if not Path(path).exists():
            raise InputError("corpus not found", str(path))
        if Path(path).is_dir():
            names += [name for name, _ in corpus_files(path).systems]
        else:
            names += list(load_corpus(path).system_names)
    return names


def run(args: argparse.Namespace) -> int:
    options = options_from_args(args)
    metric_ids = tuple(dict.fromkeys(args.metrics))
    if args.bootstrap < 0:
        raise InputError("--bootstrap must be 0 or more")
    if args.worst < 0:
        raise InputError("--worst must be 0 or more")
    if args.chunk_size is not None and args.chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    conditions = parse_conditions(args.fail_under, args.fail_over, args.max_findings,
                                  metric_ids=metric_ids, options=options)
    if args.no_checks and any(c.kind == MAX_FINDINGS for c in conditions):
        raise InputError("--max-findings needs the checks; drop --no-checks")
    names = system_names(args.corpora)
    check_systems(conditions, names)
    if args.baseline and args.baseline not in names:
        raise InputError(f"--baseline {args.baseline!r}: no such system in any corpus")
    if args.compare_to:
        from review_app.report.compare import load_previous

        load_previous(args.compare_to)  # bad JSON is an input error before the long work
    settings = ReportSettings(
        metric_ids=metric_ids,
        options=options,
        cache=cache_from_args(args),
        glossary=load_glossary_file(args.glossary) if args.glossary else None,
        checks=not args.no_checks,
        n_bootstrap=args.bootstrap,
        baseline=args.baseline,
        worst=args.worst,
        streaming=args.streaming,
        chunk_size=args.chunk_size,
    )
    with open_runner(args.scheduler, args.jobs) as runner, terminal_progress("report") as progress:
        report = build_report(
            args.corpora, settings, runner, conditions=conditions, compare_to=args.compare_to,
            glossary_path=args.glossary, progress=progress,
        )
    written = write_report(report, args.out, args.formats)
    print_summary(report, written, runner.description)
    if report.gate is not None and not report.gate.passed:
        for failure in report.gate.failures:
            print(f"FAIL {failure.message}", file=sys.stderr)
        return EXIT_GATE_FAILED
    return 0


def print_summary(report, written, runner_description: str) -> None:
    for corpus in report.corpora:
        names = corpus.metric_names
        rows = []
        for rank, system in enumerate(corpus.ranking(), 1):
            row = {"#": rank, "system": system.name}
            row.update({names[m]: system.scores[m] for m in corpus.metric_ids})
            if corpus.checks == "ran":
                row["findings"] = system.findings_total
            rows.append(row)
        columns = ["#", "system", *(names[m] for m in corpus.metric_ids)] + (["findings"] if corpus.checks == "ran" else [])
        print(f"{corpus.name}: {corpus.n_segments} segments, {len(corpus.systems)} systems"
              + (f", baseline {corpus.baseline}" if corpus.baseline else "")
              + (" (streamed)" if corpus.streaming else ""))
        print(text_table(rows, columns))
        print()
    print(f"ran on {runner_description}; wrote " + ", ".join(str(p) for p in written))
    if report.gate is not None and report.gate.passed:
        print(f"gate passed ({len(report.gate.conditions)} condition(s))")
