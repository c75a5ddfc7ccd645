"""Arguments several commands share: which corpus, and the metric settings (named as sacrebleu's CLI names them)."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

from review_app.corpus import Corpus, load_corpus, load_texts
from review_app.errors import InputError
from review_app.scoring.metrics import METRIC_IDS, MetricOptions


def add_corpus_arguments(parser: argparse.ArgumentParser, *, refs_required: bool = True) -> None:
    group = parser.add_argument_group("corpus")
    group.add_argument("--hyp", action="append", default=[], metavar="FILE",
                       help="MT output, one segment a line (or TSV/CSV/JSONL columns); repeat for several systems; "
                            "a system is named after its file's stem")
    group.add_argument("--ref", action="append", default=[], metavar="FILE",
                       help="reference translation" + ("" if refs_required else " (optional)") + "; repeat for several")
    group.add_argument("--src", metavar="FILE", help="source text (optional)")
    group.add_argument("--corpus", metavar="DIR",
                       help="a corpus folder (source.*, ref*.en, systems/*.en) or one table with every column; "
                            "--hyp adds systems to it, --ref and --src replace its own")


def corpus_from_args(args: argparse.Namespace, *, refs_required: bool = True) -> Corpus:
    if args.corpus:
        base = load_corpus(args.corpus)
        systems = base.systems + tuple(t for p in args.hyp for t in load_texts(p, "system"))
        references = tuple(t for p in args.ref for t in load_texts(p, "reference")) or base.references
        source = load_texts(args.src, "source")[0] if args.src else base.source
        keep_documents = len(systems[0]) == len(base)
        return Corpus(
            name=base.name, systems=systems, references=references, source=source,
            documents=base.documents if keep_documents else None,
            domains=base.domains if keep_documents else None,
            source_lang=base.source_lang, target_lang=base.target_lang, origin=base.origin,
        )
    if not args.hyp:
        raise InputError("give at least one --hyp FILE (or --corpus DIR)")
    if refs_required and not args.ref:
        raise InputError("give at least one --ref FILE (or --corpus DIR)")
    systems = tuple(t for p in args.hyp for t in load_texts(p, "system"))
    references = tuple(t for p in args.ref for t in load_texts(p, "reference"))
    source = load_texts(args.src, "source")[0] if args.src else None
    folder = os.path.dirname(os.path.abspath(args.hyp[0]))
    if os.path.basename(folder) == "systems":
        folder = os.path.dirname(folder)
    name = os.path.basename(folder) or "corpus"
    return Corpus(name=name, systems=systems, references=references, source=source)


def add_metric_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("metrics (sacrebleu's defaults unless set)")
    group.add_argument("--metrics", "-m", nargs="+", choices=METRIC_IDS, default=list(METRIC_IDS),
                       help="which metrics (default: all four)")
    group.add_argument("--tokenize", "-tok", default=None,
                       help="BLEU tokenizer (sacrebleu's: 13a, intl, zh, char, none, ...; default 13a)")
    group.add_argument("--lowercase", "-lc", action="store_true", help="lowercase for BLEU and chrF")
    group.add_argument("--smooth-method", "-s", default="exp", choices=["none", "floor", "add-k", "exp"])
    group.add_argument("--smooth-value", "-sv", type=float, default=None)
    group.add_argument("--chrf-char-order", "-cc", type=int, default=6)
    group.add_argument("--chrf-word-order", "-cw", type=int, default=2, help="word n-gram order of chrF++ (default 2)")
    group.add_argument("--chrf-beta", type=int, default=2)
    group.add_argument("--chrf-whitespace", action="store_true")
    group.add_argument("--chrf-eps-smoothing", action="store_true")
    group.add_argument("--ter-case-sensitive", action="store_true")
    group.add_argument("--ter-asian-support", action="store_true")
    group.add_argument("--ter-no-punct", action="store_true")
    group.add_argument("--ter-normalized", action="store_true")
    group.add_argument("--ter-implementation", choices=["fast", "sacrebleu"], default=None,
                       help="fast (exact port, default) or sacrebleu's own pure-Python TER")
    group.add_argument("--jobs", "-j", type=int, default=None, help="worker processes (default: all cores)")
    group.add_argument("--no-cache", action="store_true", help="do not read or write the score cache")
    group.add_argument("--cache-dir", default=None, help="score cache folder (default: $REVIEW_APP_CACHE_DIR or ~/.cache/review_app)")


def options_from_args(args: argparse.Namespace) -> MetricOptions:
    if args.ter_implementation:
        os.environ["REVIEW_APP_TER"] = args.ter_implementation
    if args.jobs is not None and args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    return replace(
        MetricOptions(),
        bleu_tokenize=args.tokenize,
        bleu_lowercase=args.lowercase,
        bleu_smooth_method=args.smooth_method,
        bleu_smooth_value=args.smooth_value,
        chrf_char_order=args.chrf_char_order,
        chrf_word_order=args.chrf_word_order,
        chrf_beta=args.chrf_beta,
        chrf_lowercase=args.lowercase,
        chrf_whitespace=args.chrf_whitespace,
        chrf_eps_smoothing=args.chrf_eps_smoothing,
        ter_case_sensitive=args.ter_case_sensitive,
        ter_asian_support=args.ter_asian_support,
        ter_no_punct=args.ter_no_punct,
        ter_normalized=args.ter_normalized,
    )


def cache_from_args(args: argparse.Namespace):
    from review_app.scoring.cache import ScoreCache, default_cache

    if args.no_cache:
        return None
    if args.cache_dir:
        return ScoreCache(args.cache_dir)
    return default_cache()
