"""Reads of the registry: tier summaries, plan progress, the district overview, the park report and the data
version the reports are cached under."""

from .cells import hide_small_cells
from .data_version import data_version
from .places import district_overview, park_report
from .plan_progress import plan_progress, target_records
from .tier_summary import (
    rd_intensity,
    tier_summary_compute,
    tier_summary_groups,
    tier_summary_latest,
    tier_summary_sql,
)

__all__ = [
    "data_version", "district_overview", "hide_small_cells", "park_report", "plan_progress", "rd_intensity",
    "target_records", "tier_summary_compute", "tier_summary_groups", "tier_summary_latest", "tier_summary_sql",
]
