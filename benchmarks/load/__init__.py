"""Load figures without a browser: a client that speaks Streamlit's protocol, scenarios and a report.

`python -m benchmarks.load --help` (or `python -m monitor load`); writes its sections of `docs/load.md`.
"""
