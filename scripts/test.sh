#!/usr/bin/env bash
# Installs everything (Python packages and Debian's chromium for the browser tests) and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh --test
exec .venv/bin/python -m pytest -n 2 --dist loadgroup "$@"
