"""Work that outlives a script run: scoring, checks and significance tests run in a background
thread, report progress, and hand over their results. Pure (no Streamlit); the app keeps jobs in
``st.cache_resource`` (keyed on corpus content) and polls them, so a person can keep working while
TER or a bootstrap test runs, and a rerun never restarts the work.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from review_app.corpus import Corpus
from review_app.scoring.metrics import METRIC_IDS, MetricOptions
from review_app.scoring.results import CorpusScores, SystemScores, score_corpus

FAST_METRICS = ("bleu", "chrf", "chrf++")  # seconds; TER can take minutes on a large corpus
SLOW_METRICS = ("ter",)


@dataclass(frozen=True)
class Progress:
    done: int = 0
    total: int = 0
    label: str = ""

    @property
    def fraction(self) -> float:
        return min(1.0, self.done / self.total) if self.total else 0.0


class Job:
    """Runs ``work(progress)`` in a daemon thread; ``progress(done, total, label)`` may be called any time."""

    def __init__(
        self, name: str, work: Callable[[Callable[[int, int, str], None]], Any], *, after: threading.Event | None = None
    ):
        self.name = name
        self.after = after  # start the work once this is set (so it does not slow down more urgent work)
        self.progress = Progress(0, 0, name)
        self.result: Any = None
        self.error: BaseException | None = None
        self.started = time.monotonic()
        self.finished_at: float | None = None
        self._done = threading.Event()
        self._work = work
        self._thread = threading.Thread(target=self._run, name=f"review-app {name}", daemon=True)
        self._thread.start()

    def _report(self, done: int, total: int, label: str = "") -> None:
        self.progress = Progress(done, total, label or self.name)

    def _run(self) -> None:
        try:
            if self.after is not None:
                self.after.wait()
            self.result = self._work(self._report)
        except BaseException as exc:  # handed to the page, which shows it
            self.error = exc
        finally:
            self.finished_at = time.monotonic()
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    @property
    def elapsed(self) -> float:
        return (self.finished_at or time.monotonic()) - self.started


def merge_scores(first: CorpusScores, second: CorpusScores) -> CorpusScores:
    """One result with the metrics of both (same corpus, same systems), in METRIC_IDS order."""
    metric_ids = tuple(m for m in METRIC_IDS if m in first.metric_ids or m in second.metric_ids)
    systems = tuple(
        SystemScores(name=a.name, metrics={m: (a.metrics.get(m) or b.metrics[m]) for m in metric_ids})
        for a, b in zip(first.systems, second.systems)
    )
    return CorpusScores(
        corpus_name=first.corpus_name,
        n_segments=first.n_segments,
        n_references=first.n_references,
        metric_ids=metric_ids,
        options=first.options,
        systems=systems,
    )


class ScoringJob:
    """BLEU, chrF and chrF++ first (``fast``), then TER (``full``), in one background thread so the
    two never compete for the worker pool. ``current()`` is the best result so far."""

    def __init__(self, corpus: Corpus, options: MetricOptions = MetricOptions(), metric_ids: Sequence[str] = METRIC_IDS):
        self.corpus = corpus
        self.options = options
        self.fast_ids = tuple(m for m in metric_ids if m not in SLOW_METRICS)
        self.slow_ids = tuple(m for m in metric_ids if m in SLOW_METRICS)
        self.fast: CorpusScores | None = None
        self.full: CorpusScores | None = None
        self.phase = "fast"
        self.fast_finished = threading.Event()  # set when the fast metrics are in (or failed)
        self.job = Job("scores", self._work)

    def _work(self, report):
        try:
            if self.fast_ids:
                self.fast = score_corpus(self.corpus, metric_ids=self.fast_ids, options=self.options, progress=report)
        finally:
            self.fast_finished.set()
        self.phase = "slow"
        if self.slow_ids:
            slow = score_corpus(self.corpus, metric_ids=self.slow_ids, options=self.options, progress=report)
            self.full = merge_scores(self.fast, slow) if self.fast is not None else slow
        else:
            self.full = self.fast
        self.phase = "done"
        return self.full

    @property
    def error(self) -> BaseException | None:
        return self.job.error

    @property
    def progress(self) -> Progress:
        return self.job.progress

    def current(self) -> CorpusScores | None:
        return self.full or self.fast

    @property
    def fast_ready(self) -> bool:
        return self.fast is not None or (self.job.done and not self.fast_ids)

    @property
    def pending_metrics(self) -> tuple[str, ...]:
        return () if self.full is not None else self.slow_ids


def checks_job(corpus: Corpus, glossary, after: threading.Event | None = None) -> Job:
    """The core's QA and glossary checks (``review_app.checks.run_checks``) in the background, started
    once ``after`` is set (the app starts them when BLEU and chrF are in, so they do not slow those)."""

    def work(report):
        from review_app.checks import run_checks

        def progress(*args):  # the checks report (done, total[, label])
            if len(args) >= 2:
                report(int(args[0]), int(args[1]), str(args[2]) if len(args) > 2 else "checks")

        return list(run_checks(corpus, glossary, progress=progress))

    return Job("checks", work, after=after)


def significance_job(result: CorpusScores, baseline: str, n_samples: int) -> Job:
    """sacrebleu's paired bootstrap of every system against ``baseline`` (the core's
    ``paired_bootstrap``), one system and metric at a time so progress can be shown."""
    from dataclasses import replace

    from review_app.scoring.significance import paired_bootstrap

    def work(report):
        base = result.system(baseline)
        others = [s for s in result.systems if s.name != baseline]
        total = len(others) * len(result.metric_ids)
        out = []
        report(0, total, "significance")
        for i, system in enumerate(others):
            for j, metric_id in enumerate(result.metric_ids):
                pair = replace(result, systems=(base, system), metric_ids=(metric_id,))
                out.extend(paired_bootstrap(pair, baseline, n_samples=n_samples))
                report(i * len(result.metric_ids) + j + 1, total, "significance")
        return out

    return Job("significance", work)
