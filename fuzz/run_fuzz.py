"""Run one fuzz target for a time budget (hand-run; the CI runs the bounded tests in tests/hardening).

    nice .venv/bin/python fuzz/run_fuzz.py TARGET [--minutes 10] [--atheris]
    nice .venv/bin/python fuzz/fuzz_tbx.py --minutes 15          # the same, one script per reader

Targets: text, table, corpus_dir, glossary_csv, tbx, suppressions, annotations, checks (see
fuzz_targets.py). The property: a reader returns or raises a ``ReviewAppError``; nothing else.

Hypothesis mode (default) runs rounds of generated inputs, alternating the raw strategy (random
bytes, random Unicode in random encodings) and the shaped one (inputs that look like the format),
until the time is up. A failure is shrunk to a minimal example, written to
``fuzz/findings/TARGET.log`` with its traceback, and the run goes on looking for *other* bugs
(a failure already reported is skipped by its signature: exception type and innermost project
frame). The example database is ``fuzz/.hypothesis`` so a found bug is replayed first next time.

``--atheris`` (``pip install atheris``) runs libFuzzer's coverage-guided byte mutation on the
same target instead; crashes are written as ``fuzz/findings/crash-*`` files.

Exit status: 0 when nothing was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

FINDINGS = HERE / "findings"


def signature(exc: BaseException) -> str:
    """Exception type + innermost frame inside review_app (or the target file)."""
    frames = traceback.extract_tb(exc.__traceback__)
    inner = [f for f in frames if "review_app" in f.filename] or [f for f in frames if "fuzz_targets" in f.filename]
    where = f"{Path(inner[-1].filename).name}:{inner[-1].lineno}" if inner else "?"
    return f"{type(exc).__name__} at {where}"


def run_hypothesis(name: str, minutes: float, chunk: int, seed: int | None) -> int:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    import fuzz_targets

    target = fuzz_targets.TARGETS[name]
    FINDINGS.mkdir(exist_ok=True)
    log = FINDINGS / f"{name}.log"
    known: set[str] = set()
    found = 0
    examples = 0
    deadline = time.monotonic() + minutes * 60
    database = DirectoryBasedExampleDatabase(str(HERE / ".hypothesis"))
    rounds = 0
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    while time.monotonic() < deadline:
        strategy = target.shaped if rounds % 2 == 0 else target.raw
        kind = "shaped" if rounds % 2 == 0 else "raw"
        rounds += 1

        @settings(max_examples=chunk, deadline=None, database=database, derandomize=False,
                  suppress_health_check=list(HealthCheck), phases=[Phase.reuse, Phase.generate, Phase.shrink],
                  report_multiple_bugs=False, print_blob=True)
        @given(strategy)
        def property_(case):
            nonlocal examples
            examples += 1
            value, variant = case
            try:
                fuzz_targets.run_one(target, value, variant)
            except Exception as exc:  # noqa: BLE001
                if signature(exc) in known:
                    return  # already reported: look for something else
                raise

        try:
            property_()
        except Exception as exc:  # noqa: BLE001 - a finding
            sig = signature(exc)
            known.add(sig)
            found += 1
            text = "".join(traceback.format_exception(exc))
            with log.open("a", encoding="utf-8") as handle:
                handle.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} {name} ({kind}): {sig}\n{text}\n")
            print(f"[{name}] FOUND {sig} (details in {log})", flush=True)
        if seed is not None:
            break
    fuzz_targets.cleanup()
    summary = (f"{started} .. {time.strftime('%H:%M:%S')}: {name}: {examples} examples in {rounds} rounds "
               f"in {(time.monotonic() - deadline + minutes * 60) / 60:.1f} min, {found} distinct failure(s)")
    with (FINDINGS / "summary.log").open("a", encoding="utf-8") as handle:
        handle.write(summary + "\n")
    print(summary, flush=True)
    return 1 if found else 0


def run_atheris(name: str, minutes: float) -> int:
    import atheris

    with atheris.instrument_imports(include=["review_app"]):
        import review_app.checks  # noqa: F401
        import review_app.corpus  # noqa: F401
        import review_app.glossary  # noqa: F401
        import review_app.review.exchange  # noqa: F401
    import fuzz_targets

    target = fuzz_targets.TARGETS[name]
    if name == "checks":
        raise SystemExit("the checks target takes structured input; use the hypothesis mode")

    def one_input(data: bytes) -> None:
        if not data:
            return
        variant, body = data[0], data[1:]
        value, default_variant = target.from_bytes(body) if target.from_bytes else (body, variant)
        fuzz_targets.run_one(target, value, variant)

    FINDINGS.mkdir(exist_ok=True)
    corpus_dir = HERE / "corpus" / name
    corpus_dir.mkdir(parents=True, exist_ok=True)
    if not any(corpus_dir.iterdir()):
        for number, seed in enumerate(fuzz_targets.seeds(name)):
            (corpus_dir / f"seed-{number}").write_bytes(seed)
    args = [sys.argv[0], str(corpus_dir), f"-max_total_time={int(minutes * 60)}", f"-artifact_prefix={FINDINGS}/crash-{name}-",
            "-rss_limit_mb=2048", "-timeout=20", "-print_final_stats=1"]
    atheris.Setup(args, one_input)
    atheris.Fuzz()
    return 0


def main(name: str | None = None, argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    if name is None:
        parser.add_argument("target")
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget (default 10)")
    parser.add_argument("--chunk", type=int, default=2000, help="examples per hypothesis round")
    parser.add_argument("--atheris", action="store_true", help="coverage-guided byte fuzzing with atheris")
    parser.add_argument("--once", action="store_true", help="one round only (a smoke test)")
    args = parser.parse_args(argv)
    name = name or args.target
    import fuzz_targets

    if name not in fuzz_targets.TARGETS:
        parser.error(f"unknown target {name!r} (known: {', '.join(fuzz_targets.TARGETS)})")
    os.environ.setdefault("REVIEW_APP_CACHE_DIR", str(fuzz_targets.scratch() / "cache"))
    if args.atheris:
        return run_atheris(name, args.minutes)
    return run_hypothesis(name, args.minutes, args.chunk, 0 if args.once else None)


if __name__ == "__main__":
    sys.exit(main())
