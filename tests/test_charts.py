"""Chart builders: the figures carry the input's numbers, hide what disclosure control hid, and stay readable.

Every check reads the figure's own data (traces, layout), not the code that built it.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import pytest

from monitor import charts, i18n
from monitor.rollup import Published
from tests.conftest import GEOJSON

MONTHS = [dt.date(2024, m, 1) for m in range(1, 7)]
NL, EN = i18n.Translator("nl"), i18n.Translator("en")
HIDDEN_NL = "x: verborgen ter bescherming van de privacy"  # every hidden cell, primary or complementary


def _pub(frame: pl.DataFrame, k: int = 10) -> Published:
    """A test frame as the roll-up hands it out: the only kind a chart takes."""
    if "suppressed" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("suppressed"))
    return Published(frame, k=k, view="test")


# ---------------------------------------------------------------- small frames


def _rollup(areas: dict[str, list[float | None]], *, months: list[dt.date] = MONTHS) -> pl.DataFrame:
    """A roll-up frame at month grain; None means suppressed (as monitor.rollup hands it out)."""
    rows = []
    for i, (name, values) in enumerate(areas.items(), start=1):
        for month, v in zip(months, values, strict=True):
            rows.append(
                {
                    "period": f"{month.year}-{month.month:02d}",
                    "period_start": month,
                    "period_end": month.replace(day=28),
                    "complete": month != months[-1],
                    "area": f"WK0518{i:02d}",
                    "area_name": name,
                    "stadsdeel": "Centrum",
                    "value": v,
                    "denominator": None,
                    "suppressed": v is None,
                    "result": v,
                    "result_prev": None if v is None else v - 1.0,
                }
            )
    return pl.DataFrame(
        rows,
        schema_overrides={
            "denominator": pl.Float64,
            "value": pl.Float64,
            "result": pl.Float64,
            "result_prev": pl.Float64,
        },
    )


def _twelve() -> Published:
    return _pub(pl.DataFrame({"month": MONTHS, "current": [100.0, 104.0, 107.5, 111.0, 1234.0, 118.0]}))


def _steps(steps: list[tuple[str, float | None]], k: int = 10) -> Published:
    """Funnel steps (label, value); None is a hidden step."""
    frame = pl.DataFrame(
        {
            "label": [s[0] for s in steps],
            "value": [s[1] for s in steps],
            "suppressed": [s[1] is None for s in steps],
        },
        schema={"label": pl.String, "value": pl.Float64, "suppressed": pl.Boolean},
    )
    return _pub(frame, k)


def _trajectory() -> pl.DataFrame:
    return pl.DataFrame({"month": [dt.date(2024, 1, 1), dt.date(2024, 12, 1)], "target": [100.0, 155.0]})


def _projection() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "month": [dt.date(2024, 6, 1), dt.date(2024, 12, 1)],
            "value": [118.0, 130.0],
            "low": [118.0, 120.0],
            "high": [118.0, 140.0],
        }
    )


def _trace(fig: go.Figure, name: str) -> go.Scatter:
    [trace] = [t for t in fig.data if t.name == name]
    return trace


def _text_fonts(node: object, path: str = "") -> list[tuple[str, dict]]:
    """Every font dict in a figure (outside the template): the places a text colour can be set."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "template":
                continue
            if key.endswith("font") and isinstance(value, dict):
                found.append((f"{path}.{key}", value))
            found += _text_fonts(value, f"{path}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            found += _text_fonts(value, f"{path}[{i}]")
    return found


def _all_figures() -> dict[str, go.Figure]:
    frame = _rollup(
        {"Centrum": [10.0, None, 12.0, 13.0, 14.0, 15.0], "Escamp": [20.0, 21.0, None, 23.0, 24.0, 25.0]}
    )
    geo = json.loads(GEOJSON.read_text(encoding="utf-8"))
    wijken = _rollup({f"Wijk {i}": [float(i)] for i in range(1, 45)}, months=MONTHS[:1])
    cohorts = _pub(
        pl.DataFrame(
            {
                "cohort": ["2023", "2023", "2024", "2024"],
                "months_since": [0, 6, 0, 6],
                "area": ["0518"] * 4,
                "result": [0.0, 30.0, 0.0, None],
                "suppressed": [False, False, False, True],
            }
        )
    )
    events = [(dt.date(2024, 2, 1), "Energietoeslag"), (dt.date(2024, 3, 1), "Schuldregeling 18 maanden")]
    out = {}
    for lang in ("nl", "en"):
        out |= {
            f"outcome_{lang}": charts.outcome_chart(
                _twelve(),
                _trajectory(),
                _projection(),
                events,
                title="Huishoudens schuldenvrij",
                unit="huishoudens",
                t=i18n.Translator(lang),
            ),
            f"programme_{lang}": charts.programme_chart(
                {
                    "title": "Schuldenvrij",
                    "unit": "huishoudens",
                    "twelve": _twelve(),
                    "trajectory": _trajectory(),
                    "projection": _projection(),
                },
                [
                    {
                        "title": "Aanmeldingen",
                        "unit": "aanmeldingen",
                        "frame": _pub(frame.filter(pl.col("area") == "WK051801")),
                    }
                ],
                events=events,
                t=i18n.Translator(lang),
            ),
            f"series_{lang}": charts.series_chart(
                _pub(frame), title="Per stadsdeel", unit="%", t=i18n.Translator(lang), compare=True
            ),
            f"bars_{lang}": charts.area_bars(
                _pub(wijken), title="Wijken", unit="%", t=i18n.Translator(lang), highlight="WK051803"
            ),
            f"map_{lang}": charts.choropleth(
                _pub(wijken), geo, title="Kaart", unit="%", t=i18n.Translator(lang)
            ),
            f"funnel_{lang}": charts.funnel(
                _steps([("Signalen", 1000.0), ("Bereikt", None)]), title="Trechter", t=i18n.Translator(lang)
            ),
            f"cohort_{lang}": charts.cohort_chart(cohorts, title="Cohorten", t=i18n.Translator(lang)),
        }
    return out


# ---------------------------------------------------------------- contrast and palette


def test_contrast_ratio_matches_known_wcag_values() -> None:
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert charts.contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert charts.contrast_ratio("#ffffff", "#fff") == pytest.approx(1.0)
    # #767676 is the lightest grey that passes AA on white (4.54:1); #777777 fails (4.48:1).
    assert charts.contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert charts.contrast_ratio("#777777", "#ffffff") < 4.5
    assert charts.contrast_ratio("#0072B2", "#ffffff") == pytest.approx(5.17, abs=0.05)
    with pytest.raises(ValueError, match="hex colour"):
        charts.contrast_ratio("grey", "#ffffff")


def test_palette_is_okabe_ito_and_lines_reach_3_to_1() -> None:
    assert [c.upper() for c in charts.PALETTE] == [
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    ]
    for colour in charts.LINE_COLOURS:
        assert colour in charts.PALETTE
        assert charts.contrast_ratio(colour, "#ffffff") >= 3.0, colour
    for colour in (charts.FAINT, charts.EVENT_LINE, charts.ACTUAL, charts.TARGET, charts.HIGHLIGHT):
        assert charts.contrast_ratio(colour, "#ffffff") >= 3.0, colour
    for colour in charts.TEXT_COLOURS:
        assert charts.contrast_ratio(colour, "#ffffff") >= 4.5, colour


def test_every_text_colour_in_every_figure_reads_on_white() -> None:
    for name, fig in _all_figures().items():
        fonts = _text_fonts(fig.to_plotly_json())
        assert fonts, name
        for path, font in fonts:
            if "color" in font:
                colour = font["color"]
                assert isinstance(colour, str) and colour.startswith("#"), (name, path, colour)
                assert charts.contrast_ratio(colour, "#ffffff") >= 4.5, (name, path, colour)
            if "size" in font:
                assert font["size"] >= 12, (name, path, font)
        layout = fig.layout
        assert layout.font.color in charts.TEXT_COLOURS and layout.font.size >= 12, name
        assert layout.template.layout.paper_bgcolor == "white", name  # plotly_white
        assert layout.hoverlabel.bgcolor == "#ffffff" and layout.hoverlabel.font.color == charts.TEXT, name


def test_funnel_text_inside_bars_reads_on_the_bar_colour() -> None:
    fig = charts.funnel(_steps([("a", 100.0), ("b", 50.0)]), title="t", t=NL)
    assert fig.data[0].marker.color == charts.FUNNEL_FILL
    assert charts.contrast_ratio(fig.data[0].insidetextfont.color, charts.FUNNEL_FILL) >= 4.5
    assert charts.contrast_ratio(fig.data[0].marker.line.color, "#ffffff") >= 3.0  # the bar's outline


def test_no_external_resources_and_no_streamlit() -> None:
    for name, fig in _all_figures().items():
        text = fig.to_json()
        assert "http" not in text and "mapbox" not in text and "accesstoken" not in text, name
    # the charts may import i18n (formats) and Published (the type they take), nothing else of monitor
    allowed = {"monitor.i18n", "monitor.rollup.published", "monitor.charts"}
    for path in Path(charts.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not any(m.split(".")[0] == "streamlit" for m in imported), path.name
        ours = {m for m in imported if m.split(".")[0] == "monitor"}
        assert all(m in allowed or m.startswith("monitor.charts.") for m in ours), (path.name, ours)


def test_chart_modules_stay_small() -> None:
    for path in Path(charts.__file__).parent.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 400, path.name


def test_titles_and_axis_titles_are_set() -> None:
    for name, fig in _all_figures().items():
        if name.startswith(("programme", "map", "funnel")):
            continue
        assert fig.layout.title.text, name
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, name


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize(("lang", "separators", "aliases"), [
    ("nl", ",.", {"Jan 2024": "jan 2024", "Mar 2024": "mrt 2024", "May 2024": "mei 2024",
                  "Oct 2023": "okt 2023", "Dec 2025": "dec 2025"}),
    ("en", ".,", None)])
def test_separators_and_date_ticks_per_language(lang: str, separators: str, aliases: dict | None) -> None:
    """Plotly writes `Mar 2024`; a Dutch axis renames each such label (`mrt 2024`), for the data's
    years (2024 here) and one either side, so a tick Plotly adds at the edge reads Dutch too."""
    figs = _all_figures()
    for name, fig in figs.items():
        if name.endswith(f"_{lang}"):
            assert fig.layout.separators == separators, name
    for axis in (figs[f"outcome_{lang}"].layout.xaxis, figs[f"series_{lang}"].layout.xaxis,
                 figs[f"programme_{lang}"].layout.xaxis2):
        assert axis.tickformat == "%b %Y"
        if aliases is None:
            assert axis.labelalias is None
        else:
            assert {k: axis.labelalias[k] for k in aliases} == aliases
            assert "Jan 2022" not in axis.labelalias and "Dec 2026" not in axis.labelalias
    # value axes group thousands (d3's `,`, drawn with the separators above: 7.000 in Dutch), as
    # the bar labels beside them do; the sweep saw `7000` next to a bar labelled `6.886`
    for name in (f"series_{lang}", f"outcome_{lang}"):
        assert figs[name].layout.yaxis.tickformat.startswith(","), name


def test_chart_text_uses_the_one_formatter_of_i18n() -> None:
    """Bar labels are `i18n.value` itself: Dutch or English numbers, the hidden-cell mark."""
    values = {"A": [1234.0], "B": [12.25], "C": [None], "D": [64.25]}
    frame = _pub(_rollup(values, months=MONTHS[:1]))
    for t in (NL, EN):
        for unit in ("%", "huishoudens"):
            bar = charts.area_bars(frame, title="t", unit=unit, t=t).data[0]
            texts = dict(zip(bar.y, bar.text, strict=True))
            for name, [v] in values.items():
                assert texts[name] == t.value(v, unit, suppressed=v is None)
    assert (
        NL.value(1234.0, "") == "1.234" and EN.value(1234.0, "") == "1,234" and NL.value(12.25, "") == "12,2"
    )
    assert NL.value(64.25, "%") == "64,2%" and EN.value(64.25, "%") == "64.2%"


def test_year_grain_is_labelled_by_period() -> None:
    frame = _rollup({"Den Haag": [1.0, 2.0]}, months=[dt.date(2023, 1, 1), dt.date(2024, 1, 1)])
    frame = frame.with_columns(pl.col("period_start").dt.year().cast(pl.String).alias("period"))
    fig = charts.series_chart(_pub(frame), title="t", unit="n", t=NL, kind="bar")
    assert list(fig.layout.xaxis.ticktext) == ["2023", "2024"]
    assert list(fig.layout.xaxis.tickvals) == [dt.date(2023, 1, 1), dt.date(2024, 1, 1)]
    assert fig.layout.xaxis.title.text == "Periode"


# ---------------------------------------------------------------- series and suppression


def test_series_chart_one_trace_per_area_with_gaps_and_k() -> None:
    values = {"Centrum": [10.0, None, 12.0, 13.0, 14.0, 15.0], "Escamp": [20.0, 21.0, None, 23.0, 24.0, 25.0]}
    fig = charts.series_chart(_pub(_rollup(values)), title="t", unit="huishoudens", t=NL)
    for name, expected in values.items():
        trace = _trace(fig, name)
        assert list(trace.x) == MONTHS
        # None where suppressed (the line shows a gap) and in the incomplete last period (the solid
        # line ends at the last complete one)
        assert list(trace.y) == [*expected[:-1], None]
        assert trace.connectgaps is False and trace.line.dash == "solid"
        assert [t == "x" for t in trace.text] == [v is None for v in expected]
        assert trace.hovertext[expected.index(None)].endswith(": x: verborgen ter bescherming van de privacy")
        # incomplete last period: a dotted segment from the last complete period to an open marker,
        # said in the hover, under the area's legend entry
        tail = _trace(fig, f"{name} (onvolledige periode)")
        assert list(tail.y) == [*[None] * 4, *expected[-2:]] and tail.line.dash == "dot"
        assert tail.showlegend is False and tail.legendgroup == trace.legendgroup
        assert tail.line.color == trace.line.color
        assert tail.marker.symbol[-1].endswith("-open") and not tail.marker.symbol[-2].endswith("-open")
        assert "onvolledige periode" in tail.hovertext[-1]
    marks = _trace(fig, HIDDEN_NL)
    assert list(marks.x) == [MONTHS[1], MONTHS[2]]
    assert all(h.endswith(HIDDEN_NL) for h in marks.hovertext)
    assert fig.layout.yaxis.title.text == "huishoudens" and fig.layout.title.text == "t"


def test_series_chart_compare_adds_dotted_year_earlier() -> None:
    frame = _rollup({"Centrum": [10.0, None, 12.0, 13.0, 14.0, 15.0]})
    for lang, suffix in (("nl", "(jaar eerder)"), ("en", "(a year earlier)")):
        fig = charts.series_chart(_pub(frame), title="t", unit="%", t=i18n.Translator(lang), compare=True)
        prev = _trace(fig, f"Centrum {suffix}")
        assert prev.line.dash == "dot" and _trace(fig, "Centrum").line.dash == "solid"
        assert list(prev.y) == frame["result_prev"].to_list()
        assert prev.line.color == _trace(fig, "Centrum").line.color


def test_series_chart_bars_and_many_areas() -> None:
    areas = {f"Wijk {i}": [float(i)] * 6 for i in range(1, 45)}
    fig = charts.series_chart(_pub(_rollup(areas)), title="t", unit="n", t=NL, kind="bar")
    bars = [t for t in fig.data if isinstance(t, go.Bar) and t.name != NL("chart_incomplete")]
    assert len(bars) == 44 and [list(b.y) for b in bars] == list(areas.values())
    # the last month is not over: its bars are hatched, and the legend says what the hatch means
    assert all(b.marker.pattern.shape[-1] == "/" and set(b.marker.pattern.shape[:-1]) == {""} for b in bars)
    key = [t for t in fig.data if isinstance(t, go.Bar) and t.name == "onvolledige periode"]
    assert len(key) == 1 and key[0].marker.pattern.shape == "/" and list(key[0].y) == [None]
    assert fig.layout.legend.orientation == "v"  # a vertical legend scrolls
    # neighbours in the legend never share both colour and marker shape
    line_fig = charts.series_chart(_pub(_rollup(areas)), title="t", unit="n", t=NL)
    looks = [(t.line.color, t.marker.symbol[0]) for t in line_fig.data
             if t.showlegend is not False and t.name != NL("chart_incomplete")]
    assert len(looks) == 44
    # and one key for the dotted tail into the unfinished month, after the areas
    assert [t.name for t in line_fig.data if t.showlegend is not False][-1] == NL("chart_incomplete")
    assert len(set(looks)) == len(looks)


# ---------------------------------------------------------------- outcome, programme


def test_outcome_chart_lines_differ_by_dash_not_only_colour() -> None:
    fig = charts.outcome_chart(
        _twelve(), _trajectory(), _projection(), [], title="T", unit="huishoudens", t=NL
    )
    actual, target, projection = _trace(fig, "Realisatie"), _trace(fig, "Doelpad"), _trace(fig, "Projectie")
    assert (actual.line.dash, target.line.dash, projection.line.dash) == ("solid", "dash", "dot")
    assert list(actual.y) == _twelve().frame["current"].to_list() and list(actual.x) == MONTHS
    assert list(target.y) == [100.0, 155.0]
    assert list(projection.y) == [118.0, 130.0]
    band = _trace(fig, "Onzekerheidsmarge")
    assert band.fill == "toself" and list(band.y) == [118.0, 140.0, 120.0, 118.0]
    assert actual.hovertext[4] == "Realisatie mei 2024: 1.234 huishoudens"  # Dutch number and month (Babel)
    en = charts.outcome_chart(_twelve(), _trajectory(), _projection(), [], title="T", unit="households", t=EN)
    assert {t.name for t in en.data} >= {"Actual", "Target trajectory", "Projection", "Uncertainty band"}
    assert _trace(en, "Actual").hovertext[4] == "Actual May 2024: 1,234 households"


def test_outcome_chart_suppressed_month_reads_the_mark() -> None:
    twelve = pl.DataFrame({"month": MONTHS, "current": [1.0, 2.0, None, 4.0, 5.0, 6.0]})
    twelve = _pub(twelve.with_columns(suppressed=pl.col("current").is_null()), k=5)
    fig = charts.outcome_chart(twelve, None, None, [], title="T", unit="n", t=NL)
    assert list(_trace(fig, "Realisatie").y) == [1.0, 2.0, None, 4.0, 5.0, 6.0]
    assert _trace(fig, "Realisatie").hovertext[2].endswith(": " + HIDDEN_NL)
    assert list(_trace(fig, HIDDEN_NL).x) == [MONTHS[2]]
    en = charts.outcome_chart(twelve, None, None, [], title="T", unit="n", t=EN)
    assert list(_trace(en, "x: hidden to protect privacy").x) == [MONTHS[2]]


def test_events_are_lines_with_staggered_short_labels() -> None:
    events = [
        (dt.date(2024, 2, 1), "Energietoeslag uitgebreid naar alle huishoudens met een laag inkomen"),
        (dt.date(2024, 2, 15), "Schuldregeling 18 maanden"),
        ("2024-07-01", "Later"),
        (dt.date(2030, 1, 1), "Buiten beeld"),
    ]
    fig = charts.outcome_chart(_twelve(), _trajectory(), _projection(), events, title="T", unit="n", t=NL)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [s.x0 for s in lines] == [dt.date(2024, 2, 1), dt.date(2024, 2, 15), dt.date(2024, 7, 1)]
    labels = [a for a in fig.layout.annotations if a.hovertext]
    assert len(labels) == 3
    assert labels[0].text.endswith("…") and len(labels[0].text) <= 40
    assert labels[0].hovertext.startswith("Energietoeslag uitgebreid")  # full text on hover
    assert labels[0].yshift != labels[1].yshift  # close together: staggered
    assert labels[2].yshift == 0  # far enough (past the first label's 42 characters): back on the top row


def test_close_events_get_a_row_each_and_crowded_ones_a_mark() -> None:
    """The programme's events of 2022-2023 lie within 14 months: each label on a row of its own."""
    events = [
        (dt.date(2020, 3, 16), "Eerste coronalockdown"),
        (dt.date(2022, 8, 1), "Energiecrisis: energieprijzen op hun hoogst (augustus 2022)"),
        (dt.date(2022, 9, 27), "Start coalitieperiode 2022-2026: coalitieakkoord 'Voor een stad die tegen "
                               "een stootje kan'"),
        (dt.date(2023, 7, 1), "Schuldregelingen van 36 naar 18 maanden"),
        (dt.date(2023, 10, 2), "Haags Akkoord 2023-2026: nieuwe coalitie"),
        (dt.date(2026, 6, 1), "Start coalitieperiode 2026-2030 (datum voorlopig)"),
    ]
    months = [dt.date(2019, 1, 1), dt.date(2030, 5, 1)]  # the programme chart's span, to the term's end
    twelve = _pub(pl.DataFrame({"month": months, "current": [1.0, 2.0], "suppressed": [False, False]}))
    fig = charts.outcome_chart(twelve, None, None, events, title="T", unit="n", t=NL)
    labels = {a.hovertext: a for a in fig.layout.annotations if a.hovertext}
    assert list(labels) == [label for _, label in events]  # all six, full text on hover
    close = [labels[label] for _, label in events[1:5]]
    assert len({a.yshift for a in close}) == 4  # four rows: none drawn over another
    assert all(not a.text.startswith("◆") and len(a.text) <= 40 for a in labels.values())
    # each label its title up to the explanation, so the two terms' starts differ (worked by hand)
    assert [labels[label].text for _, label in events] == [
        "Eerste coronalockdown", "Energiecrisis", "Start coalitieperiode 2022-2026",
        "Schuldregelingen van 36 naar 18 maanden", "Haags Akkoord 2023-2026",
        "Start coalitieperiode 2026-2030"]
    # six events in one month: four labels fill the rows, the rest get the short mark on the row below
    crowded = [(dt.date(2024, 3, d), f"Gebeurtenis nummer {d} met een lange titel") for d in range(1, 7)]
    fig = charts.outcome_chart(_twelve(), None, None, crowded, title="T", unit="n", t=NL)
    marks = [a for a in fig.layout.annotations if a.hovertext]
    assert [a.yshift for a in marks] == [0, -18, -36, -54, -72, -72]
    assert [a.text for a in marks[4:]] == ["◆", "◆"]
    assert marks[5].hovertext == "Gebeurtenis nummer 6 met een lange titel"


def test_outcome_chart_status_without_colour_or_text() -> None:
    """The latest value (circle) above or below the trajectory at that month (open diamond)."""
    fig = charts.outcome_chart(_twelve(), _trajectory(), _projection(), title="T", unit="n", t=NL)
    markers = [t for t in fig.data if t.mode == "markers" and t.hoverinfo == "skip"]
    symbols = {t.marker.symbol: (t.x[0], t.y[0]) for t in markers}
    assert symbols["circle"] == (dt.date(2024, 6, 1), 118.0)
    # the trajectory interpolated at June: 100 + 55 * 152/335 days
    assert symbols["diamond-open"][1] == pytest.approx(100 + 55 * 152 / 335)


def test_target_at_interpolates_and_does_not_extrapolate() -> None:
    months, targets = [dt.date(2024, 1, 1), dt.date(2025, 1, 1)], [0.0, 366.0]
    assert charts.target_at(months, targets, dt.date(2024, 1, 11)) == pytest.approx(10.0)
    assert charts.target_at(months, targets, dt.date(2025, 1, 1)) == pytest.approx(366.0)
    assert charts.target_at(months, targets, dt.date(2025, 2, 1)) is None


def test_programme_chart_has_one_row_per_output_on_a_shared_x_axis() -> None:
    out_a = _rollup({"Den Haag": [5.0, None, 7.0, 8.0, 9.0, 10.0]})
    out_b = _rollup({"Den Haag": [50.0, 51.0, 52.0, 53.0, 54.0, 55.0]})
    fig = charts.programme_chart(
        {
            "title": "Schuldenvrij",
            "unit": "huishoudens",
            "twelve": _twelve(),
            "trajectory": _trajectory(),
            "projection": _projection(),
        },
        [
            {"title": "Aanmeldingen", "unit": "aanmeldingen", "frame": _pub(out_a)},
            {"title": "Bereikt", "unit": "%", "frame": _pub(out_b)},
        ],
        events=[(dt.date(2024, 3, 1), "Nieuw beleid")],
        t=NL,
    )
    layout = fig.layout
    assert layout.yaxis3 is not None and "yaxis4" not in layout.to_plotly_json()
    assert layout.xaxis.matches == "x3" and layout.xaxis2.matches == "x3"
    heights = [ax.domain[1] - ax.domain[0] for ax in (layout.yaxis, layout.yaxis2, layout.yaxis3)]
    assert heights[0] > heights[1] == pytest.approx(heights[2])
    assert (layout.yaxis.title.text, layout.yaxis2.title.text, layout.yaxis3.title.text) == (
        "huishoudens",
        "aanmeldingen",
        "procent",
    )
    titles = {a.text for a in layout.annotations}
    assert {"Schuldenvrij", "Aanmeldingen", "Bereikt"} <= titles and "Nieuw beleid" in titles
    row2 = [t for t in fig.data if t.yaxis == "y2" and isinstance(t, go.Bar)]
    assert len(row2) == 1 and list(row2[0].y) == [5.0, None, 7.0, 8.0, 9.0, 10.0]
    assert "x" in row2[0].text
    row3 = [t for t in fig.data if t.yaxis == "y3" and t.mode == "lines+markers"]
    # the solid line ends at the last complete month; a dotted segment reaches the incomplete one
    # (open marker), so the unfinished month is not read as a dip
    solid, tail = row3
    assert solid.line.dash == "solid" and list(solid.y) == [*out_b["result"].to_list()[:-1], None]
    assert tail.line.dash == "dot" and list(tail.y) == [None, None, None, None, 54.0, 55.0]
    assert tail.marker.symbol[-1].endswith("-open")
    assert {t.line.dash for t in fig.data
            if isinstance(t, go.Scatter) and t.yaxis == "y" and t.mode == "lines" and t.fill != "toself"} == {
        "solid",
        "dash",
        "dot",
    }
    # the outputs' marks (hatched unfinished bar, dotted unfinished tail, the hidden mark) are named
    # once in the legend: the panels draw them without one
    legend = [t for t in fig.data if t.showlegend is not False and t.name]
    unfinished = [t for t in legend if t.name == NL("chart_incomplete")]
    assert sorted(type(t).__name__ for t in unfinished) == ["Bar", "Scatter"]
    bar_key = next(t for t in unfinished if isinstance(t, go.Bar))
    assert bar_key.marker.pattern.shape == "/" and list(bar_key.x) == [None]
    line_key = next(t for t in unfinished if isinstance(t, go.Scatter))
    assert line_key.line.dash == "dot" and line_key.marker.symbol.endswith("-open")
    assert [t.marker.symbol for t in legend if t.name == NL.hidden(explained=True)] == ["x-thin-open"]


def test_programme_chart_names_no_mark_its_outputs_do_not_show() -> None:
    done = _rollup({"Den Haag": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0]}).with_columns(pl.lit(True).alias("complete"))
    fig = charts.programme_chart(
        {"title": "S", "unit": "huishoudens", "twelve": _twelve(), "trajectory": _trajectory(),
         "projection": _projection()},
        [{"title": "A", "unit": "aanmeldingen", "frame": _pub(done)}], t=NL)
    names = {t.name for t in fig.data if t.showlegend is not False}
    assert NL("chart_incomplete") not in names and NL.hidden(explained=True) not in names


def test_programme_chart_names_the_hidden_mark_once_when_the_outcome_has_one_too() -> None:
    twelve = _pub(pl.DataFrame({"month": MONTHS, "current": [100.0, None, 107.5, 111.0, 114.0, 118.0],
                                "suppressed": [False, True, False, False, False, False]}))
    out = _rollup({"Den Haag": [5.0, None, 7.0, 8.0, 9.0, 10.0]})
    fig = charts.programme_chart(
        {"title": "S", "unit": "huishoudens", "twelve": twelve, "trajectory": _trajectory(),
         "projection": _projection()},
        [{"title": "A", "unit": "aanmeldingen", "frame": _pub(out)}], t=NL)
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend.count(NL.hidden(explained=True)) == 1


# ---------------------------------------------------------------- areas, map, funnel, cohorts


def test_area_bars_rank_and_label_suppressed_areas() -> None:
    frame = _rollup({"Noord": [30.0], "Zuid": [None], "Oost": [45.5], "West": [12.0]}, months=MONTHS[:1])
    fig = charts.area_bars(_pub(frame), title="t", unit="%", t=NL, highlight="Oost")
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["Oost", "Noord", "West", "Zuid"]
    assert list(bar.x) == [45.5, 30.0, 12.0, 0.0]
    assert list(bar.text) == ["45,5%", "30,0%", "12,0%", "x"]
    assert bar.hovertext[3] == "Zuid: " + HIDDEN_NL
    assert list(bar.marker.pattern.shape) == [".", "", "", ""]  # dotted: a hatch means an unfinished period
    assert bar.marker.color[0] != bar.marker.color[1]
    assert fig.layout.yaxis.ticktext[0] == "<b>Oost</b>" and fig.layout.yaxis.autorange == "reversed"


def test_area_bars_takes_the_latest_period() -> None:
    frame = _rollup({"Noord": [1.0, 2.0], "Zuid": [3.0, 1.0]}, months=MONTHS[:2])
    fig = charts.area_bars(_pub(frame), title="t", unit="n", t=EN)
    assert list(fig.data[0].y) == ["Noord", "Zuid"] and list(fig.data[0].x) == [2.0, 1.0]


def test_choropleth_on_the_real_den_haag_wijken() -> None:
    geo = json.loads(GEOJSON.read_text(encoding="utf-8"))
    codes = sorted(f["properties"]["statcode"] for f in geo["features"])
    assert codes == [f"WK0518{i:02d}" for i in range(1, 45)]
    values = {f"Wijk {i}": [None if i in (3, 17) else float(i)] for i in range(1, 45)}
    frame = _rollup(values, months=MONTHS[:1])
    fig = charts.choropleth(
        _pub(frame),
        geo,
        title="Kaart",
        unit="%",
        t=NL,
        attribution="Kadaster / Centraal Bureau voor de Statistiek",
    )
    shown, hidden = fig.data
    assert isinstance(shown, go.Choroplethmap) and isinstance(hidden, go.Choroplethmap)
    assert sorted(list(shown.locations) + list(hidden.locations)) == sorted(frame["area"].to_list())
    assert list(hidden.locations) == ["WK051803", "WK051817"]
    assert list(shown.z) == [float(i) for i in range(1, 45) if i not in (3, 17)]
    assert all(h.endswith(": " + HIDDEN_NL) for h in hidden.hovertext)
    assert shown.featureidkey == "properties.statcode"
    assert shown.colorscale[0][1] == "#440154"  # Viridis: colour-blind-safe sequential
    layout = fig.layout
    assert layout.map.style == "white-bg" and not layout.map.layers
    assert "mapbox" not in layout.to_plotly_json()
    assert 4.196 <= layout.map.center.lon <= 4.422 and 52.018 <= layout.map.center.lat <= 52.129
    assert 10 <= layout.map.zoom <= 12.5
    assert any(a.text == "Kadaster / Centraal Bureau voor de Statistiek" for a in layout.annotations)
    assert any(a.text.startswith("Grijs: " + HIDDEN_NL) for a in layout.annotations)


def test_map_view_fits_the_bounds() -> None:
    square = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [[[[4.0, 52.0], [4.2, 52.0], [4.2, 52.1], [4.0, 52.0]]]],
                },
            }
        ],
    }
    center, zoom = charts.map_view(square, width=700, height=480)
    assert center["lon"] == pytest.approx(4.1) and 52.0 < center["lat"] < 52.1
    # the fitted span in pixels fits the width: 0.2 degrees at 512 * 2**zoom px per 360 degrees
    assert 0.2 * 512 * 2**zoom / 360 <= 700
    with pytest.raises(ValueError, match="no coordinates"):
        charts.map_view({"type": "FeatureCollection", "features": []})


def test_funnel_values_and_percent_of_previous_and_first() -> None:
    steps = [("Signalen", 4000.0), ("Bereikt", 800.0), ("Hulp aanvaard", None), ("Schuldenvrij", 40.0)]
    fig = charts.funnel(_steps(steps), title="Trechter", t=NL)
    trace = fig.data[0]
    assert list(trace.y) == ["Signalen", "Bereikt", "Hulp aanvaard", "Schuldenvrij"]
    assert list(trace.x) == [4000.0, 800.0, 0.0, 40.0]
    assert list(trace.customdata) == [None, 20.0, None, None]
    assert list(trace.text) == ["4.000", "800", "x", "40"]
    # 800 / 4000 = 20 %; 40 / 4000 = 1 % of the first; nothing of a hidden step before it
    notes = {a.y: a.text for a in fig.layout.annotations}
    assert notes == {"Bereikt": "20,0% van vorige stap<br>20,0% van eerste stap",
                     "Schuldenvrij": "1,0% van eerste stap"}
    assert trace.hovertext[1] == "Bereikt: 800 (20,0% van vorige stap; 20,0% van eerste stap)"
    assert trace.hovertext[2] == "Hulp aanvaard: " + HIDDEN_NL
    assert charts.funnel_percentages([200.0, 50.0, 0.0, 5.0]) == [None, 25.0, 0.0, None]
    assert charts.funnel_of_first([200.0, 50.0, None, 5.0]) == [None, 25.0, None, 2.5]
    assert charts.funnel_of_first([0.0, 0.0]) == [None, None]
    en = charts.funnel(_steps(steps[:2], k=5), title="Funnel", t=EN)
    assert [a.text for a in en.layout.annotations] == ["20.0% of previous step<br>20.0% of first step"]


def test_cohort_chart_lines_and_emphasis() -> None:
    rows = [
        {
            "cohort": str(y),
            "months_since": m,
            "area": "0518",
            "result": float(m + y - 2020),
            "suppressed": False,
        }
        for y in (2020, 2021, 2022, 2023)
        for m in (0, 6, 12)
    ]
    rows[-1] |= {"result": None, "suppressed": True}
    fig = charts.cohort_chart(_pub(pl.DataFrame(rows)), title="Cohorten", t=NL)
    lines = {t.name: t for t in fig.data if t.mode == "lines"}
    assert list(lines) == ["2020", "2021", "2022", "2023"]
    assert list(lines["2021"].x) == [0, 6, 12] and list(lines["2021"].y) == [1.0, 7.0, 13.0]
    assert list(lines["2023"].y) == [3.0, 9.0, None] and lines["2023"].text[-1] == "x"
    assert lines["2023"].hovertext[-1].endswith(HIDDEN_NL)
    assert lines["2023"].line.width > lines["2021"].line.width
    assert lines["2022"].line.width > lines["2021"].line.width
    for old in ("2020", "2021"):
        assert lines[old].line.color == charts.FAINT
        assert charts.contrast_ratio(lines[old].line.color, "#ffffff") >= 3.0
    assert lines["2020"].line.dash != lines["2021"].line.dash
    assert list(_trace(fig, HIDDEN_NL).x) == [12]
    assert fig.layout.xaxis.title.text == "Maanden sinds start" and fig.layout.yaxis.ticksuffix == "%"


def test_builders_accept_empty_frames() -> None:
    """A new indicator without data yet gives an empty chart, not an exception on a page."""
    empty = _pub(_rollup({"Leeg": [1.0]}, months=MONTHS[:1]).clear())
    assert empty.is_empty()
    twelve = _pub(pl.DataFrame(schema={"month": pl.Date, "current": pl.Float64, "suppressed": pl.Boolean}))
    cohorts = _pub(
        pl.DataFrame(
            schema={
                "cohort": pl.String,
                "months_since": pl.Int64,
                "area": pl.String,
                "result": pl.Float64,
                "suppressed": pl.Boolean,
            }
        )
    )
    geo = json.loads(GEOJSON.read_text(encoding="utf-8"))
    figs = [
        charts.outcome_chart(twelve, None, None, [(dt.date(2024, 1, 1), "x")], title="t", unit="n", t=NL),
        charts.programme_chart(
            {"title": "t", "unit": "n", "twelve": twelve, "trajectory": None, "projection": None},
            [{"title": "o", "unit": "n", "frame": empty}],
            t=NL,
        ),
        charts.series_chart(empty, title="t", unit="n", t=NL),
        charts.area_bars(empty, title="t", unit="n", t=NL),
        charts.choropleth(empty, geo, title="t", unit="n", t=NL),
        charts.funnel(_steps([]), title="t", t=NL),
        charts.cohort_chart(cohorts, title="t", t=NL),
    ]
    for fig in figs:
        fig.to_json()


def test_sparkline_svg_draws_the_same_marks_without_plotly() -> None:
    import datetime as dt
    import re

    months = [dt.date(2025, m, 1) for m in range(1, 13)]
    twelve = pl.DataFrame({"month": months, "current": [float(100 + i) for i in range(12)]})
    trajectory = pl.DataFrame({"month": [months[0], months[-1]], "target": [100.0, 120.0]})
    projection = pl.DataFrame(
        {
            "month": [months[-1], dt.date(2026, 6, 1)],
            "value": [111.0, 118.0],
            "low": [111.0, 114.0],
            "high": [111.0, 122.0],
        }
    )
    svg = charts.sparkline_svg(_pub(twelve), trajectory, projection, label="Plaatsingen: op koers")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "<title>Plaatsingen: op koers</title>" in svg
    polylines = re.findall(
        r"<polyline points=\"([^\"]+)\"[^>]*stroke-dasharray=\"([^\"]+)\"|"
        r"<polyline points=\"([^\"]+)\"",
        svg,
    )
    assert len(polylines) == 3  # actual, target (dashed), projection (dotted)
    assert 'stroke-dasharray="6 4"' in svg and 'stroke-dasharray="1.5 3"' in svg
    # the actual line has one point per month, and the latest value is marked
    actual = re.search(r'<polyline points="([^"]+)" fill="none" stroke="#0072B2" stroke-width="2.2"', svg)
    assert len(actual.group(1).split()) == 12
    assert svg.count("<circle") == 1 and 'fill="white"' in svg  # latest value and target diamond
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_sparkline_svg_empty() -> None:
    empty = pl.DataFrame(schema={"month": pl.Date, "current": pl.Float64})
    svg = charts.sparkline_svg(_pub(empty), None, None, label="x")
    assert "<polyline" not in svg and 'aria-label="x"' in svg


# ---------------------------------------------------------------- only Published frames


def _raw_frames() -> dict[str, pl.DataFrame]:
    rollup = _rollup({"Centrum": [10.0, None, 12.0, 13.0, 14.0, 15.0]})
    cohorts = pl.DataFrame(
        {"cohort": ["2024"], "months_since": [0], "area": ["0518"], "result": [1.0], "suppressed": [False]}
    )
    return {
        "rollup": rollup,
        "twelve": _twelve().frame,
        "steps": _steps([("a", 1.0)]).frame,
        "cohorts": cohorts,
    }


SURFACES = {
    "series_chart": lambda raw: charts.series_chart(raw["rollup"], title="t", unit="n", t=NL),
    "area_bars": lambda raw: charts.area_bars(raw["rollup"], title="t", unit="n", t=NL),
    "choropleth": lambda raw: charts.choropleth(
        raw["rollup"], json.loads(GEOJSON.read_text(encoding="utf-8")), title="t", unit="n", t=NL
    ),
    "cohort_chart": lambda raw: charts.cohort_chart(raw["cohorts"], title="t", t=NL),
    "funnel": lambda raw: charts.funnel(raw["steps"], title="t", t=NL),
    "outcome_chart": lambda raw: charts.outcome_chart(raw["twelve"], None, None, title="t", unit="n", t=NL),
    "programme_chart (outcome)": lambda raw: charts.programme_chart(
        {"title": "t", "unit": "n", "twelve": raw["twelve"]}, [], t=NL
    ),
    "programme_chart (output)": lambda raw: charts.programme_chart(
        {"title": "t", "unit": "n", "twelve": _twelve()},
        [{"title": "o", "unit": "n", "frame": raw["rollup"]}],
        t=NL,
    ),
    "sparkline_svg": lambda raw: charts.sparkline_svg(raw["twelve"], None, None, label="x"),
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_chart_refuses_a_raw_frame(surface: str) -> None:
    """A number reaches a chart only through the roll-up's disclosure control."""
    with pytest.raises(TypeError, match="Published"):
        SURFACES[surface](_raw_frames())


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_every_chart_takes_the_published_frame(surface: str) -> None:
    wrapped = {name: _pub(frame) for name, frame in _raw_frames().items()}
    SURFACES[surface](wrapped)


def test_a_counts_trajectory_and_projection_hover_without_decimals() -> None:
    """As on the card: an estimate of a count of households has no decimals (hand-made: a path at
    72.4 and a projection of 55.04 in a band of 40.6 to 70.2)."""
    months = [dt.date(2024, 1, 1), dt.date(2024, 6, 1)]
    trajectory = pl.DataFrame({"month": months, "target": [70.0, 72.4]})
    projection = pl.DataFrame({"month": [dt.date(2024, 6, 1), dt.date(2024, 12, 1)],
                               "value": [60.0, 55.04], "low": [60.0, 40.6], "high": [60.0, 70.2]})
    for whole, path, proj in ((True, "72 huishoudens", "55 huishoudens (41 – 70)"),
                              (False, "72,4 huishoudens", "55,0 huishoudens (40,6 – 70,2)")):
        fig = charts.outcome_chart(_twelve(), trajectory, projection, title="T", unit="huishoudens", t=NL,
                                   whole=whole)
        hovers = [h for tr in fig.data for h in (tr.hovertext or ()) if isinstance(h, str)]
        assert any(h.endswith(path) for h in hovers), hovers
        assert any(h.endswith(proj) for h in hovers), hovers
