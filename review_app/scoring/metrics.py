"""The metrics and their settings: which sacrebleu classes, built with which options.

Scores are sacrebleu's own: we build sacrebleu's metric objects and call their statistics and
scoring methods. Only TER's inner edit distance may be replaced by an exact, faster port
(:mod:`review_app.scoring.ter_fast`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric

METRIC_IDS = ("bleu", "chrf", "chrf++", "ter")
# Higher is better for all but TER.
LOWER_IS_BETTER = {"ter"}


@dataclass(frozen=True)
class MetricOptions:
    """Every setting that changes a number. sacrebleu's defaults unless the user chooses."""

    bleu_tokenize: str | None = None  # None: sacrebleu's default ("13a", "zh" for Chinese targets...)
    bleu_lowercase: bool = False
    bleu_smooth_method: str = "exp"
    bleu_smooth_value: float | None = None
    bleu_max_ngram_order: int = 4
    chrf_char_order: int = 6
    chrf_word_order: int = 2  # chrF++'s word n-gram order (chrF itself always uses 0)
    chrf_beta: int = 2
    chrf_lowercase: bool = False
    chrf_whitespace: bool = False
    chrf_eps_smoothing: bool = False
    ter_case_sensitive: bool = False
    ter_normalized: bool = False
    ter_no_punct: bool = False
    ter_asian_support: bool = False
    target_lang: str | None = None  # only for BLEU's default tokenizer choice

    def for_metric(self, metric_id: str) -> dict:
        """The settings that matter to one metric (cache keys use this, so other settings don't invalidate)."""
        prefix = {"bleu": "bleu_", "chrf": "chrf_", "chrf++": "chrf_", "ter": "ter_"}[metric_id]
        chosen = {k: v for k, v in asdict(self).items() if k.startswith(prefix)}
        if metric_id == "chrf":
            chosen.pop("chrf_word_order")
        if metric_id == "bleu":
            chosen["target_lang"] = self.target_lang
        if metric_id == "ter":
            chosen["implementation"] = ter_implementation()
        return chosen


def ter_implementation() -> str:
    """Which TER actually runs (``REVIEW_APP_TER``, and whether numba is there): part of cache keys."""
    return "sacrebleu" if ter_class() is TER else "fast"


def ter_class() -> type[TER]:
    from review_app.scoring.ter_fast import ter_class as chosen_ter_class

    return chosen_ter_class()


def build_metric(metric_id: str, options: MetricOptions, *, sentence: bool = False) -> Metric:
    """A sacrebleu metric object. ``sentence=True`` gives the sentence-level variant (BLEU with
    effective order, as ``sacrebleu --sentence-level`` uses)."""
    if metric_id == "bleu":
        return BLEU(
            lowercase=options.bleu_lowercase,
            tokenize=options.bleu_tokenize,
            smooth_method=options.bleu_smooth_method,
            smooth_value=options.bleu_smooth_value,
            max_ngram_order=options.bleu_max_ngram_order,
            effective_order=sentence,
            trg_lang=options.target_lang or "",
        )
    if metric_id in ("chrf", "chrf++"):
        return CHRF(
            char_order=options.chrf_char_order,
            word_order=options.chrf_word_order if metric_id == "chrf++" else 0,
            beta=options.chrf_beta,
            lowercase=options.chrf_lowercase,
            whitespace=options.chrf_whitespace,
            eps_smoothing=options.chrf_eps_smoothing,
        )
    if metric_id == "ter":
        return ter_class()(
            normalized=options.ter_normalized,
            no_punct=options.ter_no_punct,
            asian_support=options.ter_asian_support,
            case_sensitive=options.ter_case_sensitive,
        )
    raise ValueError(f"unknown metric {metric_id!r}; choose from {', '.join(METRIC_IDS)}")


def metric_name(metric_id: str, options: MetricOptions) -> str:
    """sacrebleu's display name: BLEU, chrF2, chrF2++, TER."""
    if metric_id == "bleu":
        return "BLEU"
    if metric_id == "ter":
        return "TER"
    word_order = options.chrf_word_order if metric_id == "chrf++" else 0
    return f"chrF{options.chrf_beta}" + "+" * word_order


def signature(metric: Metric, num_refs: int) -> str:
    metric.num_refs = num_refs
    return metric.get_signature().format()


SACREBLEU_VERSION = sacrebleu.__version__
