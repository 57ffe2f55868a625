"""The change log worded in one language, for the page and for `monitor changes` (text and CSV).

`monitor.changes` keeps codes and values; here they become lines a programme team reads
in a mail: the new month, the reporting period that became complete, status changes,
the largest moves against the previous year, indicators that broke or recovered, and
extracts that failed validation. One function, so the page and the mail say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from monitor import i18n, signs
from monitor.i18n import t
from monitor.indicators import Indicator

SECTIONS = ("changes_data", "changes_status", "changes_moves", "changes_health")
_SECTION = {"first": "changes_data", "rebuild": "changes_data", "new_month": "changes_data",
            "new_period": "changes_data", "rules": "changes_status", "status": "changes_status",
            "move": "changes_moves", "broke": "changes_health", "recovered": "changes_health",
            "extract": "changes_health"}


def heading(entry: dict[str, Any], lang: str) -> str:
    """`Levering van 30 november 2026 · gegevens t/m 31 oktober 2026`, or for a catalog built again
    on the same extracts `Opnieuw opgebouwd op ... · dezelfde gegevens t/m ...`."""
    built = dt.date.fromisoformat(entry["built_at"][:10])
    as_of = dt.date.fromisoformat(entry["as_of"]) if entry.get("as_of") else None
    key = "changes_rebuild" if any(i["kind"] == "rebuild" for i in entry["items"]) else "changes_delivery"
    return t(key, lang, built=i18n.date(built, lang), as_of=i18n.date(as_of, lang))


def _signed_pct(share: float, lang: str) -> str:
    """+164% or −12%: a relative move with its sign (Babel's percent drops the plus)."""
    sign = "+" if share > 0 else ("−" if share < 0 else "±")
    return sign + i18n.percent(100 * abs(share), lang, 0)


def _month(code: str | None, lang: str) -> str:
    return i18n.month(dt.date.fromisoformat(code + "-01"), lang) if code else "–"


def lines(entry: dict[str, Any], lang: str, ambitions: Mapping[str, object],
          indicators: Mapping[str, Indicator]) -> list[tuple[str, str]]:
    """(section label key, line) per item, in SECTIONS order; per-indicator new months summed up."""
    def ind_name(i: str) -> str:
        return indicators[i].label(lang) if i in indicators else i

    out: list[tuple[str, str]] = []
    months: dict[tuple[str, str], list[str]] = {}
    for item in entry["items"]:
        kind, subject, before, after = item["kind"], item["subject"], item["before"], item["after"]
        if kind == "new_month" and subject:
            months.setdefault((before, after), []).append(subject)
            continue
        if kind == "first":
            text = t("change_first", lang, after=_month(after, lang))
        elif kind == "rebuild":
            text = t("change_rebuild", lang)
        elif kind == "new_month":
            text = t("change_new_month", lang, before=_month(before, lang), after=_month(after, lang))
        elif kind == "new_period":
            text = t("change_new_period", lang, after=after)
        elif kind == "rules":
            text = t("change_rules", lang)
        elif kind == "status":
            text = t("change_status", lang, subject=i18n.pick(ambitions.get(subject, subject), lang),
                     before=t(f"status_{before}", lang), after=t(f"status_{after}", lang))
        elif kind == "move":
            unit = indicators[subject].unit if subject in indicators else ""
            direction = indicators[subject].direction if subject in indicators else "none"
            _, colour = signs.change_style(after - before, direction)  # good or bad by the direction
            judgement = {"green": t("move_better", lang), "red": t("move_worse", lang)}.get(colour, "")
            text = t("change_move", lang, subject=ind_name(subject), before=i18n.value(before, unit, lang),
                     after=i18n.value(after, unit, lang),
                     change=signs.arrow_text(after - before, i18n.signed(after - before, unit, lang)),
                     relative=_signed_pct(item["change"], lang), judgement=judgement)
        elif kind == "broke":
            text = t("change_broke", lang, subject=ind_name(subject), detail=item["detail"])
        elif kind == "recovered":
            text = t("change_recovered", lang, subject=ind_name(subject))
        else:
            text = t("change_extract", lang, subject=subject, status=t(f"extract_{after}", lang),
                     detail=item["detail"] or "–")
        out.append((_SECTION[kind], text))
    for (before, after), ids in sorted(months.items(), key=lambda kv: kv[0][1] or "", reverse=True):
        out.append(("changes_data", t("change_new_month_indicators", lang, count=len(ids),
                                      before=_month(before, lang), after=_month(after, lang))))
    return sorted(out, key=lambda pair: SECTIONS.index(pair[0]))
