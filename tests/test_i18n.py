"""Labels exist in both languages; numbers and dates follow Dutch and English conventions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from monitor import i18n
from tests.conftest import ROOT


@pytest.mark.parametrize("key", sorted(i18n.LABELS))
def test_every_label_has_both_languages(key: str) -> None:
    entry = i18n.LABELS[key]
    assert set(entry) == {"nl", "en"}, key
    assert entry["nl"].strip() and entry["en"].strip()
    # placeholders must match, or one language would crash at format time
    assert set(re.findall(r"{(\w+)}", entry["nl"])) == set(re.findall(r"{(\w+)}", entry["en"]))


def _used_label_keys() -> set[str]:
    keys: set[str] = set()
    for path in [ROOT / "dashboard.py", *ROOT.glob("pages/*.py"), *ROOT.glob("monitor/**/*.py")]:
        keys |= set(re.findall(r"""\bt\(\s*["']([a-z_]+[a-z])["']""", Path(path).read_text()))
    return keys


def test_every_literal_label_used_in_code_exists() -> None:
    missing = sorted(k for k in _used_label_keys() if k not in i18n.LABELS)
    assert missing == [], f"add these keys to monitor/labels.yaml: {missing}"


def test_dutch_number_and_date_formats() -> None:
    assert i18n.number(1234.5, "nl", 1) == "1.234,5"
    assert i18n.number(1234.5, "en", 1) == "1,234.5"
    assert i18n.number(1234567, "nl") == "1.234.567"
    assert i18n.date(dt.date(2026, 10, 31), "nl") == "31-10-2026"
    assert i18n.percent(64.25, "nl", 1).replace("\xa0", "") in {"64,2%", "64,3%"}


def test_suppressed_value_reads_as_the_mark_whatever_the_value() -> None:
    assert i18n.value(3, "personen", "nl", suppressed=True) == "x"
    assert i18n.value(171, "personen", "en", suppressed=True) == "x"  # a complementary cell
    assert i18n.value(0, "%", "nl", suppressed=True) == "x"
    assert i18n.value(None, "personen", "nl") == "–"


def test_signed_change() -> None:
    assert i18n.signed(12, "huishoudens", "nl") == "+12"
    assert i18n.signed(-3.4, "%", "nl").startswith("−3,4")
    assert i18n.signed(0, "huishoudens", "en") == "±0"


def test_pick_falls_back_to_dutch() -> None:
    assert i18n.pick({"nl": "Schulden"}, "en") == "Schulden"
    assert i18n.pick({"nl": "Schulden", "en": "Debts"}, "en") == "Debts"
    assert i18n.pick("plain", "en") == "plain"


def test_hidden_cell_is_one_mark_for_every_surface() -> None:
    assert i18n.hidden("nl") == i18n.hidden("en") == "x"  # CBS: x = geheim
    assert i18n.value(None, "%", "en", suppressed=True) == i18n.hidden("en")
    assert i18n.hidden("en", explained=True) == "x: hidden to protect privacy"
    assert i18n.hidden("nl", explained=True) == "x: verborgen ter bescherming van de privacy"
    assert i18n.value(float("nan"), "%", "nl") == "–"


def _query_units() -> set[str]:
    units = set()
    for path in ROOT.glob("queries/*.sql"):
        units |= {u.strip().strip("'\"") for u in re.findall(r"^unit:\s*(.+)$", path.read_text(), re.M)}
    return units


def test_every_unit_in_the_queries_has_a_label() -> None:
    units = _query_units()
    assert {"huishoudens", "personen", "%"} <= units
    missing = sorted(u for u in units - {"%"} if f"unit_{u}" not in i18n.LABELS)
    assert missing == [], f"add unit_<code> labels to monitor/labels.yaml: {missing}"


def test_unit_words_a_unit_code() -> None:
    assert i18n.unit("huishoudens", "en") == "households"
    assert i18n.unit("huishoudens", "nl") == "huishoudens"
    assert i18n.unit("%", "en") == "%"
    assert i18n.unit("kilo", "en") == "kilo"  # no label: the code itself
    assert i18n.unit("huishoudens", "en", {"nl": "hh", "en": "hh (en)"}) == "hh (en)"
    assert i18n.unit("huishoudens", "en", {"nl": "hh"}) == "hh"


def test_translator_binds_a_language_to_words_and_formats() -> None:
    nl, en = i18n.Translator("nl"), i18n.Translator("en")
    assert nl("chart_actual") == nl.t("chart_actual") == "Realisatie" and en("chart_actual") == "Actual"
    assert en.suppression_legend(10) == i18n.suppression_legend(10, "en")
    assert nl.number(1234.5, 1) == "1.234,5" and en.value(64.25, "%") == "64.2%"
    assert nl.month(dt.date(2024, 5, 1)) == "mei 2024" and en.date(dt.date(2026, 10, 31)) == "31/10/2026"
    assert en.unit("personen") == "people" and en.hidden() == "x"
    assert (nl.separators, en.separators) == (",.", ".,")  # Plotly's layout.separators: decimal, group
    assert i18n.Translator("xx").lang == "nl"
    with pytest.raises(AttributeError):
        nl.lang = "en"  # frozen


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_legend_explains_the_mark_without_claiming_a_value(lang: str) -> None:
    legend = i18n.suppression_legend(10, lang)
    assert legend.startswith(f"**{i18n.hidden(lang)}** = {i18n.t('hidden_meaning', lang)}.")
    assert "10" in legend  # the rule may be explained ...
    assert not re.search(r"<\s*\d", legend)  # ... but never as a value "<10"
    for key, texts in i18n.LABELS.items():
        assert not re.search(r"<\s*(\d|\{k\})", texts.get(lang, "")), f"label {key} claims '<k' as a value"


# ---------------------------------------------------------------- words a municipal reader expects


def _texts(lang: str) -> dict[str, str]:
    return {key: entry[lang] for key, entry in i18n.LABELS.items()}


@pytest.mark.parametrize("word", ["werkgesprek", "gedreven door", "queriebestand", "zaak"])
def test_no_dutch_label_uses_a_word_the_municipality_does_not(word: str) -> None:
    """"Gesprekken met werkzoekenden", "bijbehorende prestaties", "querybestand", and one word for
    a debt-help case: "traject" (never "zaak")."""
    found = {k: v for k, v in _texts("nl").items() if word in v.lower()}
    assert found == {}, f"labels saying {word!r}: {found}"


def test_english_keeps_wijk_and_stadsdeel_and_explains_them_once() -> None:
    """English uses the Dutch words wijk and stadsdeel throughout; one label says what they are."""
    en = _texts("en")
    glossary = {k: v for k, v in en.items() if re.search(r"district|borough|neighbourhood", v, re.I)}
    assert list(glossary) == ["level"], glossary
    assert "wijk = district" in glossary["level"] and "stadsdeel = borough" in glossary["level"]
    assert en["level_wijk"] == "Wijk" and en["level_stadsdeel"] == "Stadsdeel"


def test_no_fixed_threshold_where_k_is_meant() -> None:
    """The disclosure threshold is a setting (MONITOR_MIN_CELL): texts name it as {k}, never as 10."""
    fixed = re.compile(r"(minder dan|fewer than|below|onder|<)\s*10\b", re.I)
    found = {f"{k}.{lang}": v for lang in ("nl", "en") for k, v in _texts(lang).items() if fixed.search(v)}
    assert found == {}
    assert not fixed.search((ROOT / "monitor" / "report.py").read_text(encoding="utf-8"))
    assert "{k}" in i18n.LABELS["suppression_note"]["nl"] and "{k}" in i18n.LABELS["suppression_note"]["en"]


@pytest.mark.parametrize("lang, expected", [("nl", ("2,0 %-punt", "391", "1.234")),
                                             ("en", ("2.0 pp", "391", "1,234"))])
def test_a_distance_from_the_trajectory_is_unsigned_and_in_points_between_percentages(lang, expected) -> None:
    """2.0 above a 50% path reads as 2.0 percentage points; `2,0%` would read as a share."""
    assert (i18n.difference(2.0, "%", lang), i18n.difference(-391.0, "personen", lang),
            i18n.difference(1234.0, "huishoudens", lang)) == expected


def test_within_the_margin_names_no_side_of_the_trajectory() -> None:
    """A shortfall lies below an upward path and above a downward one (fewer people on benefit):
    the within-margin fact says 'short of it' / 'achter', never above or below, so it cannot
    contradict the line before it, which says on which side the figure is."""
    for lang in ("nl", "en"):
        text = i18n.t("fact_within_margin", lang, gap="391", margin="5%").lower()
        assert not re.search(r"eronder|erboven|below|above|onder het|boven het", text), text


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_date_field_is_written_as_the_page_writes_dates(lang: str) -> None:
    """The audit page's date field showed 24-11-2026 on an English page that writes 24/11/2026."""
    from types import SimpleNamespace

    from monitor.ui.gate import date_input_format

    pattern = date_input_format(SimpleNamespace(lang=lang))
    day = dt.date(2026, 11, 24)
    shown = pattern.replace("DD", "24").replace("MM", "11").replace("YYYY", "2026")
    assert shown == i18n.date(day, lang)


def test_an_audit_time_is_written_as_the_reader_writes_dates() -> None:
    """The audit page's times: the recorded moment (UTC) in Dutch time and the reader's date format."""
    from monitor.ui.gate import _when

    assert _when("2026-11-30T14:05:09+00:00", "nl") == "30-11-2026 15:05:09"  # winter: UTC+1
    assert _when("2026-07-01T23:30:00+00:00", "en") == "02/07/2026 01:30:00"  # summer: UTC+2, next day
    assert _when("not a time", "nl") == "not a time" and _when(None, "nl") == ""
