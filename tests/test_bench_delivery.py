"""The delivery benchmark (issue 11) on tiny data: it runs, and writes a well-formed section into the
page it is given, keeping the rest of the page.

No timing assertions: a benchmark measures; it does not pass or fail on a slow or busy machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import delivery, delivery_report
from monitor import cli, extracts


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("bench")
    page = folder / "benchmarks.md"
    page.write_text("# Benchmarks\n\nHand-written figures stay.\n", encoding="utf-8")
    for _ in range(2):  # a second run replaces its section, it does not add one
        assert delivery.main(scales=[0.2], out=page, until="2019-06", phases=("bare", "build"),
                             json_out=folder / "delivery.json") == 0
    return page, json.loads((folder / "delivery.json").read_text())


def test_the_phases_ran_in_fresh_processes_with_their_load(written: tuple[Path, dict]) -> None:
    _, result = written
    [scale] = result["scales"]
    assert scale["scale"] == 0.2
    assert set(scale) == {"scale", "sample", "bare", "build", "ratio", "extracts_ratio"}
    assert set(scale["sample"]["rows"]) == set(extracts.CONTRACT)
    assert scale["build"]["ok"] and scale["build"]["problems"] == []
    for phase in ("sample", "bare", "build"):
        figures = scale[phase]
        assert figures["seconds"] > 0 and figures["peak_rss_mb"] > 0, phase
        assert figures["cpus"] >= 1 and figures["load_1m"] >= 0, phase
    assert scale["ratio"] == pytest.approx(scale["build"]["seconds"] / scale["bare"]["seconds"])
    # the build's own parts: the extracts (a bare load's work, checks on top), then the staging tables
    parts = scale["build"]["parts"]
    assert set(parts) == {"extracts", "staging"} and sum(parts.values()) <= scale["build"]["seconds"]
    assert scale["extracts_ratio"] == pytest.approx(parts["extracts"] / scale["bare"]["seconds"])


def test_the_page_keeps_its_text_and_holds_one_section(written: tuple[Path, dict]) -> None:
    page, _ = written
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nHand-written figures stay.\n")
    assert text.count(delivery.BEGIN) == 1 and text.count(delivery.END) == 1
    section = text.split(delivery.BEGIN)[1].split(delivery.END)[0]
    assert "### Scale 0.2" in section and "shared with other agents" in section
    table = [line for line in section.splitlines() if line.startswith("| sample (`monitor sample`)")]
    assert len(table) == 1 and table[0].count("|") == 8  # seven columns: now and today, each with load
    assert "not measured" in section  # the scale-100 targets, when scale 100 did not run


def test_prerequisites_run_and_an_unknown_phase_is_refused() -> None:
    assert delivery.to_run(["pages"]) == ["sample", "build", "after_build", "pages"]
    assert delivery.to_run(["bare"]) == ["sample", "bare"]
    with pytest.raises(ValueError, match="unknown phase"):
        delivery.to_run(["nope"])


def test_the_cli_refuses_a_bad_phase_or_scale_before_running(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["bench", "--phases", "nope"]) == 2
    assert cli.main(["bench", "--scales", "1,0"]) == 2
    assert "unknown phase" in capsys.readouterr().err


def test_the_figure_is_the_whole_command_against_the_bare_load(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    """`monitor build` is the catalog build and then the rest (frames, protection, backtest): the ratio
    that counts adds both. Hand-worked: (3 s + 5 s) / 2 s = 4x; the catalog build alone 1.5x."""
    seconds = {"sample": 1.0, "bare_load": 2.0, "build": 3.0, "after_build": 5.0}
    monkeypatch.setattr(delivery.fresh, "run", lambda target, *a: {
        "seconds": seconds[target.split(":")[1]], "peak_rss_mb": 100.0, "frames_s": 1.0, "protect_s": 3.0,
        "calibrate_s": 1.0})
    out = delivery.bench_scale(1, until="2019-06", seed=1, phases=("bare", "after_build"), workdir=tmp_path)
    assert out["ratio"] == pytest.approx(1.5) and out["command_ratio"] == pytest.approx(4.0)
    lines = delivery_report._scale(out, None)
    row = next(line for line in lines if line.startswith("| whole `monitor build`"))
    assert "8.00 s (**4.00x**)" in row


def test_targets_read_scale_100() -> None:
    """Issue 11's targets: a verdict from the scale-100 figures, 'not measured' without them."""
    mb = {"peak_rss_mb": 900.0, "seconds": 1.0}
    pages = {"indicators": {"a": {"frame_s": 0, "rollup_s": 0.01}}}
    figures = {"scale": 100, "sample": mb, "build": mb, "after_build": {**mb, "peak_rss_mb": 2500.0},
               "bare": mb, "ratio": 1.2, "command_ratio": 2.0, "scorecard": {"seconds": 3.0}, "pages": pages}
    met = {row[0]: row[3] for row in delivery_report.targets({"scales": [figures]})}
    # the build's own process stayed under 2 GB, the rest of `monitor build` did not: the command did not;
    # `catalog.build` alone was within 1.3x of the bare load, the whole command (2.0x) was not
    assert met == {"whole `monitor build` / bare DuckDB load, same run": "no",
                   "peak memory of `monitor build` (the build, then the rest)": "no",
                   "sample peak memory": "yes", "scorecard, fresh process after the build": "no",
                   "slowest first roll-up of an indicator page": "yes"}
    figures["after_build"] = mb
    assert delivery_report.targets({"scales": [figures]})[1][2:] == ["900 MB", "yes"]
    assert {row[3] for row in delivery_report.targets({"scales": []})} == {"not measured"}


def test_a_phase_counts_the_memory_of_the_processes_it_starts() -> None:
    """The build's protection runs in worker processes: a phase's peak adds theirs (`fresh.ChildPeaks`).
    A child holding 200 MiB for half a second is seen at no less than that."""
    import subprocess
    import sys

    from benchmarks import fresh

    peaks = fresh.ChildPeaks(every=0.05)
    subprocess.run([sys.executable, "-c", "import time; b = bytearray(200 * 2**20); b[::4096] = b'x' * "
                    "len(b[::4096]); time.sleep(0.5)"], check=True)
    assert peaks.stop() >= 200
