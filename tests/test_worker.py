"""The workbench's worker process: memory, CPU and byte limits end only the worker, never the caller.

Issue 12 measured `SELECT repeat('ab', 5000000) FROM range(1000)` at 2.3 GB and
`SELECT list(range(1, 50000000)) FROM range(3)` at 3.7 GB in the serving process. Here each
memory-exhausting query runs under a 300 MB worker limit: it is stopped with a message that names
the limit, the test process (standing in for the server) grows by less than 100 MB meanwhile, and
no worker is left behind.
"""

from __future__ import annotations

import dataclasses
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import threading
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

WORKER_MB = 300
HOSTILE = {
    "huge_strings": "SELECT repeat('ab', 5000000) FROM range(1000)",
    "long_lists": "SELECT list(range(1, 50000000)) FROM range(3)",
    "nested_structs": "SELECT {'a': repeat('x', 1000000), "
                      "'b': [repeat('y', 1000000) for _ in range(20)]} AS s FROM range(200)",
    "string_agg_one_value": "SELECT string_agg(repeat('z', 100000), '') AS one FROM range(100000)",
    "cross_join_under_row_cap": "SELECT a.range, repeat('c', 4000000) AS pad "
                                "FROM range(30) a, range(30) b",
}


def _rss_kb(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(root: int) -> set[int]:
    """Every process below `root` (from /proc: no psutil in the environment)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def _workers() -> set[int]:
    """The workers: every process below the fork server (which, like its resource tracker, stays by
    design). Not every process below this one: in the full suite that includes the session's
    Chromium and its Playwright driver."""
    server = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    return _descendants(server) if server else set()


class _Watch:
    """Samples this process's RSS and the workers' peak RSS while a query runs."""

    def __init__(self) -> None:
        self.start_kb = _rss_kb()
        self.peak_kb = self.start_kb
        self.worker_peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak_kb = max(self.peak_kb, _rss_kb())
            for pid in _workers():
                self.worker_peak_kb = max(self.worker_peak_kb, _hwm_kb(pid))

    def __enter__(self) -> _Watch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@pytest.fixture(scope="module")
def cat(demo_settings):
    from monitor import catalog

    return catalog.open_catalog(demo_settings)


@pytest.fixture
def small(demo_settings):
    return dataclasses.replace(demo_settings, worker_memory=WORKER_MB << 20, query_timeout_s=30)


@pytest.fixture(autouse=True)
def no_worker_left() -> Iterator[None]:
    yield
    assert _workers() == set(), "a worker process survived its query"


@pytest.mark.parametrize("sql", HOSTILE.values(), ids=HOSTILE.keys())
def test_memory_exhausting_query_ends_only_its_worker(sql: str, cat, small, capsys) -> None:
    from monitor import catalog
    from monitor.catalog import worker

    worker.run(cat, "SELECT 1", settings=small)  # the fork server runs before the measurement
    with _Watch() as watch, pytest.raises(catalog.QueryError) as err:
        worker.run(cat, sql, settings=small)
    assert err.value.code == "query_worker_memory", str(err.value)
    assert f"memory limit of {WORKER_MB} MB" in str(err.value)
    grew_mb = (watch.peak_kb - watch.start_kb) / 1024
    with capsys.disabled():  # the measurement, for the report (-s shows it)
        worker_mb = watch.worker_peak_kb / 1024
        print(f"\n{sql[:50]!r}: caller grew {grew_mb:.0f} MB, worker peak {worker_mb:.0f} MB")
    assert grew_mb < 100
    assert worker.run(cat, "SELECT 42 AS x", settings=small).frame["x"].to_list() == [42]  # carries on


def test_a_normal_query_returns_the_same_frame(cat, demo_settings) -> None:
    from monitor.catalog import worker

    sql = "SELECT wijk_code, route, count(*) AS n, min(registered_on) AS first FROM debt_cases GROUP BY ALL"
    sql += " ORDER BY ALL"
    before = cat.guarded(sql)
    after = worker.run(cat, sql, settings=demo_settings)
    assert after.frame.equals(before.frame) and after.frame.schema == before.frame.schema
    assert not after.truncated and after.byte_cap is None
    empty = worker.run(cat, "SELECT * FROM debt_cases WHERE false", settings=demo_settings).frame
    assert empty.is_empty()
    assert empty.columns == cat.guarded("SELECT * FROM debt_cases WHERE false").frame.columns


def test_row_cap_still_holds(cat, demo_settings) -> None:
    from monitor.catalog import worker

    result = worker.run(cat, "SELECT * FROM range(5000)", row_cap=25, settings=demo_settings)
    assert result.frame.height == 25 and result.truncated and result.byte_cap is None


def test_byte_cap_cuts_with_a_note(cat, demo_settings) -> None:
    from monitor import workbench

    settings = dataclasses.replace(demo_settings, result_bytes=1 << 20)
    outcome = workbench.run(cat, "SELECT range AS i, repeat('x', 1000) AS s FROM range(5000)", settings)
    assert outcome.ok and outcome.truncated and outcome.byte_cap == 1 << 20
    assert 0 < outcome.frame.height < 5000
    assert outcome.frame["i"].to_list() == list(range(outcome.frame.height))  # the first rows, in order
    assert outcome.frame.estimated_size() <= 1 << 20


def test_byte_cap_note_in_both_languages() -> None:
    from monitor import i18n

    for lang in ("nl", "en"):
        assert "MONITOR_RESULT_BYTES" in i18n.t("wb_truncated_bytes", lang, cap="1", rows="10")


def test_cpu_limit_names_the_limit(cat, demo_settings) -> None:
    from monitor import catalog
    from monitor.catalog import worker

    settings = dataclasses.replace(demo_settings, worker_cpu_s=1, query_timeout_s=60)
    with pytest.raises(catalog.QueryError) as err:
        worker.run(cat, "SELECT sum(hash(range)) FROM range(100000000000)", settings=settings)
    assert err.value.code == "query_worker_cpu" and "CPU-time limit of 1 s" in str(err.value)


def test_refusals_stay_in_the_caller(cat, demo_settings) -> None:
    """A non-SELECT is refused before any worker starts; DuckDB's refusals still read as before."""
    from monitor import catalog
    from monitor.catalog import worker

    with pytest.raises(catalog.QueryRefused, match="not allowed"):
        worker.run(cat, "DROP TABLE areas", settings=demo_settings)
    with pytest.raises(catalog.QueryRefused, match="file system operations are disabled"):
        worker.run(cat, "SELECT * FROM read_csv('/etc/passwd')", settings=demo_settings)


def test_worker_memory_setting_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.settings import get_settings

    monkeypatch.setenv("MONITOR_WORKER_MEMORY", "300MB")
    monkeypatch.setenv("MONITOR_RESULT_BYTES", "2 MB")
    monkeypatch.setenv("MONITOR_WORKER_CPU", "7")
    s = get_settings()
    assert (s.worker_memory, s.result_bytes, s.worker_cpu_s) == (300 << 20, 2 << 20, 7)


def test_results_are_polars_frames(cat, demo_settings) -> None:
    from monitor.catalog import worker

    frame = worker.run(cat, "SELECT [1, 2] AS l, {'a': 1} AS s", settings=demo_settings).frame
    assert isinstance(frame, pl.DataFrame) and frame["l"].to_list() == [[1, 2]]


def test_other_queries_carry_on_while_one_exhausts_its_worker(cat, small) -> None:
    """Another session's query (here: another thread, as Streamlit runs sessions) is answered meanwhile."""
    from monitor import catalog
    from monitor.catalog import worker

    errors: list[BaseException] = []

    def hostile() -> None:
        try:
            worker.run(cat, HOSTILE["long_lists"], settings=small)
        except catalog.QueryError as exc:
            errors.append(exc)

    thread = threading.Thread(target=hostile)
    thread.start()
    answers = [worker.run(cat, "SELECT count(*) AS n FROM debt_cases", settings=small).frame["n"][0]
               for _ in range(3)]
    thread.join()
    assert len(set(answers)) == 1 and answers[0] > 0
    assert [e.code for e in errors] == ["query_worker_memory"]  # type: ignore[attr-defined]


def test_one_running_query_per_user(cat, demo_settings) -> None:
    """While a user's query holds their slot, their next one is refused; another user's runs."""
    from monitor import i18n, workbench

    with workbench._slot("ana@example.org", demo_settings.queries_per_user):
        busy = workbench.run(cat, "SELECT 1 AS x", demo_settings, user="ana@example.org")
        other = workbench.run(cat, "SELECT 1 AS x", demo_settings, user="bo@example.org")
    assert busy.error_code == "query_busy" and "MONITOR_QUERIES_PER_USER" in (busy.error or "")
    assert other.ok and workbench.run(cat, "SELECT 1 AS x", demo_settings, user="ana@example.org").ok
    assert "MONITOR_QUERIES_PER_USER" in i18n.t("err_query_busy", "nl", n=1)
