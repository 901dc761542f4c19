"""Routes of the bureau's pages: the dashboard and the report centre."""

from django.urls import path

from . import declaration_report_views, plan_board_views, report_list_views, report_views, tier_report_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # The report centre (registry/report_views.py).
    path("reports/", report_views.report_index, name="report-index"),
    path("reports/districts/", report_views.district_report, name="report-districts"),
    path("reports/parks/", report_views.park_report_page, name="report-parks"),
    path("reports/parks/<int:park>/<slug:kind>/", report_views.park_list_page, name="report-park-list"),
    path("reports/plan-progress/", report_views.plan_report, name="report-plan"),
    path("reports/plan-progress/<slug:code>/", report_views.plan_records, name="report-plan-records"),
    path("reports/plan-board/", plan_board_views.plan_board_page, name="report-plan-board"),
    path("reports/support-funds/", plan_board_views.support_funds_page, name="report-support-funds"),
    path("reports/support-funds/awards/", report_list_views.support_awards_page, name="report-support-awards"),
    path("reports/compliance-gaps/", report_list_views.compliance_gaps_page, name="report-compliance-gaps"),
    path("reports/tier-summary/", tier_report_views.tier_summary_report, name="report-tier-summary"),
    path("reports/tier-summary/runs/", tier_report_views.run_start, name="report-run-start"),
    path("reports/tier-summary/runs/<int:pk>/", tier_report_views.run_panel, name="report-run-panel"),
    path("reports/tier-candidates/", tier_report_views.tier_candidates_report, name="report-tier-candidates"),
    path("reports/enterprises/", report_views.place_enterprises_page, name="report-enterprises"),
    path("reports/declarations/", declaration_report_views.declaration_pipeline_page, name="report-declarations"),
    path("reports/declarations/enterprises/", declaration_report_views.pipeline_declarations_page,
         name="report-declarations-enterprises"),
]
