"""``score``: corpus and sentence scores of one or more systems, exactly as sacrebleu computes them."""

from __future__ import annotations

import argparse
import json

from review_app.cli.common import (
    add_corpus_arguments,
    add_metric_arguments,
    cache_from_args,
    corpus_from_args,
    options_from_args,
)
from review_app.cli.output import emit
from review_app.progress import terminal_progress
from review_app.scoring.export import (
    markdown_table,
    rows_to_csv,
    scores_to_dict,
    segment_rows,
    signature_lines,
    system_rows,
    text_table,
)
from review_app.scoring.results import score_corpus

FORMATS = ("text", "json", "csv", "markdown")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score MT output against references (BLEU, chrF, chrF++, TER)",
        description="Score MT systems against references with sacrebleu: corpus and sentence level, with signatures.",
    )
    add_corpus_arguments(parser)
    add_metric_arguments(parser)
    parser.add_argument("--glossary", metavar="FILE", help="also run the glossary and QA checks; JSON gets a 'findings' list")
    parser.add_argument("--format", "-f", choices=FORMATS, default="text")
    parser.add_argument("--level", choices=("corpus", "segment"), default="corpus",
                        help="rows of the text, CSV and Markdown tables (JSON always has both)")
    parser.add_argument("--width", "-w", type=int, default=2, help="decimals in text and Markdown tables")
    parser.add_argument("--out", "-o", metavar="PATH", help="write here (atomically) instead of standard output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    corpus = corpus_from_args(args)
    options = options_from_args(args)
    findings = None
    if args.glossary:
        findings = run_glossary_checks(corpus, args.glossary)
    with terminal_progress("scoring") as progress:
        result = score_corpus(
            corpus, metric_ids=args.metrics, options=options,
            cache=cache_from_args(args), jobs=args.jobs, progress=progress,
        )
    emit(render(result, args.format, args.level, args.width, findings), args.out)
    return 0


def run_glossary_checks(corpus, glossary_path: str):
    from review_app.checks import run_checks
    from review_app.glossary import load_glossary

    return run_checks(corpus, load_glossary(glossary_path))


def render(result, fmt: str, level: str, width: int, findings=None) -> str:
    if fmt == "json":
        return json.dumps(scores_to_dict(result, findings), ensure_ascii=False, indent=1)
    names = list(result.metric_names().values())
    if level == "segment":
        rows, columns = segment_rows(result), ["system", "segment", *names]
    else:
        rows, columns = system_rows(result), ["system", *names]
    if fmt == "csv":
        return rows_to_csv(rows, columns)
    if fmt == "markdown":
        body = markdown_table(rows, columns, width)
        return body + "\n\n" + "\n".join(f"- `{line}`" for line in signature_lines(result))
    header = f"{result.corpus_name}: {result.n_segments} segments, {result.n_references} reference(s)"
    out = [header, "", text_table(rows, columns, width), "", *signature_lines(result)]
    if findings is not None:
        out += ["", f"{len(findings)} finding(s); see --format json or the check command"]
    return "\n".join(out)
