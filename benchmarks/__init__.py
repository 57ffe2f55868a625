"""Benchmarks and screenshot tooling: measurements about the monitor, not part of it (docs/architecture.md).

- `delivery` (`python -m monitor bench`): what a delivery costs per scale (sample, bare DuckDB load
  against the build, the rest of `monitor build`, first scorecard, first page visits), phases in
  `delivery_phases`, its section of docs/benchmarks.md written by `delivery_report`, today's figures
  in `before.json`;
- `engine` (`python -m monitor bench --naive`): indicators and roll-ups against a naive pandas
  baseline (`naive`, `naive_rollup`, checked equal by `compare`), phases in `phases`, summarised by
  `report`;
- `fresh`: runs any phase in a fresh interpreter, with its peak memory from the OS;
- `ui` (`python -m benchmarks.ui`): render time in headless Chromium and server latency;
- `screenshots` (`python -m benchmarks.screenshots`): the README's screenshots.

Nothing in `monitor/` imports this package at import time; `monitor.cli` imports it only inside
the `bench` command.
"""
