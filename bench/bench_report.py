"""Benchmark of the ``report`` command.

Prints, in one run:

1. the time of a full report (scores with 95% intervals and paired tests, checks with the bundled
   glossary, HTML/Markdown/CSV/JSON) of all 18 WMT22 zh-en systems, with 1 and with 2 jobs;
2. the throughput and peak memory of a report on a generated corpus of 100,000 segments x 5 systems
   (WMT22 lines sampled and perturbed, one reference, documents of 25 segments), which is streamed;
   and, for comparison, the same corpus with 1 system, to show that memory does not grow with the
   number of systems.

Each report runs as its own ``python -m review_app report`` process (score cache off). Times are
wall-clock and CPU (user + system of the process and its workers: the figure to trust when other work
shares the machine). Memory is the peak of the summed proportional set size (PSS: shared pages
counted once) of that process and its workers, sampled every 0.2 s, and the peak resident set of the
main process alone.

    .venv/bin/python bench/bench_report.py [--segments 100000] [--systems 5] [--metrics bleu chrf chrf++ ter]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
WMT22 = REPO.parent / "shared" / "data" / "wmt22-zh-en"
GLOSSARY = REPO / "glossary" / "space-diplomacy.csv"
PYTHON = sys.executable


class PeakMemory:
    """Samples a process tree's memory in a thread until stopped."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid = pid
        self.interval = interval
        self.peak_total = 0  # summed PSS of the tree
        self.peak_main = 0  # RSS of the main process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            main = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            try:
                procs = [main, *main.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        info = proc.memory_full_info()
                        total += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
                self.peak_total = max(self.peak_total, total)
                self.peak_main = max(self.peak_main, main.memory_info().rss)
            except psutil.Error:
                pass
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Run:
    elapsed: float  # wall-clock seconds
    cpu: float  # user + system seconds of the report process and its workers
    memory: PeakMemory
    stdout: str

    def figures(self) -> str:
        return (f"{self.elapsed:6.1f} s wall, {self.cpu:6.1f} s CPU   peak memory {mb(self.memory.peak_total)} "
                f"(main process {mb(self.memory.peak_main)})   load average {os.getloadavg()[0]:.1f}")


def run_report(corpus: Path, out: Path, args: list[str]) -> Run:
    command = [PYTHON, "-m", "review_app", "report", str(corpus), "--out", str(out), "--no-cache", *args]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=REPO)
    with PeakMemory(process.pid) as memory:
        stdout, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"report failed ({process.returncode}):\n{stderr}\n{stdout}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(elapsed, cpu, memory, stdout)


def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def perturb(line: str, rng: random.Random) -> str:
    words = line.split(" ")
    if len(words) > 3:
        roll = rng.random()
        if roll < 0.35:
            del words[rng.randrange(len(words))]
        elif roll < 0.6:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif roll < 0.75:
            i = rng.randrange(len(words))
            words.insert(i, words[i])
    return " ".join(words)


def generate(root: Path, n_segments: int, n_systems: int, seed: int = 1) -> Path:
    """A corpus folder of ``n_segments`` WMT22 segments sampled with replacement, each system's line
    perturbed (a word dropped, swapped or doubled) so that no two segments score alike."""
    rng = random.Random(seed)
    source = read_lines(WMT22 / "source.zh")
    reference = read_lines(WMT22 / "ref-A.en")
    system_files = sorted((WMT22 / "systems").glob("*.en"))[:n_systems]
    systems = {p.stem: read_lines(p) for p in system_files}
    picks = [rng.randrange(len(reference)) for _ in range(n_segments)]
    (root / "systems").mkdir(parents=True, exist_ok=True)
    (root / "source.zh").write_text("".join(source[k] + "\n" for k in picks), encoding="utf-8")
    (root / "ref.en").write_text("".join(reference[k] + "\n" for k in picks), encoding="utf-8")
    (root / "documents.tsv").write_text("".join(f"doc{i // 25}\n" for i in range(n_segments)), encoding="utf-8")
    for name, lines in systems.items():
        text = "".join(perturb(lines[k], rng) + "\n" for k in picks)
        (root / "systems" / f"{name}.en").write_text(text, encoding="utf-8")
    return root


def mb(value: int) -> str:
    return f"{value / 1048576:,.0f} MB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--systems", type=int, default=5)
    parser.add_argument("--metrics", nargs="+", default=["bleu", "chrf", "chrf++", "ter"])
    parser.add_argument("--skip-wmt", action="store_true", help="skip the 18-system WMT22 timing")
    parser.add_argument("--skip-scaling", action="store_true", help="skip the 1-system memory comparison")
    args = parser.parse_args()
    if not (WMT22 / "ref-A.en").exists():
        raise SystemExit(f"WMT22 data not found at {WMT22}")
    metrics = ["--metrics", *args.metrics]
    print(f"CPU cores available: {len(os.sched_getaffinity(0))}; metrics: {' '.join(args.metrics)}; "
          f"load average at start {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")
    from review_app.scoring.metrics import ter_implementation

    print(f"TER implementation: {ter_implementation()}")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        tmp_path = Path(tmp)
        if not args.skip_wmt:
            print("\n== WMT22 zh-en: 1,875 segments x 18 systems, 2 references, full report (checks + glossary, "
                  "1000 bootstrap resamples, all formats)")
            for jobs in (1, 2):
                run = run_report(WMT22, tmp_path / f"wmt-{jobs}", [*metrics, "--jobs", str(jobs),
                                                                   "--glossary", str(GLOSSARY)])
                print(f"  --jobs {jobs}: {run.figures()}")
        runs = [args.systems] + ([] if args.skip_scaling or args.systems == 1 else [1])
        for n_systems in runs:
            corpus = generate(tmp_path / f"gen-{n_systems}", args.segments, n_systems)
            pairs = args.segments * n_systems
            print(f"\n== generated: {args.segments:,} segments x {n_systems} system(s), 1 reference "
                  f"({sum(p.stat().st_size for p in corpus.rglob('*') if p.is_file()) / 1048576:.0f} MB of text), "
                  "streamed, --jobs 2")
            run = run_report(corpus, tmp_path / f"gen-out-{n_systems}", [*metrics, "--jobs", "2", "--streaming", "on"])
            print(f"  {run.figures()}")
            print(f"  throughput {pairs / run.elapsed:,.0f} segment-systems/s wall; "
                  f"{pairs / run.cpu:,.0f} segment-systems per CPU second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
