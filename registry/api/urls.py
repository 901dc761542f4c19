"""Routes of the registry API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .compliance import ComplianceGapReportView
from .declarations import DeclarationPipelineReportView
from .overview import DistrictOverviewReportView, PlanProgressReportView, PlanTargetRecordsView
from .park_report import ParkReportView, ParkTenanciesEndingView, ParkTenantsNotFiledView
from .plan_board import PlanBoardReportView, SupportFundReportView
from .reports import ReportRunViewSet, TierCandidateReportView, TierSummaryReportView
from .transfers import ExportStreamView, ExportViewSet, ImportTemplateView, ImportViewSet
from .views import (
    BenchmarkProjectViewSet,
    LabViewSet,
    PlanTargetViewSet,
    PlanTaskViewSet,
    PlatformViewSet,
    PublicBenchmarkProjectViewSet,
    PublicPlatformViewSet,
    SupportAwardViewSet,
    SupportPolicyViewSet,
)

router = SimpleRouter()
router.register("labs", LabViewSet)
router.register("platforms", PlatformViewSet)
router.register("benchmark-projects", BenchmarkProjectViewSet)
router.register("plan-targets", PlanTargetViewSet)
router.register("plan-tasks", PlanTaskViewSet)
router.register("support-policies", SupportPolicyViewSet)
router.register("support-awards", SupportAwardViewSet)
router.register("directory/platforms", PublicPlatformViewSet, basename="public-platform")
router.register("directory/benchmark-projects", PublicBenchmarkProjectViewSet, basename="public-benchmarkproject")
router.register("report-runs", ReportRunViewSet)
router.register("imports", ImportViewSet, basename="import")
router.register("exports", ExportViewSet, basename="export")
extra_urlpatterns = [  # routes beyond the router's
    path("reports/tier-summary/", TierSummaryReportView.as_view(), name="report-tier-summary"),
    path("reports/tier-candidates/", TierCandidateReportView.as_view(), name="report-tier-candidates"),
    path("reports/plan-progress/", PlanProgressReportView.as_view(), name="report-plan-progress"),
    path("reports/plan-progress/<slug:code>/records/", PlanTargetRecordsView.as_view(),
         name="report-plan-progress-records"),
    path("reports/plan-board/", PlanBoardReportView.as_view(), name="report-plan-board"),
    path("reports/support-funds/", SupportFundReportView.as_view(), name="report-support-funds"),
    path("reports/districts/", DistrictOverviewReportView.as_view(), name="report-districts"),
    path("reports/declarations/", DeclarationPipelineReportView.as_view(), name="report-declarations"),
    path("reports/parks/", ParkReportView.as_view(), name="report-parks"),
    path("reports/parks/<int:park>/tenancies-ending/", ParkTenanciesEndingView.as_view(),
         name="report-park-tenancies-ending"),
    path("reports/parks/<int:park>/tenants-not-filed/", ParkTenantsNotFiledView.as_view(),
         name="report-park-tenants-not-filed"),
    path("imports/templates/<str:kind>/", ImportTemplateView.as_view(), name="import-template"),
    path("exports/csv/<str:subject>/", ExportStreamView.as_view(), name="export-csv"),
    path("reports/compliance-gaps/", ComplianceGapReportView.as_view(), name="report-compliance-gaps"),
]
