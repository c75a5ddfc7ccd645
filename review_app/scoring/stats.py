"""Per-segment sufficient statistics: computed once, in parallel chunks, cached on disk.

Everything else (sentence scores, corpus scores, confidence intervals, significance) is derived
from these statistics, as sacrebleu itself does. Segments are independent, so the corpus is split
into chunks of segments; each chunk processes its references once per metric and then every
system's hypotheses, so no text is tokenized twice and both cores are used.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Callable, Sequence

from review_app.scoring.cache import ScoreCache, stats_key
from review_app.scoring.metrics import MetricOptions, build_metric

Stats = list[list[float]]  # one row per segment, as sacrebleu's _extract_corpus_statistics returns
ProgressCallback = Callable[[int, int, str], None]

# Below this many segment x system pairs, a worker pool costs more than it saves.
MIN_PARALLEL_WORK = 4000
CHUNKS_PER_JOB = 4


@dataclass(frozen=True)
class StatsJob:
    """One chunk of segments: all requested systems' hypotheses and the references for it."""

    metric_ids: tuple[str, ...]
    options: MetricOptions
    hypotheses: tuple[tuple[str, ...], ...]  # per system
    references: tuple[tuple[str, ...], ...]  # per reference stream
    start: int


def prepare(text: str) -> str:
    # sacrebleu's command line strips trailing white space from every line it reads.
    return text.rstrip()


def compute_chunk(job: StatsJob) -> tuple[int, dict[str, list[Stats]]]:
    """Statistics of one chunk: {metric_id: [stats of system 0, stats of system 1, ...]}."""
    out: dict[str, list[Stats]] = {}
    for metric_id in job.metric_ids:
        # A metric object per call (cheap to build): it holds this chunk's reference cache, so
        # threads sharing one (a multi-threaded Dask worker) must not share the object.
        metric = build_metric(metric_id, job.options)
        metric._ref_cache = metric._cache_references(job.references)
        out[metric_id] = [metric._extract_corpus_statistics(hyps, None) for hyps in job.hypotheses]
    return job.start, out


_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool kept for the life of the process (the app scores many times).

    Workers start from a fork server: a clean process that has imported only this module, so they
    inherit none of the caller's threads, locks or sockets (forked straight from the Streamlit
    server, they held its browser connections half-open). As with spawn, the caller's main module is
    re-imported in the workers under another name: scripts must keep their work under
    ``if __name__ == "__main__"``.
    """
    global _POOL, _POOL_SIZE
    if _POOL is None or _POOL_SIZE != jobs:
        if _POOL is not None:
            _POOL.shutdown(cancel_futures=True)
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            context.set_forkserver_preload(["review_app.scoring.stats", "review_app.scoring.ter_fast"])
        _POOL = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
        _POOL_SIZE = jobs
    return _POOL


def split_jobs(
    metric_ids: Sequence[str],
    options: MetricOptions,
    hypotheses: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    chunks: int,
) -> list[StatsJob]:
    n = len(references[0])
    size = max(1, -(-n // max(1, chunks)))
    jobs = []
    for start in range(0, n, size):
        stop = min(n, start + size)
        jobs.append(
            StatsJob(
                metric_ids=tuple(metric_ids),
                options=options,
                hypotheses=tuple(tuple(prepare(t) for t in hyps[start:stop]) for hyps in hypotheses),
                references=tuple(tuple(prepare(t) for t in ref[start:stop]) for ref in references),
                start=start,
            )
        )
    return jobs


def compute_stats(
    metric_ids: Sequence[str],
    options: MetricOptions,
    hypotheses: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    *,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> dict[str, list[Stats]]:
    """Statistics for every metric and system: {metric_id: [per-system stats]} (no cache)."""
    if not metric_ids or not hypotheses:
        return {m: [[] for _ in hypotheses] for m in metric_ids}
    n = len(references[0])
    jobs = jobs or default_jobs()
    parallel = executor is not None or (jobs > 1 and n * len(hypotheses) * len(metric_ids) >= MIN_PARALLEL_WORK)
    chunks = (jobs * CHUNKS_PER_JOB if parallel else 1) if executor is None else max(8, jobs * CHUNKS_PER_JOB)
    work = split_jobs(metric_ids, options, hypotheses, references, chunks)
    results: dict[int, dict[str, list[Stats]]] = {}
    label = "+".join(metric_ids)
    if progress:
        progress(0, len(work), label)
    if parallel:
        pool = executor or worker_pool(jobs)
        futures = [pool.submit(compute_chunk, job) for job in work]
        for done, future in enumerate(as_completed(futures), 1):
            start, chunk = future.result()
            results[start] = chunk
            if progress:
                progress(done, len(work), label)
    else:
        for done, job in enumerate(work, 1):
            start, chunk = compute_chunk(job)
            results[start] = chunk
            if progress:
                progress(done, len(work), label)
    merged: dict[str, list[Stats]] = {m: [[] for _ in hypotheses] for m in metric_ids}
    for start in sorted(results):
        for metric_id, per_system in results[start].items():
            for system_index, rows in enumerate(per_system):
                merged[metric_id][system_index].extend(rows)
    return merged


def cached_stats(
    metric_ids: Sequence[str],
    options: MetricOptions,
    hypotheses: Sequence[Sequence[str]],
    references: Sequence[Sequence[str]],
    *,
    cache: ScoreCache | None = None,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
) -> dict[str, list[Stats]]:
    """Like :func:`compute_stats`, but takes what the cache has and computes only the rest."""
    out: dict[str, list[Stats | None]] = {m: [None] * len(hypotheses) for m in metric_ids}
    missing: dict[str, list[int]] = {}
    keys: dict[tuple[str, int], str] = {}
    for metric_id in metric_ids:
        settings = options.for_metric(metric_id)
        for index, hyps in enumerate(hypotheses):
            if cache is None:
                missing.setdefault(metric_id, []).append(index)
                continue
            key = stats_key(metric_id, settings, hyps, references)
            keys[metric_id, index] = key
            found = cache.get(key)
            if found is None:
                missing.setdefault(metric_id, []).append(index)
            else:
                out[metric_id][index] = found
    # Group metrics that miss the same systems so one pass over the chunks serves them all.
    groups: dict[tuple[int, ...], list[str]] = {}
    for metric_id, indices in missing.items():
        groups.setdefault(tuple(indices), []).append(metric_id)
    for indices, group in groups.items():
        computed = compute_stats(
            group, options, [hypotheses[i] for i in indices], references,
            jobs=jobs, progress=progress, executor=executor,
        )
        for metric_id, per_system in computed.items():
            for index, stats in zip(indices, per_system):
                out[metric_id][index] = stats
                if cache is not None:
                    cache.put(keys[metric_id, index], stats)
    return out  # type: ignore[return-value]
