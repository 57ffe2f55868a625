"""Indicator query files: the model, the front matter, the registry and the result contract.

An indicator is one file `queries/<id>.sql` that starts with a `/*--- ... ---*/`
YAML block (queries/README.md). The registry parses every
file it finds; a broken file becomes a problem naming the file, the line and the
fix, and every other file still loads.
"""

from monitor.indicators.contract import (
    check_queries,
    compute,
    compute_batches,
    result_columns,
    undeclared_sources,
)
from monitor.indicators.frontmatter import parse_file, parse_text, template
from monitor.indicators.model import (
    DIRECTIONS,
    ID_PATTERN,
    KEYS,
    KINDS,
    MEASURES,
    SHAPES,
    Indicator,
    IndicatorError,
    IndicatorProblem,
)
from monitor.indicators.registry import Registry, load_registry, query_files, registry_cached

__all__ = [
    "DIRECTIONS", "ID_PATTERN", "KEYS", "KINDS", "MEASURES", "SHAPES", "Indicator", "IndicatorError",
    "IndicatorProblem", "Registry", "check_queries", "compute", "compute_batches", "load_registry",
    "parse_file", "parse_text",
    "query_files", "registry_cached", "result_columns", "template", "undeclared_sources",
]
