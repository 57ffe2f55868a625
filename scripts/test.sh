#!/usr/bin/env bash
# Set up (once) and run the whole test suite: lint, unit, AppTest and browser tests.
# Installs what a fresh machine lacks: the Python packages, Debian's chromium
# (for the browser tests), Debian's nginx (the deployment tests) and the axe-core npm package (accessibility audit).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
# nginx (Debian's package) in front of several servers: tests/test_deploy.py and the fault script
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
fi
[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
