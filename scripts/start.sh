#!/usr/bin/env bash
# Installs everything and starts the review app on the bundled sample corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/python -m streamlit run review_app/app.py --server.headless=true "$@"
