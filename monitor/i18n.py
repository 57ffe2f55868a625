"""Labels in Dutch and English, and Dutch/English number and date formats (via Babel).

Dutch is the default. Formatting goes through Babel, not hand-written string
tricks, so `1.234,5` and `31-10-2026` follow CLDR exactly. Every surface (pages,
charts, tables, downloads, the report) formats through these functions, so a
number, a unit and a hidden cell read the same everywhere.

The library never picks a language: the edge (page context, report, CLI) binds
one in a `Translator` and hands it to the surfaces, which use its words
(`t("chart_actual")`) and formats (`t.value(...)`, `t.month(...)`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent, get_decimal_symbol, get_group_symbol

LANGUAGES = ("nl", "en")
_LOCALE = {"nl": "nl_NL", "en": "en_GB"}
_DATE_PATTERN = {"nl": "dd-MM-yyyy", "en": "dd/MM/yyyy"}
_MONTH_PATTERN = {"nl": "MMM yyyy", "en": "MMM yyyy"}


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "nl"


def number(value: float | int | None, lang: str = "nl", decimals: int = 0) -> str:
    """`1.234,5` in Dutch, `1,234.5` in English; None becomes an en dash."""
    if value is None:
        return "–"
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=fmt, locale=_LOCALE[lang_or_default(lang)])


def percent(value: float | None, lang: str = "nl", decimals: int = 1) -> str:
    """A value already in percent (64.2) shown as `64,2%`."""
    if value is None:
        return "–"
    fmt = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    return format_percent(value / 100, format=fmt, locale=_LOCALE[lang_or_default(lang)])


def date(value: dt.date | None, lang: str = "nl") -> str:
    if value is None:
        return "–"
    return format_date(value, _DATE_PATTERN[lang_or_default(lang)], locale=_LOCALE[lang_or_default(lang)])


def month(value: dt.date | None, lang: str = "nl") -> str:
    if value is None:
        return "–"
    return format_date(value, _MONTH_PATTERN[lang_or_default(lang)], locale=_LOCALE[lang_or_default(lang)])


def separators(lang: str = "nl") -> str:
    """Decimal and group symbol as Plotly's `layout.separators` wants them: `,.` in Dutch, `.,` in English.

    Taken from the same CLDR data as `number`, so a chart's axis reads like its hover text.
    """
    locale = _LOCALE[lang_or_default(lang)]
    return get_decimal_symbol(locale) + get_group_symbol(locale)


def hidden(lang: str = "nl", *, explained: bool = False) -> str:
    """The mark of a cell hidden by disclosure control: the one place every surface takes it from.

    The mark is `x`, as Statistics Netherlands (CBS) writes a confidential figure in StatLine
    ("x = geheim"; CBS's `.` means "figure unknown", which is not what a hidden cell is). It is
    the same for a cell resting on fewer than k people and for a cell hidden so that one cannot
    be worked out: it claims nothing about the value (a complementary cell may be 171 or 0).
    `explained=True` gives the mark with its meaning ("x: hidden to protect privacy"), for hover
    texts, chart legends and accessible names.
    """
    mark = t("hidden_cell", lang)
    return f"{mark}: {t('hidden_meaning', lang)}" if explained else mark


def suppression_legend(k: int, lang: str = "nl") -> str:
    """The legend beside a table, chart or card that may show the mark: what `x` means, and the rule."""
    return t("suppression_note", lang, mark=hidden(lang), meaning=t("hidden_meaning", lang), k=k)


def value(v: float | None, unit: str, lang: str = "nl", *, suppressed: bool = False, whole: bool = False
          ) -> str:
    """A measured value (without its unit word), or the hidden-cell mark for a suppressed cell.

    `unit` only decides the format: `%` gives a percentage, anything else a number. `whole`: a
    count of households or people, so an estimate of one (a trajectory, a projection) is shown
    without decimals: "31,8 households" is a precision no count has (below 1 it keeps one: a gap
    of 0,4 is not "0").
    """
    if suppressed:
        return hidden(lang)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if unit == "%":
        return percent(v, lang)
    decimals = 1 if abs(v) < 100 and v != int(v) and not (whole and abs(v) >= 1) else 0  # 0,4 is no 0
    return number(v, lang, decimals)


def signed(v: float | None, unit: str, lang: str = "nl") -> str:
    """A change with an explicit sign: `+12`, `−3,4 %-punt`."""
    if v is None:
        return "–"
    sign = "+" if v > 0 else ("−" if v < 0 else "±")
    if unit == "%":
        return f"{sign}{number(abs(v), lang, 1)} {t('pct_points', lang)}"
    return f"{sign}{number(abs(v), lang, 1 if abs(v) < 100 and v != int(v) else 0)}"


def difference(v: float | None, unit: str, lang: str = "nl", *, whole: bool = False) -> str:
    """A distance without a sign (how far from a line): between two percentages it is in
    percentage points, `2,0 %-punt`, not `2,0%` (which reads as a share)."""
    if v is None:
        return "–"
    if unit == "%":
        return f"{number(abs(v), lang, 1)} {t('pct_points', lang)}"
    return value(abs(v), unit, lang, whole=whole)


LABELS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("labels.yaml")).read_text(encoding="utf-8")
)


def t(key: str, lang: str = "nl", **kwargs: object) -> str:
    """The label for `key` in `lang`; a missing key is a bug, so it raises."""
    entry = LABELS[key]
    text = entry.get(lang_or_default(lang)) or entry["nl"]
    return text.format(**kwargs) if kwargs else text


def unit(code: str, lang: str = "nl", unit_label: dict[str, str] | str | None = None) -> str:
    """A unit as a reader sees it: the indicator's `unit_label`, else the `unit_<code>` label, else the code.

    `%` (and an empty unit) stay as they are.
    """
    if unit_label:
        return pick(unit_label, lang)
    if code in ("", "%"):
        return code
    key = f"unit_{code}"
    return t(key, lang) if key in LABELS else code


def pick(texts: dict[str, str] | str | None, lang: str = "nl") -> str:
    """Pick a language from a {nl, en} mapping as found in query files and programme.yaml."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    return texts.get(lang_or_default(lang)) or texts.get("nl") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class Translator:
    """Words and formats in one language, bound at the edge and handed to every surface.

    `t = Translator("en")`; `t("chart_actual")` is a label, `t.value(1234.5, "%")` a
    formatted value, `t.unit("huishoudens")` a worded unit. The methods delegate to
    this module's functions, so there is one formatter whoever calls it.
    """

    lang: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "lang", lang_or_default(self.lang))

    def __call__(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def pick(self, texts: dict[str, str] | str | None) -> str:
        return pick(texts, self.lang)

    def number(self, v: float | int | None, decimals: int = 0) -> str:
        return number(v, self.lang, decimals)

    def percent(self, v: float | None, decimals: int = 1) -> str:
        return percent(v, self.lang, decimals)

    def value(self, v: float | None, unit: str, *, suppressed: bool = False, whole: bool = False) -> str:
        return value(v, unit, self.lang, suppressed=suppressed, whole=whole)

    def signed(self, v: float | None, unit: str) -> str:
        return signed(v, unit, self.lang)

    def difference(self, v: float | None, unit: str, *, whole: bool = False) -> str:
        return difference(v, unit, self.lang, whole=whole)

    def date(self, d: dt.date | None) -> str:
        return date(d, self.lang)

    def month(self, d: dt.date | None) -> str:
        return month(d, self.lang)

    def unit(self, code: str, unit_label: dict[str, str] | str | None = None) -> str:
        return unit(code, self.lang, unit_label)

    def hidden(self, *, explained: bool = False) -> str:
        return hidden(self.lang, explained=explained)

    def suppression_legend(self, k: int) -> str:
        return suppression_legend(k, self.lang)

    @property
    def separators(self) -> str:
        return separators(self.lang)
