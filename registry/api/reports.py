"""Endpoints of report runs and reports: tier summaries and tier candidates, in JSON, CSV and XLSX."""

from django.conf import settings
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException, NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response

from access.scoping import VIEW
from config.api.basis import ReportBasisSerializer  # noqa: F401 (the reports' basis, named here too)
from config.api.fields import ReportYearField
from config.api.pagination import Pagination
from config.api.renderers import REPORT_RENDERERS
from config.api.schema import CREATE_ERRORS, FILTER, PAGED, READ_ERRORS
from config.api.viewsets import ACTIONS, ScopedViewMixin
from enterprises.choices import LADDER
from enterprises.models import Enterprise
from enterprises.selectors import reporting_year, tier_candidates, tier_reference_date
from registry.filtersets import TierCandidateFilterSet, TierSummaryFilterSet
from registry.models import ReportRun, TierSummary
from registry.selectors import hide_small_cells, report_basis, tier_summary_latest
from registry.services import BrokerUnavailable, RunConflict, report_run_start

from .report_responses import report_dispatch, report_response
from .serializers import (
    ReportRunSerializer,
    ReportRunStartSerializer,
    TierCandidateSerializer,
    TierSummaryRowSerializer,
)


class ServiceUnavailable(APIException):
    """503: the job queue cannot take the run now."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The job queue is unavailable; the run was not started. Reports still answer; try again later.")
    default_code = "broker_unavailable"


class RunConflictError(APIException):
    """409: a run of this year is already under way."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "run_active"


def run_conflict_detail(*, run: ReportRun, request) -> dict:
    """The answer to a run started while one of its year is pending or running (the API's 409, the report centre's
    message): what it says, and the active run's address."""
    address = request.build_absolute_uri(reverse("api:reportrun-detail", args=[run.pk]))
    return {"detail": _("A run of this year is already %(status)s: %(url)s") % {
        "status": run.get_status_display(), "url": address}, "run": address}


class ReportRunViewSet(ScopedViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Runs of the tier-summary job: bureau staff start one for a year (202 with its address) and poll it."""

    error_responses = {**READ_ERRORS, **CREATE_ERRORS}

    queryset = ReportRun.objects.select_related("started_by")
    serializer_class = ReportRunSerializer
    filterset_fields = ["kind", "year", "status"]
    ordering_fields = ["created", "year"]

    @property
    def scope_action(self) -> str:
        """View, or add for starting a run (what ScopedPermission checks)."""
        return ACTIONS.get(self.action, VIEW)

    @extend_schema(request=ReportRunStartSerializer, responses={
        202: ReportRunSerializer,
        409: OpenApiResponse(description="A run of this year is already pending or running (its address given)."),
        503: OpenApiResponse(description="The job queue (broker) is unavailable; the run is recorded as failed."),
    })
    def create(self, request, *args, **kwargs):
        """Start the tier summary of a year: the run is written pending, then its task is sent."""
        body = ReportRunStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            run = report_run_start(user=request.user, **body.validated_data)
        except RunConflict as conflict:
            raise RunConflictError(run_conflict_detail(run=conflict.run, request=request)) from None
        except BrokerUnavailable:
            raise ServiceUnavailable() from None
        data = self.get_serializer(run).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": str(data["url"])})


class ReportPagination(Pagination):
    """The reports' pages: the page's envelope with the report's basis beside it (as every report answers)."""

    def get_paginated_response_schema(self, schema):
        """The page's schema, with the basis."""
        paged = super().get_paginated_response_schema(schema)
        paged["properties"] = {"basis": BASIS_SCHEMA, **paged["properties"]}
        paged["required"] = ["basis", *paged.get("required", [])]
        return paged


BASIS_SCHEMA = {
    "type": "object",
    "required": ["year", "year_chosen", "as_of", "rule_set", "rule_set_name", "money_unit", "data_version"],
    "description": "What the answer is: its year (and whether it is the default reporting year or the one asked "
                   "for), the date its dated figures are read on, the tier rule set, the money unit and the data "
                   "version its figures were read at.",
    "properties": {
        "year": {"type": "integer"}, "year_chosen": {"type": "string", "enum": ["default", "asked"]},
        "as_of": {"type": "string", "format": "date"}, "rule_set": {"type": "string"},
        "rule_set_name": {"type": "string"}, "money_unit": {"type": "string"}, "data_version": {"type": "integer"},
    },
}


@method_decorator(report_dispatch, name="dispatch")  # reads in a snapshot of its own, not the request transaction
class ReportView(ScopedViewMixin, ListAPIView):
    """Base of the reports: JSON by default, `?format=csv` or `?format=xlsx` for the same rows as a table; every
    answer carries its `basis` (set by `get_queryset`)."""

    error_responses = {"get": (FILTER, PAGED)}

    renderer_classes = REPORT_RENDERERS
    pagination_class = ReportPagination
    report_columns: list[tuple[str, str, str]] = []
    report_name = "report"
    report_title = "报表"  # the Chinese name of the sheet and the file
    basis: dict

    def list(self, request, *args, **kwargs):
        """The rows (a page of them in JSON) under the report's basis: {basis, count, [next, previous,] results}."""
        response = super().list(request, *args, **kwargs)
        data = response.data
        if isinstance(data, list):
            data = {"count": len(data), "results": data}
        response.data = {"basis": self.basis, **data}
        return response

    @property
    def paginator(self):
        """Tables hold every row; JSON pages."""
        if self.request.accepted_renderer.format in ("csv", "xlsx"):
            return None
        return super().paginator

    @report_response
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)


class YearSerializer(serializers.Serializer):
    """The year a report is for."""

    year = ReportYearField(required=False)


SUMMARY_COLUMNS = [
    ("year", "年度", "int"), ("level", "层级", "text"), ("district_code", "区划代码", "text"),
    ("district_name", "区", "text"), ("park_name", "园区", "text"), ("tier_name", "梯度", "text"),
    ("enterprises", "企业数", "int"), ("filed", "已审核年报企业数", "int"), ("designated", "已认定企业数", "int"),
    ("candidates", "符合条件未认定企业数", "int"), ("due_for_review", "待复核企业数", "int"),
    ("declared", "本年度批次已申报（件）", "int"), ("in_review", "审核或公示中（件）", "int"),
    ("reporting", "金额合计涉及企业数", "int"),
    ("revenue", "营业收入（万元）", "decimal"), ("digital_human_revenue", "数字人业务收入（万元）", "decimal"),
    ("rd_expense", "研发费用（万元）", "decimal"), ("rd_intensity", "研发强度（%）", "decimal"),
]


SUMMARY_MONEY = ("revenue", "digital_human_revenue", "rd_expense", "rd_intensity")


class TierSummaryReportView(ReportView):
    """The tier summary of a year (default the reporting year) from its latest snapshot: per city, district and
    park, per tier."""

    queryset = TierSummary.objects.select_related("district", "park")
    serializer_class = TierSummaryRowSerializer
    filterset_class = TierSummaryFilterSet
    ordering_fields = ["level", "tier", "enterprises", "revenue"]
    report_columns = SUMMARY_COLUMNS
    report_name = "tier-summary"
    report_title = "专精特新梯度汇总"

    def get_queryset(self):
        query = YearSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year")
        self.run = tier_summary_latest(year=year)
        if self.run is None:
            raise NotFound(_("No tier summary has been computed for this year yet; start a run."))
        self.basis = report_basis(
            year=self.run.year, default=year is None, as_of=self.run.as_of or tier_reference_date(self.run.year),
            rule_set=self.run.applied_rule_set or self.run.rule_set)
        return super().get_queryset().filter(run=self.run)

    def list(self, request, *args, **kwargs):
        """The snapshot's rows (money of small cells hidden outside the bureau), its year and run, under the basis."""
        response = super().list(request, *args, **kwargs)
        hide_small_cells(rows=response.data["results"], user=request.user, count="reporting", money=SUMMARY_MONEY)
        response.data = {"basis": response.data.pop("basis"), "year": self.run.year, "run": ReportRunSerializer(
            self.run, context={"request": request}).data, **response.data}
        return response


CANDIDATE_COLUMNS = [
    ("credit_code", "统一社会信用代码", "text"), ("name", "企业名称", "text"), ("district_name", "区", "text"),
    ("park_name", "园区", "text"), ("candidate_tier_names", "符合条件未认定的梯度", "text"),
    ("revenue", "营业收入（万元）", "decimal"), ("rd_expense", "研发费用（万元）", "decimal"),
    ("rd_intensity", "研发强度（%）", "decimal"),
]


class TierCandidateReportView(ReportView):
    """Enterprises whose approved figures of a year (default the reporting year) meet a tier's criteria while they
    hold neither it nor a higher tier, live from the records (the year's default rule set)."""

    queryset = Enterprise.objects.all()
    serializer_class = TierCandidateSerializer
    filterset_class = TierCandidateFilterSet
    report_columns = CANDIDATE_COLUMNS
    report_name = "tier-candidates"
    report_title = "符合条件未认定企业"
    ordering_fields = ["name", "revenue"]
    ordering = ["name"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's generation: the population's columns, unread
            return tier_candidates(year=settings.REPORT_DATE_MIN.year, user=self.request.user)
        query = YearSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year") or reporting_year()
        self.basis = report_basis(year=year, as_of=tier_reference_date(year),
                                  default="year" not in query.validated_data)
        tiers = [self.request.query_params["tier"]] if self.request.query_params.get("tier") in LADDER else LADDER
        return tier_candidates(year=year, tiers=tiers, user=self.request.user)
