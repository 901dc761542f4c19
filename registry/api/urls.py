"""Routes of the registry API."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .overview import DistrictOverviewReportView, ParkReportView, PlanProgressReportView, PlanTargetRecordsView
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
    path("reports/parks/", ParkReportView.as_view(), name="report-parks"),
    path("imports/templates/<str:kind>/", ImportTemplateView.as_view(), name="import-template"),
    path("exports/csv/<str:subject>/", ExportStreamView.as_view(), name="export-csv"),
]
