"""Reads of the registry: tier summaries, plan progress, the district overview and the park report."""

from enterprises.basis import report_basis

from .cells import hide_small_cells
from .parks import (
    park_figures,
    park_report,
    report_parks,
    tenancies_ending,
    tenants_not_filed,
    tenants_not_filed_list,
)
from .places import district_overview, place_enterprises
from .plan_progress import plan_progress, target_records
from .tier_summary import (
    rd_intensity,
    tier_summary_compute,
    tier_summary_groups,
    tier_summary_latest,
    tier_summary_sql,
)
from .totals import report_years

__all__ = [
    "district_overview", "hide_small_cells", "park_figures", "park_report", "report_parks", "tenancies_ending",
    "tenants_not_filed", "tenants_not_filed_list", "place_enterprises", "plan_progress", "rd_intensity",
    "report_basis", "report_years",
    "target_records",
    "tier_summary_compute", "tier_summary_groups", "tier_summary_latest", "tier_summary_sql",
]
