"""`python -m monitor check`: every input a person delivers, checked in one pass.

Each problem is one line naming the file (and column or line) and what to fix.
"""

from __future__ import annotations

from monitor import extracts
from monitor.settings import Settings


def check_extracts(settings: Settings) -> list[str]:
    problems: list[str] = []
    wijk_codes: list[str] | None = None
    for name in extracts.LOAD_ORDER:
        result, frame = extracts.validate(settings.data_dir, name, wijk_codes=wijk_codes)
        problems += [str(p) for p in result.problems]
        if name == "areas" and frame is not None:
            wijk_codes = frame["wijk_code"].unique().to_list()
    return problems


def check_all(settings: Settings) -> list[str]:
    return check_extracts(settings)
