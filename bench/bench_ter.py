"""Benchmark: sacrebleu's TER vs review_app's FastTER on the WMT22 zh-en systems.

For every system: sacrebleu TER time, FastTER time, the ratio, and whether the
per-segment statistics are identical; then the totals, and FastTER's time for
all systems with the segments split across a process pool (--jobs, default 2).
Each time is one metric's per-segment statistics plus the corpus score (what
corpus_score() does), on one core, with the references tokenized once up front.

sacrebleu needs ~40 s per 1,875-segment system (~12 min for all 18):
    .venv/bin/python bench/bench_ter.py                       # everything
    .venv/bin/python bench/bench_ter.py --systems 2           # first 2 systems
    .venv/bin/python bench/bench_ter.py --sample-segments 200 # 200 random segments per system
    .venv/bin/python bench/bench_ter.py --no-sacrebleu        # FastTER only
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sacrebleu.metrics import TER  # noqa: E402

from review_app.textio import read_lines  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data" / "wmt22-zh-en"


def timed_stats(metric_class, hyps, refs):
    metric = metric_class(references=[refs])  # references tokenized once, outside the timing
    t0 = time.perf_counter()
    stats = metric._extract_corpus_statistics(hyps, None)
    score = metric._aggregate_and_compute(stats).score
    return time.perf_counter() - t0, stats, score


def _worker_init() -> None:
    from review_app.scoring.ter_fast import translation_edit_rate
    translation_edit_rate(["warm", "up"], ["up", "warm"])  # load numba's cached machine code


def _worker_pid(_: int) -> int:
    time.sleep(0.3)
    return os.getpid()


def _worker_stats(hyps: list[str], refs: list[str]) -> list:
    from review_app.scoring.ter_fast import FastTER
    return FastTER()._extract_corpus_statistics(hyps, [refs])


def main() -> None:
    ap = argparse.ArgumentParser(description="sacrebleu TER vs FastTER timings")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--systems", type=int, default=None, help="first N systems (default: all)")
    ap.add_argument("--sample-segments", type=int, default=None,
                    help="score only this many random segments per system (same ones for each)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="processes for the parallel FastTER run")
    ap.add_argument("--chunk", type=int, default=250, help="segments per task in the parallel run")
    ap.add_argument("--no-sacrebleu", action="store_true", help="time FastTER only")
    args = ap.parse_args()

    if not (args.data / "ref-A.en").exists():
        raise SystemExit(f"WMT22 data not found at {args.data}")
    refs = read_lines(args.data / "ref-A.en")
    system_paths = sorted((args.data / "systems").glob("*.en"))[: args.systems]
    systems = {p.stem: read_lines(p) for p in system_paths}
    indices = list(range(len(refs)))
    if args.sample_segments:
        indices = sorted(random.Random(args.seed).sample(indices, min(args.sample_segments, len(refs))))
        refs = [refs[i] for i in indices]
        systems = {k: [v[i] for i in indices] for k, v in systems.items()}

    t0 = time.perf_counter()
    from review_app.scoring.ter_fast import FastTER, translation_edit_rate
    translation_edit_rate(["warm", "up"], ["up", "warm"])
    print(f"FastTER import + first call (numba compile or cache load): {time.perf_counter() - t0:.2f}s")
    print(f"{len(systems)} systems x {len(refs)} segments, reference ref-A.en\n")

    print(f"{'system':28s} {'sacrebleu':>10s} {'FastTER':>9s} {'speed-up':>9s}  identical  TER")
    tot_slow = tot_fast = 0.0
    all_identical = True
    fast_stats = {}
    for name, hyps in systems.items():
        t_fast, stats_fast, score_fast = timed_stats(FastTER, hyps, refs)
        fast_stats[name] = stats_fast
        tot_fast += t_fast
        if args.no_sacrebleu:
            print(f"{name:28s} {'-':>10s} {t_fast:8.2f}s {'-':>9s}  {'-':9s}  {score_fast:.4f}", flush=True)
            continue
        t_slow, stats_slow, score_slow = timed_stats(TER, hyps, refs)
        tot_slow += t_slow
        identical = stats_fast == stats_slow and score_fast == score_slow
        all_identical &= identical
        print(f"{name:28s} {t_slow:9.2f}s {t_fast:8.2f}s {t_slow / t_fast:8.1f}x  "
              f"{'yes' if identical else 'NO':9s}  {score_fast:.4f}", flush=True)
    if args.no_sacrebleu:
        print(f"{'TOTAL':28s} {'-':>10s} {tot_fast:8.2f}s")
    else:
        print(f"{'TOTAL':28s} {tot_slow:9.2f}s {tot_fast:8.2f}s {tot_slow / tot_fast:8.1f}x  "
              f"{'yes' if all_identical else 'NO'}")

    # FastTER across processes: all systems' segments in chunks of --chunk.
    with ProcessPoolExecutor(args.jobs, initializer=_worker_init) as pool:
        pids = set(pool.map(_worker_pid, range(args.jobs)))  # start (and warm) every worker
        t0 = time.perf_counter()
        futures = {}
        for name, hyps in systems.items():
            for start in range(0, len(refs), args.chunk):
                futures[name, start] = pool.submit(
                    _worker_stats, hyps[start:start + args.chunk], refs[start:start + args.chunk])
        parallel = {name: [] for name in systems}
        for (name, _), fut in futures.items():
            parallel[name].extend(fut.result())
        t_par = time.perf_counter() - t0
    same = parallel == fast_stats
    print(f"\nFastTER, {len(pids)} processes (segments in chunks of {args.chunk}): {t_par:.2f}s wall "
          f"for all {len(systems)} systems vs {tot_fast:.2f}s on one process "
          f"({tot_fast / t_par:.2f}x); identical to the single-process stats: {'yes' if same else 'NO'}")
    print(f"(os.cpu_count() = {os.cpu_count()}; other work on the machine affects every figure)")
    reopen_cached(args.data, args.jobs)


def reopen_cached(data: Path, jobs: int) -> None:
    """Open the whole corpus (all systems, both references, all four metrics) twice with an empty
    score cache: the second open is what the app and the CLI pay for a corpus seen before."""
    import tempfile

    from review_app.corpus import load_corpus_dir
    from review_app.scoring.cache import ScoreCache
    from review_app.scoring.results import score_corpus

    corpus = load_corpus_dir(data)
    with tempfile.TemporaryDirectory() as folder:
        cache = ScoreCache(folder)
        t0 = time.perf_counter()
        first = score_corpus(corpus, cache=cache, jobs=jobs)
        t_first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = score_corpus(corpus, cache=cache, jobs=jobs)
        t_again = time.perf_counter() - t0
    print(f"\nWhole corpus ({len(corpus.systems)} systems x {len(corpus)} segments, "
          f"{len(corpus.references)} refs, BLEU+chrF+chrF+++TER, {jobs} jobs): first open {t_first:.1f}s, "
          f"reopen from the score cache {t_again:.1f}s (identical: {'yes' if first == again else 'NO'})")


if __name__ == "__main__":
    main()
