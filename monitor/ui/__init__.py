"""The Streamlit frame: what pages use, and the only part of `monitor` that imports Streamlit.

- `frame`: the page context (`Ctx`, with its translator `ctx.t`), page setup, sidebar, language;
- `filters`: widgets bound to the URL (indicator, term, programme, view, area, period);
- `data`: what pages show, selected from the engine (scorecards, funnel, cohorts, areas);
- `cards`: the scorecard card pieces;
- `present`: tables, downloads, definitions, the catalogue, links;
- `split`: the "split by" filter, the groups' words and the split table (`dimensions:`);
- `workbench`: the workbench page's session state;
- `commentary`: the story behind the curve (reading, the editor's form); `changes`: the change log.

Pages import this package (and `monitor.charts`) only, never the data layers.
"""

from monitor.ui import gate, workbench
from monitor.ui.cards import (
    STATUS_ORDER,
    ambition_title,
    card_heading,
    card_numbers,
    card_outputs,
    card_projection,
    card_status_line,
    definition_note,
    figure_text,
    sparkline_label,
    sparkline_series,
    status_badge,
    status_counts,
)
from monitor.ui.changes import change_log
from monitor.ui.commentary import story, story_card
from monitor.ui.data import (
    at_period,
    cards,
    cohorts,
    events,
    explanation,
    file_problems,
    funnel,
    latest_by_stadsdeel,
    period_picker,
    periods,
    programme_cards,
    programme_chart_series,
    programme_description,
    programme_note,
    series,
    value_unit,
    wijk_map,
)
from monitor.ui.filters import (
    area_filter,
    indicator_picker,
    latest_areas,
    month_options,
    programme_picker,
    term_picker,
    url_choice,
    view_filters,
)
from monitor.ui.frame import HOME, PAGES_DIR, Ctx, fatal, page, page_access, page_files, page_slug
from monitor.ui.gate import audit_default_since, audit_table, date_input_format, download_logger
from monitor.ui.population import map_credit, peer_comparison, population_map, population_outcome
from monitor.ui.present import (
    catalogue_table,
    cohort_table,
    definition,
    description_text,
    display_table,
    downloads,
    extracts_table,
    indicator_facts,
    indicator_url,
    period_label,
    programme_title,
    styled_table,
    suppression_legend,
    timestamp,
    unit_text,
)
from monitor.ui.split import dimension_text, group_labels, group_text, split_filter, split_table

__all__ = [
    "HOME",
    "PAGES_DIR",
    "STATUS_ORDER",
    "Ctx",
    "ambition_title",
    "area_filter",
    "at_period",
    "audit_default_since",
    "audit_table",
    "card_heading",
    "card_numbers",
    "card_outputs",
    "card_projection",
    "card_status_line",
    "cards",
    "catalogue_table",
    "change_log",
    "cohort_table",
    "cohorts",
    "date_input_format",
    "definition",
    "definition_note",
    "description_text",
    "dimension_text",
    "display_table",
    "download_logger",
    "downloads",
    "events",
    "explanation",
    "extracts_table",
    "fatal",
    "figure_text",
    "file_problems",
    "funnel",
    "gate",
    "group_labels",
    "group_text",
    "indicator_facts",
    "indicator_picker",
    "indicator_url",
    "latest_areas",
    "latest_by_stadsdeel",
    # population outcomes (monitor/ui/population.py)
    "map_credit",
    "month_options",
    "page",
    "page_access",
    "page_files",
    "page_slug",
    "peer_comparison",
    "period_label",
    "period_picker",
    "periods",
    "population_map",
    "population_outcome",
    "programme_cards",
    "programme_chart_series",
    "programme_description",
    "programme_note",
    "programme_picker",
    "programme_title",
    "series",
    "sparkline_label",
    "sparkline_series",
    "split_filter",
    "split_table",
    "status_badge",
    "status_counts",
    "story",
    "story_card",
    "styled_table",
    "suppression_legend",
    "term_picker",
    "timestamp",
    "unit_text",
    "url_choice",
    "value_unit",
    "view_filters",
    "wijk_map",
    "workbench",
]
