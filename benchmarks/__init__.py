"""Benchmarks and screenshot tooling: measurements about the monitor, not part of it (docs/architecture.md).

- `engine` (`python -m monitor bench`): indicators and roll-ups against a naive pandas baseline
  (`naive`, `naive_rollup`, checked equal by `compare`), each phase in a fresh process (`phases`),
  summarised by `report`;
- `ui` (`python -m benchmarks.ui`): render time in headless Chromium and server latency;
- `screenshots` (`python -m benchmarks.screenshots`): the README's screenshots.

Nothing in `monitor/` imports this package at import time; `monitor.cli` imports it only inside
the `bench` command.
"""
