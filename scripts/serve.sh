#!/usr/bin/env bash
# N Streamlit servers behind nginx on 127.0.0.1, for a trial or a load test (docs/deploy.md):
#   scripts/serve.sh 2 [--port 8080] [--build-every 300]
# Demo data on first start when data/ has no extracts (MONITOR_DATA_DIR picks another folder).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "nginx is missing: apt-get install nginx (Debian's package)" >&2
  exit 2
fi
exec .venv/bin/python -m deploy.serve "$@"
