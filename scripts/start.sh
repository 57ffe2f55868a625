#!/usr/bin/env bash
# Set up (once) and start the dashboard on http://127.0.0.1:8501.
# With no extracts in data/, the first start writes demo data for Den Haag (monitor sample).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
# The whole build before the server (frames, disclosure protection, the projection's backtest that
# warns where a band proved too narrow), as a delivery gets it, so no first page waits for it; an
# up-to-date catalog takes seconds. A delivery with problems still starts the dashboard, which shows
# them beside the last good catalog.
# demo data only when the data folder has no extracts (exit 3), never when the check itself failed
found=0
.venv/bin/python -c "import sys; from monitor import catalog; from monitor.settings import get_settings; \
sys.exit(0 if catalog.has_extracts(get_settings()) else 3)" || found=$?
if [ "$found" = 3 ]; then
    .venv/bin/python -m monitor sample
elif [ "$found" != 0 ]; then
    echo "Could not check the data folder for extracts (exit $found); nothing written." >&2
    exit "$found"
fi
.venv/bin/python -m monitor build || echo "monitor build reported problems: the dashboard shows them"
exec .venv/bin/python -m streamlit run dashboard.py --server.address 127.0.0.1 "$@"
