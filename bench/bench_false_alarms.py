"""False alarms of the checks on good English: the WMT22 zh-en human references.

ref-A is checked as if it were MT against ref-B as the reference (with source.zh and the
document ids), then ref-B against ref-A. Every finding on a human reference is a false alarm
unless the reference truly has the defect, so findings per 1,000 segments by check is the
false-alarm rate (an upper bound). For comparison the same figures for the 18 MT systems.

    .venv/bin/python bench/bench_false_alarms.py [--data DIR] [--show CHECK] [--no-systems]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from review_app.checks import CHECKS, run_checks  # noqa: E402
from review_app.corpus import Corpus, Text, read_documents, read_text_file  # noqa: E402
from review_app.glossary import load_glossary  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wmt22-zh-en"
DEFAULT_GLOSSARY = ROOT / "glossary" / "space-diplomacy.csv"


def reference_corpora(data: Path) -> list[Corpus]:
    """Two corpora: ref-A as MT against ref-B, and ref-B as MT against ref-A."""
    source = read_text_file(data / "source.zh", "source")
    ref_a = read_text_file(data / "ref-A.en", "ref-A")
    ref_b = read_text_file(data / "ref-B.en", "ref-B")
    documents, domains = read_documents(data / "documents.tsv")
    return [
        Corpus(name=f"{mt.name}-vs-{ref.name}", systems=(mt,), references=(Text(ref.name + "-ref", ref.segments, ref.path),),
               source=source, documents=documents, domains=domains)
        for mt, ref in ((ref_a, ref_b), (ref_b, ref_a))
    ]


def reference_false_alarms(data: Path, glossary=None, **options):
    """All findings on the two references checked as MT, and the number of segments checked."""
    findings = []
    segments = 0
    for corpus in reference_corpora(data):
        findings += run_checks(corpus, glossary, **options)
        segments += len(corpus)
    return findings, segments


def per_thousand(findings, segments: int) -> dict[str, float]:
    counts = Counter(f.check for f in findings)
    return {check: 1000.0 * counts.get(check, 0) / segments for check in CHECKS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--glossary", type=Path, default=DEFAULT_GLOSSARY)
    parser.add_argument("--show", action="append", default=[], metavar="CHECK", help="print the hits of this check")
    parser.add_argument("--no-systems", action="store_true", help="skip the 18 MT systems")
    args = parser.parse_args(argv)
    glossary = load_glossary(args.glossary)

    started = time.perf_counter()
    findings, segments = reference_false_alarms(args.data, glossary)
    ref_seconds = time.perf_counter() - started
    ref_rates = per_thousand(findings, segments)

    sys_rates = None
    if not args.no_systems:
        source = read_text_file(args.data / "source.zh", "source")
        refs = (read_text_file(args.data / "ref-A.en", "ref-A"), read_text_file(args.data / "ref-B.en", "ref-B"))
        documents, domains = read_documents(args.data / "documents.tsv")
        systems = tuple(read_text_file(p) for p in sorted((args.data / "systems").glob("*.en")))
        corpus = Corpus(name="wmt22", systems=systems, references=refs, source=source, documents=documents, domains=domains)
        started = time.perf_counter()
        system_findings = run_checks(corpus, glossary)
        sys_seconds = time.perf_counter() - started
        sys_rates = per_thousand(system_findings, len(corpus) * len(systems))

    print(f"False alarms on WMT22 zh-en human references ({segments} reference segments checked, "
          f"{ref_seconds:.1f} s); per 1,000 segments")
    header = f"{'check':28} {'refs':>7}" + (f" {'18 MT systems':>14}" if sys_rates else "")
    print(header)
    print("-" * len(header))
    for check in CHECKS:
        line = f"{check:28} {ref_rates[check]:7.2f}"
        if sys_rates:
            line += f" {sys_rates[check]:14.2f}"
        print(line)
    total = sum(ref_rates.values())
    print("-" * len(header))
    print(f"{'all checks':28} {total:7.2f}" + (f" {sum(sys_rates.values()):14.2f}" if sys_rates else ""))
    if sys_rates:
        print(f"(18 systems x 1,875 segments checked against both references in {sys_seconds:.1f} s)")

    for check in args.show:
        print(f"\n== {check} on the references")
        for finding in findings:
            if finding.check == check:
                print(f"{finding.system}:{finding.segment} {finding.text!r} {finding.message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
