#!/usr/bin/env bash
# Install what is needed and start the dashboard on its embedded default data.
# The store (var/clusterdash.duckdb, or $CLUSTERDASH_DB) is built on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m streamlit run app.py "$@"
