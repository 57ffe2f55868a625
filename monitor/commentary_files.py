"""Commentary as Markdown files: exported for a team's document flow, read back with its versions.

One file per reporting period. Comment markers carry what the import needs (the
period, each ambition's id and the version the text was exported at); the headings
between them are for the reader and are skipped on import. The import saves through
`commentary.save` with the exported version as the expected one, so a story that was
changed in the monitor after the export is reported as a conflict, not overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from monitor import commentary, i18n
from monitor.settings import Settings

_PERIOD = re.compile(r"^<!-- monitor commentary: period=(\S+) -->\s*$")
_AMBITION = re.compile(r"^<!-- ambition=(\S+) version=(\d+) -->\s*$")
_FIELD = re.compile(r"^<!-- field=(\S+) -->\s*$")


@dataclass
class Block:
    """One ambition's story as read from a file, with the line it starts on."""

    ambition: str
    period: str
    version: int
    line: int
    texts: dict[str, str] = field(default_factory=dict)


class FileError(ValueError):
    """A file that is not an exported commentary file; the message names file and line."""


def export_text(settings: Settings, period: str, titles: Mapping[str, object], lang: str) -> str:
    """The period's stories for every ambition in `titles` (id -> {nl, en} title), empty ones to fill in."""
    commentary.bounds(period)
    lines = [f"<!-- monitor commentary: period={period} -->",
             f"# {i18n.t('story_title', lang)} · {period}", ""]
    for amb, title in titles.items():
        entry = commentary.latest(settings, amb, period)
        lines += [f"<!-- ambition={amb} version={entry.version if entry else 0} -->",
                  f"## {i18n.pick(title, lang)}", ""]
        if entry:
            lines += [f"_{i18n.t('story_by', lang, author=entry.author, when=entry.written_at[:10])}_", ""]
        for f, key in commentary.FIELD_LABELS.items():
            text = entry.texts.get(f, "") if entry else ""
            lines += [f"<!-- field={f} -->", f"### {i18n.t(key, lang)}", "", *([text, ""] if text else [])]
    return "\n".join(lines).rstrip() + "\n"


def parse(text: str, name: str) -> list[Block]:
    """The blocks of an exported file; FileError naming the line for anything out of place."""
    lines = text.splitlines()
    period = None
    blocks: list[Block] = []
    current: str | None = None
    skip_heading = False
    for n, line in enumerate(lines, start=1):
        if m := _PERIOD.match(line):
            period = m[1]
            try:
                commentary.bounds(period)
            except commentary.CommentaryError as exc:
                raise FileError(f"{name}:{n}: {exc}") from None
        elif m := _AMBITION.match(line):
            if period is None:
                raise FileError(f"{name}:{n}: an ambition before the period marker; export the file again "
                                "with `python -m monitor commentary export`")
            blocks.append(Block(m[1], period, int(m[2]), n))
            current = None
        elif m := _FIELD.match(line):
            if not blocks:
                raise FileError(f"{name}:{n}: a field before any ambition marker")
            if m[1] not in commentary.FIELDS:
                raise FileError(f"{name}:{n}: unknown field '{m[1]}' (the fields are "
                                f"{', '.join(commentary.FIELDS)})")
            current, skip_heading = m[1], True
            blocks[-1].texts[current] = ""
        elif current is not None:
            if skip_heading and line.startswith("### "):
                skip_heading = False
                continue
            skip_heading = skip_heading and not line.strip()
            blocks[-1].texts[current] += line + "\n"
    if period is None:
        raise FileError(f"{name}:1: no `<!-- monitor commentary: period=... -->` marker: not an exported "
                        "commentary file")
    for b in blocks:
        b.texts = {f: t.strip() for f, t in b.texts.items()}
    return blocks


@dataclass
class Outcome:
    saved: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def import_file(settings: Settings, path: Path, *, author: str, known: set[str]) -> Outcome:
    """Save every block whose text differs from the stored one; a conflict is reported, never forced."""
    out = Outcome()
    for b in parse(path.read_text(encoding="utf-8"), path.name):
        where = f"{path.name}:{b.line}: {b.ambition} {b.period}"
        current = commentary.latest(settings, b.ambition, b.period)
        stored = {f: (current.texts.get(f, "") if current else "") for f in commentary.FIELDS}
        if {f: b.texts.get(f, "") for f in commentary.FIELDS} == stored:
            out.unchanged.append(where)
            continue
        try:
            entry = commentary.save(settings, b.ambition, b.period, b.texts, author=author,
                                    expected=b.version, known=known, how="import")
        except commentary.Conflict as exc:
            out.conflicts.append(f"{where}: exported at version {b.version}, but version "
                                 f"{exc.current.version} by {exc.current.author} ({exc.current.written_at}) "
                                 "was saved since; export again and merge the texts")
            continue
        except commentary.CommentaryError as exc:
            raise FileError(f"{where}: {exc}") from None
        out.saved.append(f"{where}: version {entry.version}")
    return out
