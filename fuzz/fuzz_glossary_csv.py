"""Hand-run fuzzer: glossary CSV/TSV (and its CSV export round trip). See run_fuzz.py.

    nice .venv/bin/python fuzz/fuzz_glossary_csv.py --minutes 10 [--atheris]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_fuzz import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main("glossary_csv"))
