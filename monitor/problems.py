"""Line-numbered problems in the files people write: programme.yaml and query front matter.

Both are YAML written by hand, so both are read the same way: `read_yaml` keeps the
file line of every key (a dotted path such as `ambitions[0].targets[1].year`), a
`Problem` prints as `file:line: message` (the form editors and CI jump to), and
`did_you_mean` suggests the closest allowed word. A `Collector` gathers every
problem of one file, so the author fixes them in one pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def display_path(path: Path) -> str:
    """`queries/x.sql`: relative to the working directory, else from a `queries` folder, else parent/name."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        pass
    parts = path.parts
    if "queries" in parts[:-1]:
        start = len(parts) - 1 - parts[::-1][1:].index("queries") - 1
        return "/".join(parts[start:])
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


@dataclass(frozen=True)
class Problem:
    """One problem in one file: `file:line: message` (`file: message` without a line)."""

    path: Path
    line: int | None
    message: str
    # how the message names the file (default: `display_path`)
    name: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = (self.name or display_path(self.path)) + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}"


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the closest option, or nothing when none is close."""
    match = difflib.get_close_matches(word, [str(o) for o in options], n=1)
    return f" (did you mean '{match[0]}'?)" if match else ""


# ---------------------------------------------------------------- YAML with line numbers


class YamlSyntaxError(Exception):
    """The text is not YAML; `line` is the file line where the parser noticed."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.reason = line, reason


@dataclass
class LinedYaml:
    """Plain Python values, the file line of every path, and keys given twice."""

    data: Any
    lines: dict[str, int]  # "" (the root), "kind", "ambitions[0].term", ... -> file line
    duplicates: list[tuple[str, int, int]]  # (path, line, line of the first occurrence)


_SAFE = yaml.SafeLoader("")  # only its constructors are used, to turn scalar nodes into values


def read_yaml(text: str, first_line: int = 1) -> LinedYaml:
    """Parse `text`, whose first line is line `first_line` of its file; raises YamlSyntaxError.

    Values are what `yaml.safe_load` gives, except that a scalar YAML cannot construct
    (a date such as 2026-13-01) stays text, so the caller reports it with its line.
    """
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = exc.problem or exc.context or "invalid YAML"
        if exc.problem and exc.context:
            reason = f"{exc.problem} ({exc.context})"
        raise YamlSyntaxError(first_line + (mark.line if mark else 0), reason) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(first_line, str(exc)) from None
    out = LinedYaml(None, {}, [])
    if root is not None:
        out.data = _to_python(root, "", out, first_line, ())
    return out


def _to_python(node: yaml.Node, path: str, out: LinedYaml, first: int, stack: tuple[int, ...]) -> Any:
    out.lines.setdefault(path, first + node.start_mark.line)
    if id(node) in stack:  # a recursive alias (&a [*a]): cut the loop
        return None
    stack = (*stack, id(node))
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            child = join(path, key)
            line = first + key_node.start_mark.line
            if key in mapping:
                out.duplicates.append((child, line, out.lines[child]))
            else:
                out.lines[child] = line
            mapping[key] = _to_python(value_node, child, out, first, stack)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, f"{path}[{i}]", out, first, stack) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return str(node.value)
    try:
        return _SAFE.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        return node.value


def join(path: str, key: Any) -> str:
    """The dotted path of `key` below `path`."""
    return f"{path}.{key}" if path else str(key)


class Collector:
    """Collects the problems of one file, each at the line of the nearest path that has one.

    `show_path` puts the path in front of the message (`ambitions[0].term: ...`): for nested
    files where the key alone does not say where.
    """

    def __init__(self, path: Path, lines: dict[str, int], *, first_line: int = 1, name: str | None = None,
                 show_path: bool = False) -> None:
        self.path, self.lines, self.first_line = path, lines, first_line
        self.name, self.show_path = name, show_path
        self.problems: list[Problem] = []

    def line(self, path: str | None) -> int:
        while path and path not in self.lines:
            path = path.rsplit(".", 1)[0] if "." in path else (path.rsplit("[", 1)[0] if "[" in path else "")
        return self.lines.get(path, self.first_line)

    def add(self, path: str | None, message: str, line: int | None = None) -> None:
        if self.show_path and path:
            message = f"{path}: {message}"
        self.problems.append(Problem(self.path, line or self.line(path), message, self.name))

    def duplicates(self, found: list[tuple[str, int, int]]) -> None:
        for path, line, first in found:
            key = path.rsplit(".", 1)[-1]
            self.add(path, f"key '{key}' is given twice (also on line {first}); keep one", line)
