"""The private DuckDB over frames (catalog.scratch): the caller's SQL over its frames, nothing else."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from monitor.catalog.scratch import query_frames


def test_sql_runs_over_the_frames_given() -> None:
    a = pl.DataFrame({"k": ["x", "y", "x"], "v": [1, 2, 3]})
    b = pl.DataFrame({"k": ["x", "y"], "name": ["ex", "why"]})
    out = query_frames("SELECT name, sum(v) AS total FROM a JOIN b USING (k) GROUP BY name ORDER BY name",
                       {"a": a, "b": b})
    assert out.to_dicts() == [{"name": "ex", "total": 4}, {"name": "why", "total": 2}]


def test_no_file_is_reachable(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    with pytest.raises(duckdb.Error, match="disabled"):
        query_frames(f"SELECT * FROM read_csv('{secret}')", {"a": pl.DataFrame({"x": [1]})})


def test_a_step_larger_than_its_memory_spills_instead_of_failing() -> None:
    """64 MiB for a group-by over 3 million distinct string keys (well over 64 MiB in DuckDB)."""
    n = 3_000_000
    keys = pl.DataFrame({"key": pl.int_range(0, n, eager=True).cast(pl.String) + "-household"})
    out = query_frames("SELECT count(*) AS groups FROM (SELECT key, count(*) FROM events GROUP BY key)",
                       {"events": keys}, memory=64 << 20, threads=1)
    assert out["groups"].to_list() == [n]


def test_the_memory_limit_holds() -> None:
    """What cannot spill (one string of every key) stops at the limit instead of taking the machine."""
    keys = pl.DataFrame({"key": pl.int_range(0, 3_000_000, eager=True).cast(pl.String) + "-household"})
    with pytest.raises(duckdb.OutOfMemoryException):
        query_frames("SELECT string_agg(key, ',') AS s FROM events", {"events": keys}, memory=64 << 20,
                     threads=1)


def test_a_parquet_file_handed_over_is_the_only_file_reachable(tmp_path: Path) -> None:
    """A stored key frame is handed over as a path (DuckDB reads it in row groups, under its memory
    limit); a file beside it, or any other, stays out of reach."""
    path = tmp_path / "keys.parquet"
    pl.DataFrame({"key": ["a", "b", "a"], "v": [1, 2, 3]}).write_parquet(path)
    other = tmp_path / "other.parquet"
    pl.DataFrame({"secret": [42]}).write_parquet(other)
    out = query_frames("SELECT key, sum(v) AS v FROM rows GROUP BY key ORDER BY key", {"rows": path})
    assert out.to_dicts() == [{"key": "a", "v": 4}, {"key": "b", "v": 2}]
    refused = (f"SELECT * FROM read_parquet('{other}')",
               f"SELECT * FROM read_parquet('{tmp_path}/*.parquet')",
               f"SELECT * FROM read_parquet('{path}/../other.parquet')",
               "SELECT * FROM read_csv('/etc/passwd')",
               f"COPY (SELECT 1 AS key, 1 AS v) TO '{other}'",
               "SET enable_external_access = true", f"SET allowed_directories = ['{tmp_path}']")
    for sql in refused:
        with pytest.raises(duckdb.Error, match=r"Permission|disabled|locked|Cannot change"):
            query_frames(sql, {"rows": path})
