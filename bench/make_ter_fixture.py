"""Precompute sacrebleu's own per-segment TER statistics for the WMT22 zh-en
systems, as a fixture for tests/scoring/test_ter_fast.py.

sacrebleu's pure-Python TER takes ~40 s per 1,875-segment system, so the 18
systems are scored once here (one system per task, 2 worker processes) and the
result is committed as tests/fixtures/wmt22_ter_ref-A.json.gz.

Usage:  .venv/bin/python bench/make_ter_fixture.py [--data DIR] [--out FILE] [--jobs 2]
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
from multiprocessing import Pool
from pathlib import Path

import sacrebleu
from sacrebleu.metrics import TER

from review_app.textio import read_lines

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "wmt22-zh-en"
DEFAULT_OUT = REPO / "tests" / "fixtures" / "wmt22_ter_ref-A.json.gz"
REF_NAME = "ref-A.en"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def signature() -> str:
    metric = TER()
    metric.corpus_score(["x"], [["x"]])  # resolves nrefs:1 for the signature
    return str(metric.get_signature())


def score_system(args: tuple[str, str]) -> tuple[str, list[list[int]], float, float]:
    sys_path, ref_path = map(Path, args)
    hyps = read_lines(sys_path)
    refs = read_lines(ref_path)
    assert len(hyps) == len(refs), (sys_path, len(hyps), len(refs))
    metric = TER()  # default options: case-insensitive, not normalized, punctuation kept
    t0 = time.perf_counter()
    stats = metric._extract_corpus_statistics(hyps, [refs])
    elapsed = time.perf_counter() - t0
    score = metric._aggregate_and_compute(stats).score
    pairs = []
    for num_edits, ref_len in stats:
        assert float(ref_len).is_integer()
        pairs.append([int(num_edits), int(ref_len)])
    return sys_path.stem, pairs, score, elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()

    ref_path = args.data / REF_NAME
    systems = sorted((args.data / "systems").glob("*.en"))
    if not systems:
        raise SystemExit(f"no systems found under {args.data / 'systems'}")

    result = {
        "description": "sacrebleu TER() per-segment stats [num_edits, ref_len], "
                       "WMT22 zh-en systems vs " + REF_NAME,
        "sacrebleu_version": sacrebleu.__version__,
        "signature": signature(),
        "reference": REF_NAME,
        "reference_sha256": sha256(ref_path),
        "systems": {},
    }
    t0 = time.perf_counter()
    with Pool(args.jobs) as pool:
        for name, pairs, score, elapsed in pool.imap_unordered(
                score_system, [(str(p), str(ref_path)) for p in systems]):
            result["systems"][name] = {
                "sha256": sha256(args.data / "systems" / f"{name}.en"),
                "score": score,
                "stats": pairs,
            }
            print(f"{name:28s} TER={score:.4f}  {elapsed:6.1f}s", flush=True)
    result["systems"] = dict(sorted(result["systems"].items()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(result, f, separators=(",", ":"))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes) "
          f"in {time.perf_counter() - t0:.0f}s wall")


if __name__ == "__main__":
    main()
