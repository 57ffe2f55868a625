#!/usr/bin/env bash
# Set up (once) and start the dashboard on http://127.0.0.1:8501.
# With no extracts in data/, the first start writes demo data for Den Haag.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
exec .venv/bin/python -m streamlit run dashboard.py --server.address 127.0.0.1 "$@"
