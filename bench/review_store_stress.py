"""Several processes writing to one review database at once; checks that nothing is lost.

    .venv/bin/python bench/review_store_stress.py [--processes 4] [--rounds 200] [--url URL]

Each process, ``rounds`` times: appends an annotation to a segment all processes share, saves a
verdict on a segment of its own, and does a read-modify-write of the shared segment's comment
(adding its token, retrying on ConflictError). At the end every annotation, every verdict and
every token must be there. Prints the throughput. ``tests/review/test_concurrency.py`` imports
:func:`writer` from here (spawned processes need an importable function).
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

CORPUS = "stress"
SHARED_SYSTEM = "shared"
SHARED_SEGMENT = 1


def writer(url: str, worker: int, rounds: int, start: multiprocessing.synchronize.Event | None = None) -> None:
    from review_app.review import ConflictError, ReviewStore

    store = ReviewStore(url)
    try:
        if start is not None:
            start.wait(60)
        for i in range(rounds):
            text = f"w{worker}r{i}"
            store.add_annotation(
                CORPUS, SHARED_SYSTEM, SHARED_SEGMENT, start=0, end=len(text), text=text,
                category="Accuracy/Mistranslation", severity="minor", rater=f"worker{worker}",
            )
            store.save_review(
                CORPUS, f"own{worker}", i + 1, reviewer=f"worker{worker}", base_version=0, verdict="accepted"
            )
            while True:
                current = store.get_segment(CORPUS, SHARED_SYSTEM, SHARED_SEGMENT)
                try:
                    store.save_review(
                        CORPUS, SHARED_SYSTEM, SHARED_SEGMENT, reviewer=f"worker{worker}",
                        base_version=current.version, comment=current.comment + f" {text}",
                    )
                    break
                except ConflictError:
                    continue
    finally:
        store.close()


def check(url: str, processes: int, rounds: int) -> list[str]:
    """What is missing (empty when nothing was lost)."""
    from review_app.review import ReviewStore

    problems = []
    with ReviewStore(url) as store:
        shared = store.get_segment(CORPUS, SHARED_SYSTEM, SHARED_SEGMENT)
        texts = sorted(a.text for a in shared.annotations)
        expected = sorted(f"w{w}r{i}" for w in range(processes) for i in range(rounds))
        if texts != expected:
            problems.append(f"annotations: {len(texts)} of {len(expected)}")
        tokens = sorted(shared.comment.split())
        if tokens != expected:
            problems.append(f"comment tokens: {len(tokens)} of {len(expected)}")
        if shared.version != processes * rounds:
            problems.append(f"shared version {shared.version}, expected {processes * rounds}")
        for w in range(processes):
            reviewed = store.reviewed_segments(CORPUS, f"own{w}")
            if reviewed != list(range(1, rounds + 1)):
                problems.append(f"worker {w}: {len(reviewed)} of {rounds} verdicts")
        saves = [h for h in store.history(CORPUS) if h.action == "save_review"]
        if len(saves) != 2 * processes * rounds:
            problems.append(f"audit log: {len(saves)} saves of {2 * processes * rounds}")
    return problems


def run(url: str, processes: int, rounds: int) -> tuple[float, list[int]]:
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [context.Process(target=writer, args=(url, w, rounds, start)) for w in range(processes)]
    for process in workers:
        process.start()
    began = time.perf_counter()
    start.set()
    for process in workers:
        process.join(300)
    return time.perf_counter() - began, [p.exitcode for p in workers]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--url", help="SQLAlchemy URL of an empty database (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'stress.sqlite3'}"
        from review_app.review import ReviewStore

        ReviewStore(url).close()  # create the schema before the race
        seconds, exit_codes = run(url, args.processes, args.rounds)
        problems = check(url, args.processes, args.rounds)
    writes = args.processes * args.rounds * 3
    print(f"{args.processes} processes x {args.rounds} rounds: {writes} writes in {seconds:.2f} s "
          f"({writes / seconds:.0f} writes/s, conflicts retried); exit codes {exit_codes}")
    for problem in problems:
        print("LOST:", problem)
    return 1 if problems or any(exit_codes) else 0


if __name__ == "__main__":
    sys.exit(main())
