"""Population outcomes and peers: the optional extract, its registry, the peers' footnotes, the pages,
the report and the default map (issue 14).

Expected numbers are worked out by hand from the demo's stated levels (`sample.population`: a
start value and a change per year) or from a frame built in the test, never read back from the
code under test.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from monitor import catalog, geo, population, ui
from monitor.extracts import CONTRACT, validate, validate_frame
from monitor.i18n import Translator
from monitor.population import words
from monitor.population.registry import load_registry
from monitor.programme import load_programme

ROOT = Path(__file__).resolve().parent.parent
SPEC = CONTRACT["population_outcomes"]


def _frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"period": pl.String, "area_code": pl.String, "indicator": pl.String,
                                      "value": pl.Float64, "denominator": pl.Float64, "source": pl.String},
                        orient="row")


GOOD = [("2024", "GM0518", "problematische_schulden", 9.5, 290_000.0, "CBS"),
        ("2024", "WK051828", "problematische_schulden", 12.0, 9_000.0, "CBS"),
        ("2024-Q1", "NL01", "problematische_schulden", 6.6, 8e6, "CBS")]


# ---------------------------------------------------------------- the extract contract


def test_a_good_extract_passes() -> None:
    assert validate_frame(SPEC, _frame(GOOD), "data/population_outcomes.parquet") == []


@pytest.mark.parametrize(("row", "column", "rule"), [
    (("2024", "GM518", "problematische_schulden", 9.5, 1e5, "CBS"), "area_code", "malformed code"),
    (("2024Q1", "GM0518", "problematische_schulden", 9.5, 1e5, "CBS"), "period", "malformed code"),
    (("2024", "GM0518", "Schulden", 9.5, 1e5, "CBS"), "indicator", "malformed code"),
    (("2025", "GM0518", "problematische_schulden", None, 1e5, "CBS"), "value", "null value"),
    (("2025", "GM0518", "problematische_schulden", 9.5, 1e5, None), "source", "null value"),
])
def test_a_bad_row_is_named_with_its_column_and_rule(row: tuple, column: str, rule: str) -> None:
    problems = validate_frame(SPEC, _frame([*GOOD, row]), "data/population_outcomes.parquet")
    assert [(p.column, p.rule) for p in problems] == [(column, rule)], [str(p) for p in problems]
    assert "population_outcomes.parquet" in str(problems[0])


def test_a_malformed_code_message_gives_an_example_of_its_own_column() -> None:
    bad = ("2024", "Den Haag", "problematische_schulden", 9.5, 1e5, "CBS")
    (problem,) = validate_frame(SPEC, _frame([*GOOD, bad]), "f.parquet")
    assert "e.g. GM0518" in str(problem)


def test_duplicate_key_and_missing_column() -> None:
    dup = validate_frame(SPEC, _frame([*GOOD, GOOD[0]]), "f.parquet")
    assert [p.rule for p in dup] == ["duplicate key"]
    missing = validate_frame(SPEC, _frame(GOOD).drop("source"), "f.parquet")
    assert [(p.rule, p.column) for p in missing] == [("missing column", "source")]


def test_left_out_it_is_no_problem_and_the_build_stays_ok(data_copy) -> None:
    (data_copy.data_dir / "population_outcomes.parquet").unlink()
    result, frame = validate(data_copy.data_dir, "population_outcomes")
    assert result.problems == [] and frame is None
    report = catalog.build(data_copy)
    status = next(e for e in report.extracts if e.name == "population_outcomes")
    assert status.status == "missing" and status.ok and report.ok
    # a required extract left out still is a problem
    (data_copy.data_dir / "placements.parquet").unlink()
    assert validate(data_copy.data_dir, "placements")[0].problems[0].rule == "missing extract"


# ---------------------------------------------------------------- the demo


def test_demo_figures_are_illustrative_and_the_wijken_add_up_to_the_city(demo_extracts: Path) -> None:
    frame = pl.read_parquet(demo_extracts / "population_outcomes.parquet")
    assert set(frame["source"]) == {"illustratief (demo)"}
    assert set(frame["indicator"]) == set(load_registry(ROOT / "queries").indicators)
    # the demo's levels: problematic debts in Den Haag start at 10.8% in 2019 and fall 0.25 a year
    city = frame.filter(pl.col("area_code") == "GM0518", pl.col("indicator") == "problematische_schulden")
    by_year = dict(zip(city["period"], city["value"], strict=True))
    assert by_year["2024"] == pytest.approx(10.8 - 5 * 0.25, abs=0.051)  # rounded to 0.1
    for (ind, period), group in frame.filter(pl.col("area_code").str.starts_with("WK")).group_by(
            ["indicator", "period"]):
        assert group.height == 44
        weighted = (group["value"] * group["denominator"]).sum() / group["denominator"].sum()
        whole = frame.filter(pl.col("area_code") == "GM0518", pl.col("indicator") == ind,
                             pl.col("period") == period)["value"].item()
        assert weighted == pytest.approx(whole, abs=0.1), (ind, period)  # city and wijken each rounded to 0.1


# ---------------------------------------------------------------- the registry and its links


def test_the_shipped_registry_loads_and_every_link_is_known() -> None:
    reg = load_registry(ROOT / "queries")
    assert reg.problems == ()
    assert set(reg.areas) >= {"GM0518", "GM0363", "GM0599", "GM0344", "NL01"}
    pf = load_programme(ROOT / "programme.yaml")
    named = [(a.id, a.population) for a in pf.ambitions.values() if a.population]
    assert named, "no ambition names a population outcome"
    from monitor import indicators

    peers = [(i.id, i.peer) for i in indicators.load_registry(ROOT / "queries") if i.peer]
    assert peers, "no query file names a peer"
    assert population.check_links(reg, named, peers) == []


def test_registry_problems_name_the_line(tmp_path: Path) -> None:
    text = (ROOT / "queries" / "population.yaml").read_text(encoding="utf-8")
    (tmp_path / "population.yaml").write_text(text.replace("unit: per_10000", "unit: per_tienduizend"),
                                              encoding="utf-8")
    reg = load_registry(tmp_path)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "unit: per_10000" in s)
    assert [p.line for p in reg.problems] == [line]
    assert "per_tienduizend" in str(reg.problems[0]) and "per_10000" in str(reg.problems[0])
    assert "bijstand_per_10000" not in reg.indicators and "risico_armoede" in reg.indicators


def test_an_unknown_link_is_reported() -> None:
    reg = load_registry(ROOT / "queries")
    lines = population.check_links(reg, [("schuldenvrij_2026", "armoede")], [("matches", "werkloosheid")],
                                   ["problematische_schulden", "onbekend"])
    assert len(lines) == 3
    assert "ambition 'schuldenvrij_2026'" in lines[0] and "'armoede'" in lines[0]
    assert lines[1].startswith("queries/matches.sql") and "'onbekend'" in lines[2]


# ---------------------------------------------------------------- public statistics and peers


def test_a_figure_on_fewer_than_k_is_hidden() -> None:
    frame = population.mark_illustrative(_frame([
        ("2024", "WK051843", "problematische_schulden", 20.0, 9.0, "CBS"),
        ("2024", "WK051801", "problematische_schulden", 7.0, 10.0, "CBS")]))
    pub = population.published(frame, 10, "test")
    assert pub.origin == "public"
    assert pub.frame["suppressed"].to_list() == [True, False]
    assert pub.frame["value"].to_list() == [None, 7.0]


def _peer_rows() -> pl.DataFrame:
    ind = "bijstand_per_10000"
    return population.mark_illustrative(_frame([
        ("2023", "GM0518", ind, 520.0, 4.4e5, "CBS"), ("2024", "GM0518", ind, 510.0, 4.5e5, "CBS"),
        ("2024", "GM0363", ind, 470.0, 7.1e5, "CBS"),
        ("2023", "GM0599", ind, 600.0, 5.3e5, "CBS"),  # Rotterdam's 2024 is not out yet
        ("2024", "GM0344", ind, 31.0, 2.9e5, "Gemeente Utrecht, Monitor Sociaal Domein"),  # another source
        ("2024", "NL01", ind, 280.0, 1.4e7, "CBS"),
        ("2024", "WK051801", ind, 100.0, 300.0, "CBS"),  # a wijk takes no part in the comparison
    ]))


def test_peers_get_a_footnote_where_period_or_source_differs() -> None:
    reg = load_registry(ROOT / "queries")
    c = population.compare(_peer_rows(), reg, "bijstand_per_10000", "GM0518", 10)
    assert c is not None and c.period == "2024"
    table = c.table.frame
    assert table["area_name"].to_list() == ["Den Haag", "Amsterdam", "Rotterdam", "Utrecht", "Nederland"]
    assert table["period"].to_list() == ["2024", "2024", "2023", "2024", "2024"]
    assert table["note"].to_list() == [None, None, 1, 2, None]
    assert [(n.area, n.kinds) for n in c.footnotes] == [("Rotterdam", ("period",)), ("Utrecht", ("source",))]
    nl, en = Translator("nl"), Translator("en")
    assert words.footnote(c.footnotes[0], "Den Haag", nl) == "¹ Rotterdam: cijfer over 2023 (Den Haag: 2024)."
    assert "Monitor Sociaal Domein" in words.footnote(c.footnotes[1], "Den Haag", en)
    assert words.footnote(c.footnotes[1], "Den Haag", en).startswith("² Utrecht: another source")
    assert words.figure(reg.indicators["bijstand_per_10000"], 510.0, False, nl) == "510 per 10.000"


def test_an_area_is_named_in_the_readers_language() -> None:
    """The Netherlands is 'Nederland' on a Dutch page and 'Netherlands' on an English one; a city's
    name, given once, is the same in both."""
    reg = load_registry(ROOT / "queries")
    en = population.compare(_peer_rows(), reg, "bijstand_per_10000", "GM0518", 10, "en")
    assert en is not None
    names = en.table.frame["area_name"].to_list()
    assert names == ["Den Haag", "Amsterdam", "Rotterdam", "Utrecht", "Netherlands"]


@pytest.mark.parametrize(("name", "ok"), [
    ("Nederland", True), ({"nl": "Nederland", "en": "Netherlands"}, True), ({"nl": "Nederland"}, True),
    ({"en": "Netherlands"}, False), ({"nl": "Nederland", "de": "Niederlande"}, False), ("", False),
])
def test_an_areas_name_is_a_text_or_one_per_language(tmp_path, name, ok) -> None:
    import yaml

    (tmp_path / "population.yaml").write_text(yaml.safe_dump({"areas": {"NL01": name}, "indicators": {}}))
    reg = load_registry(tmp_path)
    problems = [p for p in reg.problems if "NL01" in str(p)]
    assert (not problems) is ok, problems
    if ok:
        assert reg.area_name("NL01", "nl") == "Nederland"


def test_no_footnote_when_all_agree() -> None:
    rows = _peer_rows().filter(pl.col("area_code").is_in(["GM0518", "GM0363", "NL01"]))
    c = population.compare(rows, load_registry(ROOT / "queries"), "bijstand_per_10000", "GM0518", 10)
    assert c is not None and c.footnotes == () and c.table.frame["note"].null_count() == 3


# ---------------------------------------------------------------- pages and report


def _page(path: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(ui.HOME), default_timeout=180)
    at.switch_page(path)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_programme_page_shows_the_population_outcome_beside_the_programme_outcome(demo_settings) -> None:
    at = _page("pages/1_programma.py", programma="schulden", term="2022-2026")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("Ons programma (prestatie)") for c in captions)
    assert "Alle inwoners (populatie): alle huishoudens in Den Haag" in captions
    metrics = {m.label: m.value for m in at.metric}
    # demo: 10.8% in 2019, -0.25 a year; the latest published year in data up to 2026-10 is 2025
    assert metrics["Huishoudens met geregistreerde problematische schulden · 2025"] == "9,3%"
    assert "Bron: illustratief (demo) · geen gepubliceerd cijfer" in captions
    peers = [f for f in _figures(at) if f["layout"]["title"]["text"].startswith("Huishoudens met geregistr")]
    names = ["Den Haag", "Amsterdam", "Rotterdam", "Utrecht", "Nederland"]
    assert peers and peers[0]["data"][0]["y"] == names


def test_indicator_page_shows_peers_for_an_indicator_with_a_peer(demo_settings) -> None:
    at = _page("pages/2_indicator.py", id="bijstand_personen", lang="en")
    assert any(m.value.endswith("Compared with other municipalities") for m in at.markdown)
    bars = [f for f in _figures(at) if "per 10,000 adults" in f["layout"]["title"]["text"]]
    assert bars and len(bars[0]["data"][0]["x"]) == 5
    # 560 per 10,000 in 2019, -9 a year: 2025 is 506
    assert bars[0]["data"][0]["text"][0] == "506 (2025)"


def test_the_area_page_draws_the_shipped_map_when_nothing_is_configured(demo_settings, monkeypatch) -> None:
    monkeypatch.delenv("MONITOR_GEOJSON", raising=False)
    at = _page("pages/3_gebieden.py", level="wijk", id="huishoudens_schuldenvrij")
    maps = [f for f in _figures(at) if f["data"] and f["data"][0]["type"] == "choroplethmap"]
    assert len(maps) == 2  # the indicator, and all residents by wijk
    wijken = set(pl.read_parquet(demo_settings.data_dir / "areas.parquet")["wijk_code"])
    for fig in maps:
        located = [loc for trace in fig["data"] for loc in trace.get("locations", [])]
        assert len(located) == 44 and set(located) == wijken
        notes = " ".join(a.get("text", "") for a in fig["layout"].get("annotations", []))
        assert "CBS / Kadaster, 2024" in notes


def test_the_shipped_boundaries_serve_only_their_own_wijken(tmp_path: Path) -> None:
    assert geo.boundaries(None, "statcode", {"WK036301"}) is None  # Amsterdam's data: bars
    found = geo.boundaries(None, "wijkcode", {"WK051828"})
    assert found is not None and found.shipped and found.featureidkey == "properties.statcode"
    own = tmp_path / "wijken.geojson"
    shutil.copy(geo.SHIPPED, own)
    mine = geo.boundaries(own, "statcode", {"WK036301"})
    assert mine is not None and not mine.shipped


def test_the_report_holds_population_and_peers_and_stays_self_contained(demo_settings) -> None:
    from monitor import report
    from monitor.engine import get_engine

    text = report.render(get_engine(demo_settings), term_id="2026-2030", lang="nl")
    assert text.count("<h4>Alle inwoners en ons programma</h4>") == 3  # the 2026 ambitions naming one
    assert "alle huishoudens in Den Haag" in text and "9,3%" in text
    assert "<table class='peers'>" in text and "Rotterdam" in text and "506 per 10.000" in text
    # the peers' sources in the reader's language: the demo's unpublished figures say so in English too
    english = report.render(get_engine(demo_settings), term_id="2026-2030", lang="en")
    peers = english[english.index("<table class='peers'>"):]
    peers = peers[:peers.index("</table>")]
    assert "illustrative (demo)" in peers and "illustratief" not in peers
    # no external load: no script, image or stylesheet from elsewhere (Plotly's inlined code names sites
    # in strings; what matters is that the HTML itself loads nothing)
    section = text[text.index("<h4>Alle inwoners"):]
    assert "<script src=" not in text and "<link " not in text
    assert not any(s in section for s in ("src=", "href=", "@import", "url("))


def test_the_indicator_page_footnotes_a_peer_of_another_year_and_source(data_copy) -> None:
    """A constructed delivery: Rotterdam's latest figure is a year older, Utrecht's comes from its own
    research office; the page marks both and says why, in a footnote under the bars."""
    path = data_copy.data_dir / "population_outcomes.parquet"
    frame = pl.read_parquet(path)
    latest = frame["period"].max()
    ind = "bijstand_per_10000"
    frame = frame.filter(~((pl.col("area_code") == "GM0599") & (pl.col("period") == latest)
                           & (pl.col("indicator") == ind)))
    utrecht = (pl.col("area_code") == "GM0344") & (pl.col("indicator") == ind)
    frame = frame.with_columns(source=pl.when(utrecht).then(pl.lit("Gemeente Utrecht, Onderzoek"))
                               .otherwise(pl.col("source")))
    frame.write_parquet(path)
    catalog.build(data_copy)
    at = _page("pages/2_indicator.py", id="bijstand_personen")
    captions = [c.value for c in at.caption]
    previous = str(int(latest) - 1)
    assert f"¹ Rotterdam: cijfer over {previous} (Den Haag: {latest})." in captions
    other = "² Utrecht: andere bron (Gemeente Utrecht, Onderzoek) dan Den Haag"
    assert any(c.startswith(other) for c in captions)
    bars = [f for f in _figures(at) if "per 10.000" in f["layout"]["title"]["text"]]
    assert bars[0]["data"][0]["y"] == ["Den Haag", "Amsterdam", "Rotterdam¹", "Utrecht²", "Nederland"]


def test_the_illustrative_mark_of_a_source_reads_in_the_pages_language() -> None:
    """The delivery marks an unpublished figure with the Dutch word; an English page said
    'Source: illustratief (demo)'. A publisher's own name stays as delivered."""
    pop = next(iter(load_registry(ROOT / "queries").indicators.values()))
    en, nl = Translator("en"), Translator("nl")
    assert words.source(pop, "illustratief (demo)", True, en).startswith("Source: illustrative (demo) · ")
    assert words.source(pop, "Illustratief (demo)", True, nl).startswith("Bron: illustratief (demo) · ")
    assert words.source(pop, "CBS StatLine, 85496NED", False, Translator("en")).startswith(
        "Source: CBS StatLine, 85496NED")
