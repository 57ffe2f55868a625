"""Labels in Dutch and English, and Dutch/English number and date formats (via Babel).

Dutch is the default. Formatting goes through Babel, not hand-written string
tricks, so `1.234,5` and `31-10-2026` follow CLDR exactly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

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


def value(v: float | None, unit: str, lang: str = "nl", *, suppressed: bool = False, k: int = 10) -> str:
    """A measured value with its unit, or `<k` for a suppressed cell."""
    if suppressed:
        return f"<{k}"
    if v is None:
        return "–"
    if unit == "%":
        return percent(v, lang)
    decimals = 1 if abs(v) < 100 and v != int(v) else 0
    return number(v, lang, decimals)


def signed(v: float | None, unit: str, lang: str = "nl") -> str:
    """A change with an explicit sign: `+12`, `−3,4 %-punt`."""
    if v is None:
        return "–"
    sign = "+" if v > 0 else ("−" if v < 0 else "±")
    if unit == "%":
        return f"{sign}{number(abs(v), lang, 1)} {t('pct_points', lang)}"
    return f"{sign}{number(abs(v), lang, 1 if abs(v) < 100 and v != int(v) else 0)}"


LABELS: dict[str, dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("labels.yaml")).read_text(encoding="utf-8")
)


def t(key: str, lang: str = "nl", **kwargs: object) -> str:
    """The label for `key` in `lang`; a missing key is a bug, so it raises."""
    entry = LABELS[key]
    text = entry.get(lang_or_default(lang)) or entry["nl"]
    return text.format(**kwargs) if kwargs else text


def pick(texts: dict[str, str] | str | None, lang: str = "nl") -> str:
    """Pick a language from a {nl, en} mapping as found in query files and programme.yaml."""
    if texts is None:
        return ""
    if isinstance(texts, str):
        return texts
    return texts.get(lang_or_default(lang)) or texts.get("nl") or next(iter(texts.values()), "")
